"""The decision commands: itcost breakeven, sensitivity and sweep (with its notebook)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import breakeven, load_scenario, simulate, tornado
from analysis.cli.decide import BREAKEVEN_KEYS

ROOT = Path(__file__).resolve().parents[2]
SWEEP = ROOT / "notebooks" / "sweep.ipynb"


def run(command, *args, cwd=None):
    return subprocess.run([*command, *args], capture_output=True, text=True, cwd=cwd)


def assert_one_line_error(done, message):
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == "" and "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1 and message in done.stderr, done.stderr


def test_breakeven_json_is_the_contract_and_matches_the_api(itcost_command):
    done = run(itcost_command, "breakeven", "server-office", "--trials", "5000", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert list(data) == list(BREAKEVEN_KEYS)
    scenario = load_scenario("server-office")
    answer = breakeven(scenario, trials=5_000, seed=2026)
    assert data == {key: answer.to_dict()[key] for key in BREAKEVEN_KEYS}
    # By default: the per-user fee of the best option other than the baseline, against it.
    best = min(
        (o for o in scenario.option_names if o != scenario.baseline_name),
        key=lambda o: simulate(scenario, trials=5_000, seed=2026).summary()["options"][o]["total"][
            "mean"
        ],
    )
    assert data["option"] == best and data["against"] == scenario.baseline_name
    assert data["parameter"] == f"options.{best}.fees.per_user_monthly"


def test_breakeven_of_a_chosen_option(itcost_command):
    done = run(itcost_command, "breakeven", "server-office", "--option", "managed",
               "--trials", "5000", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    scenario = load_scenario("server-office")
    assert data["option"] == "managed"
    assert data["parameter"] == "options.managed.fees.per_user_monthly"
    assert data["current"] == scenario.options["managed"].fees.per_user_monthly
    assert data["found"] is True
    # The fee at which managed breaks even makes its expected saving zero, on the same draws.
    at_root = scenario.with_overrides({data["parameter"]: data["value"]})
    saving = simulate(at_root, trials=5_000, seed=2026).savings("managed")
    assert abs(saving.mean()) < 1e-6 * scenario.annual_fee("managed")
    text = run(itcost_command, "breakeven", "server-office", "--option", "managed",
               "--trials", "5000").stdout  # fmt: skip
    title = scenario.options["managed"].title
    assert f"{title} against {scenario.options['break-fix'].title}" in text.splitlines()[0]
    assert f"expected savings are zero at {data['value']:,.6g}" in text.splitlines()[1]


def test_breakeven_says_when_there_is_none(itcost_command):
    # Managed saves far more than the baseline could by charging no trip fee at all.
    args = ["breakeven", "ecommerce-shop", "--option", "managed", "--parameter",
            "options.break-fix.trip_fee", "--trials", "2000"]  # fmt: skip
    done = run(itcost_command, *args)
    assert done.returncode == 0, done.stderr
    assert "expected savings are zero" not in done.stdout
    assert len(done.stdout.splitlines()) == 2
    as_json = json.loads(run(itcost_command, *args, "--json").stdout)
    assert as_json["found"] is False
    assert as_json["value"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["breakeven", "server-office", "--parameter", "colour"], "--parameter"),
        (["breakeven", "server-office", "--parameter", "incidents.nope.rate_per_year"],
         "--parameter"),
        (["breakeven", "server-office", "--option", "acme"], "--option"),
        (["breakeven", "server-office", "--option", "managed", "--against", "acme"],
         "--against"),
        (["sensitivity", "server-office", "--option", "acme"], "--option"),
        (["sensitivity", "server-office", "--input", "colour"], "--input"),
        (["sensitivity", "server-office", "--range", "options.managed.fees.per_user_monthly=2"],
         "--range: expected PATH=LOW:HIGH"),
        (["sensitivity", "server-office", "--range", "colour=1:2"], "--range"),
        (["sensitivity", "server-office", "--low", "2", "--high", "1"], "--low: must be below"),
        (["sensitivity", "server-office", "--sobol", "--samples", "100"], "power of 2"),
        (["sensitivity", "server-office", "--sobol", "--samples", "1048576"], "up to 4,096"),
        (["sweep", "server-office", "--parameter", "nope", "--range", "1:2:3"],
         "--parameter: nope"),
        (["sweep", "server-office", "--parameter", "name", "--range", "1:2:3"],
         "--parameter: name"),
        (["sweep", "server-office", "--parameter", "options.break-fix.rates.remote", "--range",
          "5:1:3"], "--range: needs finite LO < HI"),
        (["sweep", "server-office", "--parameter", "options.break-fix.rates.remote", "--range",
          "1:5"], "--range: expected LO:HI:STEPS"),
        (["sweep", "server-office", "--parameter", "organisation.employees", "--range",
          "1:3.5:3"], "--range: 2.25 is not a valid value: organisation.employees"),
        (["sweep", "server-office", "--parameter", "horizon.years", "--range", "0:3:4"],
         "--range: 0 is not a valid value: horizon.years: must be >= 1"),
        (["sensitivity", "server-office", "--low", "0"], "--low/--high"),
        (["sensitivity", "server-office", "--set", "security=null", "--range",
          "security.loss=1:2"], "--range"),
        (["breakeven", "server-office", "--trials", "1", "--json"],
         "--trials: must be a whole number >= 2"),
    ],
)  # fmt: skip
def test_bad_decision_arguments_exit_2_with_one_line(itcost_command, tmp_path, args, message):
    done = run(itcost_command, *args, cwd=tmp_path)
    assert_one_line_error(done, message)
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_sensitivity_prints_the_tornado_sorted_by_swing(itcost_command):
    done = run(itcost_command, "sensitivity", "server-office", "--trials", "2000", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    expected = tornado(load_scenario("server-office"), trials=2_000, seed=2026)
    assert (data["option"], data["against"]) == (
        expected.attrs["option"],
        expected.attrs["against"],
    )
    rows = data["tornado"]
    assert [row["input"] for row in rows] == list(expected.index)
    assert [row["swing"] for row in rows] == pytest.approx(list(expected["swing"]), rel=1e-12)
    table = run(itcost_command, "sensitivity", "server-office", "--trials", "2000").stdout
    lines = table.splitlines()
    scenario = load_scenario("server-office")
    assert f"of {scenario.options[data['option']].title} against" in lines[0]
    assert lines[2].split()[:2] == ["input", "factors"]
    assert expected["label"].iloc[0] in lines[3]


def test_sensitivity_of_a_chosen_option_and_inputs(itcost_command):
    inputs = ["options.managed.fees.per_user_monthly", "incidents.*.rate"]
    done = run(itcost_command, "sensitivity", "server-office", "--option", "managed",
               "--input", inputs[0], "--input", inputs[1], "--trials", "2000",
               "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["option"] == "managed"
    assert sorted(row["input"] for row in data["tornado"]) == sorted(inputs)


def test_sensitivity_with_sobol(itcost_command):
    done = run(itcost_command, "sensitivity", "server-office", "--trials", "1000", "--sobol",
               "--samples", "8", "--sobol-trials", "200", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    indices = json.loads(done.stdout)["sobol"]
    assert {"input", "label", "S1", "S1_conf", "ST", "ST_conf"} <= set(indices[0])


def test_sweep_writes_a_complete_run_folder(itcost_command, tmp_path):
    parameter = "options.managed.fees.per_user_monthly"
    done = run(itcost_command, "sweep", "server-office", "--parameter", parameter,
               "--range", "100:400:4", "--trials", "3000", "--out", str(tmp_path))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    html = Path(done.stdout.strip())
    folder = html.parent
    assert {p.name for p in folder.iterdir()} == {"scenario.yaml", "sweep.csv", "sweep.ipynb",
                                                  "sweep.html"}  # fmt: skip
    table = pd.read_csv(folder / "sweep.csv")
    assert table["value"].tolist() == [100, 200, 300, 400]
    assert table["savings.managed.mean"].is_monotonic_decreasing
    # The fee is a price: the managed IT spend rises by exactly 12 x staff per unit of fee.
    staff = load_scenario("server-office").organisation.employees
    steps = table["managed.it_spend.mean"].diff().dropna()
    assert steps.tolist() == pytest.approx([12 * staff * 100] * 3, rel=1e-9)
    baseline = table["break-fix.total.mean"]
    assert (baseline == baseline.iloc[0]).all()  # the other options do not move
    text = html.read_text()
    assert text.count('class="plotly-graph-div"') >= 1 and "window.Plotly" in text


def test_the_sweep_notebook_rejects_a_bad_parameter_from_papermill(tmp_path):
    papermill_cli = Path(sys.executable).parent / "papermill"
    done = subprocess.run(
        [str(papermill_cli), str(SWEEP), str(tmp_path / "out.ipynb"), "-p", "values", "9:1:3"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode != 0
    assert "values: needs finite LO < HI" in done.stdout + done.stderr
