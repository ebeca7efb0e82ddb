"""Report: the client report for the current inputs, as HTML or PDF to download."""

from __future__ import annotations

import datetime as dt
import shlex
import tempfile
from pathlib import Path

import streamlit as st

import analysis
import app_results
import app_state
from analysis.engine import ArgumentError, check_arguments
from analysis.reports import ReportError, find_chromium, run_report, slugify

_KEY = "itcost_report"

state = app_state.inputs()
scenario = state.scenario
st.title("Client report")
app_results.stale_warning(state)
st.markdown(
    f"A self-contained report on **{scenario.name}** with the current inputs: the "
    "recommendation in plain words, the inputs with their units, the charts, the method and "
    "the sources. The HTML opens offline in any browser; the PDF prints on A4."
)

try:
    find_chromium()
    pdf_problem = ""
except analysis.ScenarioError as error:
    pdf_problem = error.reason

with st.form("report"):
    client = st.text_input("Client name", placeholder="Acme Dental", max_chars=120)
    client_slot = st.empty()
    prepared_by = st.text_input("Prepared by (optional)", placeholder="Jo Smith, Smith IT")
    trials = st.number_input(
        "Trials",
        min_value=1_000,
        max_value=2_000_000,
        value=100_000,
        step=10_000,
        help="Simulated years behind the report's figures. 100,000 takes about ten seconds.",
    )
    pdf = st.toggle(
        "Also make a PDF",
        disabled=bool(pdf_problem),
        help=f"PDF {pdf_problem}." if pdf_problem else "Printed with headless Chromium.",
    )
    submitted = st.form_submit_button("Create the report", type="primary")

if submitted:
    problem = "" if client.strip() else "Client name: must not be empty"
    try:
        check_arguments(int(trials), state.seed)
    except ArgumentError as error:
        problem = str(error)
    if problem:
        client_slot.error(problem, icon=":material/error:")
    else:
        try:
            with (
                st.spinner("Running the report notebook..."),
                tempfile.TemporaryDirectory() as folder,
            ):
                html_path = run_report(
                    scenario, client.strip(), int(trials), state.seed, Path(folder),
                    prepared_by=prepared_by.strip(), pdf=pdf,
                )  # fmt: skip
                pdf_path = html_path.with_name("report.pdf")
                st.session_state[_KEY] = {
                    "client": client.strip(),
                    "sha256": scenario.sha256,
                    "trials": int(trials),
                    "html": html_path.read_bytes(),
                    "pdf": pdf_path.read_bytes() if pdf_path.exists() else None,
                    "made": dt.datetime.now().strftime("%H:%M:%S"),
                }
        except (ReportError, analysis.ScenarioError) as error:
            st.error(f"The report could not be made: {error}", icon=":material/error:")

report = st.session_state.get(_KEY)
if report:
    name = f"{slugify(report['client'])}-it-support-report"
    st.success(
        f"Report for {report['client']} ({report['trials']:,} trials), made at {report['made']}."
    )
    if report["sha256"] != scenario.sha256:
        st.info("The inputs have changed since; create the report again to include them.")
    columns = st.columns(2)
    columns[0].download_button(
        "Download HTML", report["html"], f"{name}.html", "text/html", on_click="ignore",
        icon=":material/download:", width="stretch",
    )  # fmt: skip
    if report["pdf"] is not None:
        columns[1].download_button(
            "Download PDF", report["pdf"], f"{name}.pdf", "application/pdf", on_click="ignore",
            icon=":material/download:", width="stretch",
        )  # fmt: skip

st.subheader("From a terminal")
command = shlex.join(
    [
        "itcost",
        "report",
        f"{slugify(scenario.name)}.yaml",
        "--client",
        client or "Client",
        "--trials",
        str(int(trials)),
        "--seed",
        str(state.seed),
    ]
    + (["--pdf"] if pdf else [])
)
st.markdown("Download the scenario file from the sidebar, then run:")
st.code(command, language="bash")
