"""Argument types and the SCENARIO/--set/--trials/--seed arguments every command shares.

A bad value is an argparse error, which the command line prints as one line with exit
status 2.
"""

from __future__ import annotations

import argparse

from analysis import defaults
from analysis.engine.core import check_arguments
from analysis.errors import ArgumentError
from analysis.scenario.model import Scenario
from analysis.scenario.presets import load_scenario

_SET_HELP = (
    "override one scenario value, e.g. --set options.managed.fees.per_user_monthly=140 or "
    "--set 'options.break-fix.response_hours.default={median: 4, p90: 12}' (repeatable; "
    "values are YAML; 'itcost fields' lists the paths)"
)
_SCENARIO_HELP = "a preset name (see 'itcost presets') or a scenario YAML file"


def positive_int(text: str) -> int:
    value = whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1 (got {text})")
    return value


def non_negative_int(text: str) -> int:
    value = whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0 (got {text})")
    return value


def port(text: str) -> int:
    port = positive_int(text)
    if port > 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 1 to 65535 (got {text})")
    return port


def whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})") from None


def add_scenario_arguments(
    command: argparse.ArgumentParser, sampling: bool = False, trials: int = defaults.TRIALS
) -> None:
    """SCENARIO and --set, and with ``sampling`` also --trials (default ``trials``) and --seed."""
    command.add_argument("scenario", metavar="SCENARIO", help=_SCENARIO_HELP)
    if sampling:
        add_sampling_arguments(command, trials)
    command.add_argument(
        "--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE", help=_SET_HELP
    )


def add_sampling_arguments(
    command: argparse.ArgumentParser,
    trials: int = defaults.TRIALS,
    trials_help: str = "Monte Carlo trials",
    seed_help: str = "random seed; the same seed and trials give the same numbers",
) -> None:
    """--trials (default ``trials``) and --seed, with their help texts."""
    command.add_argument(
        "--trials",
        type=positive_int,
        default=trials,
        metavar="N",
        help=f"{trials_help} (default: %(default)s)",
    )
    command.add_argument(
        "--seed",
        type=non_negative_int,
        default=defaults.SEED,
        metavar="S",
        help=f"{seed_help} (default: %(default)s)",
    )
    command.add_argument(
        "--force",
        action="store_true",
        help=f"run even a command that simulates more than {defaults.CLI_MAX_INCIDENTS:,} "
        "incidents in all (a few minutes or more), which is otherwise refused before it starts",
    )


def check_work(
    args: argparse.Namespace,
    incidents: float,
    runs: int = 1,
    trials: int | None = None,
    name: str = "trials",
    also: float = 0.0,
) -> None:
    """Refuse, before it starts, a command whose ``runs`` simulations of ``trials`` (default
    --trials) of a scenario with ``incidents`` expected incidents a trial, with ``also``
    incidents of its other work, would simulate more than CLI_MAX_INCIDENTS incidents in
    all, unless --force: one line with the estimate and the largest trial count that fits.
    What no --force can run is refused first: trials that this machine's memory cannot hold
    (see :func:`analysis.engine.core.check_arguments`)."""
    trials = args.trials if trials is None else trials
    check_arguments(trials, args.seed)
    per_trial = incidents * runs
    total = per_trial * trials + also
    if args.force or total <= defaults.CLI_MAX_INCIDENTS:
        return
    room = defaults.CLI_MAX_INCIDENTS - also
    largest = int(room // per_trial) if room > 0 and per_trial > 0 else 0
    fits = (
        f"use at most {largest:,} trials" if largest >= 1
        else "even one trial is over it: ask for fewer runs"
    )  # fmt: skip
    times = f" x {runs:,} runs" if runs > 1 else ""
    raise ArgumentError(
        name,
        f"{trials:,} trials{times} simulate about {total:,.0f} incidents in all, more than "
        f"{defaults.CLI_MAX_INCIDENTS:,} (minutes of work); {fits}, or add --force to run "
        "it anyway",
    )


def resolve(args: argparse.Namespace) -> Scenario:
    """The scenario of SCENARIO with the --set overrides applied."""
    return load_scenario(args.scenario).with_overrides(args.overrides)
