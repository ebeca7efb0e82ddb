"""The ``itcost`` command: ``main`` parses the arguments, runs a command, maps errors to exits.

One module per group of commands (``simulate``, ``scenarios``, ``documents``, ``decide``,
``serve``); ``arguments`` holds what they share and ``entry`` puts them together.
"""

from analysis.cli.entry import main

__all__ = ["main"]
