"""The decision commands: itcost breakeven, sensitivity and sweep (with its notebook)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import breakeven, load_scenario, tornado

ROOT = Path(__file__).resolve().parents[2]
SWEEP = ROOT / "notebooks" / "sweep.ipynb"


def run(command, *args, cwd=None):
    return subprocess.run([*command, *args], capture_output=True, text=True, cwd=cwd)


def assert_one_line_error(done, message):
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == "" and "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1 and message in done.stderr, done.stderr


def test_breakeven_json_is_the_contract_and_matches_the_api(itcost_command):
    done = run(itcost_command, "breakeven", "small-office", "--trials", "5000", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert list(data) == ["parameter", "found", "value", "stderr", "current"]
    answer = breakeven(load_scenario("small-office"), trials=5_000, seed=2026)
    assert data == {"parameter": "managed.per_user_monthly", "found": True,
                    "value": answer.value, "stderr": answer.stderr, "current": 125.0}  # fmt: skip


def test_breakeven_says_when_there_is_none(itcost_command):
    done = run(itcost_command, "breakeven", "small-office", "--parameter",
               "break_fix.hourly_rate", "--trials", "2000")  # fmt: skip
    assert done.returncode == 0
    assert "No break-even between 0 and 3,000" in done.stdout
    as_json = run(itcost_command, "breakeven", "small-office", "--parameter",
                  "break_fix.hourly_rate", "--trials", "2000", "--json")  # fmt: skip
    assert json.loads(as_json.stdout)["found"] is False
    assert json.loads(as_json.stdout)["value"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["breakeven", "small-office", "--parameter", "colour"], "--parameter: cannot solve for"),
        (["breakeven", "small-office", "--parameter", "incidents.nope.rate_per_year"],
         "--parameter: cannot solve for"),
        (["sensitivity", "small-office", "--range", "managed_fe=1:2"],
         "--range: no input 'managed_fe'"),
        (["sensitivity", "small-office", "--range", "managed_fee=2"], "--range: expected"),
        (["sensitivity", "small-office", "--low", "2", "--high", "1"], "--low: must be below"),
        (["sensitivity", "small-office", "--sobol", "--samples", "100"], "power of 2"),
        (["sweep", "small-office", "--parameter", "nope", "--range", "1:2:3"],
         "--parameter: nope: no such field"),
        (["sweep", "small-office", "--parameter", "name", "--range", "1:2:3"],
         "--parameter: name: not a number to sweep"),
        (["sweep", "small-office", "--parameter", "break_fix.hourly_rate", "--range", "5:1:3"],
         "--range: needs finite LO < HI"),
        (["sweep", "small-office", "--parameter", "break_fix.hourly_rate", "--range", "1:5"],
         "--range: expected LO:HI:STEPS"),
        (["sweep", "small-office", "--parameter", "organisation.employees", "--range",
          "1:3.5:3"], "--range: 2.25 is not a valid value: organisation.employees"),
        (["sweep", "small-office", "--parameter", "horizon.years", "--range", "0:3:4"],
         "--range: 0 is not a valid value: horizon.years: must be >= 1"),
        (["sensitivity", "small-office", "--range", "staff=1:inf"], "needs finite factors"),
        (["sensitivity", "small-office", "--low", "0"],
         "--low/--high: x0 makes repair times (every tier) invalid"),
        (["sensitivity", "small-office", "--set", "security=null", "--range",
          "security_loss=1:2"], "--range security_loss: the scenario has no security section"),
        (["breakeven", "small-office", "--trials", "1", "--json"],
         "--trials: must be a whole number >= 2"),
    ],
)  # fmt: skip
def test_bad_decision_arguments_exit_2_with_one_line(itcost_command, tmp_path, args, message):
    done = run(itcost_command, *args, cwd=tmp_path)
    assert_one_line_error(done, message)
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_sensitivity_prints_the_tornado_sorted_by_swing(itcost_command):
    done = run(itcost_command, "sensitivity", "small-office", "--trials", "2000", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["tornado"]
    expected = tornado(load_scenario("small-office"), trials=2_000, seed=2026)
    assert [row["input"] for row in rows] == list(expected.index)
    assert [row["swing"] for row in rows] == pytest.approx(list(expected["swing"]), rel=1e-12)
    table = run(itcost_command, "sensitivity", "small-office", "--trials", "2000").stdout
    assert table.splitlines()[2].split()[:2] == ["input", "factors"]
    assert expected["label"].iloc[0] in table.splitlines()[3]


def test_sensitivity_with_sobol(itcost_command):
    done = run(itcost_command, "sensitivity", "small-office", "--trials", "1000", "--sobol",
               "--samples", "8", "--sobol-trials", "200", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    indices = json.loads(done.stdout)["sobol"]
    assert {"input", "label", "S1", "S1_conf", "ST", "ST_conf"} <= set(indices[0])


def test_sweep_writes_a_complete_run_folder(itcost_command, tmp_path):
    done = run(itcost_command, "sweep", "small-office", "--parameter",
               "managed.per_user_monthly", "--range", "100:400:4", "--trials", "3000",
               "--out", str(tmp_path))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    html = Path(done.stdout.strip())
    folder = html.parent
    assert {p.name for p in folder.iterdir()} == {"scenario.yaml", "sweep.csv", "sweep.ipynb",
                                                  "sweep.html"}  # fmt: skip
    table = pd.read_csv(folder / "sweep.csv")
    assert table["value"].tolist() == [100, 200, 300, 400]
    assert table["savings_mean"].is_monotonic_decreasing
    text = html.read_text()
    solved = breakeven(load_scenario("small-office"), trials=3_000, seed=2026).value
    assert f"Break-even: {solved:,.4g}</strong>" in text  # solved, not interpolated
    assert text.count('class="plotly-graph-div"') == 1 and "window.Plotly" in text


def test_the_sweep_notebook_rejects_a_bad_parameter_from_papermill(tmp_path):
    papermill_cli = Path(sys.executable).parent / "papermill"
    done = subprocess.run(
        [str(papermill_cli), str(SWEEP), str(tmp_path / "out.ipynb"), "-p", "values", "9:1:3"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode != 0
    assert "values: needs finite LO < HI" in done.stdout + done.stderr
