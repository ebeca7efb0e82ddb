"""Built-in scenario presets, loadable by name, and the references behind their figures.

Presets live in ``data/scenarios/<name>.yaml`` in a source checkout; an installed wheel carries the
same files inside the package (``analysis/_data``), so both kinds of install find them.

Examples
--------
>>> from analysis import load_scenario, preset_names
>>> "small-office" in preset_names()
True
>>> load_scenario("small-office").organisation.employees
10
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

from analysis.scenario import Scenario, ScenarioError
from analysis.scenario_io import load_scenario_file, parse_yaml

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir() -> Path:
    """The folder holding ``scenarios/`` and ``references.yaml``."""
    for candidate in (_PACKAGE / "_data", _PACKAGE.parent / "data"):
        if (candidate / "scenarios").is_dir():
            return candidate
    raise FileNotFoundError(f"itcost data folder not found next to {_PACKAGE}")


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
    return {name: load_scenario_file(preset_path(name)).description for name in preset_names()}


def load_scenario(name_or_path: str | os.PathLike[str]) -> Scenario:
    """Load a scenario from a preset name (``"small-office"``) or a YAML file path.

    An existing file wins over a preset of the same name.

    Examples
    --------
    >>> load_scenario("dental-clinic").organisation.employees
    25
    """
    if isinstance(name_or_path, Scenario):
        return name_or_path
    path = Path(name_or_path)
    if path.is_file() or path.suffix in {".yaml", ".yml"} or len(path.parts) > 1:
        return load_scenario_file(path)
    return load_scenario_file(preset_path(str(name_or_path)))


def references() -> list[dict[str, Any]]:
    """The sources of the presets' figures, from ``data/references.yaml``."""
    path = data_dir() / "references.yaml"
    data = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    return list(data["references"])


__all__ = [
    "data_dir",
    "load_scenario",
    "preset_descriptions",
    "preset_names",
    "preset_path",
    "references",
]
