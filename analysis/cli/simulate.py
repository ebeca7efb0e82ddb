"""``itcost simulate``: simulate a scenario and print the models side by side, or the JSON."""

from __future__ import annotations

import argparse

from analysis.cli.arguments import add_scenario_arguments, positive_int, resolve
from analysis.engine.core import simulate
from analysis.engine.result import SCHEMA
from analysis.present.tables import format_table


def add_commands(commands: argparse._SubParsersAction) -> None:
    run = commands.add_parser(
        "simulate",
        help="simulate a scenario and compare the support models",
        description=(
            "Simulate a scenario and print the models side by side (break-fix, managed and, with a "
            "hybrid section, hybrid): mean and P5/P50/P95 of each cost component, the savings "
            "over break-fix and the probability that each contract is cheaper. Amounts are "
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
    result = simulate(scenario, trials=args.trials, seed=args.seed, threads=args.threads)
    print(result.to_json() if args.json else format_table(result))
    return 0
