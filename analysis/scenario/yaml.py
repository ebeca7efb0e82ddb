"""Scenario YAML, read and written as ruamel.yaml reads YAML 1.2.

YAML 1.2 is what people expect of a settings file: ``yes``, ``no`` and ``on`` are text, ``010``
is ten, ``1e3`` is a number and ``1:30`` is text (YAML 1.1, which PyYAML follows, reads them as
booleans, eight, text and ninety). A duplicate key is an error, not a silent overwrite, and
every problem is one line with its line and column.

Examples
--------
>>> parse_yaml("name: yes\\nstaff: 010\\n")
{'name': 'yes', 'staff': 10}
>>> print(dump_yaml({"name": "no", "fix_hours": {"median": 4.0, "p90": 12.0}}), end="")
name: 'no'
fix_hours: {median: 4.0, p90: 12.0}

Text that carries comments (``itcost upgrade`` explains what it assumed) is built from
ruamel.yaml's commented mappings and written with :func:`dump_commented_yaml`:

>>> section = flow_map(days=5, open=8, close=18)
>>> data = CommentedMap(name="no", hours=section)
>>> data.yaml_add_eol_comment("ASSUMED: an office week", "hours")
>>> print(dump_commented_yaml(data), end="")
name: 'no'
hours: {days: 5, open: 8, close: 18}  # ASSUMED: an office week
"""

from __future__ import annotations

import io
import re
import warnings
from typing import Any

import numpy as np
from ruamel.yaml import YAML, nodes
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.representer import RoundTripRepresenter, SafeRepresenter

from analysis.errors import ScenarioError

#: The kinds of node that cannot be a key, as people call them.
_NOT_NAMES = {nodes.SequenceNode: "list", nodes.MappingNode: "mapping"}
_MERGE = "tag:yaml.org,2002:merge"
#: Text that YAML 1.1 readers (PyYAML, older editors) would take for a boolean: written quoted.
_YAML11_BOOLEANS = {"y", "n", "yes", "no", "on", "off"}


def _where(mark: Any) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}"


class _Constructor(SafeConstructor):
    """The safe constructor, with keys that must be names and must not repeat."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        for key_node, _ in node.value if isinstance(node, nodes.MappingNode) else ():
            where = _where(key_node.start_mark)
            kind = _NOT_NAMES.get(type(key_node))
            if kind:
                raise ScenarioError("", f"a key must be a name, not a {kind}, at {where}")
            # ruamel builds a mapping with a merge key without its duplicate-key check.
            if key_node.tag == _MERGE:
                raise ScenarioError("", f"merge keys (<<) are not YAML 1.2: write the keys "
                                        f"out, at {where}")  # fmt: skip
        return super().construct_mapping(node, deep=deep)

    def check_mapping_key(self, node: Any, key_node: Any, mapping: Any, key: Any, value: Any):
        where = _where(key_node.start_mark)
        if not isinstance(key, str | int | float | bool | None):
            raise ScenarioError("", f"a key must be a name, not a {type(key).__name__}, at {where}")
        if key in mapping:
            name = key if isinstance(key, str) and key.isprintable() else repr(key)
            raise ScenarioError(name, f"duplicate key at {where}")
        return True


# YAML 1.2's core schema has no dates: `name: 2024-01-01` is text, as in an editor.
_Constructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


class _FlowMap(dict):
    """A mapping written on one line: ``{median: 4.0, p90: 12.0}``."""


class _Representer(SafeRepresenter):
    """The safe representer, writing specs on one line and quoting YAML 1.1's booleans."""

    def represent_flow_map(self, data: _FlowMap) -> Any:
        return self.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)

    def represent_text(self, text: str) -> Any:
        style = "'" if text.lower() in _YAML11_BOOLEANS else None
        return self.represent_scalar("tag:yaml.org,2002:str", text, style=style)


# On the subclass: ruamel's add_representer changes the class it is called on, for every user.
_Representer.add_representer(_FlowMap, _Representer.represent_flow_map)
_Representer.add_representer(str, _Representer.represent_text)


class _CommentedRepresenter(RoundTripRepresenter):
    """ruamel's round-trip representer (which writes comments), quoting YAML 1.1's booleans."""

    def represent_text(self, text: str) -> Any:
        style = "'" if text.lower() in _YAML11_BOOLEANS else None
        return self.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_CommentedRepresenter.add_representer(str, _CommentedRepresenter.represent_text)


def _reader() -> YAML:
    # A new reader per call: a YAML object keeps state while it works, and the app is threaded.
    reader = YAML(typ="safe", pure=True)
    reader.Constructor = _Constructor
    return reader


def _writer() -> YAML:
    writer = YAML(typ="safe", pure=True)
    writer.Representer = _Representer
    writer.default_flow_style = False
    writer.allow_unicode = True
    writer.width = 4096  # a long description stays on its line (folding leaves trailing blanks)
    writer.representer.sort_base_mapping_type_on_output = False  # keys in the order given
    return writer


#: The bounds on what is read, whatever the source (a file, --set, an upload, a link): the
#: largest preset is under 10 kB, and its deepest value 5 levels down.
MAX_TEXT_BYTES = 2**20
MAX_DEPTH = 32
#: Values after aliases are expanded (``*name`` repeats a whole subtree): a few hundred in a
#: scenario; a "billion laughs" file has 10^9.
MAX_VALUES = 100_000


def parse_yaml(text: str, source: str | None = None) -> Any:
    """Parse YAML 1.2 text; any problem is a one-line :class:`ScenarioError` from ``source``.

    Bounded: at most :data:`MAX_TEXT_BYTES` of text, :data:`MAX_DEPTH` levels of nesting and
    :data:`MAX_VALUES` values once aliases are expanded; a number of more digits than Python
    reads (4,300) is an error too.
    """
    if len(text) > MAX_TEXT_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_TEXT_BYTES:
        raise ScenarioError("", f"larger than {MAX_TEXT_BYTES // 2**20} MB: not a scenario", source)
    if _bracket_depth(text) > MAX_DEPTH:  # before the parser recurses into it
        raise ScenarioError("", f"nested more than {MAX_DEPTH} levels deep", source)
    try:
        with warnings.catch_warnings():  # a reused anchor is allowed (the later one applies),
            warnings.simplefilter("ignore")  # and its warning would be lines on stderr
            data = _reader().load(text)
    except ScenarioError as error:  # first: it is a ValueError too
        raise ScenarioError(error.field, error.reason, source) from None
    except RecursionError:
        raise ScenarioError("", f"nested more than {MAX_DEPTH} levels deep", source) from None
    except ValueError as error:  # int() of a number longer than 4,300 digits
        if "digits" not in str(error):
            raise
        raise ScenarioError("", "a number has too many digits", source) from None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"at {_where(mark)}: " if mark else ""
        problem = error.problem or error.context or "not valid YAML"
        raise ScenarioError("", f"YAML syntax error {where}{problem}", source) from None
    except ReaderError as error:  # a character YAML does not allow, such as a control code
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        character = error.character
        shown = chr(character) if isinstance(character, int) else character
        problem = f"the character {shown!r} is not allowed in YAML"
        raise ScenarioError("", f"YAML syntax error at line {line}, column {column}: {problem}",
                            source) from None  # fmt: skip
    except YAMLError as error:  # no position known
        raise ScenarioError("", f"YAML syntax error: {type(error).__name__}", source) from None
    _check_shape(data, source)
    return data


# A closing quote is optional: an unterminated string runs to the end, once (linear time).
_QUOTED = re.compile(r"'[^']*'?|\"(?:[^\"\\]|\\.)*\"?")


def _bracket_depth(text: str) -> int:
    """How deep flow brackets (``[``, ``{``) nest outside quoted strings: a quick upper view
    of the nesting, without parsing."""
    if "[" not in text and "{" not in text:
        return 0
    codes = np.frombuffer(_QUOTED.sub("", text).encode("utf-8", "replace"), dtype=np.uint8)
    steps = np.isin(codes, (ord("["), ord("{"))).astype(np.int32)
    steps -= np.isin(codes, (ord("]"), ord("}")))
    return int(np.cumsum(steps).max(initial=0))


def _check_shape(data: Any, source: str | None) -> None:
    """Refuse data nested deeper than :data:`MAX_DEPTH` or of more than :data:`MAX_VALUES`
    values, counting an alias's subtree each time it appears (iteratively: no recursion)."""
    stack = [(data, 0)]
    values = 0
    while stack:
        node, depth = stack.pop()
        values += 1
        if values > MAX_VALUES:
            raise ScenarioError(
                "", f"more than {MAX_VALUES:,} values (aliases expanded): not a scenario", source
            )
        if isinstance(node, dict | list):
            if depth >= MAX_DEPTH:
                raise ScenarioError("", f"nested more than {MAX_DEPTH} levels deep", source)
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)


def dump_yaml(data: Any) -> str:
    """``data`` (plain mappings, lists and scalars) as block-style YAML 1.2 text, in the given
    key order; ``{median, p90}`` mappings are written on one line."""
    stream = io.StringIO()
    _writer().dump(_flow_specs(data), stream)
    return stream.getvalue()


def _flow_specs(data: Any) -> Any:
    if isinstance(data, dict):
        if set(data) == {"median", "p90"}:
            return _FlowMap(data)
        return {key: _flow_specs(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_flow_specs(item) for item in data]
    return data


def flow_map(*pairs: tuple[str, Any], **items: Any) -> CommentedMap:
    """A mapping that :func:`dump_commented_yaml` writes on one line (``{median: 4, p90: 12}``)."""
    mapping = CommentedMap([*pairs, *items.items()])
    mapping.fa.set_flow_style()
    return mapping


def flow_list(items: list[Any]) -> CommentedSeq:
    """A list that :func:`dump_commented_yaml` writes on one line (``[critical, major]``)."""
    sequence = CommentedSeq(items)
    sequence.fa.set_flow_style()
    return sequence


def dump_commented_yaml(data: CommentedMap) -> str:
    """``data`` (ruamel.yaml's commented mappings and lists, with plain scalars) as YAML 1.2
    text with its comments, in the given key order; block style unless a mapping or list was
    made with :func:`flow_map` or :func:`flow_list`."""
    writer = YAML(typ="rt", pure=True)
    writer.Representer = _CommentedRepresenter
    writer.allow_unicode = True
    writer.width = 4096  # as dump_yaml: long text stays on its line
    writer.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    writer.dump(data, stream)
    return stream.getvalue()
