"""``itcost simulate``: simulate a scenario and print its options side by side, or the JSON."""

from __future__ import annotations

import argparse

from analysis.cli.arguments import add_scenario_arguments, check_work, positive_int, resolve
from analysis.cli.progress import simulating
from analysis.cli.table import format_table
from analysis.engine.core import simulate
from analysis.engine.result import SCHEMA


def add_commands(commands: argparse._SubParsersAction) -> None:
    run = commands.add_parser(
        "simulate",
        help="simulate a scenario and compare its support options",
        description=(
            "Simulate a scenario and print its options side by side, one column each: the mean "
            "and the P5 to P95 range of IT spend (what you pay), then estimated downtime and "
            "security losses (what you lose) and the total; the savings against the baseline on "
            "IT spend and on the total, the chance that each option costs less than the baseline "
            "and the chance that it is the cheapest; then one verdict per option. Amounts are "
            "totals over the scenario's horizon (one year unless it sets horizon.years)."
        ),
    )
    add_scenario_arguments(run, sampling=True)
    run.add_argument(
        "--threads",
        type=positive_int,
        default=None,
        metavar="N",
        help="worker threads (default: all cores); results do not depend on it",
    )
    run.add_argument(
        "--json",
        action="store_true",
        help=f"print the summary JSON (schema {SCHEMA}) instead of a table",
    )
    run.set_defaults(handler=_simulate)


def _simulate(args: argparse.Namespace) -> int:
    scenario = resolve(args)
    check_work(args, scenario.incidents_per_trial)
    with simulating("simulating", args.trials):
        result = simulate(scenario, trials=args.trials, seed=args.seed, threads=args.threads)
    print(result.to_json() if args.json else format_table(result))
    return 0
