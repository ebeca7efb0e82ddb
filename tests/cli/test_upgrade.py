"""``itcost upgrade FILE [-o OUT]``, run as users run it: the installed console script."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from analysis.scenario.io import load_scenario_file
from analysis.scenario.upgrade import upgrade_file

OLD = Path(__file__).resolve().parents[1] / "data" / "format1" / "small-office.yaml"


def run(command: list[str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*command, *args], capture_output=True, text=True)


def assert_one_line_error(done: subprocess.CompletedProcess, text: str) -> None:
    """Bad input: exit status 2 and one line on stderr, no traceback, nothing on stdout."""
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("itcost: error: ")
    assert text in done.stderr, done.stderr


def test_upgrade_prints_the_format2_file(itcost_command):
    done = run(itcost_command, "upgrade", str(OLD))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout == upgrade_file(OLD)


def test_upgrade_writes_the_output_and_leaves_the_input(itcost_command, tmp_path):
    old = tmp_path / "office.yaml"
    shutil.copy(OLD, old)
    out = tmp_path / "new" / "office.yaml"
    done = run(itcost_command, "upgrade", str(old), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"wrote {out} (scenario format 2): review the lines marked ASSUMED\n"
    assert out.read_text() == upgrade_file(OLD)
    assert old.read_bytes() == OLD.read_bytes()
    assert load_scenario_file(out).option_names == ["break-fix", "managed"]
    assert not [path for path in out.parent.iterdir() if path != out]  # no temporary left


def test_upgrade_in_place_only_when_asked_by_name(itcost_command, tmp_path):
    """-o FILE (named explicitly) replaces FILE; an existing OUT is replaced as -o says."""
    old = tmp_path / "office.yaml"
    shutil.copy(OLD, old)
    done = run(itcost_command, "upgrade", str(old), "--output", str(old))
    assert done.returncode == 0, done.stderr
    assert old.read_text() == upgrade_file(OLD)
    # Now format 2: a second upgrade is refused and leaves it alone.
    again = run(itcost_command, "upgrade", str(old), "-o", str(old))
    assert_one_line_error(again, f"{old}: schema: already format 2")
    assert old.read_text() == upgrade_file(OLD)


@pytest.mark.parametrize(
    ("content", "text"),
    [
        (None, "no such file"),
        ("name: x\n  bad: [\n", "YAML syntax error"),
        (OLD.read_text().replace("employees: 10 ", "employees: -1 "),
         "organisation.employees: must be > 0 (got -1)"),
        (OLD.read_text().replace("hourly_rate:", "hourly_rat:"),
         "break_fix.hourly_rat: unknown key (did you mean 'hourly_rate'?)"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_with_status_2(itcost_command, tmp_path, content, text):
    path = tmp_path / "bad.yaml"
    if content is not None:
        path.write_text(content)
    out = tmp_path / "out.yaml"
    assert_one_line_error(run(itcost_command, "upgrade", str(path), "-o", str(out)), text)
    assert not out.exists()


def test_an_output_that_cannot_be_written_is_said_as_the_flag(itcost_command, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    done = run(itcost_command, "upgrade", str(OLD), "-o", str(blocker / "out.yaml"))
    assert_one_line_error(done, f"--output: cannot write {blocker / 'out.yaml'}: ")


def test_help_lists_upgrade(itcost_command):
    assert "upgrade" in run(itcost_command, "--help").stdout
    text = run(itcost_command, "upgrade", "--help").stdout
    for words in ("FILE", "-o OUT", "--output", "ASSUMED"):
        assert words in text
