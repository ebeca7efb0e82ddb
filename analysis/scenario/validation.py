"""Validation failures as one-line messages that name the field: ``employees: must be > 0``.

pydantic reports every problem with its location and kind; the first is kept (a misspelt key,
which pydantic also reports as a missing one, counts once), worded for people, with the number
of further problems. Checks that span fields raise :class:`~analysis.errors.ScenarioError`
with their own field, which is kept as it is.
"""

from __future__ import annotations

import difflib
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from analysis.errors import ScenarioError
from analysis.scenario.paths import allowed_keys, unwrap

M = TypeVar("M", bound=BaseModel)

_TYPE_REASONS = {
    "missing": "required, but missing",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "finite_number": "must be a finite number",
    "string_type": "must be text",
    "dict_type": "must be a mapping of keys to values",
    "model_type": "must be a mapping of keys to values",
    "model_attributes_type": "must be a mapping of keys to values",
    "bool_type": "must be true or false",
}


def validated(
    model: type[M], data: Any, source: str | None = None, *, argument: str | None = None
) -> M:
    """``model.model_validate(data)``, its first problem raised as a one-line ScenarioError
    from ``source`` (or through ``argument``)."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise scenario_error(error, model, source, argument=argument, data=data) from None


def scenario_error(
    error: ValidationError,
    model: type[BaseModel],
    source: str | None = None,
    *,
    argument: str | None = None,
    data: Any = None,
) -> ScenarioError:
    """The first problem of ``model``'s validation error as a one-line ScenarioError.

    ``data``, what was validated, lets a misspelt key under a name (a tier, an option) be
    matched against the keys allowed there.
    """
    problems = [
        {**problem, "loc": _without_tags(model, problem["loc"])}
        for problem in error.errors(include_url=False)
    ]
    # A misspelt key shows up twice, as an unknown key and as a missing one: keep the first.
    typos = {
        (*problem["loc"][:-1], close)
        for problem in problems
        if problem["type"] == "extra_forbidden"
        and (close := _closest(model, list(map(str, problem["loc"])), data)) is not None
    }
    problems = [p for p in problems if not (p["type"] == "missing" and tuple(p["loc"]) in typos)]
    first = min(problems, key=lambda problem: problem["type"] != "extra_forbidden")
    field, reason = _describe(model, first, data)
    if len(problems) > 1:
        more = len(problems) - 1
        reason += f" (and {more} more problem{'s' if more > 1 else ''})"
    return ScenarioError(field, reason, source, argument=argument)


def _describe(model: type[BaseModel], problem: dict[str, Any], data: Any = None) -> tuple[str, str]:
    loc = [str(part) for part in problem["loc"]]
    kind = problem["type"]
    context = problem.get("ctx") or {}
    given = problem.get("input")
    if loc and loc[-1] == "[key]":  # a bad mapping key, e.g. a tier name with a dot in it
        loc.pop()
        return ".".join(loc), "names may use only letters, digits, '_' and '-'"
    field = ".".join(loc)
    if kind == "extra_forbidden":
        return field, "unknown key" + _suggestion(model, loc, data)
    if kind == "value_error":
        cause = context.get("error")
        if isinstance(cause, ScenarioError):  # a check that names its own field, from here
            return ".".join(filter(None, (field, cause.field))), cause.reason
        return field, str(cause if cause is not None else problem["msg"])
    if kind == "string_pattern_mismatch" and loc[-1:] == ["currency"]:
        return field, f"must be a 3-letter ISO 4217 code such as USD (got {given!r})"
    if kind == "too_short" and loc == ["incidents"]:
        return field, "needs at least one tier"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        kinds = context.get("expected_tags", "")
        got = f" (got {given.get('kind')!r})" if isinstance(given, dict) and "kind" in given else ""
        return ".".join([*loc, "kind"]), f"must be one of {kinds}{got}"
    bounds = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<",
              "less_than_equal": "<="}  # fmt: skip
    if kind in bounds:
        limit = next(iter(context.values()))
        return field, f"must be {bounds[kind]} {limit:g} (got {given!r})"
    reason = _TYPE_REASONS.get(kind)
    if reason is None:
        message = problem["msg"]
        reason = message[:1].lower() + message[1:]
    if kind != "missing" and not isinstance(given, dict | list):
        reason += f" (got {given!r})"
    return field, reason


def _allowed(model: type[BaseModel], loc: list[str], data: Any = None) -> list[str]:
    """The keys allowed where ``loc`` points (empty where that cannot be known)."""
    try:
        return allowed_keys(model, loc[:-1], data if isinstance(data, dict) else None)
    except (KeyError, AttributeError):
        return []


def _closest(model: type[BaseModel], loc: list[str], data: Any = None) -> str | None:
    """The allowed key closest to a misspelt one, if any is close."""
    close = difflib.get_close_matches(loc[-1], _allowed(model, loc, data), n=1)
    return close[0] if close else None


def _suggestion(model: type[BaseModel], loc: list[str], data: Any = None) -> str:
    """' (did you mean ...?)' for a misspelt key, else the keys allowed there."""
    close, allowed = _closest(model, loc, data), _allowed(model, loc, data)
    if close:
        return f" (did you mean {close!r}?)"
    return f" (allowed: {', '.join(allowed)})" if allowed else ""


def _without_tags(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """``loc`` without the tags pydantic puts in it for a discriminated union: an option's
    ``options.msp.managed.fees`` is ``options.msp.fees`` in the file."""
    current: Any = model
    keyed = False
    kept = []
    parts = list(loc)
    while parts:
        key = parts.pop(0)
        kept.append(key)
        if keyed:
            keyed = False
        elif isinstance(current, type) and issubclass(current, BaseModel):
            fields = {f.alias or n: f for n, f in current.model_fields.items()}
            if key not in fields:
                break
            current, keyed = unwrap(fields[key].annotation, keep_unions=True)
            if keyed:
                continue
        else:
            break
        if isinstance(current, tuple):  # a union: pydantic's next item is the tag
            tags = {
                tag: candidate
                for candidate in current
                if "kind" in candidate.model_fields
                for tag in typing.get_args(candidate.model_fields["kind"].annotation)
            }
            if parts and parts[0] in tags:
                current = tags[parts.pop(0)]
            else:
                break
    return (*kept, *parts)
