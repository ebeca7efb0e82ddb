"""Result cards and the verdict, shared by the pages that show a simulation."""

from __future__ import annotations

import streamlit as st

import analysis
import app_state
from analysis.present.formatting import money, share_text, simulated_periods
from analysis.present.narrative import hybrid_summary
from app_state import Inputs, plain

#: Labels of the result cards (the browser tests find the cards by them).
CARDS = (
    "Break-fix cost",
    "Managed services cost",
    "Saving with managed",
    "Managed is cheaper in",
    "Downtime hours",
)
#: The cards a hybrid contract adds.
HYBRID_CARDS = ("Hybrid cost", "Saving with hybrid", "Hybrid is cheaper in")


def stale_warning(state: Inputs) -> None:
    """Say so when the results are not for the inputs as they stand."""
    if state.error is not None:
        st.warning(
            plain(f"An input has a problem: {state.error.field}: {state.error.reason}.")
            + " The results are for the last valid inputs until it is fixed on the Calculator.",
            icon=":material/pause_circle:",
        )


def _per(result: analysis.Result) -> str:
    years = result.scenario.horizon.years
    return "per year" if years == 1 else f"over {years} years"


def heading(state: Inputs, result: analysis.Result) -> None:
    scenario = result.scenario
    years = scenario.horizon.years
    per = _per(result)
    st.caption(
        f"{plain(scenario.name)} · amounts in "
        f"{scenario.currency} {per} · {state.trials:,} simulated "
        f"{simulated_periods(years)}, seed {state.seed}"
    )


def cards(result: analysis.Result) -> None:
    """The five figures an owner asks for first."""
    summary = result.summary()
    currency, trials = summary["currency"], summary["trials"]
    many = simulated_periods(result.scenario.horizon.years)
    bf, ms = summary["models"]["break_fix"], summary["models"]["managed"]
    savings = summary["comparison"]["savings"]
    cheaper = summary["comparison"]["prob_managed_cheaper"]

    def spread(stats: dict) -> str:
        return (
            f"Mean of {trials:,} simulated {many} (± {money(1.96 * stats['mean_se'], currency)} "
            f"at 95% confidence). In 90% of them it lies between {money(stats['p05'], currency)} "
            f"and {money(stats['p95'], currency)}."
        )

    st.markdown(f"**Expected (mean) figures {_per(result)}**")
    first = st.columns(3)
    first[0].metric(CARDS[0], money(bf["total"]["mean"], currency), help=spread(bf["total"]),
                    border=True)  # fmt: skip
    first[1].metric(CARDS[1], money(ms["total"]["mean"], currency), help=spread(ms["total"]),
                    border=True)  # fmt: skip
    first[2].metric(
        CARDS[2],
        money(savings["mean"], currency),
        delta=f"90%: {money(savings['p05'], currency)} to {money(savings['p95'], currency)}",
        delta_color="off",
        delta_arrow="off",
        help="Break-fix cost minus managed cost; negative when managed costs more. "
        + spread(savings),
        border=True,
    )
    second = st.columns(2)
    second[0].metric(
        CARDS[3],
        share_text(cheaper),
        delta=f"of simulated {many}",
        delta_color="off",
        delta_arrow="off",
        help=f"Share of the {trials:,} simulated {many} in which managed services cost less "
        "in total (support, downtime and security).",
        border=True,
    )
    hours_bf, hours_ms = bf["downtime_hours"]["mean"], ms["downtime_hours"]["mean"]
    second[1].metric(
        CARDS[4],
        f"{hours_bf:,.0f} h",
        delta=f"{hours_ms - hours_bf:+,.0f} h with managed ({hours_ms:,.0f} h)",
        delta_color="inverse",
        help="Outage hours with break-fix (waiting plus repair), summed over incidents, and "
        "the change with managed services. Most incidents stop "
        "one or two people, so this is not the hours the whole business is down.",
        border=True,
    )

    if "hybrid" in result.models:
        hybrid = summary["models"]["hybrid"]
        savings_hybrid = summary["comparison"]["savings_hybrid"]
        third = st.columns(3)
        third[0].metric(HYBRID_CARDS[0], money(hybrid["total"]["mean"], currency),
                        help=spread(hybrid["total"]), border=True)  # fmt: skip
        third[1].metric(
            HYBRID_CARDS[1],
            money(savings_hybrid["mean"], currency),
            delta=f"90%: {money(savings_hybrid['p05'], currency)} to "
            f"{money(savings_hybrid['p95'], currency)}",
            delta_color="off",
            delta_arrow="off",
            help="Break-fix cost minus hybrid cost. " + spread(savings_hybrid),
            border=True,
        )
        third[2].metric(
            HYBRID_CARDS[2],
            share_text(summary["comparison"]["prob_hybrid_cheaper"]),
            delta="than break-fix",
            delta_color="off",
            delta_arrow="off",
            border=True,
        )


def verdict_box(state: Inputs, result: analysis.Result) -> None:
    with st.container(border=True):
        st.markdown(app_state.verdict(result))
        hybrid = hybrid_summary(result)
        if hybrid:
            st.markdown(hybrid)
