"""One hierarchy of errors, each one line, naming Python arguments and scenario fields."""

from __future__ import annotations

import pickle

import pytest

from analysis.errors import ArgumentError, ItcostError, ReportError, ScenarioError, ToolMissingError


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (ScenarioError("organisation.employees", "must be > 0", "acme.yaml"),
         "acme.yaml: organisation.employees: must be > 0"),
        (ScenarioError("", "no such file", "absent.yaml"), "absent.yaml: no such file"),
        (ScenarioError("name", "must be text"), "name: must be text"),
        (ScenarioError("colour", "no such field", argument="overrides"),
         "overrides: colour: no such field"),
        (ArgumentError("trials", "must be a whole number >= 1 (got 0)"),
         "trials: must be a whole number >= 1 (got 0)"),
        (ArgumentError("ranges", "the scenario has no security section", "security_loss"),
         "ranges security_loss: the scenario has no security section"),
        (ArgumentError(("low", "high"), "x0 makes it invalid"), "low/high: x0 makes it invalid"),
        (ToolMissingError("Chromium", "install it", "pdf"), "pdf: needs Chromium: install it"),
        (ToolMissingError("Chromium", "install it"), "needs Chromium: install it"),
        (ReportError("the notebook failed in cell 3"), "the notebook failed in cell 3"),
    ],
)  # fmt: skip
def test_every_error_is_one_line_and_survives_pickling(error, text):
    assert isinstance(error, ItcostError)
    assert str(error) == text
    again = pickle.loads(pickle.dumps(error))  # as a process pool or a cache passes it on
    assert type(again) is type(error) and str(again) == text
    assert vars(again) == vars(error)


def test_bad_values_are_value_errors_and_missing_tools_are_not():
    assert issubclass(ScenarioError, ValueError) and issubclass(ArgumentError, ValueError)
    assert not issubclass(ToolMissingError, ValueError)
