"""Client reports and sweeps: the notebooks through papermill with a real kernel, the run
folder, the HTML in a real headless Chromium with the network blocked, and the PDF read back
with poppler. Every option of the scenario is shown; names are text, never markup."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import papermill
import pytest

from analysis import defaults, dump_scenario, load_scenario, simulate
from analysis.present.formatting import escape, money_markdown
from analysis.present.narrative import decision_summary, headline
from analysis.report.notebook import run_report, run_sweep
from analysis.report.pdf import CHARTS_DRAWN, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "client_report.ipynb"
HOSTILE_CLIENT = "<script>alert('x')</script> Bakery & Co"
#: An option title with HTML and Markdown in it: the report must show it as it is.
HOSTILE_OPTION = "<img src=x onerror=alert('o')> **Bold** [link](http://e.com) $5 | pipe"
TRIALS = "3000"
#: Charts of the client report: totals, P(cheapest), savings, exceedance, tornado, tiers, months.
CHARTS = 7


def _markdown_outputs(notebook) -> list[str]:
    return [
        output["data"]["text/markdown"]
        for cell in notebook.cells if cell.cell_type == "code"
        for output in cell.get("outputs", []) if "text/markdown" in output.get("data", {})
    ]  # fmt: skip


def _execute(tmp_path, **parameters):
    return papermill.execute_notebook(
        str(NOTEBOOK), str(tmp_path / "out.ipynb"), kernel_name="python3", progress_bar=False,
        parameters={"output_dir": str(tmp_path), **parameters},
    )  # fmt: skip


def test_notebook_through_papermill_matches_simulate(tmp_path):
    overrides = {"options.managed.fees.per_user_monthly": 140,
                 "organisation.loaded_hourly_cost": 55}  # fmt: skip
    _execute(tmp_path, scenario="dental-clinic", client_name="Dental", trials=4000, seed=11,
             overrides=overrides)  # fmt: skip
    expected = simulate(load_scenario("dental-clinic").with_overrides(overrides), 4000, 11)
    assert json.loads((tmp_path / "summary.json").read_text()) == expected.summary()
    assert load_scenario(tmp_path / "scenario.yaml") == expected.scenario


@pytest.mark.parametrize("preset", ["cloud-office", "law-firm", "ecommerce-shop", "manufacturer"])
def test_every_other_preset_gets_a_report(tmp_path, preset):
    """The presets the tests above do not run (server-office, dental-clinic and
    micro-cloud-office are): a report with every option's title, from one simulation."""
    notebook = _execute(tmp_path, scenario=preset, client_name="Client", trials=1500, seed=5)
    expected = simulate(load_scenario(preset), 1500, 5)
    assert json.loads((tmp_path / "summary.json").read_text()) == expected.summary()
    text = "\n".join(_markdown_outputs(notebook))
    for option in expected.options:
        assert escape(expected.scenario.options[option].title) in text


def test_the_figures_shown_together_come_from_one_simulation(tmp_path):
    """The summary, the options table and the guard rails say the same amounts: those of
    summary.json (today's bug: a summary of $272 beside a table of $268)."""
    executed = _execute(tmp_path, scenario="server-office", client_name="Acme", trials=3000)
    summary = json.loads((tmp_path / "summary.json").read_text())
    shown = _markdown_outputs(executed)
    executive = next(text for text in shown if text.startswith("### Recommendation for"))
    table = next(text for text in shown if text.startswith("| Rank | Option |"))
    notes = next(text for text in shown if text.startswith("- **On IT spend alone**"))
    scenario = load_scenario(tmp_path / "scenario.yaml")
    for option, stats in summary["options"].items():
        title = escape(scenario.options[option].title or option)
        spend = money_markdown(stats["it_spend"]["mean"], "USD")
        total = money_markdown(stats["total"]["mean"], "USD")
        assert f"{title} {spend}" in executive and f"{title} {total}" in executive
        assert f"{title} {spend}" in notes
        row = next(line for line in table.splitlines() if f"| {title} |" in line)
        assert spend in row and total in row
    assert len(table.splitlines()) == 2 + len(summary["options"])  # every option, one row each
    # The questions to ask each provider: one list per option, from the same result.
    questions = next(text for text in shown if "How soon will you respond" in text)
    for option in summary["options"]:
        assert f"**{escape(scenario.options[option].title or option)}**" in questions
    assert "onboarding fee of \\$2,700" in questions


def test_a_preset_where_break_fix_wins_says_so(tmp_path):
    executed = _execute(tmp_path, scenario="micro-cloud-office", client_name="Micro", trials=3000)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["comparison"]["best"] == summary["baseline"] == "break-fix", (
        "micro-cloud-office is the preset in which break-fix should win (issue 10)"
    )
    result = simulate(load_scenario("micro-cloud-office"), 3000, defaults.SEED)
    said = headline(decision_summary(result, breakeven_fees={}))
    assert "is expected to be cheapest in cash and in total" in said
    assert any(said in text for text in _markdown_outputs(executed))


@pytest.fixture(scope="module")
def hostile_scenario(tmp_path_factory):
    scenario = load_scenario("server-office").with_overrides({"options.managed.title":
                                                              HOSTILE_OPTION})  # fmt: skip
    path = tmp_path_factory.mktemp("scenario") / "hostile.yaml"
    dump_scenario(scenario, path)
    return path


@pytest.fixture(scope="module")
def report_run(tmp_path_factory, itcost_command, chromium, hostile_scenario):
    """One `itcost report --pdf` run, shared by the tests that inspect its output."""
    out = tmp_path_factory.mktemp("reports")
    done = subprocess.run(
        [*itcost_command, "report", str(hostile_scenario), "--client", HOSTILE_CLIENT,
         "--trials", TRIALS, "--out", str(out), "--pdf"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # the kernel's log lines stay off the terminal
    html_path = Path(done.stdout.strip())
    return out, html_path


def test_run_folder_is_complete(report_run, itcost_command, hostile_scenario):
    out, html_path = report_run
    folder = html_path.parent
    assert folder.parent == out / "script-alert-x-script-bakery-co"  # slugged, never a path
    assert folder.name[:8].isdigit() and folder.name[8] == "-"
    assert {p.name for p in folder.iterdir()} == {
        "scenario.yaml", "summary.json", "trials.parquet", "report.ipynb", "report.html",
        "report.pdf",
    }  # fmt: skip
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]  # no temporary left over
    simulated = subprocess.run(
        [*itcost_command, "simulate", str(hostile_scenario), "--json", "--trials", TRIALS],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert (folder / "summary.json").read_text() == simulated
    import pandas as pd

    trials = pd.read_parquet(folder / "trials.parquet")
    assert len(trials) == int(TRIALS)
    assert {"managed.it_spend", "hybrid.total", "savings.hybrid"} <= set(trials.columns)
    notebook_text = (folder / "report.ipynb").read_text()
    assert str(out) not in notebook_text and "/tmp" not in notebook_text  # no machine paths


def test_html_has_no_code_and_embeds_plotly(report_run):
    _, html_path = report_run
    text = html_path.read_text()
    # No code cells: no editor element, no highlighted source, no line of the notebook's code.
    assert 'class="jp-CodeMirrorEditor' not in text and 'class="highlight' not in text
    assert "check_report_parameters" not in text and "Chart(" not in text
    assert text.count("plotly.js v") >= 1 and "window.Plotly" in text
    assert not re.search(r"<script[^>]+src=\"https?:", text)  # nothing from a CDN
    assert text.count('class="plotly-graph-div"') == CHARTS
    for heading in ("The options side by side", "Reading the comparison honestly",
                    "When would the answer flip?", "Which input matters most?",
                    "Where the losses come from", "How predictable is the IT bill?",
                    "Sources of the default figures"):  # fmt: skip
        assert heading in text
    assert "<script>alert" not in text and "&lt;script&gt;alert" in text
    # The option's title is text: no image, no bold, no link made from it.
    assert "<img src=x" not in text and "<strong>Bold</strong>" not in text
    assert '<a href="http://e.com"' not in text
    assert "&lt;img src=x onerror=alert('o')&gt;" in text


def test_html_renders_offline_in_chromium(report_run, chromium, tmp_path):
    from playwright.sync_api import sync_playwright

    _, html_path = report_run
    outside, failed, dialogs, errors = [], [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page()

        def block_network(route):
            if route.request.url.startswith("file:"):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", block_network)
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(html_path.as_uri())
        page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
        charts = page.locator(".js-plotly-plot").count()
        heading = page.get_by_role("heading", name="Recommendation for").inner_text()
        body = page.inner_text("body")
        legends = page.eval_on_selector_all(  # SVG text: textContent, not innerText
            ".js-plotly-plot .legendtext", "elements => elements.map(e => e.textContent)"
        )
        images = page.locator("img[src='x']").count()
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        browser.close()
    assert outside == [] and failed == [] and errors == []
    assert dialogs == []  # neither the client's <script> nor the option's onerror ran
    assert images == 0
    assert charts == CHARTS
    assert HOSTILE_CLIENT in heading  # shown as text
    assert HOSTILE_OPTION in body  # the option's title, exactly as given
    assert any(HOSTILE_OPTION in legend for legend in legends)  # and in the charts' legends
    assert (tmp_path / "report.png").stat().st_size > 50_000


def test_pdf_first_page_shows_the_executive_summary(report_run, poppler, tmp_path):
    _, html_path = report_run
    pdf = html_path.with_name("report.pdf")
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "60", "-png", str(pdf),
                    str(tmp_path / "page")], check=True)  # fmt: skip
    assert list(tmp_path.glob("page*.png"))
    first_page = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
                                capture_output=True, text=True, check=True).stdout  # fmt: skip
    for text in ("Executive summary", "Recommendation for", "Expected IT spend a year",
                 HOSTILE_CLIENT):  # fmt: skip
        assert text in first_page


def test_the_sweep_notebook_shows_every_alternative(tmp_path):
    scenario = load_scenario("server-office")
    html_path = run_sweep(scenario, "options.managed.fees.per_user_monthly", "60:240:4", 1500,
                          defaults.SEED, tmp_path)  # fmt: skip
    folder = html_path.parent
    assert {p.name for p in folder.iterdir()} >= {"scenario.yaml", "sweep.csv", "sweep.ipynb",
                                                  "sweep.html"}  # fmt: skip
    text = html_path.read_text()
    assert text.count('class="plotly-graph-div"') == 1
    for option in scenario.option_names:
        assert scenario.options[option].title in text
    import pandas as pd

    table = pd.read_csv(folder / "sweep.csv")
    assert len(table) == 4 and "savings.managed.mean" in table and "prob_cheapest.hybrid" in table


@pytest.mark.parametrize(
    "path", [NOTEBOOK, NOTEBOOK.with_name("sweep.ipynb")], ids=lambda p: p.name
)
def test_notebook_pair_in_sync_and_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    paired = jupytext.read(path.with_suffix(".py"))
    assert [(c.cell_type, c.source) for c in paired.cells] == [
        (c.cell_type, c.source) for c in notebook.cells
    ]
    assert notebook.cells[0].metadata["tags"] == ["parameters"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "nope: no such preset or file"),
        (["server-office", "--trials", "-5"], "argument --trials: must be >= 1"),
        (["server-office", "--set", "colour=1"], "--set: colour: no such field"),
        (["server-office", "--client", " "], "--client: must not be empty"),
        (["server-office", "--trials", "99999999999"], "--trials: 99,999,999,999 trials need"),
    ],
)
def test_bad_report_arguments_exit_2(itcost_command, tmp_path, args, message):
    done = subprocess.run([*itcost_command, "report", *args, "--out", str(tmp_path)],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 2
    assert message in done.stderr and len(done.stderr.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("parameter", "message"),
    [
        (["-p", "scenario", "nope"], "scenario: no such preset or file"),
        (["-p", "scenario", "no-such-preset"], "(got 'no-such-preset')"),  # the value given
        (["-p", "trials", "-5"], "trials: must be a whole number >= 1"),
        (["-y", "overrides: {colour: 1}"], "overrides: colour: no such field"),
        # papermill itself only warns about a name the notebook lacks: the notebook refuses it.
        (
            ["-p", "trails", "1000"],
            "trails: not a parameter of this notebook (did you mean 'trials'?)",
        ),
    ],
)
def test_bad_parameters_fail_from_the_papermill_cli(tmp_path, parameter, message):
    papermill_cli = Path(sys.executable).parent / "papermill"
    small = [] if "trials" in parameter else ["-p", "trials", "500"]
    done = subprocess.run(
        [str(papermill_cli), str(NOTEBOOK), str(tmp_path / "out.ipynb"), *parameter, *small],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert message in done.stdout + done.stderr


def test_a_browser_that_is_not_chromium_is_named_up_front(itcost_command, tmp_path):
    """ITCOST_CHROMIUM set to another program: one line naming it, before any report is made."""
    import os

    for program in ("/bin/true", "/bin/false"):
        done = subprocess.run(
            [*itcost_command, "report", "server-office", "--pdf", "--out", str(tmp_path)],
            capture_output=True, text=True, env={**os.environ, "ITCOST_CHROMIUM": program},
        )  # fmt: skip
        assert done.returncode == 2, done.stderr
        assert done.stderr.strip().splitlines() == [
            f"itcost: error: --pdf: needs Chromium: ITCOST_CHROMIUM is {program}, which does not "
            "say it is Chromium or Chrome when asked for its --version"
        ]
        assert list(tmp_path.iterdir()) == []


def test_a_failed_run_leaves_earlier_reports_untouched(tmp_path, monkeypatch):
    scenario = load_scenario("server-office")
    first = run_report(scenario, "Acme", 500, 1, tmp_path)
    before = sorted(p.name for p in first.parent.iterdir())
    monkeypatch.setenv("ITCOST_CHROMIUM", "/bin/false")  # printing the PDF will fail
    with pytest.raises(Exception):  # noqa: B017 - whatever the browser launcher raises
        run_report(scenario, "Acme", 500, 1, tmp_path, pdf=True)
    assert [p.name for p in (tmp_path / "acme").iterdir()] == [first.parent.name]
    assert sorted(p.name for p in first.parent.iterdir()) == before


@pytest.mark.parametrize(
    ("name", "expected"),
    [("client_report", {"trials": defaults.TRIALS, "seed": defaults.SEED}),
     ("sweep", {"trials": defaults.SWEEP_TRIALS, "seed": defaults.SEED})],
)  # fmt: skip
def test_the_notebooks_defaults_are_the_packages(name, expected):
    """papermill needs literals in the parameters cell: they must be analysis.defaults'."""
    cell = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4).cells[0]
    given = {
        node.target.id: ast.literal_eval(node.value)
        for node in ast.parse(cell.source).body
        if isinstance(node, ast.AnnAssign)
    }
    assert {key: given[key] for key in expected} == expected


def test_the_readme_papermill_example_runs_on_a_fresh_checkout(tmp_path):
    """The README's papermill commands, as written but for fewer trials, in a folder with no
    reports/ yet (a fresh clone): the folder is made and the report and its files written."""
    import os
    import shutil

    readme = (ROOT / "README.md").read_text()
    block = readme.split("**With papermill**", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    assert "-p trials 20000" in block
    (tmp_path / "notebooks").symlink_to(ROOT / "notebooks")
    assert not (tmp_path / "reports").exists()
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    assert shutil.which("papermill", path=env["PATH"]), "papermill is not installed"
    done = subprocess.run(["bash", "-euo", "pipefail", "-c",
                           block.replace("-p trials 20000", "-p trials 1500")],
                          cwd=tmp_path, env=env, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    folder = tmp_path / "reports" / "smile"
    assert {"report.ipynb", "scenario.yaml", "summary.json"} <= {p.name for p in folder.iterdir()}
    assert json.loads((folder / "summary.json").read_text())["trials"] == 1500


@pytest.mark.parametrize(
    ("notebook", "known"),
    [("client_report", "REPORT_PARAMETERS"), ("sweep", "SWEEP_PARAMETERS")],
)
def test_the_known_parameters_are_the_notebooks_parameters_cell(notebook, known):
    """The names the notebook refuses others against are those its parameters cell defines."""
    import ast

    from analysis.report import parameters

    paired = jupytext.read(NOTEBOOK.parent / f"{notebook}.py")
    (cell,) = [c for c in paired.cells if "parameters" in c.metadata.get("tags", [])]
    names = tuple(node.target.id for node in ast.parse(cell.source).body)
    assert names == getattr(parameters, known)


def test_unknown_parameters_of_the_sweep_notebook_are_refused(tmp_path):
    sweep = NOTEBOOK.parent / "sweep.ipynb"
    with pytest.raises(papermill.PapermillExecutionError, match="steps: not a parameter"):
        papermill.execute_notebook(
            str(sweep), str(tmp_path / "out.ipynb"), kernel_name="python3",
            progress_bar=False, parameters={"steps": 5, "trials": 500},
        )  # fmt: skip


def test_only_papermills_injected_cell_is_checked():
    """Interactively (no ``# Parameters`` cell just before), a second Run All keeps its names;
    papermill's own PAPERMILL_* paths are allowed; a misspelt parameter is not."""
    from analysis.errors import ArgumentError
    from analysis.report.parameters import REPORT_PARAMETERS, refuse_unknown_parameters

    parameters_cell = 'scenario: str = "server-office"\ntrials: int = 100_000\n'
    rerun = {"In": ["", parameters_cell, "check"], "DECISION_TRIALS": 10_000, "result": 1}
    refuse_unknown_parameters(rerun, REPORT_PARAMETERS)
    paths = "# Parameters\ntrials = 500\nPAPERMILL_INPUT_PATH = 'a.ipynb'\n"
    refuse_unknown_parameters({"In": ["", paths, "check"]}, REPORT_PARAMETERS)
    with pytest.raises(ArgumentError, match=r"trails: not a parameter.*'trials'"):
        refuse_unknown_parameters({"In": ["", "# Parameters\ntrails = 500\n", "check"]},
                                  REPORT_PARAMETERS)  # fmt: skip
