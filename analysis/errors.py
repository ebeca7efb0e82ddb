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


class ItcostError(Exception):
    """Anything itcost refuses or cannot do, with a message of one line."""


class ScenarioError(ItcostError, ValueError):
    """Bad scenario input: ``field`` is the dotted path of the offending value, ``reason`` why.

    ``source`` says where the scenario came from: a file path, a preset name, or
    ``"overrides"`` for dotted-path assignments. ``str(error)`` is one line.
    """

    def __init__(self, field: str, reason: str, source: str | None = None):
        self.field = field
        self.reason = reason
        self.source = source
        where = ": ".join(part for part in (source, field) if part)
        super().__init__(f"{where}: {reason}" if where else reason)

    def __reduce__(self):  # pickled with its parts, as process pools and caches need
        return type(self), (self.field, self.reason, self.source)


class ArgumentError(ItcostError, ValueError):
    """A function argument out of range: ``name`` is the argument (``trials``), ``reason`` why.

    ``detail`` optionally names the part of the argument at fault (an input of ``ranges``,
    say); ``str(error)`` is ``"name detail: reason"``.
    """

    def __init__(self, name: str, reason: str, detail: str = ""):
        self.name = name
        self.reason = reason
        self.detail = detail
        super().__init__(f"{' '.join(filter(None, (name, detail)))}: {reason}")

    def __reduce__(self):
        return type(self), (self.name, self.reason, self.detail)


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
