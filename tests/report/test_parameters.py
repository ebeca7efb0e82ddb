"""analysis.report.parameters: the notebooks' first check, naming the parameter at fault."""

from __future__ import annotations

import pytest

from analysis import ArgumentError, ScenarioError
from analysis.report.parameters import check_report_parameters, check_sweep_parameters

GOOD = {"scenario": "server-office", "client_name": "Acme", "prepared_by": "", "trials": 1000,
        "seed": 1, "overrides": {}, "output_dir": ""}  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"trials": -5}, "trials: must be a whole number >= 1 (got -5)"),
        ({"trials": "10"}, "trials: must be a whole number >= 1 (got '10')"),
        ({"seed": 1.5}, "seed: must be a whole number >= 0 (got 1.5)"),
        ({"client_name": "  "}, "client_name: must not be empty"),
        ({"client_name": 7}, "client_name: must be str (got 7)"),
        ({"overrides": "x=1"}, "overrides: must be dict (got 'x=1')"),
        ({"overrides": {"colour": 1}}, "overrides: colour: no such field"),
        ({"scenario": "nope"}, "scenario: no such preset or file"),
    ],
)
def test_a_bad_report_parameter_is_named(changes, error):
    with pytest.raises((ArgumentError, ScenarioError)) as caught:
        check_report_parameters(**{**GOOD, **changes})
    assert str(caught.value).startswith(error)


def test_an_unknown_preset_is_named_with_the_value_given():
    with pytest.raises(ScenarioError) as caught:
        check_report_parameters(**{**GOOD, "scenario": "no-such-preset"})
    assert str(caught.value).startswith("scenario: no such preset or file (presets: ")
    assert str(caught.value).endswith(" (got 'no-such-preset')")


def test_a_scenario_file_with_a_bad_value_is_named_through_the_parameter(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: [\n")
    with pytest.raises(ScenarioError) as caught:
        check_report_parameters(**{**GOOD, "scenario": str(path)})
    assert str(caught.value).startswith("scenario: YAML syntax error at line")
    assert caught.value.source == str(path)  # still known, for whoever needs it


def test_the_report_parameters_are_checked_and_resolved(tmp_path):
    given = {
        "client_name": " Acme ",
        "output_dir": str(tmp_path),
        "overrides": {"horizon.years": 2},
    }
    params = check_report_parameters(**{**GOOD, **given})
    assert params.client_name == "Acme" and params.output_dir == tmp_path
    assert params.scenario.horizon.years == 2


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"values": "9:1:3"}, "values: needs finite LO < HI"),
        ({"values": 5}, "values: must be str (got 5)"),
        ({"parameter": "nope"}, "parameter: nope: no such field"),
        ({"parameter": "horizon.years", "values": "0:2:3"}, "values: 0 is not a valid value"),
    ],
)
def test_a_bad_sweep_parameter_is_named(changes, error):
    given = {
        **GOOD,
        "parameter": "options.break-fix.rates.onsite",
        "values": "100:200:3",
        **changes,
    }
    del given["client_name"], given["prepared_by"]
    with pytest.raises(ArgumentError) as caught:
        check_sweep_parameters(**given)
    assert str(caught.value).startswith(error)
