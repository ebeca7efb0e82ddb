"""The scenario model: validation, defaults, canonical form and hash, YAML round trip."""

from __future__ import annotations

import copy

import pytest
import yaml

from analysis import (
    ScenarioError,
    load_scenario_text,
)
from tests.helpers import CLOSED_FORM


def text_of(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False)


def error_for(data: dict) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text_of(data), "test.yaml")
    return caught.value


def changed(path: str, value) -> dict:
    """CLOSED_FORM with one dotted key set (or deleted when value is ...)."""
    data = copy.deepcopy(CLOSED_FORM)
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node.setdefault(key, {})
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return data


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("name: x\n  bad: [\n", "YAML syntax error at line 2"),
        ("name: x\nname: y\n", "duplicate key at line 2"),
        ("- 1\n- 2\n", "must be a YAML mapping"),
        ("", "must be a YAML mapping"),
        ("? [a, b]\n: 1\n", "a key must be a name, not a list, at line 1"),
        ('"a\\nb": 1\n"a\\nb": 2\n', "'a\\nb': duplicate key at line 2"),
    ],
)
def test_bad_yaml_is_reported_in_one_line(text, reason):
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "x.yaml")
    assert reason in str(caught.value)
    assert "\n" not in str(caught.value)


def test_numbers_are_read_as_yaml_1_2_reads_them():
    """1e3 is a number, 010 is ten and 1:30 is text (YAML 1.1 said text, eight and ninety)."""
    from analysis.scenario.yaml import parse_yaml

    parsed = parse_yaml("a: 1e3\nb: 010\nc: 1:30\nd: 1_000\ne: -.5\nf: .inf\ng: 0x1F\n")
    assert parsed == {"a": 1000.0, "b": 10, "c": "1:30", "d": 1000, "e": -0.5,
                      "f": float("inf"), "g": "0x1F"}  # fmt: skip
    scenario = load_scenario_text(text_of(CLOSED_FORM).replace("hourly_rate: 100",
                                                               "hourly_rate: 1.5e2"))  # fmt: skip
    assert scenario.break_fix.hourly_rate == 150
