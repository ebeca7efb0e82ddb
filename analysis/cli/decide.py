"""``itcost breakeven`` and ``itcost sensitivity``: when the answer flips, which input matters.

Both compare one option with another (``--option``, ``--against``): by default the option
with the lowest expected total other than the baseline, against the baseline. ``sweep``, which
writes a document, is in :mod:`analysis.cli.documents`.
"""

from __future__ import annotations

import argparse
import json

from analysis import defaults
from analysis.cli.arguments import add_scenario_arguments, check_work, positive_int, resolve
from analysis.cli.progress import simulating
from analysis.decision.breakeven import PARAMETERS, breakeven, check_pair
from analysis.decision.inputs import applicable_inputs, is_price
from analysis.decision.sensitivity import sobol, sobol_runs, tornado, tornado_runs
from analysis.engine.core import check_arguments
from analysis.errors import ArgumentError, ItcostError
from analysis.present.formatting import money
from analysis.scenario.model import Scenario

#: The keys of ``itcost breakeven --json``, in this order.
BREAKEVEN_KEYS = ("parameter", "option", "against", "found", "value", "stderr", "current")

#: What ``--option`` and ``--against`` mean, for both commands.
_OPTION_HELP = (
    "the option to compare with the baseline (default: the one with the lowest expected total "
    "other than the baseline)"
)
_AGAINST_HELP = "the option it is compared with (default: the scenario's baseline)"


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``breakeven`` and ``sensitivity`` to the ``itcost`` parser."""
    solve = commands.add_parser(
        "breakeven",
        help="the value of one input at which an option's expected savings are zero",
        description="Solve for the value of one input at which an option's expected saving "
        "against the baseline (total cost: IT spend plus estimated losses) is zero, with its "
        "Monte Carlo standard error. Prices (rates, fees, wages, revenue) are solved exactly "
        "from one simulation; other inputs by root finding on common random numbers (every run "
        "the same seed). Inputs are dotted paths with real tier and option names, for example "
        + ", ".join(PARAMETERS)
        + "; a * stands for every key there and solves for a multiplier.",
    )
    add_scenario_arguments(solve, sampling=True, trials=defaults.BREAKEVEN_TRIALS)
    solve.add_argument(
        "--parameter",
        default=None,
        metavar="PATH",
        help="the input to solve for (default: the headline price of --option: a managed "
        "option's options.OPTION.fees.per_user_monthly, an in-house technician's "
        "salary_per_year, a block's block.price_per_year, a pay-per-incident option's "
        "rates.remote)",
    )
    solve.add_argument(
        "--option",
        default=None,
        metavar="NAME",
        help=_OPTION_HELP[:-1] + "; for the default fee, the best managed option)",
    )
    solve.add_argument("--against", default=None, metavar="NAME", help=_AGAINST_HELP)
    solve.add_argument(
        "--json",
        action="store_true",
        help="print {" + ", ".join(f'"{key}"' for key in BREAKEVEN_KEYS) + "} as JSON",
    )
    solve.set_defaults(handler=_breakeven)

    sensitivity = commands.add_parser(
        "sensitivity",
        help="which inputs matter most: a tornado and, with --sobol, Sobol indices",
        description="Move each key input to a low and a high factor of its value (default x0.5 "
        "and x1.5), the others unchanged, and print an option's expected savings against the "
        "baseline at both, sorted by swing. With --sobol, also global Sobol indices (first and "
        "total order, with 95% intervals) over the same ranges, from SALib. The inputs, unless "
        "--input names others: staff, wages and revenue; every tier's incident rates, repair "
        "times, work blocked and staff affected (each as one multiplier); the rates and "
        "response times of the pay-per-incident options compared, the fees, prevention, "
        "response times and repair factor of the managed ones; and security. Prices are "
        "repriced on one simulation; the rest are simulated again with the same seed.",
    )
    add_scenario_arguments(sensitivity, sampling=True, trials=defaults.TORNADO_TRIALS)
    sensitivity.add_argument("--option", default=None, metavar="NAME", help=_OPTION_HELP)
    sensitivity.add_argument("--against", default=None, metavar="NAME", help=_AGAINST_HELP)
    sensitivity.add_argument(
        "--input",
        dest="inputs",
        action="append",
        default=None,
        metavar="PATH",
        help="an input to vary instead of the defaults, e.g. incidents.*.rate or "
        "options.managed.fees.per_user_monthly (repeatable)",
    )
    sensitivity.add_argument("--low", type=_factor, default=0.5, help="low factor (default 0.5)")
    sensitivity.add_argument("--high", type=_factor, default=1.5, help="high factor (1.5)")
    sensitivity.add_argument(
        "--range",
        dest="ranges",
        action="append",
        default=[],
        metavar="PATH=LOW:HIGH",
        help="other factors for one input, e.g. options.managed.fees.per_user_monthly=0.8:1.2 "
        "(repeatable)",
    )
    sensitivity.add_argument(
        "--sobol", action="store_true", help="also compute Sobol indices (slower)"
    )
    sensitivity.add_argument(
        "--samples",
        type=_power_of_two,
        default=defaults.SOBOL_SAMPLES,
        metavar="N",
        help="Sobol base samples, a power of 2 up to 4096; N x (inputs + 2) simulations "
        "(default %(default)s)",
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
        "inputs": "--input",
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


#: The most Sobol base samples: 4,096 x (inputs + 2) simulations is already hours of work, and
#: the indices' intervals shrink only as 1 / sqrt(N).
MAX_SOBOL_SAMPLES = 4096


def _power_of_two(text: str) -> int:
    value = positive_int(text)
    if value & (value - 1) or value > MAX_SOBOL_SAMPLES:
        raise argparse.ArgumentTypeError(
            f"must be a power of 2 up to {MAX_SOBOL_SAMPLES:,}, such as 64 (got {text})"
        )
    return value


def _ranges(items: list[str]) -> dict[str, tuple[float, float]]:
    """``PATH=LOW:HIGH`` items as tornado's and sobol's ``ranges``."""
    ranges = {}
    for item in items:
        name, _, bounds = item.partition("=")
        low, _, high = bounds.partition(":")
        try:
            ranges[name.strip()] = (float(low), float(high))
        except ValueError:
            raise ArgumentError("ranges", f"expected PATH=LOW:HIGH (got {item!r})") from None
    return ranges


#: Simulations a break-even found by root finding takes, about: a bracket doubling out to 20
#: times today's value, Brent's method, and the slope at the root.
ROOT_RUNS = 40


def _breakeven_runs(scenario: Scenario, parameter: str | None) -> int:
    """About how many simulations the break-even of ``parameter`` takes: one for a price
    (exact, by repricing), :data:`ROOT_RUNS` for any other input."""
    if parameter is None:  # the option's headline price
        return 1
    try:
        return 1 if is_price(scenario, parameter) else ROOT_RUNS
    except ItcostError:  # breakeven() names what is wrong with it
        return 1


def _breakeven(args: argparse.Namespace) -> int:
    scenario = resolve(args)
    runs = _breakeven_runs(scenario, args.parameter)
    check_work(args, scenario.incidents_per_trial, runs=runs)
    with simulating("break-even: simulated trials, at most", runs * args.trials):
        answer = breakeven(
            scenario,
            args.parameter,
            option=args.option,
            against=args.against,
            trials=args.trials,
            seed=args.seed,
        )
    if args.json:
        data = answer.to_dict()
        print(json.dumps({key: data[key] for key in BREAKEVEN_KEYS}, allow_nan=False))
        return 0
    titles = {name: option.title for name, option in scenario.options.items()}
    print(
        f"{scenario.name}: {titles[answer.option]} against {titles[answer.against]} "
        f"({args.trials:,} trials, seed {args.seed})"
    )
    what = f"Break-even of {answer.label} ({answer.parameter})"
    if answer.found:
        error = "unknown" if answer.stderr is None else f"{answer.stderr:,.2g}"
        how = "exact, on one simulation" if answer.method == "exact" else "root finding"
        print(
            f"{what}: expected savings are zero at {answer.value:,.6g} (Monte Carlo standard "
            f"error {error}; {how}); now {answer.current:,.6g}."
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
    compared = {"option": args.option, "against": args.against, "inputs": args.inputs}
    inputs = args.inputs or applicable_inputs(scenario, check_pair(scenario, args.option,
                                                                   args.against)[0])  # fmt: skip
    # The tornado's runs and Sobol's, together.
    per_trial, runs = scenario.incidents_per_trial, tornado_runs(scenario, inputs)
    sobol_count = sobol_runs(args.samples, len(inputs)) if args.sobol else 0
    tornado_work = per_trial * runs * args.trials
    sobol_work = per_trial * sobol_count * args.sobol_trials
    if sobol_work > tornado_work:
        check_work(args, per_trial, runs=sobol_count, trials=args.sobol_trials,
                   name="sobol_trials", also=tornado_work)  # fmt: skip
    else:
        check_work(args, per_trial, runs=runs, also=sobol_work)
    work = runs * args.trials + sobol_count * args.sobol_trials
    with simulating("sensitivity: simulated trials", work):
        table = tornado(
            scenario, low=args.low, high=args.high, ranges=ranges, trials=args.trials,
            seed=args.seed, **compared,
        )  # fmt: skip
        indices = None
        if args.sobol:
            indices = sobol(
                scenario, low=args.low, high=args.high, ranges=ranges, samples=args.samples,
                trials=args.sobol_trials, seed=args.seed, **compared,
            )  # fmt: skip
    option, against = table.attrs["option"], table.attrs["against"]
    if args.json:
        data = {
            "option": option,
            "against": against,
            "tornado": table.reset_index().to_dict(orient="records"),
        }
        if indices is not None:
            data["sobol"] = indices.reset_index().to_dict(orient="records")
        print(json.dumps(data, indent=2, allow_nan=False))
        return 0
    currency = scenario.currency
    titles = {name: spec.title for name, spec in scenario.options.items()}
    print(
        f"{scenario.name}: expected savings of {titles[option]} against {titles[against]} "
        f"with each input low and high ({args.trials:,} trials per run, seed {args.seed}); "
        f"now {money(table['base'].iloc[0], currency)}"
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
