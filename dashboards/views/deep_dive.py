"""Deep dive: how bad a year can get, the savings, downtime, each tier, and every trial."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import app_results
import app_state
from analysis.files import slugify
from analysis.present import plots
from analysis.present.formatting import simulated_periods
from analysis.present.tables import TIER_HEADER, tier_rows

SHOWN_ROWS = 1_000
CONFIG = {"displaylogo": False}

state = app_state.inputs()
result = app_state.result(state)  # one result: every figure below comes from it
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
    st.plotly_chart(plots.savings_distributions(result), config=CONFIG)
with right:
    st.plotly_chart(plots.downtime_hours(result), config=CONFIG)

st.subheader("Incident tiers")
tiers = app_state.tiers(result)
st.plotly_chart(plots.tier_costs(tiers, scenario), config=CONFIG)
st.dataframe(
    pd.DataFrame(tier_rows(tiers, scenario.currency, scenario), columns=list(TIER_HEADER)),
    hide_index=True,
)
st.caption(
    f"Means per simulated {simulated_periods(scenario.horizon.years)[:-1]}, from the same "
    "simulation as the totals: each tier's lost operating hours and downtime add up to the "
    "option's. Fixed fees, SLA credits, parts and security events belong to no tier."
)

st.subheader("Every trial")
trials = result.trials
formats = {
    column: st.column_config.NumberColumn(
        format="%.1f" if column.endswith(("hours", "incidents")) else "%.0f"
    )
    for column in trials.columns
}
st.dataframe(trials.head(SHOWN_ROWS), column_config=formats)
st.caption(
    f"The first {min(SHOWN_ROWS, len(trials)):,} of {len(trials):,} trials, one simulated "
    f"{simulated_periods(scenario.horizon.years)[:-1]} per row, in {scenario.currency}: "
    "`<option>.it_spend`, `.downtime`, `.security`, `.total`, `.incidents`, `.downtime_hours` "
    "(lost operating hours), and `savings.<option>` against the baseline. The download has "
    "them all."
)
st.download_button(
    "Download all trials (CSV)",
    data=lambda: trials.to_csv(index_label="trial").encode(),
    file_name=f"{slugify(scenario.name)}-trials-{result.n_trials}-seed{result.seed}.csv",
    mime="text/csv",
    on_click="ignore",
    icon=":material/download:",
)
