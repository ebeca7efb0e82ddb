"""Decide: when would the answer flip, which input matters most, how predictable is the bill."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import app_results
import app_state
from analysis.decision.breakdowns import budget_table
from analysis.present import plots
from analysis.present.formatting import money
from analysis.present.narrative import option_title, tornado_text
from analysis.present.tables import breakeven_rows, budget_header, budget_rows
from app_state import plain

CONFIG = {"displaylogo": False}
SOBOL_SAMPLES, SOBOL_TRIALS = 32, 1_000
BREAKEVEN_HEADER = ["Option", "Input", "Now", "Break-even", "What it means"]

state = app_state.inputs()
result = app_state.result(state)
scenario = result.scenario
currency = scenario.currency
st.title("Decide")
app_results.stale_warning(state)
app_results.heading(state, result)

st.subheader("When would the answer flip?")
st.markdown(
    "The fee of each managed option at which it is expected to cost the same as the baseline, "
    "every other input as it is. It is exact on the same simulated incidents as the cards "
    "(the fee only prices them); ± is the Monte Carlo standard error of the break-even."
)
flips = app_state.breakeven_table(result)
st.dataframe(
    pd.DataFrame(breakeven_rows(flips, currency), columns=BREAKEVEN_HEADER), hide_index=True
)

st.subheader("Which input matters most?")
swings = app_state.tornado(state)
option = swings.attrs.get("option")
title = option_title(scenario, option) if option in scenario.options else ""
st.markdown(
    f"Each input moved from half to one and a half times its value, the others as they are, "
    f"at {app_state.decision_trials(state):,} trials per run on the same seed. "
    + tornado_text(swings, currency, title)
)
st.plotly_chart(plots.tornado(swings, currency, title), config=CONFIG)
with st.expander("Global sensitivity: Sobol indices"):
    st.markdown(
        "Every input varies at once, each uniformly from half to one and a half times its "
        "value: the share of the uncertainty in expected savings that each explains, alone "
        "(first order) and with its interactions (total). "
        f"{SOBOL_SAMPLES} x (inputs + 2) simulations of {SOBOL_TRIALS:,} trials: about a "
        "minute. `itcost sensitivity --sobol` runs more."
    )
    if st.button("Compute the Sobol indices"):
        st.session_state["itcost_sobol"] = app_state.sobol(state, SOBOL_SAMPLES, SOBOL_TRIALS)
    indices = st.session_state.get("itcost_sobol")
    if indices is not None and indices[0] == (scenario.sha256, state.seed):
        st.plotly_chart(plots.sobol_indices(indices[1]), config=CONFIG)

st.subheader("How predictable is the IT bill?")
monthly = app_state.monthly_result(state)
budget = budget_table(monthly)
given = scenario.budget.annual_it_spend if scenario.budget else None
if given is None:
    against = (
        "No budget is set, so there is no chance of exceeding one: set one on the Calculator "
        "(Hardware parts, security events and budget)."
    )
else:
    against = f"The budget is {money(given, currency)} a year."
st.markdown(
    plain(
        "IT spend month by month: bills, contract fees and parts (not downtime or security "
        f"losses), from {monthly.n_trials:,} simulated years. {against}"
    )
)
st.dataframe(
    pd.DataFrame(budget_rows(budget, currency, scenario), columns=list(budget_header(scenario))),
    hide_index=True,
)
st.plotly_chart(plots.monthly_spend(monthly), config=CONFIG)
