"""Assumptions & sources: the model in plain words, each input's source, every reference."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import analysis
import app_state
from analysis.present.narrative import METHOD
from analysis.present.tables import inputs_table
from analysis.scenario.paths import value_at
from analysis.scenario.presets import field_sources, sources_for

state = app_state.inputs()
scenario = state.scenario
st.title("Assumptions & sources")

st.subheader("The model in plain words")
st.markdown(METHOD)
st.markdown(
    "Amounts and durations that vary from incident to incident are given by their median and "
    "90th percentile (p90): half of the cases are below the median, one in ten above the p90."
)

st.subheader("Your inputs and where they come from")
preset = analysis.load_scenario(state.preset).to_dict()
current = scenario.to_dict()
cited = field_sources(state.preset)


rows = []
for label, value, path in inputs_table(scenario):
    same = value_at(preset, path) == value_at(current, path)
    source = ", ".join(sources_for(cited, path)) if same else "your input"
    rows.append({"Input": label, "Value": value, "Source": source or "itcost default",
                 "Field": path})  # fmt: skip
st.dataframe(pd.DataFrame(rows), hide_index=True)
st.caption(
    f"Sources are those of the {state.preset} preset; values you changed say “your input”. "
    "The ids refer to the table below."
)

st.subheader("Sources")
references = pd.DataFrame(analysis.references())
published = references["publisher"] != "itcost"
columns = {
    "id": st.column_config.TextColumn("Id"),
    "title": st.column_config.TextColumn("Title", width="medium"),
    "publisher": st.column_config.TextColumn("Publisher"),
    "year": st.column_config.NumberColumn("Year", format="%d"),
    "url": st.column_config.LinkColumn("Link"),
    "figure": st.column_config.TextColumn("Figure", width="large"),
    "used_for": st.column_config.TextColumn("Used for", width="large"),
}
order = list(columns)
st.markdown("**Published figures**")
st.dataframe(references[published], hide_index=True, column_config=columns, column_order=order)
st.markdown(
    "**Our own assumptions**, where no published figure fits a small business: each states "
    "its reasoning. Where you know your own figures, use them."
)
st.dataframe(
    references[~published], hide_index=True, column_config=columns,
    column_order=[c for c in order if c != "url"],
)  # fmt: skip
