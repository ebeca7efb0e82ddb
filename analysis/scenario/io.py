"""Reading and writing scenario files: YAML text in, a validated Scenario out, and back.

Examples
--------
>>> from analysis import load_scenario
>>> scenario = load_scenario("server-office")
>>> load_scenario_text(dump_scenario(scenario)) == scenario
True
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from analysis.errors import ScenarioError
from analysis.files import write_text_atomic
from analysis.scenario.model import Scenario
from analysis.scenario.validation import validated
from analysis.scenario.yaml import dump_yaml, parse_yaml


def scenario_from_data(data: Any, source: str | None = None) -> Scenario:
    """Validate plain data (as parsed from YAML) into a :class:`Scenario`."""
    if not isinstance(data, dict):
        raise ScenarioError("", "a scenario must be a YAML mapping of keys to values", source)
    return validated(Scenario, data, source)


def load_scenario_text(text: str, source: str | None = None) -> Scenario:
    """Parse and validate scenario YAML text; errors name ``source`` (a file, say)."""
    return scenario_from_data(parse_yaml(text, source), source)


def read_scenario_text(path: str | os.PathLike[str]) -> str:
    """The text of a scenario file; a file that cannot be read is one ScenarioError naming it."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError("", "no such file", str(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise ScenarioError("", f"cannot read: {reason}", str(path)) from None


def load_scenario_file(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a scenario YAML file."""
    return load_scenario_text(read_scenario_text(path), str(path))


def dump_scenario(scenario: Scenario, path: str | os.PathLike[str] | None = None) -> str:
    """The scenario as YAML text (defaults filled in); also written to ``path`` when given.

    The file is written to a temporary name beside ``path`` and renamed into place, so an
    existing file is never left half-written.
    """
    text = dump_yaml(scenario.to_dict())
    if path is not None:
        write_text_atomic(Path(path), text)
    return text
