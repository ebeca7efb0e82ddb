"""The ``itcost`` command line, run as users run it: the installed console script."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from analysis import load_scenario, simulate
from tests.helpers import read_yaml


def run(command: list[str], *args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([*command, *args], capture_output=True, text=True, cwd=cwd)


def test_simulate_prints_both_models_side_by_side(itcost_command):
    done = run(itcost_command, "simulate", "small-office", "--trials", "5000")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for text in ("Break-fix", "Managed", "IT support", "Downtime", "Security", "Total",
                 "P5", "P50", "P95", "Savings with managed", "Managed is cheaper in"):  # fmt: skip
        assert text in out
    summary = simulate(load_scenario("small-office"), trials=5000, seed=2026).summary()
    share = summary["comparison"]["prob_managed_cheaper"]
    assert f"Managed is cheaper in {share:.1%} of trials." in out
    mean_total = f"${summary['models']['break_fix']['total']['mean']:,.0f}"
    assert mean_total in out


def test_simulate_json_equals_the_python_summary(itcost_command):
    done = run(itcost_command, "simulate", "dental-clinic", "--json", "--trials", "3000",
               "--seed", "7", "--set", "managed.per_user_monthly=140")  # fmt: skip
    assert done.returncode == 0, done.stderr
    scenario = load_scenario("dental-clinic").with_overrides(["managed.per_user_monthly=140"])
    assert json.loads(done.stdout) == simulate(scenario, trials=3000, seed=7).summary()


def test_simulate_a_yaml_file(itcost_command, tmp_path):
    path = tmp_path / "acme.yaml"
    shown = run(itcost_command, "show", "small-office", "--set", "name=Acme")
    assert shown.returncode == 0
    path.write_text(shown.stdout)
    assert read_yaml(path.read_text())["name"] == "Acme"
    done = run(itcost_command, "simulate", str(path), "--trials", "2000", "--json")
    assert json.loads(done.stdout)["scenario"]["name"] == "Acme"


def test_presets_lists_names_and_descriptions(itcost_command):
    done = run(itcost_command, "presets")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    names = [line.split()[0] for line in lines]
    assert {"small-office", "dental-clinic", "law-firm", "ecommerce-shop", "manufacturer"} <= set(
        names
    )
    assert all(len(line.split(None, 1)) == 2 for line in lines)  # every name has a description


def test_validate_prints_the_hash(itcost_command):
    done = run(itcost_command, "validate", "law-firm")
    assert done.returncode == 0
    assert load_scenario("law-firm").sha256 in done.stdout


def test_help_texts(itcost_command):
    assert "simulate" in run(itcost_command, "--help").stdout
    text = run(itcost_command, "simulate", "--help").stdout
    for option in ("--trials", "--seed", "--set", "--json"):
        assert option in text


BAD_YAML = {
    "syntax.yaml": ("name: x\n  bad: [\n", "YAML syntax error"),
    "unknown.yaml": (None, "break_fix.hourly_rat: unknown key"),
    "type.yaml": (None, "organisation.employees: must be a whole number"),
    "negative.yaml": (None, "incidents.minor.rate_per_year: must be >= 0"),
    "p90.yaml": (None, "incidents.minor.fix_hours: p90 (0.5) must be >= median (0.75)"),
    "tier.yaml": (None, "managed.incident_reduction.trivial: not a tier name"),
}


def _bad_file(tmp_path, name: str) -> str:
    text, _ = BAD_YAML[name]
    if text is None:
        text = (tmp_path / "good.yaml").read_text()
        text = {
            "unknown.yaml": lambda t: t.replace("hourly_rate:", "hourly_rat:"),
            "type.yaml": lambda t: t.replace("employees: 10", "employees: ten"),
            "negative.yaml": lambda t: t.replace("rate_per_year: 30.0", "rate_per_year: -30"),
            "p90.yaml": lambda t: t.replace("{median: 0.75, p90: 2.0}", "{median: 0.75, p90: 0.5}"),
            "tier.yaml": lambda t: t.replace("minor: 0.3", "minor: 0.3\n    trivial: 0.1"),
        }[name](text)
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.fixture
def good_file(tmp_path, itcost_command):
    (tmp_path / "good.yaml").write_text(run(itcost_command, "show", "small-office").stdout)
    return tmp_path


@pytest.mark.parametrize("name", sorted(BAD_YAML))
def test_bad_scenario_files_exit_2_with_one_line(itcost_command, good_file, name):
    path = _bad_file(good_file, name)
    for command in ("simulate", "validate"):
        done = run(itcost_command, command, path)
        assert_bad_input(done, BAD_YAML[name][1])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["simulate", "missing.yaml"], "missing.yaml: no such file"),
        (["simulate", "no-such-preset"], "no-such-preset: no such preset or file"),
        (["simulate", "seed"], "itcost: error: seed: no such preset or file"),  # not --seed
        (["simulate", "small-office", "--set", "incidents.minor.rate_per_yer=3"],
         "--set: incidents.minor.rate_per_yer: no such field (did you mean 'rate_per_year'?)"),
        (["simulate", "small-office", "--set", "incidents.huge.rate_per_year=3"],
         "--set: incidents.huge: no such field"),
        (["simulate", "small-office", "--set", "incidents.minor.rate_per_year=-1"],
         "--set: incidents.minor.rate_per_year: must be >= 0"),
        (["simulate", "small-office", "--set", "managed.incident_reduction.huge=0.2"],
         "--set: managed.incident_reduction.huge: no such field"),
        (["simulate", "small-office", "--set", "organisation.employees=many"],
         "--set: organisation.employees: must be a whole number"),
        (["simulate", "small-office", "--trials", "0"], "argument --trials: must be >= 1"),
        (["simulate", "small-office", "--trials", "lots"], "argument --trials: must be a whole"),
        (["simulate", "small-office", "--seed", "-1"], "argument --seed: must be >= 0"),
        (["simulate"], "the following arguments are required: SCENARIO"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)  # fmt: skip
def test_bad_arguments_exit_2_with_one_line(itcost_command, tmp_path, args, message):
    assert_bad_input(run(itcost_command, *args, cwd=tmp_path), message)


def assert_bad_input(done: subprocess.CompletedProcess, message: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("itcost")
    assert message in lines[0]


def test_fields_lists_every_settable_path_with_units(itcost_command):
    done = run(itcost_command, "fields")
    assert done.returncode == 0
    paths = {line.split()[0] for line in done.stdout.splitlines()}
    assert {"break_fix.hourly_rate", "incidents.<tier>.fix_hours", "horizon.discount_rate"} <= paths
    assert "technician rate (money per hour) [required]" in done.stdout
    assert "[required in the section]" in done.stdout  # fields of the optional parts, security
    # Every listed path (with a real tier name) is accepted by --set, on a scenario that has
    # every optional section.
    scenario = load_scenario("small-office").with_overrides(
        {
            "managed.sla": {"response_hours": 4, "credit_per_breach": 50, "max_credit_share": 0.1},
            "hybrid": {"managed_tiers": ["critical"], "per_user_monthly": 60,
                       "security_rate_per_year": 0.05},
            "budget": {"annual_it_spend": 20000, "seasonality": [1] * 12},
        }
    )  # fmt: skip
    settable = [path.replace("<tier>", "minor") for path in paths]
    for path in settable:
        current = scenario.model_dump(mode="json")
        for key in path.split("."):
            current = current[key]
        assert scenario.with_overrides({path: current}) == scenario, path


def test_readme_example_is_the_real_output(itcost_command):

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    shown = readme.split("$ itcost simulate small-office\n", 1)[1].split("```", 1)[0]
    assert run(itcost_command, "simulate", "small-office").stdout == shown


def test_schema_prints_the_published_json_schema(itcost_command):
    done = run(itcost_command, "schema")
    assert done.returncode == 0, done.stderr
    published = Path(__file__).resolve().parents[2] / "data" / "scenario.schema.json"
    assert done.stdout == published.read_text()
    assert json.loads(done.stdout)["$schema"].endswith("2020-12/schema")
