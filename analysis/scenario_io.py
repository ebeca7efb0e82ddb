"""Reading and writing scenario YAML, and turning validation failures into one-line messages.

Examples
--------
>>> from analysis import load_scenario, dump_scenario
>>> scenario = load_scenario("small-office")
>>> load_scenario_text(dump_scenario(scenario)) == scenario
True
"""

from __future__ import annotations

import difflib
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from analysis.scenario import Scenario, ScenarioError


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that rejects duplicate keys instead of silently keeping the last one."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        mark = key_node.start_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}"
        if not isinstance(key, str | int | float | bool | None):
            raise ScenarioError("", f"a key must be a name, not a {type(key).__name__}, at {where}")
        name = key if isinstance(key, str) and key.isprintable() else repr(key)
        if key in mapping:
            raise ScenarioError(name, f"duplicate key at {where}")
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

# Numbers as YAML 1.2 reads them (and as people expect): 1e3 is a number, 010 is ten, 1:30 is
# text. PyYAML follows YAML 1.1, where 1e3 is text, 010 is octal eight and 1:30 is ninety.
_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_INT, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(_INT, re.compile(r"^[-+]?[0-9][0-9_]*$"), list("-+0123456789"))
_StrictLoader.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
_StrictLoader.add_constructor(
    _INT, lambda loader, node: int(loader.construct_scalar(node).replace("_", ""))
)
_StrictLoader.add_constructor(
    _FLOAT,
    lambda loader, node: float(
        loader.construct_scalar(node)
        .replace("_", "")
        .lower()
        .replace(".inf", "inf")
        .replace(".nan", "nan")
    ),
)


def parse_yaml(text: str, source: str | None = None) -> Any:
    """Parse YAML text strictly; a syntax error becomes a one-line :class:`ScenarioError`."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass: safe
    except ScenarioError as error:
        raise ScenarioError(error.field, error.reason, source) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ScenarioError("", f"YAML syntax error at {where}{problem}", source) from None


def scenario_from_data(data: Any, source: str | None = None) -> Scenario:
    """Validate plain data (as parsed from YAML) into a :class:`Scenario`."""
    if not isinstance(data, dict):
        raise ScenarioError("", "a scenario must be a YAML mapping of keys to values", source)
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        raise validation_error_to_scenario_error(error, source) from None


def load_scenario_text(text: str, source: str | None = None) -> Scenario:
    """Parse and validate scenario YAML text."""
    return scenario_from_data(parse_yaml(text, source), source)


def load_scenario_file(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a scenario YAML file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError("", "no such file", str(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise ScenarioError("", f"cannot read: {reason}", str(path)) from None
    return load_scenario_text(text, str(path))


def dump_scenario(scenario: Scenario, path: str | os.PathLike[str] | None = None) -> str:
    """The scenario as YAML text (defaults filled in); also written to ``path`` when given.

    The file is written to a temporary name beside ``path`` and renamed into place, so an
    existing file is never left half-written.
    """
    text = yaml.dump(
        _flow_specs(scenario.to_dict()),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
    )
    if path is not None:
        write_text_atomic(Path(path), text)
    return text


class _FlowMap(dict):
    """A mapping written on one line: ``{median: 4.0, p90: 12.0}``."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    _FlowMap, lambda dumper, data: dumper.represent_mapping("tag:yaml.org,2002:map", data, True)
)


def _flow_specs(data: Any) -> Any:
    if isinstance(data, dict):
        if set(data) == {"median", "p90"}:
            return _FlowMap(data)
        return {key: _flow_specs(value) for key, value in data.items()}
    return data


def current_umask() -> int:
    """The process's file-creation mask (reading it means setting it, then restoring it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o666 & ~current_umask())  # mkstemp makes it private
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# -- validation messages ---------------------------------------------------------------------

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


def validation_error_to_scenario_error(
    error: ValidationError, source: str | None = None
) -> ScenarioError:
    """The first problem of a pydantic error as a one-line :class:`ScenarioError`."""
    problems = error.errors(include_url=False)
    # A misspelt key shows up twice, as an unknown key and as a missing one: keep the first.
    typos = {
        (*problem["loc"][:-1], close)
        for problem in problems
        if problem["type"] == "extra_forbidden"
        and (close := _closest(list(map(str, problem["loc"])))) is not None
    }
    problems = [p for p in problems if not (p["type"] == "missing" and tuple(p["loc"]) in typos)]
    first = min(problems, key=lambda problem: problem["type"] != "extra_forbidden")
    field, reason = _describe(first)
    if len(problems) > 1:
        more = len(problems) - 1
        reason += f" (and {more} more problem{'s' if more > 1 else ''})"
    return ScenarioError(field, reason, source)


def _describe(problem: dict[str, Any]) -> tuple[str, str]:
    loc = [str(part) for part in problem["loc"]]
    kind = problem["type"]
    context = problem.get("ctx") or {}
    given = problem.get("input")
    if loc and loc[-1] == "[key]":  # a bad mapping key, e.g. a tier name with a dot in it
        loc.pop()
        return ".".join(loc), "names may use only letters, digits, '_' and '-'"
    field = ".".join(loc)
    if kind == "extra_forbidden":
        return field, "unknown key" + _suggestion(loc)
    if kind == "value_error":
        message = str(context.get("error", problem["msg"]))
        # Cross-field checks name their own field: "managed.incident_reduction.x: not a tier".
        if not field and ": " in message:
            field, message = message.split(": ", 1)
        return field, message
    if kind == "string_pattern_mismatch" and loc[-1:] == ["currency"]:
        return field, f"must be a 3-letter ISO 4217 code such as USD (got {given!r})"
    if kind == "too_short" and loc == ["incidents"]:
        return field, "needs at least one tier"
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


def _allowed(loc: list[str]) -> list[str]:
    """The keys allowed where ``loc`` points (empty under a mapping keyed by tier name)."""
    from analysis.overrides import allowed_keys

    try:
        return allowed_keys(loc[:-1])
    except KeyError:
        return []


def _closest(loc: list[str]) -> str | None:
    """The allowed key closest to a misspelt one, if any is close."""
    close = difflib.get_close_matches(loc[-1], _allowed(loc), n=1)
    return close[0] if close else None


def _suggestion(loc: list[str]) -> str:
    """' (did you mean ...?)' for a misspelt key, else the keys allowed there."""
    close, allowed = _closest(loc), _allowed(loc)
    if close:
        return f" (did you mean {close!r}?)"
    return f" (allowed: {', '.join(allowed)})" if allowed else ""
