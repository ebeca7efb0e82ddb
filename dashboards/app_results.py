"""Result cards, the verdict and the guard rails, shared by the pages that show a simulation.

Every figure of a page comes from one result and its one decision summary
(:func:`analysis.present.narrative.decision_summary`): the cards, the table, the verdict and
the notes cannot disagree. IT spend (what the business pays) and estimated losses (downtime
and security) have cards of their own, apart, and the total is their sum.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

import analysis
import app_state
from analysis.present import guard_rails as rails
from analysis.present import narrative
from analysis.present.formatting import money, share_text, simulated_periods
from analysis.present.tables import options_table
from app_state import Inputs, plain

#: Labels of every option's cards (the tests find the cards by them, in the option's box).
CARDS = ("IT spend", "Estimated losses", "Total", "Lost operating hours", "Cheapest in")
#: The cards an option other than the baseline adds.
COMPARISON_CARDS = ("Saving vs baseline", "Beats the baseline in")
#: How each kind of guard-rail note is shown.
NOTE_STYLE = {
    "it_spend": ("info", ":material/payments:"),
    "downtime_share": ("warning", ":material/warning:"),
    "breakeven_fee": ("warning", ":material/warning:"),
    "lost_hours": ("info", ":material/schedule:"),
}
KIND_WORDS = {
    "pay_per_incident": "pay per incident",
    "block_hours": "prepaid block of hours",
    "managed": "managed contract",
    "in_house": "own technician",
}
#: Options side by side in one row of cards.
PER_ROW = 3


def option_key(option: str) -> str:
    """The key of an option's box of cards (``st-key-<key>`` in the browser)."""
    return f"itcost-option-{option}"


def stale_warning(state: Inputs) -> None:
    """Say so when the results are not for the inputs as they stand."""
    if state.error is not None:
        st.warning(
            plain(f"An input has a problem: {state.error.field}: {state.error.reason}.")
            + " The results are for the last valid inputs until it is fixed on the Calculator.",
            icon=":material/pause_circle:",
        )


def per(result: analysis.Result) -> str:
    years = result.scenario.horizon.years
    return "per year" if years == 1 else f"over {years} years"


def heading(state: Inputs, result: analysis.Result) -> None:
    scenario = result.scenario
    years = scenario.horizon.years
    baseline = scenario.options[scenario.baseline_name].title
    st.caption(
        plain(
            f"{scenario.name} · amounts in {scenario.currency} {per(result)} · "
            f"{result.n_trials:,} simulated {simulated_periods(years)}, seed {result.seed} · "
            f"compared with {baseline}"
        )
    )


# Its break-even fees are solved on the result's quantities: once per result, not per rerun.
@st.cache_data(max_entries=32, ttl="1h", show_spinner=False, hash_funcs=app_state.HASH_FUNCS)
def _decision(result: analysis.Result) -> narrative.DecisionSummary:
    return narrative.decision_summary(result)


def decision(result: analysis.Result) -> narrative.DecisionSummary:
    """The decision summary behind every text and card of ``result`` (cached)."""
    return _decision(result)


def cards(result: analysis.Result, summary: narrative.DecisionSummary) -> None:
    """Every option in its own box: IT spend, estimated losses and the total, apart; then,
    against the baseline, the saving and how often it is cheaper."""
    data = summary.summary
    currency, trials = data["currency"], data["trials"]
    many = simulated_periods(result.scenario.horizon.years)

    def spread(stats: dict) -> str:
        return (
            f"Mean of {trials:,} simulated {many} (± {money(1.96 * stats['mean_se'], currency)} "
            f"at 95% confidence). In 90% of them it lies between {money(stats['p05'], currency)} "
            f"and {money(stats['p95'], currency)}."
        )

    st.markdown(f"**Expected (mean) figures {per(result)}**")
    options = list(result.options)
    for start in range(0, len(options), PER_ROW):
        row = options[start : start + PER_ROW]
        for column, option in zip(st.columns(PER_ROW), row, strict=False):
            stats = data["options"][option]
            with column, st.container(border=True, key=option_key(option)):
                st.markdown(f"**{plain(summary.titles[option])}**")
                role = " · the baseline" if option == summary.baseline else ""
                st.caption(
                    plain(f"{option} · {KIND_WORDS.get(stats['kind'], stats['kind'])}{role}")
                )
                st.metric(
                    CARDS[0],
                    money(stats["it_spend"]["mean"], currency),
                    help="What you pay: fees, bills, trip fees and parts, less SLA credits. "
                    + spread(stats["it_spend"]),
                )
                downtime, security = stats["downtime"]["mean"], stats["security"]["mean"]
                st.metric(
                    CARDS[1],
                    money(downtime + security, currency),
                    help="What you lose, estimated: work and revenue lost while systems are down "
                    "in your operating hours, and security losses. Not cash paid.",
                )
                st.caption(
                    plain(f"downtime {money(downtime, currency)} · security "
                          f"{money(security, currency)}")
                )  # fmt: skip
                st.metric(
                    CARDS[2],
                    money(stats["total"]["mean"], currency),
                    help="IT spend plus estimated losses. " + spread(stats["total"]),
                )
                st.metric(
                    CARDS[3],
                    f"{stats['downtime_hours']['mean']:,.0f} h",
                    help="Operating hours of outage, summed over incidents (waiting plus "
                    "repair, counted only while the business is open). Most incidents stop one "
                    "or two people: this is not the hours the whole business is down.",
                )
                if option != summary.baseline:
                    item = summary.comparison(option)
                    st.metric(
                        COMPARISON_CARDS[0],
                        money(item.savings["mean"], currency),
                        help="Baseline total minus this option's total (negative: it costs more); "
                        "below it, the same on IT spend alone. " + spread(item.savings),
                    )
                    alone = money(item.it_spend_savings["mean"], currency)
                    st.caption(plain(f"on IT spend alone: {alone}"))
                    st.metric(
                        COMPARISON_CARDS[1],
                        share_text(item.prob_cheaper),
                        delta=f"of simulated {many}",
                        delta_color="off",
                        delta_arrow="off",
                        help="Share of the simulated years in which its total is below the "
                        "baseline's.",
                    )
                st.metric(
                    CARDS[4],
                    share_text(summary.prob_cheapest[option]),
                    delta=f"of simulated {many}",
                    delta_color="off",
                    delta_arrow="off",
                    help=f"Share of the {trials:,} simulated {many} in which this option has "
                    "the lowest total of all.",
                )


def comparison_table(result: analysis.Result, summary: narrative.DecisionSummary) -> None:
    """Every option side by side: IT spend beside the total, and against the baseline."""
    header, rows = options_table(result, summary)
    st.dataframe(pd.DataFrame(rows, columns=list(header)), hide_index=True)


def guard_rails(result: analysis.Result, summary: narrative.DecisionSummary) -> None:
    """The notes that keep the comparison honest (IT spend alone, estimated downtime, the
    break-even fee against the market, implied lost hours against surveys)."""
    for note in rails.guard_rails(result, summary):
        kind, icon = NOTE_STYLE.get(note.kind, ("info", ":material/info:"))
        getattr(st, kind)(note.text, icon=icon)


def verdict_box(result: analysis.Result, summary: narrative.DecisionSummary) -> None:
    with st.container(border=True):
        st.markdown(narrative.verdict(result, summary))
