"""The one place where library names become flags: cli.entry.in_flags."""

from __future__ import annotations

import pytest

from analysis.cli.entry import FLAGS, in_flags
from analysis.errors import ArgumentError, ReportError, ScenarioError, ToolMissingError


@pytest.mark.parametrize(
    ("error", "flags", "text"),
    [
        (ScenarioError("colour", "no such field", argument="overrides"), {},
         "--set: colour: no such field"),
        (ScenarioError("colour", "unknown key", "acme.yaml"), {}, "acme.yaml: colour: unknown key"),
        # A file or preset is said by its name, even one that is also an argument's name.
        (ScenarioError("", "no such preset or file", "seed"), {}, "seed: no such preset or file"),
        (ArgumentError("trials", "must be >= 2"), {}, "--trials: must be >= 2"),
        (ArgumentError("values", "needs LO < HI"), {"values": "--range"}, "--range: needs LO < HI"),
        (ArgumentError(("low", "high"), "x0 makes it invalid"), {"low": "--low", "high": "--high"},
         "--low/--high: x0 makes it invalid"),
        (ArgumentError("ranges", "no security section", "security_loss"), {"ranges": "--range"},
         "--range security_loss: no security section"),
        (ArgumentError("client_name", "must not be empty"), {}, "--client: must not be empty"),
        (ArgumentError("option", "'acme' is not an option"), {}, "--option: 'acme' is not an "
         "option"),
        (ArgumentError("against", "must differ"), {}, "--against: must differ"),
        (ArgumentError("inputs", "no input 'colour'"), {"inputs": "--input"},
         "--input: no input 'colour'"),
        (ScenarioError("schema", "this is a format-1 scenario; `itcost upgrade FILE` writes its "
                       "format-2 equivalent", "old.yaml"), {},
         "old.yaml: schema: this is a format-1 scenario; `itcost upgrade FILE` writes its "
         "format-2 equivalent"),
        (ToolMissingError("Chromium", "get it", "pdf"), {}, "--pdf: needs Chromium: get it"),
        (ReportError("the notebook failed"), {}, "the notebook failed"),
    ],
)  # fmt: skip
def test_python_names_are_said_as_the_commands_flags(error, flags, text):
    assert in_flags(error, {**FLAGS, **flags}) == text
