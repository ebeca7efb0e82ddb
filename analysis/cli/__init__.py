"""The ``itcost`` command: ``main`` parses the arguments, runs a command, maps errors to exits.

One module per group of commands (``simulate``, ``scenarios``, ``upgrade``, ``documents``,
``decide``, ``serve``); ``table`` is the comparison ``itcost simulate`` prints, ``arguments``
holds what the commands share and ``entry`` puts them together.
"""

from analysis.cli.entry import main

__all__ = ["main"]
