"""The bounded reader (issue 12): every scenario source is read with the same limits, and
every refusal is one line naming the source and the reason, quickly.

The command-line cases run ``itcost validate`` in a subprocess with a timeout, so that a
reader that waited on a FIFO or read ``/dev/zero`` for ever fails the test instead of hanging
it.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from analysis import ScenarioError, load_scenario, load_scenario_text
from analysis.scenario.io import read_scenario_text
from analysis.scenario.yaml import MAX_DEPTH, MAX_TEXT_BYTES, MAX_VALUES, parse_yaml

#: A refusal may take this long at most, setup included (a FIFO or a device would hang).
QUICK = 20


def _laughs(levels: int = 9) -> str:
    """The "billion laughs": each anchor lists the one before nine times."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


HOSTILE_TEXT = {
    "deep flow": ("a: " + "[" * 5000 + "]" * 5000, "nested more than 32 levels deep"),
    "deep block": (
        "".join(" " * i + f"k{i}:\n" for i in range(1200)) + " " * 1200 + "v\n",
        "nested more than 32 levels deep",
    ),
    "digits": ("a: " + "9" * 5000, "a number has too many digits"),
    "laughs": (_laughs(), f"more than {MAX_VALUES:,} values (aliases expanded)"),
    "large": ("# " + "x" * MAX_TEXT_BYTES, "larger than 1 MB"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_TEXT))
def test_hostile_text_is_refused_in_one_line_and_quickly(case):
    text, reason = HOSTILE_TEXT[case]
    start = time.perf_counter()
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "upload.yaml")
    assert reason in caught.value.reason
    assert str(caught.value).startswith("upload.yaml: ") and "\n" not in str(caught.value)
    assert time.perf_counter() - start < 5


def test_the_bounds_leave_room_for_real_scenarios():
    """The largest preset is far inside every bound: a tenth of the depth, a hundredth of
    the values and of the size."""
    from analysis.files import data_dir

    for path in (data_dir() / "scenarios").glob("*.yaml"):
        text = path.read_text()
        assert len(text.encode()) < MAX_TEXT_BYTES / 50
        data = parse_yaml(text)
        depth, stack, values = 0, [(data, 0)], 0
        while stack:
            node, level = stack.pop()
            values += 1
            depth = max(depth, level)
            if isinstance(node, dict | list):
                stack.extend((c, level + 1) for c in (node.values() if isinstance(node, dict)
                                                      else node))  # fmt: skip
        assert depth < MAX_DEPTH / 4 and values < MAX_VALUES / 100


def test_a_path_too_long_or_a_folder_is_one_line(tmp_path):
    long = tmp_path / ("x" * 300 + ".yaml")
    with pytest.raises(ScenarioError, match="cannot read: File name too long") as caught:
        load_scenario(long)
    assert len(str(caught.value)) < 250  # the path is shortened in the message
    with pytest.raises(ScenarioError, match="not a regular file: it is a folder"):
        read_scenario_text(tmp_path)
    big = tmp_path / "big.yaml"
    big.write_text("# x\n" * (MAX_TEXT_BYTES // 4 + 1))
    with pytest.raises(ScenarioError, match="larger than 1 MB"):
        load_scenario(big)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"name: \xff\xfe\n")
    with pytest.raises(ScenarioError, match=r"not a text file \(UTF-8 YAML\)"):
        load_scenario(binary)


@pytest.mark.parametrize("target", ["fifo", "/dev/zero", "/dev/urandom", "folder", "long"])
def test_the_command_line_refuses_what_is_not_a_scenario_file(itcost_command, tmp_path, target):
    """Exit status 2, one line, no traceback, within seconds: a FIFO is never opened, a device
    never read."""
    if target == "fifo":
        path = tmp_path / "pipe.yaml"
        os.mkfifo(path)
        reason = "not a regular file: it is a FIFO (named pipe)"
    elif target == "folder":
        path, reason = tmp_path, "not a regular file: it is a folder"
    elif target == "long":
        path, reason = tmp_path / ("y" * 300), "cannot read: File name too long"
    else:
        path, reason = Path(target), "not a regular file: it is a character device"
    # A reader that opened the FIFO or read the device would wait: the timeout fails the test.
    done = subprocess.run([*itcost_command, "validate", str(path)], capture_output=True,
                          text=True, timeout=QUICK)  # fmt: skip
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and reason in lines[0] and "Traceback" not in done.stderr


def test_a_set_value_nested_too_deep_is_one_line(itcost_command):
    done = subprocess.run([*itcost_command, "validate", "server-office", "--set",
                           "name=" + "[" * 3000 + "]" * 3000], capture_output=True, text=True,
                          timeout=QUICK)  # fmt: skip
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert "--set" in line and "nested more than 32 levels deep" in line
