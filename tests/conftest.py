"""Fixtures of the test suite: the installed command, and the browser tools of the browser tests.

Helpers that tests import (the closed-form scenario, tolerances) are in :mod:`tests.helpers`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.errors import ToolMissingError
from analysis.report.pdf import find_chromium


@pytest.fixture(scope="session")
def itcost_command() -> list[str]:
    """The installed ``itcost`` console script (next to this Python), as users run it."""
    script = Path(sys.executable).parent / "itcost"
    found = str(script) if script.exists() else shutil.which("itcost")
    assert found, "the itcost console script is not installed: run `make setup`"
    return [found]


# -- browser tests: Debian's Chromium (never a browser download) and poppler ----------------------


def _missing(problem: str) -> None:
    """Skip a browser test whose tool is missing; fail instead when REQUIRE_E2E=1 (CI)."""
    if os.environ.get("REQUIRE_E2E") == "1":
        pytest.fail(f"REQUIRE_E2E=1, but {problem}")
    pytest.skip(f"{problem}; install it to run this test (REQUIRE_E2E=1 makes this a failure)")


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium executable that Playwright drives (``executable_path``)."""
    try:
        return find_chromium()
    except ToolMissingError as error:
        _missing(f"Chromium is missing ({error.hint})")
        raise  # not reached: _missing skips or fails


@pytest.fixture(scope="session")
def strace() -> str:
    """strace, to see what Chromium sends."""
    found = shutil.which("strace")
    if found is None:
        _missing("strace is missing (Debian: apt-get install strace)")
    return found


@pytest.fixture(scope="session")
def no_network() -> list[str]:
    """A command prefix that runs a program in a network namespace of its own, with only
    loopback (and that down): ``unshare --net``, as root or with unprivileged user namespaces."""
    unshare = shutil.which("unshare")
    for prefix in ([unshare, "--net"], [unshare, "--net", "--map-root-user"]):
        if unshare and subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
            return prefix
    _missing("cannot make a network namespace here (unshare --net failed)")
    raise AssertionError  # not reached: _missing skips or fails


@pytest.fixture(scope="session")
def poppler() -> None:
    """pdftoppm and pdftotext, to read PDFs back."""
    missing = [tool for tool in ("pdftoppm", "pdftotext") if shutil.which(tool) is None]
    if missing:
        _missing(f"{' and '.join(missing)} missing (Debian: apt-get install poppler-utils)")
