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
import stat
from pathlib import Path
from typing import Any

from analysis.errors import ScenarioError
from analysis.files import shown_path, write_text_atomic
from analysis.scenario.model import Scenario
from analysis.scenario.validation import validated
from analysis.scenario.yaml import MAX_TEXT_BYTES, dump_yaml, parse_yaml


def scenario_from_data(data: Any, source: str | None = None) -> Scenario:
    """Validate plain data (as parsed from YAML) into a :class:`Scenario`."""
    if not isinstance(data, dict):
        raise ScenarioError("", "a scenario must be a YAML mapping of keys to values", source)
    return validated(Scenario, data, source)


def load_scenario_text(text: str, source: str | None = None) -> Scenario:
    """Parse and validate scenario YAML text; errors name ``source`` (a file, say)."""
    return scenario_from_data(parse_yaml(text, source), source)


#: What a file that is not a regular one is, by its stat mode.
_NOT_FILES = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_scenario_text(path: str | os.PathLike[str]) -> str:
    """The text of a scenario file: a regular file of at most :data:`MAX_TEXT_BYTES`, in
    UTF-8. Anything else is one ScenarioError naming the path, before anything is read:
    a folder, a FIFO (which would wait for a writer for ever), a device (``/dev/zero`` has no
    end), a file too large, or an operating-system error (missing, no permission, a name
    too long)."""
    name = shown_path(path)
    try:
        mode = os.stat(path).st_mode
        for test, what in _NOT_FILES:
            if test(mode):
                raise ScenarioError("", f"not a regular file: it is {what}", name)
        with open(path, "rb") as file:  # read one byte past the bound to see that it is over
            data = file.read(MAX_TEXT_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError("", "no such file", name) from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ScenarioError("", f"cannot read: {reason}", name) from None
    if len(data) > MAX_TEXT_BYTES:
        raise ScenarioError("", f"larger than {MAX_TEXT_BYTES // 2**20} MB: not a scenario", name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError("", "not a text file (UTF-8 YAML)", name) from None


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
