"""The client report's sections that need the decision analytics, as Markdown and tables.

The notebook stays thin: each function here reads the report's one :class:`Result` (or runs
the tornado on the same seed) and returns what a cell shows. Every figure shown beside the
summary comes from that result: break-even fees are solved exactly on its simulated incidents,
tiers and budget risk are read from its quantities and months.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.decision import breakdowns, breakeven, sensitivity
from analysis.engine.result import Result
from analysis.present import tables
from analysis.present.formatting import escape, money_markdown
from analysis.present.guard_rails import Note
from analysis.present.narrative import DecisionSummary, fee_text, option_title, tornado_text
from analysis.present.questions import provider_questions
from analysis.scenario.model import Managed

if TYPE_CHECKING:
    import pandas as pd


def guard_rail_notes(notes: list[Note]) -> str:
    """The guard-rail notes as a Markdown list (their texts are already escaped)."""
    return "\n".join(f"- {note.text}" for note in notes)


def breakeven_section(result: Result, decision: DecisionSummary | None = None) -> str:
    """The break-even fee of each managed alternative (Markdown): the decision layer's table,
    exact on ``result``'s incidents."""
    managed = [o for o in result.alternatives if isinstance(result.scenario.options[o], Managed)]
    if not managed:
        return "No option is a managed contract: there is no fee to break even."
    table = breakeven.breakeven_table(result)
    header = ("Input", "Now", "Break-even", "Against the market band")
    bands = {"below": "below", "within": "within", "above": "above"}
    rows = [
        (*row[1:4], bands.get(str(market), "not compared"))
        for row, market in zip(tables.breakeven_rows(table, result.scenario.currency),
                               table.get("market", [None] * len(table)), strict=True)
    ]  # fmt: skip
    low, high = breakeven.MARKET_PER_USER_MONTHLY
    text = tables.markdown_table(header, rows)
    text += (
        f"\n\nThe market band is about {money_markdown(low, 'USD')}-{money_markdown(high, 'USD')} "
        "per user per month for "
        "all-inclusive small-business contracts (US dollars); a hybrid's fee covers part of the "
        "work and is not compared with it."
    )
    if decision is not None:
        flips = [fee_text(decision, item) for item in decision.comparisons]
        text += "\n\n" + " ".join(flip for flip in flips if flip)
    return text


def questions_section(result: Result, decision: DecisionSummary | None = None) -> str:
    """The questions to ask each provider (Markdown): per option, a list generated from what
    drives the answer (:mod:`analysis.present.questions`), every name escaped."""
    parts = []
    for option, questions in provider_questions(result, decision).items():
        parts.append(f"**{escape(option_title(result.scenario, option))}**")
        parts.append("\n".join(f"- {escape(question)}" for question in questions))
    return "\n\n".join(parts)


def tornado_table(result: Result, trials: int) -> pd.DataFrame | None:
    """The tornado of the best alternative against the baseline, at ``trials`` per run and the
    result's seed; None without an alternative."""
    if not result.alternatives:
        return None
    option = breakeven.best_alternative(result)
    table = sensitivity.tornado(result.scenario, option=option, trials=trials, seed=result.seed)
    table.attrs.setdefault("option", option)
    return table


def tornado_section(table: pd.DataFrame, decision: DecisionSummary, trials: int) -> str:
    """The tornado's words (Markdown)."""
    option = table.attrs["option"]
    return (
        tornado_text(table, decision.currency, decision.titles[option])
        + f" (against {escape(decision.titles[decision.baseline])}; {trials:,} trials per run.)"
    )


def tier_table(result: Result) -> pd.DataFrame:
    """:func:`analysis.decision.breakdowns.tier_breakdown` of ``result``."""
    return breakdowns.tier_breakdown(result)


def budget_section(result: Result) -> str:
    """Budget risk of every option (Markdown): the monthly spread and the worst month, and the
    chance of exceeding the budget only when the scenario gives one (no default budget)."""
    scenario = result.scenario
    table = breakdowns.budget_table(result)
    text = tables.markdown_table(
        tables.budget_header(scenario), tables.budget_rows(table, scenario.currency, scenario)
    )
    if scenario.budget is None or scenario.budget.annual_it_spend is None:
        text += (
            "\n\nThe scenario gives no IT budget, so no chance of exceeding one is shown; set "
            "`budget.annual_it_spend` to test each option against yours."
        )
    return text
