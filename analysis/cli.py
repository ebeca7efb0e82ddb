"""The ``itcost`` command line: simulate a scenario, list presets, validate and show scenario files.

Bad input exits with status 2 and one line on stderr naming the field and the reason.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from analysis import cli_decide
from analysis._version import __version__
from analysis.cli_args import add_scenario_arguments, port, positive_int
from analysis.engine import ArgumentError, check_arguments, simulate
from analysis.formatting import money, share_text
from analysis.overrides import field_reference
from analysis.presets import load_scenario, preset_descriptions
from analysis.result import Result
from analysis.scenario import Scenario, ScenarioError
from analysis.scenario_io import dump_scenario

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="itcost",
        description=(
            "Compare the cost of break-fix IT support with a managed-services contract "
            "by Monte Carlo simulation."
        ),
        epilog="Run 'itcost COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"itcost {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "simulate",
        help="simulate a scenario and compare the support models",
        description=(
            "Simulate a scenario and print the models side by side (break-fix, managed and, with a "
            "hybrid section, hybrid): mean and P5/P50/P95 of each cost component, the savings "
            "over break-fix and the probability that each contract is cheaper. Amounts are "
            "totals over the scenario's horizon (one year unless it sets horizon.years)."
        ),
    )
    add_scenario_arguments(run, sampling=True)
    run.add_argument(
        "--threads",
        type=positive_int,
        default=None,
        metavar="N",
        help="worker threads (default: all cores); results do not depend on it",
    )
    run.add_argument(
        "--json",
        action="store_true",
        help="print the summary JSON (schema itcost.summary/1) instead of a table",
    )
    run.set_defaults(handler=_simulate)

    report = commands.add_parser(
        "report",
        help="write a client report (HTML, optionally PDF) from the report notebook",
        description=(
            "Run notebooks/client_report.ipynb through papermill and write a run folder "
            "OUT/<client>/<YYYYMMDD-HHMMSS>/ with scenario.yaml, summary.json, trials.parquet, "
            "report.ipynb, report.html (self-contained, opens offline) and with --pdf report.pdf. "
            "Prints the path of the HTML."
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

    listing = commands.add_parser(
        "presets",
        help="list the built-in scenario presets",
        description="List the built-in scenario presets with a one-line description each.",
    )
    listing.set_defaults(handler=_presets)

    check = commands.add_parser(
        "validate",
        help="check a scenario file and print its hash",
        description="Validate a scenario (file or preset); print its name and sha256, or the "
        "first problem found (exit status 2).",
    )
    add_scenario_arguments(check)
    check.set_defaults(handler=_validate)

    fields = commands.add_parser(
        "fields",
        help="list every scenario field with its unit and default",
        description="List every scenario field that a YAML file or --set can give: its dotted "
        "path, what it means with its unit, and its default. Sections 'parts' and 'security' "
        "are optional as a whole.",
    )
    fields.set_defaults(handler=_fields)

    show = commands.add_parser(
        "show",
        help="print a scenario as YAML, with defaults and overrides applied",
        description="Print the fully resolved scenario as YAML: a starting point for your own file "
        "(itcost show small-office > acme.yaml).",
    )
    add_scenario_arguments(show)
    show.set_defaults(handler=_show)

    app = commands.add_parser(
        "app",
        help="serve the calculator app in the browser (Streamlit)",
        description="Serve the interactive calculator at http://localhost:PORT until Ctrl-C, "
        "to this computer only. Headless: no browser is opened, no usage statistics are sent.",
    )
    app.add_argument("--port", type=port, default=8501, help="port (default 8501)")
    app.set_defaults(handler=_app)
    cli_decide.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except ScenarioError as error:
        print(f"itcost: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ArgumentError as error:  # e.g. more trials than this machine's memory holds
        print(f"itcost: error: --{error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("itcost: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def resolve(args: argparse.Namespace) -> Scenario:
    """The scenario of SCENARIO with the --set overrides applied."""
    return load_scenario(args.scenario).with_overrides(args.overrides)


def _simulate(args: argparse.Namespace) -> int:
    scenario = resolve(args)
    result = simulate(scenario, trials=args.trials, seed=args.seed, threads=args.threads)
    print(result.to_json() if args.json else format_table(result))
    return 0


def _report(args: argparse.Namespace) -> int:
    from analysis import reports

    scenario = resolve(args)
    check_arguments(args.trials, args.seed)  # fail before the run, not after it
    if args.pdf:
        reports.find_chromium()
    client = args.client if args.client is not None else scenario.name
    if not client.strip():
        raise ScenarioError("--client", "must not be empty")
    try:
        with kernel_chatter_silenced():
            html_path = reports.run_report(
                scenario,
                client,
                args.trials,
                args.seed,
                Path(args.out),
                prepared_by=args.prepared_by,
                pdf=args.pdf,
            )
    except reports.ReportError as error:
        print(f"itcost: error: {error}", file=sys.stderr)
        return 1
    print(html_path)
    return 0


@contextlib.contextmanager
def kernel_chatter_silenced() -> Iterator[None]:
    """Keep the Jupyter kernel's log lines (it inherits our stderr) off the user's terminal."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _presets(args: argparse.Namespace) -> int:
    descriptions = preset_descriptions()
    width = max(map(len, descriptions))
    for name, description in descriptions.items():
        print(f"{name:<{width}}  {description}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    scenario = resolve(args)
    tiers = ", ".join(scenario.incidents)
    print(
        f"ok: {scenario.name}: {len(scenario.incidents)} tiers ({tiers}), sha256 {scenario.sha256}"
    )
    return 0


def _fields(args: argparse.Namespace) -> int:
    rows = field_reference()
    width = max(len(path) for path, _, _ in rows)
    for path, description, default in rows:
        print(f"{path:<{width}}  {description} [{default}]")
    return 0


def app_path() -> Path:
    """The calculator's entry point: dashboards/ in a checkout, or inside an installed package."""
    package = Path(__file__).resolve().parent
    for candidate in (package.parent / "dashboards", package / "_dashboards"):
        if (candidate / "app.py").is_file():
            return candidate / "app.py"
    raise FileNotFoundError("dashboards/app.py is missing from this installation")


def _app(args: argparse.Namespace) -> int:
    command = [
        sys.executable, "-m", "streamlit", "run", str(app_path()),
        "--server.port", str(args.port), "--server.address", "localhost",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        # Without an address to print, a headless server asks a web service for its public IP.
        "--browser.serverAddress", "localhost",
    ]  # fmt: skip
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:  # Ctrl-C reaches streamlit too, which stops on its own
        return 0


def _show(args: argparse.Namespace) -> int:
    print(dump_scenario(resolve(args)), end="")
    return 0


# -- the readable table ----------------------------------------------------------------------

_ROWS = (
    ("IT support", "support", "money"),
    ("Downtime", "downtime", "money"),
    ("Security", "security", "money"),
    ("Total", "total", "money"),
    ("Incidents", "incidents", "count"),
    ("Downtime hours", "downtime_hours", "count"),
)


_MODEL_NAMES = {"break_fix": "Break-fix", "managed": "Managed", "hybrid": "Hybrid"}


def format_table(result: Result) -> str:
    """The models side by side (two, or three with a hybrid contract), then the savings and the
    probability that each contract is cheaper than break-fix."""
    summary = result.summary()
    currency = summary["currency"]
    years = summary["years"]
    period = "amounts per year" if years == 1 else f"totals over {years} years"
    models = list(summary["models"])

    def cell(stats: dict[str, Any], key: str, kind: str) -> str:
        value = stats[key]
        return money(value, currency) if kind == "money" else f"{value:,.1f}"

    keys = ("mean", "p05", "p50", "p95")
    header = ["", *("Mean", "P5", "P50", "P95") * len(models)]
    rows = [
        [label, *(cell(summary["models"][m][q], k, kind) for m in models for k in keys)]
        for label, q, kind in _ROWS
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    spans = [slice(1 + 4 * i, 5 + 4 * i) for i in range(len(models))]

    def line(row: list[str]) -> str:
        groups = [
            "  ".join(v.rjust(w) for v, w in zip(row[span], widths[span], strict=True))
            for span in spans
        ]
        return "    ".join([row[0].ljust(widths[0]), *groups])

    titles = [
        f"{_MODEL_NAMES[m]:^{sum(widths[span]) + 3 * 2}}"
        for m, span in zip(models, spans, strict=True)
    ]
    title = (
        f"{summary['scenario']['name']}: {summary['trials']:,} trials, seed {summary['seed']}, "
        f"{years} year{'s' if years > 1 else ''}, {currency}, {period}"
    )
    lines = [
        title,
        "",
        "    ".join([" " * widths[0], *titles]).rstrip(),
        line(header),
        *(line(row) for row in rows),
        "",
    ]
    comparisons = [("managed", "savings", "prob_managed_cheaper")]
    if "hybrid" in models:
        comparisons.append(("hybrid", "savings_hybrid", "prob_hybrid_cheaper"))
    for model, key, probability in comparisons:
        savings = summary["comparison"][key]
        name = _MODEL_NAMES[model]
        lines += [
            f"Savings with {name.lower()} (break-fix minus {name.lower()}): mean "
            f"{money(savings['mean'], currency)}"
            f" ± {money(1.96 * savings['mean_se'], currency)} (95% confidence),"
            f" 90% of trials between {money(savings['p05'], currency)}"
            f" and {money(savings['p95'], currency)}.",
            f"{name} is cheaper in {share_text(summary['comparison'][probability])} of trials.",
        ]
    return "\n".join(lines)
