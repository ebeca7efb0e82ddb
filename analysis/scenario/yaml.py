"""Scenario YAML: strict parsing (duplicate keys refused, YAML 1.2 numbers), block output."""

from __future__ import annotations

import re
from typing import Any

import yaml

from analysis.errors import ScenarioError


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


def dump_yaml(data: Any) -> str:
    """``data`` as block-style YAML text in the given key order; specs on one line."""
    return yaml.dump(
        _flow_specs(data),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
    )


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
