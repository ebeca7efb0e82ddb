"""The sidebar on every page: start from a preset, save or load the scenario, set precision."""

from __future__ import annotations

from typing import Any

import streamlit as st

import analysis
from analysis.files import slugify
from app_state import (
    DEFAULT_SEED,
    MAX_SEED,
    TRIAL_CHOICES,
    Inputs,
    default_trials,
    plain,
    work_problem,
)

_UPLOAD_KEY = "itcost_upload"


def presets() -> dict[str, str]:
    """The presets the app offers, with their descriptions: those that load (a preset file
    that does not is left out, not allowed to stop the app)."""
    offered = {}
    for name in analysis.preset_names():
        try:
            offered[name] = analysis.load_scenario(name).description
        except analysis.ScenarioError:
            continue
    return offered


def _choose_preset(state: Inputs) -> None:
    name = st.session_state["itcost_preset"]
    state.preset = name
    state.start_from(analysis.load_scenario(name), f"preset {name}")


def _reset(state: Inputs) -> None:
    state.start_from(analysis.load_scenario(state.preset), f"preset {state.preset}")


def _upload(state: Inputs) -> None:
    uploaded = st.session_state.get(_UPLOAD_KEY)
    if uploaded is None:
        return
    try:
        text = uploaded.getvalue().decode("utf-8")
        scenario = analysis.load_scenario_text(text, uploaded.name)
    except UnicodeDecodeError:
        state.messages.append(("error", f"{uploaded.name}: not a text file (UTF-8 YAML)"))
        return
    except analysis.ScenarioError as error:
        state.messages.append(("error", f"Not loaded: {error}"))
        return
    if problem := work_problem(scenario, state.chosen_trials or default_trials(scenario)):
        state.messages.append(("error", f"Not loaded: {uploaded.name}: {problem}"))
        return
    state.start_from(scenario, f"file {uploaded.name}")
    state.messages.append(("success", f"Loaded {uploaded.name}: {scenario.name}"))


def _set_precision(state: Inputs) -> None:
    trials = st.session_state["itcost_trials"]
    if problem := work_problem(state.scenario, trials):
        state.messages.append(("error", f"Trials: {problem}."))
        st.session_state["itcost_trials"] = state.trials  # the slider back where it was
    else:
        state.choose_trials(trials)
    seed = st.session_state["itcost_seed"]
    state.seed = int(seed) if seed is not None else DEFAULT_SEED


def render(state: Inputs) -> Any:
    """Draw the sidebar; its callbacks change ``state`` before the page runs.

    Returns the place for the scenario download, which :func:`download` fills once the page
    has run: the page may change the scenario, and the file must hold the latest one.
    """
    with st.sidebar:
        descriptions = presets()
        names = list(descriptions)
        st.selectbox(
            "Start from a business like yours",
            names,
            index=names.index(state.preset),
            format_func=lambda name: f"{name}: {descriptions[name]}",
            key="itcost_preset",
            on_change=_choose_preset,
            args=(state,),
            help="A preset fills every input with typical figures for that kind of business "
            "(sources on the Assumptions & sources page). Then change what you know.",
        )
        st.caption(plain(f"Inputs start from the {state.origin}."))
        st.button(
            "Reset to the preset",
            on_click=_reset,
            args=(state,),
            width="stretch",
            help="Every input back to the preset chosen above (an uploaded file is dropped).",
        )

        st.markdown("**Your scenario file**")
        download_slot = st.empty()  # filled after the page has run: see `download`
        st.file_uploader(
            "Load a scenario file",
            type=["yaml", "yml"],
            key=_UPLOAD_KEY,
            on_change=_upload,
            args=(state,),
            help="A scenario YAML file (for example one downloaded here, or from "
            "`itcost show`). It replaces the current inputs.",
        )

        st.markdown("**Precision**")
        default = default_trials(state.scenario)
        st.select_slider(
            "Simulated years (trials)",
            # The default is always there to come back to, and a link may ask for any count.
            options=sorted({*TRIAL_CHOICES, default, state.trials}),
            value=state.trials,
            format_func=lambda n: f"{n:,}" + (" (default)" if n == default else ""),
            key="itcost_trials",
            on_change=_set_precision,
            args=(state,),
            help="More trials give steadier figures and take longer to compute. The default "
            "is 10,000, or for a scenario of more than 200 incidents a simulated year (over "
            "its horizon) the most whole thousands that simulate at most 2 million incidents, "
            "at least 2,000: those years are steadier, and each recompute stays quick.",
        )
        st.number_input(
            "Random seed",
            min_value=0,
            max_value=MAX_SEED,
            value=state.seed,
            step=1,
            key="itcost_seed",
            on_change=_set_precision,
            args=(state,),
            help="The same inputs, trials and seed always give the same numbers.",
        )
        return download_slot


def download(state: Inputs, slot: Any) -> None:
    """The current scenario as a YAML file to download, in the sidebar."""
    slot.download_button(
        "Download scenario (YAML)",
        data=analysis.dump_scenario(state.scenario),
        file_name=f"{slugify(state.scenario.name)}.yaml",
        mime="application/x-yaml",
        on_click="ignore",
        width="stretch",
        help="Every input of the current scenario, as a file for `itcost simulate`, "
        "`itcost report` or a later upload here.",
    )
