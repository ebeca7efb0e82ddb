"""Decide: when would the answer flip, which input matters most, how predictable is the bill."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import app_results
import app_state
from analysis.decision.breakdowns import budget_table
from analysis.present import plots
from analysis.present.formatting import money
from analysis.present.narrative import hybrid_summary, tornado_text
from analysis.present.tables import breakeven_rows, budget_rows

CONFIG = {"displaylogo": False}
SOBOL_SAMPLES, SOBOL_TRIALS = 32, 1_000

state = app_state.inputs()
result = app_state.result(state)
scenario = result.scenario
currency = scenario.currency
st.title("Decide")
app_results.stale_warning(state)
app_results.heading(state, result)

st.subheader("When would the answer flip?")
st.markdown(
    "The value of each input at which both options are expected to cost the same, every other "
    "input as it is; ± is the Monte Carlo standard error of the break-even. Break-evens and "
    f"the tornado use at most {app_state.DECISION_TRIALS:,} trials per run, on the same seed."
)
flips = app_state.breakeven_table(state)
rows = breakeven_rows(flips, currency)
st.dataframe(
    pd.DataFrame(rows, columns=["Input", "Now", "Break-even", "What it means"]),
    hide_index=True,
)

st.subheader("Which input matters most?")
swings = app_state.tornado(state)
st.markdown(tornado_text(swings, currency))
st.plotly_chart(plots.tornado(swings, currency), config=CONFIG)
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
whose = (
    ""
    if given is not None
    else (
        " (the managed contract's fee, which managed services exceed whenever anything beyond "
        "it is paid: onboarding, out-of-scope work, parts; set your own on the Calculator)"
    )
)
st.markdown(
    "IT spend month by month: bills, contract fees and parts (not downtime or security "
    f"losses). The budget is {money(scenario.it_budget, currency)} a year{whose}.".replace(
        "$", "\\$"
    )
)
st.dataframe(
    pd.DataFrame(
        budget_rows(budget, currency),
        columns=[
            "Model",
            "Mean month",
            "Spread (sd)",
            "Worst month (P95)",
            "Chance a year is over budget",
        ],
    ),
    hide_index=True,
)
st.plotly_chart(plots.monthly_spend(monthly), config=CONFIG)

st.subheader("Managed care for critical systems only?")
hybrid = hybrid_summary(result)
if hybrid:
    st.markdown(hybrid)
else:
    st.info(
        "Add a hybrid contract on the Calculator (Hybrid contract, SLA credits and budget): "
        "managed care for the tiers you choose, break-fix for the rest. Its results then appear "
        "here and next to the other two models."
    )
