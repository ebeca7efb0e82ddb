"""Benchmark the client report: how long ``itcost report PRESET`` takes, as users run it.

The time is the whole command, wall clock, best of ``--repeats``: starting Python, simulating
the report's trials, running the report notebook in a Jupyter kernel (the break-evens, the
tornado and the budget risk at the report's trial counts) and exporting the self-contained
HTML; with ``--pdf`` also printing the PDF with headless Chromium. Reports go to a temporary
folder that is removed afterwards. There is no target: the figure says what a consultant waits
for. Exits 1 only when the report fails.

Run with ``make bench`` or ``python benchmarks/bench_report.py [--scenario NAME] [--trials N]
[--repeats R] [--pdf]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.defaults import TRIALS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="server-office", help="a preset or YAML file")
    parser.add_argument("--trials", type=int, default=TRIALS)
    parser.add_argument("--repeats", type=int, default=1, help="runs; the fastest is kept")
    parser.add_argument("--pdf", action="store_true", help="also print the PDF")
    args = parser.parse_args()

    itcost = Path(sys.executable).parent / "itcost"
    best = float("inf")
    with tempfile.TemporaryDirectory() as out:
        command = [str(itcost), "report", args.scenario, "--trials", str(args.trials),
                   "--out", out, *(["--pdf"] if args.pdf else [])]  # fmt: skip
        for _ in range(args.repeats):
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True)
            seconds = time.perf_counter() - start
            if done.returncode != 0:
                print(f"itcost report failed: {done.stderr.strip()}")
                return 1
            best = min(best, seconds)
        html = Path(done.stdout.strip())
        size = html.stat().st_size / 1e6
    what = "HTML and PDF" if args.pdf else "HTML"
    print(
        f"report of {args.scenario} ({args.trials:,} trials, {what}): {best:.1f} s for the "
        f"whole `itcost report` command (best of {args.repeats}); report.html {size:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
