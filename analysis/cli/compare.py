"""``itcost compare``: the scenario's options ranked by expected total, or the JSON."""

from __future__ import annotations

import argparse
import json
import textwrap

from analysis.cli.arguments import add_scenario_arguments, check_work, resolve
from analysis.cli.progress import simulating
from analysis.cli.table import title_line
from analysis.engine.core import simulate
from analysis.engine.result import Result
from analysis.present.formatting import money, share_text, terminal_text
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
            "the cheapest. Then, for each managed quote, the fee per user per month (the first "
            "year's, before any price escalation) at which its expected total would equal the "
            "baseline's, exact on the same incidents; for a quote with no fee per user, what it "
            "could add per user to its other fee lines. Amounts are per year, or totals over "
            "the scenario's horizon when horizon.years is more than one (present values when "
            "it sets a discount rate)."
        ),
    )
    add_scenario_arguments(run, sampling=True)
    run.add_argument(
        "--json", action="store_true", help=f"print the ranking as JSON (schema {SCHEMA})"
    )
    run.set_defaults(handler=_compare)


def _compare(args: argparse.Namespace) -> int:
    scenario = resolve(args)
    check_work(args, scenario.incidents_per_trial)
    with simulating("simulating", args.trials):
        result = simulate(scenario, trials=args.trials, seed=args.seed)
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
    >>> text.splitlines()[4].split()[:3]
    ['1', 'The', 'same']
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
            monthly = result.scenario.fee_lines_monthly(row.option)
            text = f"{row.title}: {_breakeven(row, currency, monthly, base)}"
            lines += textwrap.wrap(terminal_text(text), _WIDTH, initial_indent="  ",
                                   subsequent_indent="    ")  # fmt: skip
    return "\n".join(lines)


def _title(row: Ranked) -> str:
    """The row's title as the terminal will show it (control characters as escapes), so that
    the columns are measured on what is shown."""
    return terminal_text(f"{row.title} (baseline)" if row.baseline else row.title)


def _shorter(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _bar(share: float) -> str:
    """``[#####---------------]``: the share as a bar of :data:`_BAR` characters (ASCII, so
    that any terminal shows it)."""
    filled = round(share * _BAR)
    return "[" + "#" * filled + "-" * (_BAR - filled) + "]"


def _breakeven(row: Ranked, currency: str, monthly: float, base: str) -> str:
    """A managed quote's break-even fee per user, said against what it quotes."""
    fee = row.fee_per_user_monthly or 0.0
    even = row.breakeven_fee_per_user_monthly
    if even is None:
        side = "less" if (row.savings or 0.0) > 0 else "more"
        return f"none: it costs {side} than {base} whatever its fee per user"
    if fee > 0:
        return f"{money(even, currency)} (quoted {money(fee, currency)})"
    # No fee per user: the break-even is what it could add per user to its other fee lines.
    return (f"{money(even, currency)} added per user to its {money(monthly, currency)} a month "
            "of other fees")  # fmt: skip
