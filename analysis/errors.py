"""The errors itcost raises on purpose: one hierarchy, each a one-line message.

Library errors name what the caller gave: a scenario field (``organisation.employees``) or a
Python argument (``trials``), never a command-line flag. The command line maps names to its
flags in one place (:mod:`analysis.cli.entry`); the notebooks and the app show them as they are.

Examples
--------
>>> error = ArgumentError("trials", "must be a whole number >= 1 (got 0)")
>>> str(error), error.name
('trials: must be a whole number >= 1 (got 0)', 'trials')
>>> isinstance(ScenarioError("name", "must be text"), ItcostError)
True
"""

from __future__ import annotations

import re

#: The longest part (a field, a reason) a message shows whole: a value echoed in it (a
#: 5,000-digit number, a pasted file) is shortened in the middle, so the line stays readable.
MAX_PART = 300


def shortened(text: str, limit: int = MAX_PART) -> str:
    r"""``text`` on one line (every line break and control character written as its escape:
    a field named ``"a\nb"`` cannot start a second line), and only its start and end around
    `` ... `` when longer than ``limit``.

    Examples
    --------
    >>> shortened("a" * 12, limit=9), shortened("two\nlines")
    ('aa ... aa', 'two\\nlines')
    """
    text = _BREAKS.sub(lambda found: found.group().encode("unicode_escape").decode(), text)
    if len(text) <= limit:
        return text
    keep = max((limit - 5) // 2, 1)
    return f"{text[:keep]} ... {text[-keep:]}"


#: What str.splitlines() breaks at, with the other C0 and C1 control characters.
_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class ItcostError(Exception):
    """Anything itcost refuses or cannot do, with a message of one line."""


class ScenarioError(ItcostError, ValueError):
    """Bad scenario input: ``field`` is the dotted path of the offending value, ``reason`` why.

    The value came from ``source``, a file path or preset name, or through ``argument``, the
    Python argument that carried it (``overrides`` for dotted-path assignments); the message
    names whichever is given. ``str(error)`` is one line.
    """

    def __init__(
        self, field: str, reason: str, source: str | None = None, *, argument: str | None = None
    ):
        self.field = shortened(field)
        self.reason = shortened(reason)
        self.source = None if source is None else shortened(source)
        self.argument = argument
        where = ": ".join(part for part in (argument or source, self.field) if part)
        super().__init__(f"{where}: {self.reason}" if where else self.reason)

    def __reduce__(self):  # pickled with its parts, as process pools and caches need
        return _rebuild, (type(self), (self.field, self.reason, self.source),
                          {"argument": self.argument})  # fmt: skip


class ArgumentError(ItcostError, ValueError):
    """A function argument out of range: ``names`` are the arguments at fault (``trials``, or
    ``low`` and ``high`` together), ``reason`` says why.

    ``detail`` optionally names the part of the argument at fault (an input of ``ranges``,
    say); ``str(error)`` is ``"low/high detail: reason"``.
    """

    def __init__(self, names: str | tuple[str, ...], reason: str, detail: str = ""):
        self.names = (names,) if isinstance(names, str) else tuple(names)
        self.reason = shortened(reason)
        self.detail = shortened(detail)
        super().__init__(f"{' '.join(filter(None, (self.name, self.detail)))}: {self.reason}")

    @property
    def name(self) -> str:
        """The names as one: ``"trials"``, ``"low/high"``."""
        return "/".join(self.names)

    def __reduce__(self):
        return type(self), (self.names, self.reason, self.detail)


class ToolMissingError(ItcostError):
    """An outside program is missing: ``tool``, ``hint`` (how to get it) and, when known,
    ``name``, the argument that asked for it (``pdf``)."""

    def __init__(self, tool: str, hint: str, name: str = ""):
        self.tool = tool
        self.hint = hint
        self.name = name
        self.reason = f"needs {tool}: {hint}"
        super().__init__(f"{name}: {self.reason}" if name else self.reason)

    def __reduce__(self):
        return type(self), (self.tool, self.hint, self.name)


class ReportError(ItcostError, RuntimeError):
    """A document could not be produced: its notebook failed, or printing it failed."""


def _rebuild(kind: type, args: tuple, options: dict) -> ItcostError:
    return kind(*args, **options)
