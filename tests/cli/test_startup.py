"""The command line starts fast: parsing arguments and simulating import no analytics stack."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: Slow to import (about a second together) and not needed to parse, validate or simulate.
HEAVY = ("pandas", "scipy", "plotly", "SALib")

_PROBE = """
import contextlib, io, json, sys
from analysis.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        status = main(sys.argv[1:])
    except SystemExit as stop:
        status = stop.code
print(json.dumps({"status": status, "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""


@pytest.mark.parametrize(
    "args",
    [["--help"], ["simulate", "--help"], ["sweep", "--help"], ["sensitivity", "--help"],
     ["upgrade", "--help"], ["presets"], ["validate", "server-office"],
     ["simulate", "server-office", "--trials", "2000"],
     ["simulate", "server-office", "--trials", "2000", "--json"]],
)  # fmt: skip
def test_the_command_line_imports_no_analytics_stack(args):
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=True
    )
    probe = json.loads(done.stdout.splitlines()[-1])
    assert probe["status"] == 0
    assert "analysis" in probe["modules"]  # the probe did import the command line
    assert [name for name in HEAVY if name in probe["modules"]] == []
