"""Guard rails: notes that keep a comparison honest, for the report and the app.

A total cost mixes cash (IT spend) with estimates (downtime and security losses); these notes
say where the estimates carry the answer, where a break-even fee leaves the market, and how
many working hours the model implies staff lose, beside what surveys measured:

- ``it_spend``: the comparison on IT spend alone, beside the total (always);
- ``downtime_share``: an option's estimated downtime is more than half of its total;
- ``breakeven_fee``: a managed option breaks even only at a fee far above the market band;
- ``lost_hours``: implied lost working hours per employee and year
  (:func:`~analysis.decision.breakdowns.implied_lost_hours`), beside the survey figures of
  :data:`~analysis.decision.breakdowns.SURVEY_LOST_HOURS` (always).

Examples
--------
>>> from analysis import load_scenario, simulate
>>> result = simulate(load_scenario("micro-cloud-office"), trials=5_000, seed=1)
>>> [note.kind for note in guard_rails(result)][0]
'it_spend'
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.decision.breakdowns import SURVEY_LOST_HOURS, implied_lost_hours
from analysis.decision.breakeven import MARKET_CURRENCY, MARKET_PER_USER_MONTHLY, all_in_per_user
from analysis.engine.result import Result
from analysis.present.formatting import escape
from analysis.present.formatting import money_markdown as _money
from analysis.present.narrative import DecisionSummary, decision_summary
from analysis.scenario.model import Managed
from analysis.scenario.presets import references

#: An option's estimated downtime above this share of its expected total gets a note.
DOWNTIME_SHARE = 0.5
#: A break-even fee "far above" the market band
#: (:data:`~analysis.decision.breakeven.MARKET_PER_USER_MONTHLY`): more than this times its top.
FAR_ABOVE = 1.2


@dataclass(frozen=True)
class Note:
    """One guard-rail note: its kind, the option it is about (None: all) and its text
    (Markdown, names escaped)."""

    kind: str
    option: str | None
    text: str


def guard_rails(result: Result, decision: DecisionSummary | None = None) -> list[Note]:
    """The guard-rail notes of ``result`` (see the module), in the order above.

    ``decision`` is the :func:`~analysis.present.narrative.decision_summary` of the same
    result, when already worked out (its break-even fees are used).
    """
    decision = decision or decision_summary(result)
    notes = [_it_spend_note(decision)]
    notes += _downtime_notes(decision)
    notes += _fee_notes(result, decision)
    notes.append(_lost_hours_note(result, decision))
    return notes


def _name(decision: DecisionSummary, option: str) -> str:
    return escape(decision.titles[option])


def _it_spend_note(decision: DecisionSummary) -> Note:
    currency, per = decision.currency, decision.per
    cash, best = decision.cheapest_in_cash, decision.best
    by_cash = sorted(decision.options, key=lambda option: decision.mean(option, "it_spend"))
    listed = ", ".join(
        f"{_name(decision, option)} {_money(decision.mean(option, 'it_spend'), currency)}"
        for option in by_cash
    )
    text = f"**On IT spend alone** (cash, {per}): {listed}. "
    if cash == best:
        text += f"{_name(decision, best)} is the cheapest both in cash and in total."
    else:
        gap = decision.mean(best, "it_spend") - decision.mean(cash, "it_spend")
        text += (
            f"The cheapest in total, {_name(decision, best)}, costs "
            f"{_money(gap, currency)} more in cash than {_name(decision, cash)} {per}: it wins "
            "only on estimated losses."
        )
    return Note("it_spend", None, text)


def _downtime_notes(decision: DecisionSummary) -> list[Note]:
    notes = []
    for option in decision.options:
        total = decision.mean(option, "total")
        downtime = decision.mean(option, "downtime")
        if total > 0 and downtime > DOWNTIME_SHARE * total:
            notes.append(
                Note(
                    "downtime_share",
                    option,
                    f"**Estimated downtime is {downtime / total:.0%} of "
                    f"{_name(decision, option)}'s expected total.** It is an estimate, not "
                    "cash: it rests on the share of staff affected, how much of their work "
                    "stops, wages and revenue per operating hour. Check those against the "
                    "client's own experience before reading the total.",
                )
            )
    return notes


def _fee_notes(result: Result, decision: DecisionSummary) -> list[Note]:
    if decision.currency != MARKET_CURRENCY:
        return []  # the band is in US dollars: no conversion is guessed
    low, high = MARKET_PER_USER_MONTHLY
    notes = []
    for item in decision.comparisons:
        fee = item.breakeven_fee
        spec = result.scenario.options[item.option]
        all_inclusive = isinstance(spec, Managed) and spec.covers == "all"
        if not all_inclusive or fee is None:
            continue  # the band prices all-inclusive contracts only
        # The band prices whole contracts per user: every fee line counts, not the user line.
        whole = all_in_per_user(result.scenario, item.option, max(fee, 0.0))
        if not whole > FAR_ABOVE * high:
            continue
        lines = (
            ""
            if whole == fee
            else (f" (its per-user line at {_money(fee, decision.currency)}, with the other lines)")
        )
        notes.append(
            Note(
                "breakeven_fee",
                item.option,
                f"**{_name(decision, item.option)} breaks even with "
                f"{_name(decision, decision.baseline)} at "
                f"{_money(whole, decision.currency)} per user per month{lines}**, far above "
                f"the market band of about {_money(low, decision.currency)}-"
                f"{_money(high, decision.currency)} for all-inclusive small-business "
                "contracts: a saving that survives such a fee depends on large estimated "
                "losses. Check the incident rates, the waits and the value of an hour.",
            )
        )
    return notes


def _lost_hours_note(result: Result, decision: DecisionSummary) -> Note:
    hours = implied_lost_hours(result)
    listed = ", ".join(f"{_name(decision, option)} {value:,.1f} h" for option, value in
                       hours.items())  # fmt: skip
    named = {entry.get("id"): entry for entry in references()}

    def source(key: str) -> str:
        entry = named.get(key)
        return f"{entry['publisher']} {entry['year']}" if entry else key

    published = sorted((hours, f"{source(key)}: {text}") for key, (hours, text) in
                       SURVEY_LOST_HOURS.items())  # fmt: skip
    low, high = published[0][0], published[-1][0]
    span = f"{low:,.0f}-{high:,.0f} h" if high > low else f"{low:,.0f} h"
    surveys = f"{span} ({'; '.join(escape(text) for _, text in published)})"
    if max(hours.values()) > high:
        verdict = (
            "The model implies more lost time than the surveys measured, though they count "
            "self-help and slow systems too: its downtime estimates are likely too high."
        )
    else:
        verdict = (
            "The surveys count self-help, slow systems and problems never reported as well, so "
            "they are an upper bound for what this model counts, not a target."
        )
    return Note(
        "lost_hours",
        None,
        f"**Implied working hours lost per employee per year** to the incidents modelled: "
        f"{listed}. Published surveys of all work time lost to IT problems: {surveys}. "
        f"{verdict}",
    )
