"""The command line's work budget: a command that would simulate more than CLI_MAX_INCIDENTS
incidents is refused before it starts, unless --force (issue 12)."""

from __future__ import annotations

import argparse
import subprocess
import time

import pytest

from analysis import defaults, load_scenario
from analysis.cli import arguments
from analysis.cli.arguments import check_work
from analysis.cli.entry import main
from analysis.decision.inputs import applicable_inputs
from analysis.errors import ArgumentError
from analysis.scenario.presets import preset_names

#: Twenty years of the law firm: 7,700 incidents a trial, so that few trials (which any
#: machine's memory holds) are over the budget.
LONG = ("--set", "horizon.years=20")


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["simulate", "law-firm", *LONG, "--trials", "300000"], "--trials"),
        (["compare", "law-firm", *LONG, "--trials", "300000"], "--trials"),
        (["report", "law-firm", *LONG, "--trials", "300000"], "--trials"),
        (
            [
                "sweep",
                "server-office",
                "--parameter",
                "incidents.*.rate",
                "--range",
                "1:3:200",
                "--trials",
                "200000",
            ],
            "--trials",
        ),
        (["sensitivity", "server-office", "--sobol", "--samples", "4096"], "--sobol-trials"),
        (["sensitivity", "manufacturer", "--trials", "1000000"], "--trials"),
        (
            [
                "breakeven",
                "server-office",
                "--parameter",
                "incidents.critical.rate_per_year",
                "--trials",
                "1000000",
            ],
            "--trials",
        ),
        (["presets", "--table", "--trials", "2000000"], "--trials"),
    ],
)
def test_a_command_over_the_budget_is_refused_before_it_starts(
    itcost_command, tmp_path, args, flag
):
    started = time.monotonic()
    done = subprocess.run([*itcost_command, *args], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"itcost: error: {flag}: ")
    assert "incidents in all, more than 2,000,000,000" in line and "add --force" in line
    assert time.monotonic() - started < 15  # refused, not simulated
    assert list(tmp_path.iterdir()) == []


def namespace(trials: int, force: bool = False) -> argparse.Namespace:
    return argparse.Namespace(trials=trials, force=force, seed=1)


def test_the_largest_trials_it_names_fit_and_one_more_does_not():
    per_trial = load_scenario("server-office").incidents_per_trial
    other = 0.9 * defaults.CLI_MAX_INCIDENTS  # the rest of the command's work
    with pytest.raises(ArgumentError, match=r"use at most ([\d,]+) trials") as refused:
        check_work(namespace(2 * 10**6), per_trial, runs=3, also=other)
    largest = int(refused.value.reason.split("use at most ")[1].split(" ")[0].replace(",", ""))
    assert largest * 3 * per_trial + other <= defaults.CLI_MAX_INCIDENTS
    check_work(namespace(largest), per_trial, runs=3, also=other)
    with pytest.raises(ArgumentError):
        check_work(namespace(largest + 1), per_trial, runs=3, also=other)
    check_work(namespace(2 * 10**6, force=True), per_trial, runs=3)  # --force: not refused
    with pytest.raises(ArgumentError, match=r"need about .* for their results"):
        check_work(namespace(10**9, force=True), per_trial)  # what no --force can run
    with pytest.raises(ArgumentError, match="even one trial is over it: ask for fewer runs"):
        check_work(namespace(1), per_trial, also=2 * defaults.CLI_MAX_INCIDENTS)


def test_force_runs_what_is_over_the_budget(monkeypatch, capsys):
    """With a small budget, a small run is over it: refused, then run with --force."""
    monkeypatch.setattr(arguments.defaults, "CLI_MAX_INCIDENTS", 10_000)
    command = ["simulate", "micro-cloud-office", "--trials", "2000", "--json"]
    assert main(command) == 2
    assert "add --force" in capsys.readouterr().err
    assert main([*command, "--force"]) == 0
    assert '"trials": 2000' in capsys.readouterr().out


@pytest.mark.parametrize("preset", preset_names())
def test_every_command_at_its_defaults_fits_for_every_preset(preset, capsys):
    """Each command as a user runs it with no flags but the preset, through its own check:
    none is refused (the sensitivity command with --sobol, its largest)."""
    per_trial = load_scenario(preset).incidents_per_trial
    inputs = len(applicable_inputs(load_scenario(preset), None))
    check_work(namespace(defaults.TRIALS), per_trial)  # simulate, compare, report
    tornado = per_trial * (1 + 2 * inputs) * defaults.TORNADO_TRIALS
    sobol = defaults.SOBOL_SAMPLES * (inputs + 2)
    check_work(namespace(defaults.SOBOL_TRIALS), per_trial, runs=sobol, also=tornado)
    check_work(namespace(defaults.SWEEP_TRIALS), per_trial, runs=15)  # the README's sweeps
    check_work(namespace(defaults.BREAKEVEN_TRIALS), per_trial, runs=40)  # root finding


def test_presets_table_at_its_defaults_fits():
    total = sum(load_scenario(name).incidents_per_trial for name in preset_names())
    check_work(namespace(defaults.TRIALS), total)
