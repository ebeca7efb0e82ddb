"""``--set`` overrides: type coercion, validation, and paths that must exist."""

from __future__ import annotations

import pytest

from analysis import load_scenario
from analysis.scenario.paths import parse_assignment


@pytest.fixture(scope="module")
def office():
    return load_scenario("small-office")


def test_parse_assignment_reads_yaml_values():
    assert parse_assignment("a.b=3") == ("a.b", 3)
    assert parse_assignment("a.b = 2.5") == ("a.b", 2.5)
    assert parse_assignment("a={median: 1, p90: 2}") == ("a", {"median": 1, "p90": 2})
    assert parse_assignment("name=x=y") == ("name", "x=y")


# -- differences between scenarios, as links carry them -------------------------------------------
