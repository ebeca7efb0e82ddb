"""Built-in scenario presets, loadable by name, and the references behind their figures.

Presets live in ``data/scenarios/<name>.yaml`` in a source checkout; an installed wheel carries the
same files inside the package (``analysis/_data``), so both kinds of install find them.

Examples
--------
>>> from analysis import load_scenario, preset_names
>>> "server-office" in preset_names()
True
>>> load_scenario("server-office").organisation.employees
10
"""

from __future__ import annotations

import copy
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from analysis.errors import ScenarioError
from analysis.files import data_dir
from analysis.scenario.io import load_scenario_file
from analysis.scenario.model import Scenario
from analysis.scenario.yaml import parse_yaml


def preset_names() -> list[str]:
    """Names of the built-in presets, sorted."""
    return sorted(path.stem for path in (data_dir() / "scenarios").glob("*.yaml"))


def preset_path(name: str) -> Path:
    """The YAML file of preset ``name``."""
    if name not in preset_names():
        raise ScenarioError(
            "", f"no such preset or file (presets: {', '.join(preset_names())})", name
        )
    return data_dir() / "scenarios" / f"{name}.yaml"


def preset_descriptions() -> dict[str, str]:
    """Each preset's one-line description, by name."""
    return {name: load_scenario(name).description for name in preset_names()}


def load_scenario(name_or_path: str | os.PathLike[str]) -> Scenario:
    """Load a scenario from a preset name (``"server-office"``) or a YAML file path.

    An existing file wins over a preset of the same name.

    Examples
    --------
    >>> load_scenario("dental-clinic").organisation.employees
    25
    """
    if isinstance(name_or_path, Scenario):
        return name_or_path
    path = Path(name_or_path)
    try:
        exists = path.is_file()
    except OSError:  # a name too long, say: the reader says so in one line
        exists = True
    if exists or path.suffix in {".yaml", ".yml"} or len(path.parts) > 1:
        return load_scenario_file(path)
    return _parsed(preset_path(str(name_or_path)), load_scenario_file)


def _parsed(path: Path, parse: Any) -> Any:
    """``parse(path)``, read again only when the file changes: the app asks for presets and
    references on every rerun, and parsing YAML is slow next to a small simulation."""
    stat = path.stat()
    return _parsed_version(path, stat.st_mtime_ns, stat.st_size, parse)


@lru_cache(maxsize=32)
def _parsed_version(path: Path, mtime_ns: int, size: int, parse: Any) -> Any:
    return parse(path)


def references() -> list[dict[str, Any]]:
    """The sources of the presets' figures, from ``data/references.yaml``."""
    data = _parsed(data_dir() / "references.yaml", _read_yaml)
    return copy.deepcopy(list(data["references"]))  # the caller's to change


def _read_yaml(path: Path) -> Any:
    return parse_yaml(path.read_text(encoding="utf-8"), str(path))


def field_sources(name: str) -> dict[str, list[str]]:
    """The reference ids that preset ``name`` cites for each field, from its YAML comments.

    Presets cite sources in a line's comment, in parentheses: ``revenue_per_hour: 750  # ...
    (itcost-revenue)``. A citation on a section's line (``parts:``) covers every
    field inside it: look a field up with :func:`sources_for`.

    Examples
    --------
    >>> field_sources("server-office")["organisation.loaded_hourly_cost"]
    ['bls-ecec-dec2024']
    """
    cited = _parsed(preset_path(name), _cited_sources)  # read again only when the file changes
    return {path: list(ids) for path, ids in cited.items()}  # the caller's to change


def _cited_sources(path: Path) -> dict[str, list[str]]:
    known = {entry["id"] for entry in references()}
    sources: dict[str, list[str]] = {}
    stack: list[tuple[int, str]] = []  # (indent, key) of the sections the line is inside
    for line in path.read_text(encoding="utf-8").splitlines():
        content, _, comment = line.partition("#")
        match = re.match(r"( *)([A-Za-z0-9_-]+):", content)
        if not match:
            continue
        indent, key = len(match.group(1)), match.group(2)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = ".".join([*(k for _, k in stack), key])
        cited = [token for token in re.findall(r"[a-z0-9-]+", " ".join(
            re.findall(r"\(([^)]*)\)", comment))) if token in known]  # fmt: skip
        if cited:
            sources[path] = list(dict.fromkeys(cited))
        if not content[match.end() :].strip():  # a section: the next lines are inside it
            stack.append((indent, key))
    return sources


def sources_for(sources: dict[str, list[str]], path: str) -> list[str]:
    """The ids cited for ``path`` or, failing that, for the nearest section holding it."""
    parts = path.split(".")
    for depth in range(len(parts), 0, -1):
        found = sources.get(".".join(parts[:depth]))
        if found:
            return found
    return []


__all__ = [
    "field_sources",
    "load_scenario",
    "preset_descriptions",
    "preset_names",
    "preset_path",
    "references",
    "sources_for",
]
