"""Deep dive: how bad a year can get, the savings, downtime, each tier, and every trial."""

from __future__ import annotations

import streamlit as st

import app_results
import app_state
from analysis.decision.breakdowns import TIER_QUANTITIES
from analysis.defaults import SHORT_MODEL_NAMES
from analysis.files import slugify
from analysis.present import plots
from analysis.present.formatting import money, simulated_periods

SHOWN_ROWS = 1_000
CONFIG = {"displaylogo": False}

state = app_state.inputs()
result = app_state.result(state)
scenario = result.scenario
st.title("Deep dive")
app_results.stale_warning(state)
app_results.heading(state, result)

st.plotly_chart(plots.loss_exceedance(result), config=CONFIG)
st.caption(
    "Read across from an amount to the chance of a year costing more than that. The gap "
    "between the curves at the bottom is the protection against rare, very expensive years."
)
left, right = st.columns(2)
with left:
    st.plotly_chart(plots.savings_distribution(result), config=CONFIG)
with right:
    st.plotly_chart(plots.downtime_hours(result), config=CONFIG)

st.subheader("Incident tiers")
tiers = app_state.tiers(state)
st.plotly_chart(plots.tier_costs(tiers, scenario.currency), config=CONFIG)
names = {"incidents": "incidents", "downtime_hours": "downtime hours",
         "support": "support bills", "downtime": "downtime cost"}  # fmt: skip
table = tiers.copy()
models = SHORT_MODEL_NAMES
table.columns = [f"{models[model]}: {names[quantity]}" for model, quantity in table.columns]
table.index.name = "tier"
money_columns = [c for c in table.columns if c.endswith(("bills", "cost"))]
st.dataframe(
    table.style.format("{:,.1f}").format(lambda v: money(v, scenario.currency), money_columns)
)
st.caption(
    f"Means per simulated {simulated_periods(scenario.horizon.years)[:-1]}. Each tier is "
    "simulated on its own random draws, so the tiers add up exactly to the incident-driven "
    "part of the totals; fixed fees, SLA credits and security events belong to no tier. "
    "Quantities: " + ", ".join(names[q] for q in TIER_QUANTITIES) + "."
)

st.subheader("Every trial")
trials = result.trials
formats = {
    column: st.column_config.NumberColumn(format="%.1f" if column.endswith("hours") else "%.0f")
    for column in trials.columns
}
st.dataframe(trials.head(SHOWN_ROWS), column_config=formats)
st.caption(
    f"The first {min(SHOWN_ROWS, len(trials)):,} of {len(trials):,} trials, one simulated "
    f"{simulated_periods(scenario.horizon.years)[:-1]} per row, in {scenario.currency}. The "
    "download has them all."
)
st.download_button(
    "Download all trials (CSV)",
    data=lambda: trials.to_csv(index_label="trial").encode(),
    file_name=f"{slugify(scenario.name)}-trials-{state.trials}-seed{state.seed}.csv",
    mime="text/csv",
    on_click="ignore",
    icon=":material/download:",
)
