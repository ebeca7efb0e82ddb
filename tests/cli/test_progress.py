"""Progress on standard error for the long commands: a bar with steps and the time left on a
terminal, nothing elsewhere (issue 12)."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import time

from analysis import load_scenario, simulate
from analysis.cli import progress
from analysis.cli.progress import Progress, line
from analysis.engine.core import progress_to


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_line_shows_the_steps_and_the_time_left_from_the_pace_so_far():
    assert line(0, 10, 1.0, width=10) == "[..........] 0/10, estimating"
    assert line(5, 10, 30.0, width=10) == "[#####.....] 5/10, about 30 s left"
    assert line(1, 100, 2.0, width=4) == "[....] 1/100, about 3 min 18 s left"
    assert line(1, 10_000, 1.0).endswith("about 2 h 46 min left")
    assert line(12, 10, 1.0, width=4) == "[####] 12/10, about 0 s left"  # more than foreseen


def test_a_bar_is_drawn_on_a_terminal_after_a_while_and_cleared(monkeypatch):
    monkeypatch.setattr(progress, "SHOW_AFTER", 0.0)
    monkeypatch.setattr(progress, "REDRAW", 0.0)
    stream = Terminal()
    bar = Progress("simulating", 4, stream=stream)
    for _ in range(4):
        bar.advance()
    drawn = stream.getvalue()
    assert drawn.startswith("\rsimulating [") and "4/4" in drawn
    bar.close()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_nothing_is_drawn_before_a_few_seconds_or_off_a_terminal():
    quick, piped = Terminal(), io.StringIO()
    for stream in (quick, piped):
        bar = Progress("simulating", 4, stream=stream)
        bar.advance(4)
        bar.close()
    assert quick.getvalue() == "" and piped.getvalue() == ""


def test_every_simulation_inside_counts_its_trials_once():
    scenario, told = load_scenario("micro-cloud-office"), []
    with progress_to(told.append):
        simulate(scenario, trials=150_000, seed=1, threads=2)
        simulate(scenario, trials=1_000, seed=1)
    assert sum(told) == 151_000 and max(told) == 65_536
    simulate(scenario, trials=1_000, seed=1)  # outside: not told
    assert sum(told) == 151_000


def run_on_a_terminal(command: list[str], timeout: float = 300) -> tuple[int, str, str]:
    """Run ``command`` with standard error on a pseudo-terminal (standard output a pipe):
    its status, standard output, and what the terminal received."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=terminal, text=True)
    os.close(terminal)
    shown = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            shown += chunk
        elif process.poll() is not None:
            break
    out = process.stdout.read()
    process.wait(timeout=60)
    os.close(controller)
    return process.returncode, out, shown.decode(errors="replace")


def test_a_long_simulation_shows_a_bar_on_the_terminal_and_leaves_its_output_alone(
    itcost_command,
):
    status, out, shown = run_on_a_terminal(
        [*itcost_command, "simulate", "law-firm", "--trials", "400000", "--threads", "1"]
    )
    assert status == 0, shown
    bars = re.findall(
        r"simulating \[[#.]+\] [\d,]+/400,000, (?:about [\dminh ]+ s? ?left|estimating)", shown
    )
    assert bars, shown
    assert shown.endswith("\r\x1b[K")  # cleared at the end
    assert "\r" not in out and out.startswith("Law firm (50 staff): 400,000 trials")


def test_a_report_shows_its_notebook_cells_as_they_run(itcost_command, tmp_path):
    status, out, shown = run_on_a_terminal(
        [*itcost_command, "report", "micro-cloud-office", "--trials", "2000",
         "--out", str(tmp_path)]
    )  # fmt: skip
    assert status == 0, shown
    assert re.search(r"report: notebook cells \[[#.]+\] \d+/\d+, ", shown), shown
    assert out.strip().endswith("report.html")


def test_a_listener_that_raises_stops_the_simulation_at_the_next_block():
    """How a closed tab stops the app's long runs: Streamlit raises at the next call the
    progress makes, and the simulation stops there instead of running on."""
    told = []

    def stop(trials: int) -> None:
        told.append(trials)
        raise KeyboardInterrupt  # as Streamlit's StopException, a BaseException

    scenario = load_scenario("micro-cloud-office")
    started = time.monotonic()
    try:
        with progress_to(stop):
            simulate(scenario, trials=20 * 65_536, seed=1, threads=1)
    except KeyboardInterrupt:
        pass
    else:
        raise AssertionError("the simulation ran on")
    assert told == [65_536]  # one block of twenty
    assert time.monotonic() - started < 20
