"""Dotted paths into a scenario: ``organisation.employees``, ``incidents.minor.fix_hours``.

The fields a path may name are read from the pydantic model classes themselves, so that a
misspelt path is refused with the names allowed there. This module sits beneath the scenario
model: it takes the model class as an argument and never imports it.

Examples
--------
>>> parse_assignment("incidents.minor.fix_hours={median: 2, p90: 6}")
('incidents.minor.fix_hours', {'median': 2, 'p90': 6})
>>> value_at({"managed": {"sla": None}}, "managed.sla.credit_per_breach") is None
True
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel

from analysis.errors import ScenarioError
from analysis.scenario.yaml import parse_yaml

#: The argument that dotted-path assignments come through (``Scenario.with_overrides``), as
#: errors in them name it.
OVERRIDES = "overrides"


def parse_assignment(assignment: str) -> tuple[str, Any]:
    """Split ``"a.b.c=value"`` into the path and the value, read as YAML."""
    path, sep, raw = assignment.partition("=")
    path = path.strip()
    if not sep or not all(path.split(".")):
        raise ScenarioError(assignment, "expected dotted.key=value", argument=OVERRIDES)
    if not raw.strip():
        reason = "needs a value after '=' (null removes an optional section)"
        raise ScenarioError(path, reason, argument=OVERRIDES)
    try:
        value = parse_yaml(raw)
    except ScenarioError as error:
        reason = f"cannot read the value {raw!r}: {error.reason}"
        raise ScenarioError(path, reason, argument=OVERRIDES) from None
    return path, value


def value_at(data: Any, path: str) -> Any:
    """The value at dotted ``path`` in nested mappings, or None where there is none."""
    for key in path.split("."):
        data = data.get(key) if isinstance(data, dict) else None
    return data


def set_path(model: type[BaseModel], data: dict[str, Any], path: str, value: Any) -> None:
    """Set dotted ``path`` in ``data`` (plain data of ``model``) to ``value``, in place.

    Every key must name a field of the model found there (or a tier that ``data`` has, under
    a mapping keyed by tier name); an absent optional section is started. A ScenarioError
    names the first key that does not.
    """
    parts = path.split(".")
    node = data
    for depth, key in enumerate(parts):
        try:
            allowed = allowed_keys(model, parts[:depth])
        except KeyError:  # a mapping keyed by tier name: the tiers as they stand now
            allowed = list(data.get("incidents") or {})
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(allowed)}"
            where = ".".join(parts[: depth + 1])
            raise ScenarioError(where, f"no such field ({hint})", argument=OVERRIDES)
        if depth == len(parts) - 1:
            node[key] = value
            return
        child = node.get(key)
        if child is None:  # an optional section that is absent: start it
            child = node[key] = {}
        elif not isinstance(child, dict):
            where = ".".join(parts[: depth + 1])
            raise ScenarioError(where, "is a value, not a section", argument=OVERRIDES)
        node = child


def allowed_keys(model: type[BaseModel], prefix: list[str]) -> list[str]:
    """Field names of ``model`` found at ``prefix`` (a list of keys).

    Raises ``KeyError`` where ``prefix`` leads to a mapping keyed by tier name rather than a
    model, or to a plain value.

    Examples
    --------
    >>> from analysis.scenario.model import Scenario
    >>> allowed_keys(Scenario, ["incidents", "any-tier"])[:2], allowed_keys(Scenario, ["parts"])
    (['rate_per_year', 'dispersion'], ['probability', 'cost'])
    """
    current: Any = model
    keyed_by_tier = False
    for key in prefix:
        if keyed_by_tier:
            keyed_by_tier = False  # this key is a tier name; the model stays the mapping's value
            continue
        current, keyed_by_tier = unwrap(current.model_fields[key].annotation)
        if current is None:
            raise KeyError(key)
    if keyed_by_tier or current is None:
        raise KeyError(".".join(prefix))
    return list(current.model_fields)


def unwrap(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model inside an annotation, and whether it sits in a ``dict[str, ...]``."""
    origin = typing.get_origin(annotation)
    if origin is dict:
        inner, _ = unwrap(typing.get_args(annotation)[1])
        return inner, True
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            inner, keyed = unwrap(arg)
            if inner is not None:
                return inner, keyed
        return None, False
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    return None, False
