"""``itcost report`` and ``itcost sweep``: documents from the notebooks, in run folders."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from analysis import defaults
from analysis.cli.arguments import add_scenario_arguments, check_work, resolve
from analysis.cli.progress import Progress
from analysis.decision.sweeps import check_values, parse_range
from analysis.engine.core import check_arguments
from analysis.errors import ArgumentError
from analysis.files import check_output_folder
from analysis.report.notebook import run_report, run_sweep
from analysis.report.pdf import find_chromium


def add_report(commands: argparse._SubParsersAction) -> None:
    report = commands.add_parser(
        "report",
        help="write a client report (HTML, optionally PDF) from the report notebook",
        description=(
            "Run notebooks/client_report.ipynb through papermill and write a run folder "
            "OUT/<client>/<YYYYMMDD-HHMMSS>/ (-2, -3, ... after it for another run in the same "
            "second) with scenario.yaml, summary.json, trials.parquet, report.ipynb, report.html "
            "(self-contained, opens offline) and with --pdf report.pdf. The folder appears only "
            "when complete: a failure or an interrupt leaves nothing behind. Prints the path of "
            "the HTML."
        ),
    )
    add_scenario_arguments(report, sampling=True)
    report.add_argument(
        "--client",
        metavar="NAME",
        help="client name shown on the report (default: the scenario's name)",
    )
    report.add_argument(
        "--prepared-by", metavar="NAME", default="", help="consultant or firm named on the report"
    )
    report.add_argument(
        "--out",
        metavar="DIR",
        default="reports",
        help="folder for report runs (default: %(default)s)",
    )
    report.add_argument(
        "--pdf", action="store_true", help="also print report.pdf with headless Chromium"
    )
    report.set_defaults(handler=_report)


def add_sweep(commands: argparse._SubParsersAction) -> None:
    sweep = commands.add_parser(
        "sweep",
        help="one input over a range: a sweep report (HTML) from the sweep notebook",
        description="Run the sweep notebook: for each value of one input, every option's "
        "expected savings against the baseline (on the total and on IT spend) with 95% bands, "
        "and the chance that each option is the cheapest, with the break-evens marked. "
        "Writes OUT/<scenario>-sweep/<YYYYMMDD-HHMMSS>/ with scenario.yaml, sweep.csv, "
        "sweep.ipynb and sweep.html, and prints the HTML's path.",
    )
    add_scenario_arguments(sweep, sampling=True, trials=defaults.SWEEP_TRIALS)
    sweep.add_argument(
        "--parameter",
        required=True,
        metavar="PATH",
        help="a numeric scenario field, e.g. options.managed.fees.per_user_monthly; a * stands "
        "for every key there and sweeps a multiplier (incidents.*.rate: every tier's rate)",
    )
    sweep.add_argument(
        "--range",
        dest="values",
        required=True,
        metavar="LO:HI:STEPS",
        help="e.g. 50:400:15; write --range=-0.05:0.1:7 when LO is negative",
    )
    sweep.add_argument("--out", default="reports", help="output folder (default: reports)")
    sweep.add_argument("--pdf", action="store_true", help="also print sweep.pdf with Chromium")
    # The sweep's Python argument `values` is this command's --range.
    sweep.set_defaults(handler=_sweep, flags={"values": "--range"})


def _report(args: argparse.Namespace) -> int:
    scenario = resolve(args)
    check_work(args, scenario.incidents_per_trial)  # and the trials and seed: before the run
    check_output_folder(args.out, "out_dir")
    if args.pdf:
        find_chromium()
    client = args.client if args.client is not None else scenario.name
    if not client.strip():
        raise ArgumentError("client_name", "must not be empty")
    with kernel_chatter_silenced() as terminal, cells_shown("report", terminal) as cells:
        html = run_report(
            scenario, client, args.trials, args.seed, Path(args.out),
            prepared_by=args.prepared_by, pdf=args.pdf, progress=cells,
        )  # fmt: skip
    print(html)
    return 0


def _sweep(args: argparse.Namespace) -> int:
    scenario = resolve(args)
    check_arguments(args.trials, args.seed)
    check_output_folder(args.out, "out_dir")
    # Fail before the kernel starts, not after.
    grid = parse_range(args.values)
    check_values(scenario, args.parameter, grid)
    check_work(args, scenario.incidents_per_trial, runs=len(grid))
    if args.pdf:
        find_chromium()
    with kernel_chatter_silenced() as terminal, cells_shown("sweep", terminal) as cells:
        html = run_sweep(
            scenario, args.parameter, args.values, args.trials, args.seed, Path(args.out),
            pdf=args.pdf, progress=cells,
        )  # fmt: skip
    print(html)
    return 0


@contextlib.contextmanager
def kernel_chatter_silenced() -> Iterator[TextIO | None]:
    """Keep the Jupyter kernel's log lines (it inherits our stderr) off the user's terminal;
    yields standard error as it was (for a progress bar), or None when it cannot be had."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        terminal = None
        with contextlib.suppress(OSError):
            terminal = os.fdopen(os.dup(saved), "w", encoding="utf-8", errors="replace")
        try:
            yield terminal
        finally:
            if terminal is not None:
                with contextlib.suppress(OSError):
                    terminal.close()
            os.dup2(saved, 2)
            os.close(saved)


@contextlib.contextmanager
def cells_shown(label: str, terminal: TextIO | None) -> Iterator[Callable[[int, int], None]]:
    """A progress bar over the notebook's cells on ``terminal`` (when it is one)."""
    bars: list[Progress] = []

    def cells(done: int, total: int) -> None:
        if not bars:
            bars.append(Progress(f"{label}: notebook cells", total, stream=terminal))
        bars[0].advance()

    try:
        yield cells
    finally:
        if bars:
            bars[0].close()
