"""Dotted paths into a scenario: ``organisation.employees``, ``options.msp.fees.onboarding``.

The fields a path may name are read from the pydantic model classes themselves, so that a
misspelt path is refused with the names allowed there. This module sits beneath the scenario
model: it takes the model class as an argument and never imports it.

Examples
--------
>>> parse_assignment("incidents.minor.fix_hours={median: 2, p90: 6}")
('incidents.minor.fix_hours', {'median': 2, 'p90': 6})
>>> value_at({"parts": None}, "parts.cost.median") is None
True
"""

from __future__ import annotations

import copy
import difflib
import re
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

    Every key must name a field of the model found there, or a name that ``data`` has under a
    mapping keyed by name (a tier, an option; ``default`` of ``response_hours``). A whole new
    tier or option may be added by naming it last. An absent optional section is started. A
    ScenarioError names the first key that does not fit.
    """
    parts = path.split(".")
    node = data
    for depth, key in enumerate(parts):
        try:
            allowed = allowed_keys(model, parts[:depth], data)
        except KeyError:
            allowed = []
        last = depth == len(parts) - 1
        if key not in allowed and not (last and _adds_a_name(model, parts[:depth], key)):
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(allowed)}"
            where = ".".join(parts[: depth + 1])
            raise ScenarioError(where, f"no such field ({hint})", argument=OVERRIDES)
        if last:
            # A copy: later paths set inside it must change neither the caller's value nor
            # another place the same value was given to.
            node[key] = copy.deepcopy(value)
            return
        child = node.get(key)
        if child is None:  # an optional section that is absent: start it
            child = node[key] = {}
        elif not isinstance(child, dict):
            where = ".".join(parts[: depth + 1])
            raise ScenarioError(where, "is a value, not a section", argument=OVERRIDES)
        node = child


#: Mappings keyed by a name the scenario defines, with what names them: ``tiers`` (the keys of
#: ``incidents``), ``names`` (any new name: the keys of the mapping itself).
_KEYED_BY = {
    "incidents": "names",
    "options": "names",
    "prevention": "tiers",
    "response_hours": "tiers",
}


def _adds_a_name(model: type[BaseModel], prefix: list[str], key: str) -> bool:
    """Whether ``prefix`` + ``key`` adds a new tier or option (a whole section) by its name."""
    return bool(prefix) and _KEYED_BY.get(prefix[-1]) == "names" and _NAME.match(key) is not None


_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


def allowed_keys(
    model: type[BaseModel], prefix: list[str], data: dict[str, Any] | None = None
) -> list[str]:
    """The keys allowed at ``prefix`` (a list of keys) of ``model``'s data ``data``.

    Under a model, its field names (by alias). Under a mapping keyed by name, the names ``data``
    has there (tiers, options; tier names and ``default`` under ``response_hours``). A
    discriminated union (an option) is resolved by the ``kind`` that ``data`` gives it.
    Raises ``KeyError`` where ``prefix`` leads to a plain value, or to a mapping and no data.

    Examples
    --------
    >>> from analysis.scenario.model import Scenario
    >>> allowed_keys(Scenario, ["parts"])
    ['probability', 'cost']
    >>> data = {"incidents": {"minor": {}}, "options": {"shop": {"kind": "pay_per_incident"}}}
    >>> allowed_keys(Scenario, ["options", "shop", "response_hours"], data)
    ['default', 'minor']
    >>> "trip_fee" in allowed_keys(Scenario, ["options", "shop"], data)
    True
    """
    current: Any = model
    node: Any = data
    keyed: str | None = None
    for key in prefix:
        node = node.get(key) if isinstance(node, dict) else None
        if keyed is not None:  # this key is a name; the model is the mapping's value
            keyed = None
            current = _resolve_union(current, node)
            continue
        fields = _fields_by_key(current)
        if key not in fields:
            raise KeyError(key)
        current, in_mapping = unwrap(fields[key].annotation, keep_unions=True)
        if in_mapping:
            keyed = key
            continue
        current = _resolve_union(current, node)
        if current is None:
            raise KeyError(key)
    if keyed is not None:
        names = list(node) if isinstance(node, dict) else []
        if _KEYED_BY.get(keyed) == "tiers":
            tiers = list((data or {}).get("incidents") or {})
            names = (["default"] if keyed == "response_hours" else []) + tiers
        if data is None:
            raise KeyError(".".join(prefix))
        return names
    if not (isinstance(current, type) and issubclass(current, BaseModel)):
        raise KeyError(".".join(prefix))
    return list(_fields_by_key(current))


def _fields_by_key(model: type[BaseModel]) -> dict[str, Any]:
    """A model's fields by the key a file uses (its alias, where it has one)."""
    return {field.alias or name: field for name, field in model.model_fields.items()}


def _resolve_union(current: Any, node: Any) -> Any:
    """The model of a union that ``node`` (plain data) is: by its ``kind``, else the first."""
    if not isinstance(current, tuple):
        return current
    kind = node.get("kind") if isinstance(node, dict) else None
    for candidate in current:
        field = candidate.model_fields.get("kind")
        if field is not None and kind in typing.get_args(field.annotation):
            return candidate
    return current[0]


def unwrap(annotation: Any, keep_unions: bool = False) -> tuple[Any, bool]:
    """The model inside an annotation, and whether it sits in a ``dict[str, ...]``.

    With ``keep_unions``, a union of several models (the option kinds) comes back as a tuple
    of them, for :func:`_resolve_union`; else as its first model.
    """
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return unwrap(typing.get_args(annotation)[0], keep_unions)
    if origin is dict:
        inner, _ = unwrap(typing.get_args(annotation)[1], keep_unions)
        return inner, True
    if origin in (typing.Union, types.UnionType):
        models = []
        for arg in typing.get_args(annotation):
            inner, keyed = unwrap(arg, keep_unions)
            if inner is not None:
                if keyed:
                    return inner, keyed
                models.append(inner)
        if not models:
            return None, False
        return (tuple(models) if keep_unions and len(models) > 1 else models[0]), False
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    return None, False
