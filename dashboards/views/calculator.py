"""Calculator: the inputs an owner knows, and the answer for every option."""

from __future__ import annotations

import streamlit as st

import app_inputs
import app_results
import app_state
from analysis.present import plots

state = app_state.inputs()
st.title("Which way to pay for IT support?")
inputs_column, results_column = st.columns([1, 2], gap="large")
with inputs_column:
    app_inputs.render(state)
with results_column:
    result = app_state.result(state)  # one result: every figure below comes from it
    summary = app_results.decision(result)
    app_results.stale_warning(state)
    app_results.heading(state, result)
    app_results.cards(result, summary)
    app_results.verdict_box(result, summary)
    st.markdown("**Every option side by side**")
    app_results.comparison_table(result, summary)
    app_results.guard_rails(result, summary)
    st.plotly_chart(plots.totals_by_option(result), config={"displaylogo": False})
    st.plotly_chart(plots.cost_distribution(result), config={"displaylogo": False})
