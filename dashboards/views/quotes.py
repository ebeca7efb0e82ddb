"""Quotes: every option of the scenario side by side, ranked; add one from a template,
duplicate, rename or delete one, and choose the baseline. The changes are the scenario's:
they travel in the link and the YAML download, and the Calculator edits their terms."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

import analysis
import app_results
import app_state
from analysis.present.formatting import money, share_text
from analysis.present.ranking import ranking
from analysis.scenario import quotes
from app_state import Inputs, plain

state = app_state.inputs()


def _apply(state: Inputs, change: Callable[[analysis.Scenario], analysis.Scenario], done: str):
    """Make ``change(scenario)`` the scenario every input starts from, or say why not."""
    try:
        scenario = change(state.scenario)
    except analysis.ScenarioError as error:
        state.messages.append(("error", f"Not changed: {error.reason}"))
        return
    if problem := app_state.work_problem(scenario, state.trials):
        state.messages.append(("error", f"Not changed: {problem}"))
        return
    origin = (
        state.origin if state.origin.endswith("your quotes") else f"{state.origin}, your quotes"
    )
    state.start_from(scenario, origin)
    state.messages.append(("success", done))


def _add(state: Inputs, template: str) -> None:
    _apply(state, lambda s: quotes.add_option(s, template), f"Added: {quotes.TEMPLATES[template]}")


def _duplicate(state: Inputs, option: str) -> None:
    _apply(state, lambda s: quotes.duplicate_option(s, option), "Duplicated: edit the copy's terms")


def _delete(state: Inputs, option: str) -> None:
    title = state.scenario.options[option].title
    _apply(state, lambda s: quotes.delete_option(s, option), f"Deleted: {title}")


def _rename(state: Inputs, option: str, key: str) -> None:
    title = st.session_state[key]
    _apply(state, lambda s: quotes.rename_option(s, option, title), "Renamed")


def _baseline(state: Inputs, key: str) -> None:
    option = st.session_state[key]
    _apply(state, lambda s: quotes.set_baseline(s, option), "Every option is now compared with it")


st.title("Quotes side by side")
st.caption(
    "Every option of the scenario on the same simulated incidents: what you would pay and "
    "what you would lose, ranked by the expected total. Add the quotes you hold from "
    "templates, name them, and set their terms on the Calculator."
)
result = app_state.result(state)  # one result: every figure below comes from it
summary = app_results.decision(result)
app_results.stale_warning(state)
app_results.heading(state, result)
scenario = result.scenario
currency = summary.currency

rows = ranking(result, summary)
table = pd.DataFrame(
    {
        "#": [row.rank for row in rows],
        "Option": [row.title + (" (baseline)" if row.baseline else "") for row in rows],
        "Kind": [app_results.KIND_WORDS.get(row.kind, row.kind) for row in rows],
        "IT spend": [money(row.it_spend, currency) for row in rows],
        "Estimated losses": [money(row.losses, currency) for row in rows],
        "Total": [money(row.total, currency) for row in rows],
        "Cheapest in": [row.prob_cheapest for row in rows],
        "Break-even fee per user": [
            f"{money(row.breakeven_fee_per_user_monthly, currency)} a month"
            f" (quoted {money(row.fee_per_user_monthly or 0.0, currency)})"
            if row.breakeven_fee_per_user_monthly is not None
            else ""
            for row in rows
        ],
    }
)
st.dataframe(
    table,
    hide_index=True,
    key="itcost-quotes-ranking",
    column_config={
        "Cheapest in": st.column_config.ProgressColumn(
            "Cheapest in",
            help="The share of simulated years in which this option has the lowest total.",
            min_value=0.0,
            max_value=1.0,
            format="percent",
        ),
        "Break-even fee per user": st.column_config.TextColumn(
            help="For a managed quote: the fee per user a month at which its expected total "
            "equals the baseline's, on these simulated incidents (before price escalation)."
        ),
    },
)
st.caption(
    "IT spend is cash: fees, bills, salaries, parts. Estimated losses are downtime and "
    "security events. Read the IT spend first."
)

best = rows[0]
st.markdown(
    plain(f"Lowest expected total: {best.title}, the cheapest in ")
    + plain(f"{share_text(best.prob_cheapest)} of simulated years.")
)

names = scenario.option_names
places = {row.option: row for row in rows}
generation = state.generation
st.subheader("Your quotes")
#: Each quote's buttons: label, key, callback, whether it is off, help.
actions = (
    ("Duplicate", "duplicate", _duplicate, len(names) >= quotes.MAX_OPTIONS,
     "A copy to edit into another quote."),
    ("Delete", "delete", _delete, len(names) <= quotes.MIN_OPTIONS, None),
)  # fmt: skip
for name in names:
    spec = scenario.options[name]
    with st.container(border=True, key=f"itcost-quote-{name}"):
        title_column, copy_column, delete_column = st.columns(
            [4, 1, 1], vertical_alignment="bottom"
        )
        with title_column:
            key = f"q{generation}:title:{name}"
            st.text_input(
                "Name shown",
                value=spec.title,
                key=key,
                max_chars=200,
                on_change=_rename,
                args=(state, name, key),
                help="How tables, cards and reports call this option (its key stays).",
            )
        for column, (label, action, callback, disabled, hint) in zip(
            (copy_column, delete_column), actions, strict=True
        ):
            column.button(
                label,
                key=f"q{generation}:{action}:{name}",
                on_click=callback,
                args=(state, name),
                disabled=disabled,
                help=hint,
            )
        role = " · the baseline" if name == scenario.baseline_name else ""
        place = places[name]
        st.caption(
            plain(
                f"{name} · {app_results.KIND_WORDS.get(spec.kind, spec.kind)}{role} · ranked "
                f"{place.rank} of {len(rows)} by expected total · cheapest in "
                f"{share_text(place.prob_cheapest)} of simulated years"
            )
        )

st.page_link(
    "views/calculator.py",
    label="Edit the quotes' prices and terms on the Calculator",
    icon=":material/calculate:",
)

st.subheader("Add a quote")
st.caption(
    "Each template is a starting point from published prices and terms (see Assumptions & "
    f"sources): change it to the quote you hold. Up to {quotes.MAX_OPTIONS} quotes side by side."
)
buttons = st.columns(3)
for index, (template, label) in enumerate(quotes.TEMPLATES.items()):
    buttons[index % 3].button(
        label,
        key=f"itcost-add-{template}",
        on_click=_add,
        args=(state, template),
        disabled=len(names) >= quotes.MAX_OPTIONS,
        icon=":material/add:",
        width="stretch",
    )

st.subheader("Compare with")
baseline_key = f"q{generation}:baseline"
st.selectbox(
    "Compare every option with (baseline)",
    names,
    index=names.index(scenario.baseline_name),
    format_func=lambda name: f"{scenario.options[name].title} ({name})",
    key=baseline_key,
    on_change=_baseline,
    args=(state, baseline_key),
)
