"""Calculator: the inputs an owner knows, and the answer."""

from __future__ import annotations

import streamlit as st

import app_inputs
import app_results
import app_state
from analysis.present import plots

state = app_state.inputs()
st.title("Break-fix or managed IT support?")
inputs_column, results_column = st.columns([1, 2], gap="large")
with inputs_column:
    app_inputs.render(state)
with results_column:
    result = app_state.result(state)
    app_results.stale_warning(state)
    app_results.heading(state, result)
    app_results.cards(result)
    app_results.verdict_box(state, result)
    st.plotly_chart(plots.cost_distribution(result), config={"displaylogo": False})
    st.plotly_chart(plots.cost_breakdown(result), config={"displaylogo": False})
