"""``itcost compare``: the scenario's options ranked by expected total, or the JSON."""

from __future__ import annotations

import argparse
import json
import textwrap

from analysis.cli.arguments import add_scenario_arguments, resolve
from analysis.cli.table import title_line
from analysis.engine.core import simulate
from analysis.engine.result import Result
from analysis.present.formatting import money, share_text
from analysis.present.narrative import decision_summary
from analysis.present.ranking import SCHEMA, Ranked, ranking, ranking_json

#: Characters of the P(cheapest) bar, the longest title shown whole in the table, and the
#: width the notes below it wrap at.
_BAR = 20
_TITLE = 44
_WIDTH = 100


def add_commands(commands: argparse._SubParsersAction) -> None:
    run = commands.add_parser(
        "compare",
        help="rank the scenario's options (quotes) by expected total",
        description=(
            "Simulate a scenario and rank its options, every quote on the same simulated "
            "incidents, from the lowest expected total: IT spend (what you pay), estimated "
            "losses (downtime and security: what you lose), the total, and how often each is "
            "the cheapest. Then, for each managed quote, the fee per user per month at which its "
            "expected total would equal the baseline's (exact on the same incidents). Amounts "
            "are totals over the scenario's horizon (one year unless it sets horizon.years)."
        ),
    )
    add_scenario_arguments(run, sampling=True)
    run.add_argument(
        "--json", action="store_true", help=f"print the ranking as JSON (schema {SCHEMA})"
    )
    run.set_defaults(handler=_compare)


def _compare(args: argparse.Namespace) -> int:
    result = simulate(resolve(args), trials=args.trials, seed=args.seed)
    if args.json:
        print(json.dumps(ranking_json(result), indent=2))
    else:
        print(format_ranking(result))
    return 0


def format_ranking(result: Result) -> str:
    """The ranking as plain text: a table, then the managed quotes' break-even fees.

    Examples
    --------
    >>> from analysis import load_scenario, simulate
    >>> text = format_ranking(simulate(load_scenario("cloud-office"), trials=2_000, seed=1))
    >>> text.splitlines()[4].split()[:2]
    ['1', 'Local']
    """
    decision = decision_summary(result)
    rows = ranking(result, decision)
    currency = decision.currency
    width = min(_TITLE, max(len(_title(row)) for row in rows))
    lines = [
        title_line(decision.summary),
        "Ranked by expected total: IT spend (what you pay) plus estimated losses (downtime, "
        "security)",
        "",
        f"{'#':>2}  {'Option':<{width}}  {'IT spend':>11}  {'Est. losses':>11}  "
        f"{'Total':>11}  {'Cheapest':>10}",
    ]
    for row in rows:
        lines.append(
            f"{row.rank:>2}  {_shorter(_title(row), width):<{width}}  "
            f"{money(row.it_spend, currency):>11}  {money(row.losses, currency):>11}  "
            f"{money(row.total, currency):>11}  {share_text(row.prob_cheapest):>10} "
            f"{_bar(row.prob_cheapest)}"
        )
    quotes = [row for row in rows if row.kind == "managed" and not row.baseline]
    if quotes:
        base = decision.titles[decision.baseline]
        lines += ["", *textwrap.wrap(
            f"Break-even fee per user per month, at which a managed quote's expected total "
            f"equals {base}'s (exact on these simulated incidents):", _WIDTH)]  # fmt: skip
        for row in quotes:
            lines += textwrap.wrap(f"{row.title}: {_breakeven(row, currency)}", _WIDTH,
                                   initial_indent="  ", subsequent_indent="    ")  # fmt: skip
    return "\n".join(lines)


def _title(row: Ranked) -> str:
    return f"{row.title} (baseline)" if row.baseline else row.title


def _shorter(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _bar(share: float) -> str:
    """``[#####---------------]``: the share as a bar of :data:`_BAR` characters (ASCII, so
    that any terminal shows it)."""
    filled = round(share * _BAR)
    return "[" + "#" * filled + "-" * (_BAR - filled) + "]"


def _breakeven(row: Ranked, currency: str) -> str:
    quoted = f" (quoted {money(row.fee_per_user_monthly or 0.0, currency)})"
    if row.breakeven_fee_per_user_monthly is None:
        return "none in range" + quoted
    return money(row.breakeven_fee_per_user_monthly, currency) + quoted
