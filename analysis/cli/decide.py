"""``itcost breakeven`` and ``itcost sensitivity``: when the answer flips, which input matters.

``sweep``, which writes a document, is in :mod:`analysis.cli.documents`.
"""

from __future__ import annotations

import argparse
import json

from analysis import defaults
from analysis.cli.arguments import add_scenario_arguments, positive_int, resolve
from analysis.decision.breakeven import PARAMETERS, breakeven
from analysis.decision.inputs import INPUTS
from analysis.decision.sensitivity import sobol, tornado
from analysis.engine.core import check_arguments
from analysis.errors import ArgumentError
from analysis.present.formatting import money


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``breakeven`` and ``sensitivity`` to the ``itcost`` parser."""
    solve = commands.add_parser(
        "breakeven",
        help="the value of one input at which expected savings are zero",
        description="Solve for the value of one input at which the expected saving of managed "
        "services over break-fix is zero, with its Monte Carlo standard error. Every run uses "
        "the same seed (common random numbers). Inputs: "
        + ", ".join(p.replace("<tier>", "TIER") for p in PARAMETERS)
        + " (incidents.*.rate_per_year solves for a multiplier of every tier's rate).",
    )
    add_scenario_arguments(solve, sampling=True, trials=defaults.BREAKEVEN_TRIALS)
    solve.add_argument(
        "--parameter",
        default="managed.per_user_monthly",
        metavar="PATH",
        help="the input to solve for (default: %(default)s)",
    )
    solve.add_argument(
        "--json",
        action="store_true",
        help='print {"parameter", "found", "value", "stderr", "current"} as JSON',
    )
    solve.set_defaults(handler=_breakeven)

    sensitivity = commands.add_parser(
        "sensitivity",
        help="which inputs matter most: a tornado and, with --sobol, Sobol indices",
        description="Move each key input to a low and a high factor of its value (default x0.5 "
        "and x1.5), the others unchanged, and print the expected savings at both, sorted by "
        "swing. With --sobol, also global Sobol indices (first and total order, with 95%% "
        "intervals) over the same ranges, from SALib. Inputs: " + ", ".join(INPUTS) + ".",
    )
    add_scenario_arguments(sensitivity, sampling=True, trials=defaults.TORNADO_TRIALS)
    sensitivity.add_argument("--low", type=_factor, default=0.5, help="low factor (default 0.5)")
    sensitivity.add_argument("--high", type=_factor, default=1.5, help="high factor (1.5)")
    sensitivity.add_argument(
        "--range",
        dest="ranges",
        action="append",
        default=[],
        metavar="INPUT=LOW:HIGH",
        help="other factors for one input, e.g. managed_fee=0.8:1.2 (repeatable)",
    )
    sensitivity.add_argument(
        "--sobol", action="store_true", help="also compute Sobol indices (slower)"
    )
    sensitivity.add_argument(
        "--samples",
        type=_power_of_two,
        default=defaults.SOBOL_SAMPLES,
        metavar="N",
        help="Sobol base samples, a power of 2; N x (inputs + 2) simulations (default %(default)s)",
    )
    sensitivity.add_argument(
        "--sobol-trials",
        type=positive_int,
        default=defaults.SOBOL_TRIALS,
        metavar="N",
        help="trials per Sobol simulation (default %(default)s)",
    )
    sensitivity.add_argument("--json", action="store_true", help="print the tables as JSON")
    # tornado's and sobol's Python arguments (and this command's own), as its flags.
    flags = {
        "ranges": "--range",
        "low": "--low",
        "high": "--high",
        "sobol_trials": "--sobol-trials",
    }
    sensitivity.set_defaults(handler=_sensitivity, flags=flags)


def _factor(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"must be a factor from 0 to 100 (got {text!r})")
    return value


def _power_of_two(text: str) -> int:
    value = positive_int(text)
    if value & (value - 1):
        raise argparse.ArgumentTypeError(f"must be a power of 2, such as 64 (got {text})")
    return value


def _ranges(items: list[str]) -> dict[str, tuple[float, float]]:
    """``INPUT=LOW:HIGH`` items as tornado's and sobol's ``ranges``."""
    ranges = {}
    for item in items:
        name, _, bounds = item.partition("=")
        low, _, high = bounds.partition(":")
        try:
            ranges[name.strip()] = (float(low), float(high))
        except ValueError:
            raise ArgumentError("ranges", f"expected INPUT=LOW:HIGH (got {item!r})") from None
    return ranges


def _breakeven(args: argparse.Namespace) -> int:
    scenario = resolve(args)
    answer = breakeven(scenario, args.parameter, trials=args.trials, seed=args.seed)
    if args.json:
        keys = ("parameter", "found", "value", "stderr", "current")
        print(json.dumps({key: answer.to_dict()[key] for key in keys}, allow_nan=False))
        return 0
    print(
        f"{scenario.name}: break-even of {answer.parameter} ({args.trials:,} trials per run, "
        f"seed {args.seed})"
    )
    if answer.found:
        error = "unknown" if answer.stderr is None else f"{answer.stderr:,.2g}"
        print(
            f"Expected savings are zero at {answer.value:,.6g} (Monte Carlo standard error "
            f"{error}); now {answer.current:,.6g}."
        )
    else:
        print(answer.note[:1].upper() + answer.note[1:] + ".")
    return 0


def _sensitivity(args: argparse.Namespace) -> int:
    scenario = resolve(args)
    ranges = _ranges(args.ranges)
    if args.low >= args.high:
        raise ArgumentError("low", f"must be below --high ({args.low:g} >= {args.high:g})")
    if args.sobol:  # Sobol's runs are of --sobol-trials, not --trials
        try:
            check_arguments(args.sobol_trials, args.seed)
        except ArgumentError as error:
            raise ArgumentError("sobol_trials", error.reason) from None
    table = tornado(scenario, args.low, args.high, ranges, trials=args.trials, seed=args.seed)
    indices = (
        sobol(
            scenario,
            low=args.low,
            high=args.high,
            ranges=ranges,
            samples=args.samples,
            trials=args.sobol_trials,
            seed=args.seed,
        )
        if args.sobol
        else None
    )
    if args.json:
        data = {"tornado": table.reset_index().to_dict(orient="records")}
        if indices is not None:
            data["sobol"] = indices.reset_index().to_dict(orient="records")
        print(json.dumps(data, indent=2, allow_nan=False))
        return 0
    currency = scenario.currency
    print(
        f"{scenario.name}: expected savings with each input low and high "
        f"({args.trials:,} trials per run, seed {args.seed}); now "
        f"{money(table['base'].iloc[0], currency)}"
    )
    print()
    width = max(len(label) for label in table["label"])
    print(f"{'input':<{width}}  {'factors':>11}  {'low':>10}  {'high':>10}  {'swing':>10}")
    for row in table.itertuples():
        factors = f"x{row.low:g} / x{row.high:g}"
        print(
            f"{row.label:<{width}}  {factors:>11}  {money(row.savings_low, currency):>10}  "
            f"{money(row.savings_high, currency):>10}  {money(row.swing, currency):>10}"
        )
    if indices is not None:
        print()
        print(
            f"Sobol indices ({args.samples} x {len(indices) + 2} runs of "
            f"{args.sobol_trials:,} trials), with 95% intervals:"
        )
        for row in indices.itertuples():
            print(
                f"{row.label:<{width}}  first order {row.S1:5.2f} ± {row.S1_conf:.2f}  "
                f"total {row.ST:5.2f} ± {row.ST_conf:.2f}"
            )
    return 0
