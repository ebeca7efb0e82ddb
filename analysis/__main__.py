"""``python -m analysis``: the ``itcost`` command."""

from analysis.cli import main

raise SystemExit(main())
