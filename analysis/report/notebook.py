"""Documents from notebooks: run one with papermill into a run folder, export it to HTML.

The report (``notebooks/client_report.ipynb``) and the sweep (``notebooks/sweep.ipynb``) are
the documents; this module runs them (``itcost report``, ``itcost sweep``, the app's Report
page), embeds plotly.js once so the HTML opens offline, and writes each run into a folder that
appears only when complete.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shlex
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from analysis._version import __version__
from analysis.errors import ArgumentError, ReportError
from analysis.files import (
    check_output_folder,
    claim_folder,
    current_umask,
    notebook_path,
    shown_path,
    slugify,
)
from analysis.present.formatting import escape
from analysis.report.parameters import ReportParameters
from analysis.report.pdf import print_pdf
from analysis.scenario.io import dump_scenario
from analysis.scenario.model import Scenario

TEMPLATES = Path(__file__).resolve().parent / "templates"


class PlotlyScript:
    """Displays plotly.js itself, once, so the exported HTML needs no network."""

    def _repr_html_(self) -> str:
        from plotly.offline import get_plotlyjs

        return f'<script type="text/javascript">{get_plotlyjs()}</script>'


class Chart:
    """A figure for the report: interactive in JupyterLab (plotly's mimetype) and in exported
    HTML (a div drawn by the embedded plotly.js). Unlike plotly's own notebook renderer, it
    loads nothing (such as MathJax) from a CDN.
    """

    def __init__(self, figure: Any):
        self.figure = figure

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        div = self.figure.to_html(
            full_html=False,
            include_plotlyjs=False,
            include_mathjax=False,
            default_width="100%",
            config={"displaylogo": False},
        )
        return {"application/vnd.plotly.v1+json": self.figure.to_plotly_json(), "text/html": div}


# -- the pipeline ------------------------------------------------------------------------------


def run_report(
    scenario: Scenario,
    client_name: str,
    trials: int,
    seed: int,
    out_dir: Path,
    prepared_by: str = "",
    pdf: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Execute the report notebook and write a complete run folder; return the HTML's path.

    The folder ``out_dir/<client-slug>/<YYYYMMDD-HHMMSS>/`` appears only when everything in it
    is written: the run is built in a temporary folder beside it and renamed into place, so a
    failure leaves earlier reports as they were. ``progress(done, total)``, when given, is
    told each code cell of the notebook as it is executed (a progress bar's steps).
    """
    parameters = {
        "scenario": "scenario.yaml",
        "client_name": client_name,
        "prepared_by": prepared_by,
        "trials": trials,
        "seed": seed,
        "overrides": {},
        "output_dir": ".",
    }
    title = f"IT support cost report: {client_name}"
    return _run_notebook(
        "client_report", "report", scenario, parameters, Path(out_dir) / slugify(client_name),
        title, pdf, progress,
    )  # fmt: skip


def run_sweep(
    scenario: Scenario,
    parameter: str,
    values: str,
    trials: int,
    seed: int,
    out_dir: Path,
    pdf: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Execute the sweep notebook (``parameter`` over ``values``, ``"LO:HI:STEPS"``) into a run
    folder ``out_dir/<scenario-slug>-sweep/<YYYYMMDD-HHMMSS>/`` (as :func:`run_report` does);
    return the HTML's path. The folder holds scenario.yaml, sweep.csv, sweep.ipynb and
    sweep.html (and sweep.pdf)."""
    parameters = {
        "scenario": "scenario.yaml",
        "parameter": parameter,
        "values": values,
        "trials": trials,
        "seed": seed,
        "overrides": {},
        "output_dir": ".",
    }
    folder = Path(out_dir) / f"{slugify(scenario.name)}-sweep"
    title = f"itcost sweep of {parameter}: {scenario.name}"
    return _run_notebook("sweep", "sweep", scenario, parameters, folder, title, pdf, progress)


def _run_notebook(
    notebook: str,
    output: str,
    scenario: Scenario,
    parameters: dict[str, Any],
    folder: Path,
    title: str,
    pdf: bool,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Run ``notebook`` with papermill in a temporary folder inside ``folder`` and rename it to
    ``folder/<YYYYMMDD-HHMMSS>`` when complete (``-2``, ``-3``, ... after it when a run of the
    same second has the name); return the path of ``<output>.html``.

    A folder that cannot be written is refused before the kernel starts (ArgumentError). A
    failure later (the notebook's, a full disk's: ReportError) or an interrupt removes the
    temporary folder, so nothing half-made is left and earlier runs are untouched.
    """
    import nbformat
    import papermill

    check_output_folder(folder, "out_dir")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    made = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{stamp}.", dir=folder))
    except OSError as error:  # before any work: the folder cannot be written
        raise ArgumentError("out_dir", f"{shown_path(folder)}: {error.strerror or error}") from None
    try:
        dump_scenario(scenario, work / "scenario.yaml")
        hooks = {} if progress is None else {"on_cell_executed": _cells_counted(notebook, progress)}
        executed = papermill.execute_notebook(
            str(notebook_path(notebook)),
            str(work / f"{output}.ipynb"),
            parameters=parameters,
            cwd=str(work),
            progress_bar=False,
            log_output=False,
            kernel_name="python3",
            **hooks,
        )
        _strip_machine_paths(executed, notebook, output)
        nbformat.write(executed, work / f"{output}.ipynb")
        (work / f"{output}.html").write_text(export_html(executed, title), encoding="utf-8")
        if pdf:
            print_pdf(work / f"{output}.html", work / f"{output}.pdf")
        os.chmod(work, 0o777 & ~current_umask())  # mkdtemp made it private: reports are shared
        final = claim_folder(work, folder, stamp)  # a second run in the same second: stamp-2
    except papermill.PapermillExecutionError as error:
        _discard(work, folder if made else None)
        detail = str(error.evalue).splitlines()[0] if error.evalue else ""
        raise ReportError(
            f"the {notebook} notebook failed in cell {error.exec_count}: {error.ename}: {detail}"
        ) from None
    except OSError as error:  # a full disk, say: nothing is left half-made
        _discard(work, folder if made else None)
        raise ReportError(
            f"could not write the {output} in {shown_path(folder)}: {error.strerror or error}"
        ) from None
    except BaseException:  # an interrupt (Ctrl-C, SIGTERM, SIGHUP) too
        _discard(work, folder if made else None)
        raise
    return final / f"{output}.html"


def _cells_counted(notebook: str, progress: Callable[[int, int], None]) -> Callable[..., None]:
    """nbclient's hook after each code cell, telling ``progress(done, total)``: the total is
    the notebook's code cells and the parameters cell papermill adds."""
    import nbformat

    cells = nbformat.read(notebook_path(notebook), as_version=4).cells
    total = sum(cell.cell_type == "code" for cell in cells) + 1
    done = 0

    def executed(**_: Any) -> None:
        nonlocal done
        done += 1
        progress(min(done, total), total)

    return executed


def _discard(work: Path, made: Path | None) -> None:
    """Remove an unfinished run's folder, and the client's folder ``made`` for it when that
    is empty now (another run still working in it keeps it). Ctrl-C, SIGTERM and SIGHUP are
    held back while it runs (and delivered after), so a second one cannot cut it short."""
    with _signals_held():
        shutil.rmtree(work, ignore_errors=True)
        if made is not None:
            with contextlib.suppress(OSError):
                made.rmdir()


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Block the stop signals in this thread while inside (where the platform can)."""
    names = ("SIGINT", "SIGTERM", "SIGHUP")
    stops = {getattr(signal, name) for name in names if hasattr(signal, name)}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, stops)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _strip_machine_paths(notebook: Any, name: str, output: str) -> None:
    metadata = notebook.metadata.get("papermill", {})
    metadata["input_path"] = f"{name}.ipynb"
    metadata["output_path"] = f"{output}.ipynb"
    metadata.pop("environment_variables", None)


def export_html(notebook: Any, title: str) -> str:
    """The executed notebook as one self-contained HTML page titled ``title``, without code."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="itcost_report",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": title}})
    return body


def report_command(
    scenario_file: str,
    client_name: str,
    trials: int,
    seed: int,
    prepared_by: str = "",
    pdf: bool = False,
) -> str:
    """The ``itcost report`` command that makes this report, quoted for a POSIX shell whatever
    the names contain.

    Examples
    --------
    >>> report_command("acme.yaml", "Acme & Sons", 1000, 7)
    "itcost report acme.yaml --client 'Acme & Sons' --trials 1000 --seed 7"
    """
    words = ["itcost", "report", scenario_file, "--client", client_name]
    words += ["--trials", str(trials), "--seed", str(seed)]
    if prepared_by:
        words += ["--prepared-by", prepared_by]
    if pdf:
        words.append("--pdf")
    return shlex.join(words)


def footer(scenario: Scenario, seed: int, runs: str, command: str, folder: str) -> str:
    """The reproducibility footer of a document (Markdown): the scenario and its sha256, the
    seed and ``runs`` (``"100,000 Monte Carlo trials"``), and the ``command`` that makes it
    again from its run folder (``folder``: ``"report"``, ``"sweep"``)."""
    return "\n".join(
        [
            "### Reproducibility",
            "",
            f"- Scenario: {escape(scenario.name)}, sha256 `{scenario.sha256}`",
            f"- Seed {seed}, {runs}, itcost {__version__}",
            f"- Generated {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
            f"- Regenerate from the {folder} folder: {escape(command)}",
        ]
    )


def report_footer(params: ReportParameters) -> str:
    """The client report's :func:`footer`."""
    command = report_command(
        "scenario.yaml", params.client_name, params.trials, params.seed, params.prepared_by
    )
    runs = f"{params.trials:,} Monte Carlo trials"
    return footer(params.scenario, params.seed, runs, command, "report")
