"""Client reports: the pieces the report notebook shows, and the pipeline behind ``itcost report``.

The notebook (``notebooks/client_report.ipynb``) is the document; this module holds everything
it computes or that more than one front end needs: parameter checks, the plain-language summary,
the inputs table, the offline plotly display, and running + exporting the notebook.

Examples
--------
>>> slugify("Acme & Sons <Ltd>")
'acme-sons-ltd'
"""

from __future__ import annotations

import datetime as dt
import html
import math
import os
import re
import shlex
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis._version import __version__
from analysis.engine import ArgumentError, check_arguments
from analysis.formatting import money, share_text, simulated_periods
from analysis.insights import breakeven_fee
from analysis.overrides import field_reference, value_at
from analysis.presets import load_scenario, references
from analysis.result import Result
from analysis.scenario import Scenario, ScenarioError
from analysis.scenario_io import current_umask, dump_scenario, write_text_atomic

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"


class ReportError(RuntimeError):
    """The report could not be produced (the notebook failed, or printing failed)."""


# -- parameters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportParameters:
    """The report notebook's parameters, checked."""

    scenario: Scenario
    client_name: str
    prepared_by: str
    trials: int
    seed: int
    output_dir: Path | None


def check_parameters(
    scenario: str,
    client_name: str,
    prepared_by: str,
    trials: int,
    seed: int,
    overrides: dict[str, Any],
    output_dir: str,
) -> ReportParameters:
    """Validate the report notebook's parameters; a bad one raises a one-line ScenarioError.

    Examples
    --------
    >>> check_parameters("small-office", "Acme", "", 1000, 1, {}, "").trials
    1000
    """
    for name, value, kind in (
        ("scenario", scenario, str),
        ("client_name", client_name, str),
        ("prepared_by", prepared_by, str),
        ("output_dir", output_dir, str),
        ("overrides", overrides, dict),
    ):
        if not isinstance(value, kind):
            raise ScenarioError(name, f"must be {kind.__name__} (got {value!r})", "parameter")
    try:
        check_arguments(trials, seed)
    except ArgumentError as error:
        name, reason = str(error).split(": ", 1)
        raise ScenarioError(name, reason, "parameter") from None
    if not client_name.strip():
        raise ScenarioError("client_name", "must not be empty", "parameter")
    try:
        resolved = load_scenario(scenario).with_overrides(overrides)
    except ScenarioError as error:
        where = "overrides" if error.source == "--set" else "scenario"
        raise ScenarioError(
            f"{where}: {error.field}".rstrip(": "), error.reason, "parameter"
        ) from None
    return ReportParameters(
        resolved,
        client_name.strip(),
        prepared_by.strip(),
        trials,
        seed,
        Path(output_dir) if output_dir else None,
    )


def slugify(text: str) -> str:
    """A folder name from free text: ASCII letters, digits and hyphens only, never a path."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].strip("-") or "client"


def escape(text: str) -> str:
    """Text safe inside Markdown and HTML: markup is shown, never interpreted.

    ``$`` is escaped too: Jupyter's Markdown reads text between dollar signs as mathematics.
    Quotes are left alone: as entities their ``#`` would be escaped and show up literally.
    """
    return re.sub(r"([\\`*_{}\[\]()#+!|~$])", r"\\\1", html.escape(text, quote=False))


def _money(amount: float, currency: str) -> str:
    return escape(money(amount, currency))


# -- what the report says ---------------------------------------------------------------------


def title(params: ReportParameters) -> str:
    """The report's heading and who it is for (Markdown)."""
    prepared = f" by {escape(params.prepared_by)}" if params.prepared_by else ""
    scenario = params.scenario
    return (
        "# IT support: break-fix or managed services?\n\n"
        f"**Prepared for {escape(params.client_name)}**{prepared} · "
        f"{scenario.organisation.employees} staff · amounts in {scenario.currency}"
    )


def executive_summary(result: Result, client_name: str) -> str:
    """The recommendation and its key figures in plain words (Markdown)."""
    summary = result.summary()
    scenario, currency = result.scenario, summary["currency"]
    many = simulated_periods(scenario.horizon.years)
    per = "a year" if scenario.horizon.years == 1 else f"over {scenario.horizon.years} years"
    bf, ms = summary["models"]["break_fix"], summary["models"]["managed"]
    savings = summary["comparison"]["savings"]
    cheaper = summary["comparison"]["prob_managed_cheaper"]
    managed_wins = savings["mean"] > 0
    winner = "**Managed services**" if managed_wins else "**Break-fix** (paying per incident)"
    verdict = f"{winner} are expected to cost less"
    if 0.4 < cheaper < 0.6:
        verdict += ", but only narrowly: the two options are close"
    fee, flip = scenario.managed.per_user_monthly, breakeven_fee(result)
    if managed_wins and math.isinf(flip):
        flip_text = (
            "managed services stay the cheaper option on average even at 20 times the quoted "
            f"fee ({_money(fee, currency)})."
        )
    elif managed_wins:
        flip_text = (
            f"managed services stay the cheaper option on average up to a fee of about "
            f"**{_money(flip, currency)} per user per month** "
            f"(quoted: {_money(fee, currency)})."
        )
    elif flip > 0:
        flip_text = (
            f"managed services would become the cheaper option on average at a fee "
            f"below about **{_money(flip, currency)} per user per month** "
            f"(quoted: {_money(fee, currency)})."
        )
    else:
        flip_text = "even at no fee at all, managed services would not pay for themselves here."
    difference = (
        f"- **Expected saving with managed services**: {_money(savings['mean'], currency)}"
        if managed_wins
        else f"- **Expected extra cost of managed services**: {_money(-savings['mean'], currency)}"
    )
    downtime_share = bf["downtime"]["mean"] / bf["total"]["mean"] if bf["total"]["mean"] else 0
    return "\n".join(
        [
            f"### Recommendation for {escape(client_name)}",
            "",
            f"{verdict} for {escape(client_name)} (modelled as: {escape(scenario.name)}).",
            "",
            f"- **Expected cost {per}**: break-fix {_money(bf['total']['mean'], currency)}, "
            f"managed services {_money(ms['total']['mean'], currency)}.",
            f"{difference} (in 90% of simulated {many} the saving lies between "
            f"{_money(savings['p05'], currency)} and {_money(savings['p95'], currency)}).",
            f"- **Managed services are cheaper in {share_text(cheaper)}** of "
            f"{summary['trials']:,} simulated {many}.",
            f"- **Downtime** is {downtime_share:.0%} of the expected break-fix cost. Outages add "
            f"up to {bf['downtime_hours']['mean']:,.0f} hours {per} with break-fix and "
            f"{ms['downtime_hours']['mean']:,.0f} with managed services, counted incident by "
            "incident (most are minor and stop only one or two people) and in elapsed hours, "
            "nights included.",
            f"- **When the answer would flip**: {flip_text}",
        ]
    )


def inputs_table(scenario: Scenario) -> list[tuple[str, str, str]]:
    """The scenario's inputs as (meaning with unit, value, field for --set) rows.

    Shares are shown as percentages and "money" as the scenario's currency.
    """
    data = scenario.to_dict()
    rows = []
    for path, description, _ in field_reference():
        if path in {"name", "description", "currency"}:
            continue
        share = "(0-1)" in description
        meaning = description.split("; a number or")[0].replace(" (0-1)", "")
        meaning = meaning.replace("money", scenario.currency)
        tier_position = path.split(".").index("<tier>") if "<tier>" in path else None
        for concrete in _expand(path, scenario):
            value = value_at(data, concrete)
            if value is None:
                continue
            if tier_position is None:
                label = meaning[:1].upper() + meaning[1:]
            else:
                tier = concrete.split(".")[tier_position]
                label = f"{tier[:1].upper() + tier[1:]} incidents: {meaning}"
            text = f"{value:.0%}" if share and isinstance(value, float) else _value_text(value)
            rows.append((label, text, concrete))
    return rows


def _expand(path: str, scenario: Scenario) -> list[str]:
    if "<tier>" not in path:
        return [path]
    return [path.replace("<tier>", tier) for tier in scenario.incidents]


def _value_text(value: Any) -> str:
    if isinstance(value, list):  # tiers under a hybrid contract, or monthly weights
        return ", ".join(_value_text(item) for item in value) or "none"
    if isinstance(value, dict) and set(value) == {"median", "p90"}:
        return f"median {value['median']:,g}, p90 {value['p90']:,g}"
    if isinstance(value, float):
        return f"{value:,g}"
    return str(value)


def breakeven_rows(table: Any, currency: str) -> list[tuple[str, str, str, str]]:
    """(input, now, break-even with its standard error, what it means) rows of
    :func:`analysis.insights.breakeven_table`."""

    def shown(value: float, is_money: bool, digits: str = ".3g") -> str:
        return money(value, currency) if is_money else f"x{value:{digits}}"

    rows = []
    for row in table.itertuples():
        is_money = row.parameter != "incidents.*.rate_per_year"
        if row.break_even is None or row.break_even != row.break_even:  # None, or NaN in pandas
            flip = "none in range"
        else:
            flip = shown(row.break_even, is_money)
            if row.stderr is not None and row.stderr == row.stderr:  # not None, not NaN
                flip += f" (± {shown(row.stderr, is_money, '.2g').lstrip('x')})"
        rows.append(
            (row.input, shown(row.now, is_money), flip, row.note[:1].upper() + row.note[1:])
        )
    return rows


def budget_rows(table: Any, currency: str) -> list[tuple[str, ...]]:
    """(model, monthly mean, monthly spread, worst month, chance over budget) rows of
    :func:`analysis.insights.budget_table`."""
    return [
        (model, money(row.monthly_mean, currency), money(row.monthly_std, currency),
         money(row.worst_month_p95, currency), share_text(row.prob_over_budget))
        for model, row in zip(table.index, table.itertuples(), strict=True)
    ]  # fmt: skip


def tornado_text(table: Any, currency: str) -> str:
    """The inputs that move expected savings most, in words (Markdown)."""
    top = table.head(3)
    items = [f"{row.label.lower()} ({_money(row.swing, currency)})" for row in top.itertuples()]
    return (
        "Expected savings move most with " + ", ".join(items[:-1]) + f" and {items[-1]}"
        " between the low and the high value: these are the figures to check first."
    )


def sources_table() -> list[tuple[str, str]]:
    """(source, figure) for each published reference of data/references.yaml.

    Our own assumptions (publisher ``itcost``) are summed up in the method text instead.
    """
    rows = []
    for entry in references():
        if entry["publisher"] == "itcost":
            continue
        source = f"{entry['title']}. {entry['publisher']}, {entry['year']}."
        if entry.get("url"):
            source += f" {entry['url']}"
        rows.append((source, " ".join(entry["figure"].split())))
    return rows


def markdown_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """A Markdown table with every cell escaped."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(escape(str(cell)) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


# -- offline plotly in notebooks and exported HTML -------------------------------------------


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


def notebook_path(name: str = "client_report") -> Path:
    """A notebook (``client_report`` or ``sweep``): in the checkout's notebooks/, or inside an
    installed package."""
    for candidate in (PACKAGE.parent / "notebooks", PACKAGE / "_notebooks"):
        if (candidate / f"{name}.ipynb").is_file():
            return candidate / f"{name}.ipynb"
    raise FileNotFoundError(f"notebooks/{name}.ipynb is missing from this installation")


def run_report(
    scenario: Scenario,
    client_name: str,
    trials: int,
    seed: int,
    out_dir: Path,
    prepared_by: str = "",
    pdf: bool = False,
) -> Path:
    """Execute the report notebook and write a complete run folder; return the HTML's path.

    The folder ``out_dir/<client-slug>/<YYYYMMDD-HHMMSS>/`` appears only when everything in it
    is written: the run is built in a temporary folder beside it and renamed into place, so a
    failure leaves earlier reports as they were.
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
        title, pdf,
    )  # fmt: skip


def run_sweep(
    scenario: Scenario,
    parameter: str,
    values: str,
    trials: int,
    seed: int,
    out_dir: Path,
    pdf: bool = False,
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
    return _run_notebook("sweep", "sweep", scenario, parameters, folder, title, pdf)


def _run_notebook(
    notebook: str,
    output: str,
    scenario: Scenario,
    parameters: dict[str, Any],
    folder: Path,
    title: str,
    pdf: bool,
) -> Path:
    """Run ``notebook`` with papermill in a temporary folder inside ``folder`` and rename it to
    ``folder/<YYYYMMDD-HHMMSS>`` when complete; return the path of ``<output>.html``."""
    import nbformat
    import papermill

    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    final = folder / stamp
    counter = 1
    while final.exists():  # two runs in the same second
        counter += 1
        final = folder / f"{stamp}-{counter}"
    work = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=folder))
    try:
        dump_scenario(scenario, work / "scenario.yaml")
        executed = papermill.execute_notebook(
            str(notebook_path(notebook)),
            str(work / f"{output}.ipynb"),
            parameters=parameters,
            cwd=str(work),
            progress_bar=False,
            log_output=False,
            kernel_name="python3",
        )
        _strip_machine_paths(executed, notebook, output)
        nbformat.write(executed, work / f"{output}.ipynb")
        (work / f"{output}.html").write_text(export_html(executed, title), encoding="utf-8")
        if pdf:
            print_pdf(work / f"{output}.html", work / f"{output}.pdf")
        os.chmod(work, 0o777 & ~current_umask())  # mkdtemp made it private: reports are shared
        os.replace(work, final)
    except papermill.PapermillExecutionError as error:
        shutil.rmtree(work, ignore_errors=True)
        detail = str(error.evalue).splitlines()[0] if error.evalue else ""
        raise ReportError(
            f"the {notebook} notebook failed in cell {error.exec_count}: {error.ename}: {detail}"
        ) from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final / f"{output}.html"


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


def find_chromium() -> str:
    """The Chromium executable: $ITCOST_CHROMIUM, else chromium on the PATH."""
    chosen = os.environ.get("ITCOST_CHROMIUM")
    if chosen and not Path(chosen).is_file():
        raise ScenarioError("ITCOST_CHROMIUM", f"{chosen} is not a file")
    candidates = [
        chosen,
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        shutil.which("google-chrome"),
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    raise ScenarioError(
        "--pdf",
        "needs Chromium: install it (Debian: apt-get install chromium) or set "
        "ITCOST_CHROMIUM to its path",
    )


#: Chromium flags for a machine without a display or network access.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


#: JavaScript that is true once every plotly chart on the page has been drawn.
CHARTS_DRAWN = (
    "(() => { const charts = [...document.querySelectorAll('.js-plotly-plot')];"
    " return charts.length > 0 && charts.every(c => c.querySelector('.main-svg')); })()"
)


def print_pdf(html_path: Path, pdf_path: Path) -> None:
    """Print the HTML report to PDF with headless Chromium, once every chart is drawn."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        try:
            # The printable width of A4 at 96 dpi with 12 mm margins: charts are drawn at the
            # width they are printed at, not scaled down (and clipped) from a screen layout.
            page = browser.new_page(viewport={"width": 700, "height": 990})
            page.emulate_media(media="print")
            page.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith("file:") else route.abort()
                ),
            )
            page.goto(html_path.resolve().as_uri())
            page.wait_for_function(CHARTS_DRAWN)
            page.pdf(
                path=str(pdf_path),
                format="A4",
                print_background=True,
                margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"},
            )
        finally:
            browser.close()


def footer(params: ReportParameters) -> str:
    """The reproducibility footer (Markdown)."""
    scenario = params.scenario
    words = [
        "itcost",
        "report",
        "scenario.yaml",
        "--client",
        params.client_name,
        "--trials",
        str(params.trials),
        "--seed",
        str(params.seed),
    ]
    if params.prepared_by:
        words += ["--prepared-by", params.prepared_by]
    command = shlex.join(words)  # quoted for a POSIX shell, whatever the names contain
    return "\n".join(
        [
            "### Reproducibility",
            "",
            f"- Scenario: {escape(scenario.name)}, sha256 `{scenario.sha256}`",
            f"- Seed {params.seed}, {params.trials:,} Monte Carlo trials, itcost {__version__}",
            f"- Generated {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
            f"- Regenerate from the report folder: {escape(command)}",
        ]
    )


def write_outputs(params: ReportParameters, result: Result) -> None:
    """Write scenario.yaml, summary.json and trials.parquet into ``params.output_dir``."""
    folder = params.output_dir
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    dump_scenario(params.scenario, folder / "scenario.yaml")
    # Exactly what `itcost simulate --json` prints for the same inputs.
    write_text_atomic(folder / "summary.json", result.to_json() + "\n")
    temporary = folder / ".trials.parquet.tmp"
    result.trials.to_parquet(temporary)
    os.replace(temporary, folder / "trials.parquet")
