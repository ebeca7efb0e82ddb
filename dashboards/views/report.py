"""Report: the client report for the current inputs, as HTML or PDF to download."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import streamlit as st

import app_results
import app_state
from analysis import defaults
from analysis.engine.core import check_arguments
from analysis.errors import ArgumentError, ToolMissingError
from analysis.files import slugify
from analysis.report.notebook import report_command, run_report
from analysis.report.pdf import find_chromium
from app_state import plain

_KEY = "itcost_report"

state = app_state.inputs()
scenario = state.scenario
st.title("Client report")
app_results.stale_warning(state)
st.markdown(
    f"A self-contained report on **{plain(scenario.name)}** with the current inputs: the "
    "recommendation in plain words, the inputs with their units, the charts, the method and "
    "the sources. The HTML opens offline in any browser; the PDF prints on A4."
)

try:
    find_chromium()
    pdf_problem = ""
except ToolMissingError as error:
    pdf_problem = error.reason

with st.form("report"):
    # Kept for the session: a page switch does not empty the form.
    client = st.text_input("Client name", placeholder="Acme Dental", max_chars=120,
                           key="report_client", persist_state="session")  # fmt: skip
    client_slot = st.empty()
    prepared_by = st.text_input("Prepared by (optional)", placeholder="Jo Smith, Smith IT",
                                key="report_prepared_by", persist_state="session")  # fmt: skip
    trials = st.number_input(
        "Trials",
        min_value=1_000,
        max_value=2_000_000,
        value=defaults.TRIALS,
        step=10_000,
        key="report_trials",
        persist_state="session",
        help="Simulated years behind the report's figures. 100,000 takes about ten seconds.",
    )
    trials_slot = st.empty()
    pdf = st.toggle(
        "Also make a PDF",
        disabled=bool(pdf_problem),
        key="report_pdf",
        persist_state="session",
        help=f"PDF {pdf_problem}." if pdf_problem else "Printed with headless Chromium.",
    )
    submitted = st.form_submit_button("Create the report", type="primary")

if submitted:
    valid = True
    if not client.strip():
        client_slot.error("Client name: must not be empty", icon=":material/error:")
        valid = False
    try:
        check_arguments(int(trials), state.seed)
    except ArgumentError as error:
        trials_slot.error(plain(str(error)), icon=":material/error:")
        valid = False
    if valid:
        try:
            stage = st.progress(0.0, text="Starting the report's notebook kernel...")

            def cells(done: int, total: int) -> None:
                # Each cell a step. A tab closed meanwhile stops the run here, at Streamlit's
                # next call, and the run's temporary folder is removed.
                stage.progress(done / total, text=f"Running the report notebook: cell {done} "
                               f"of {total}")  # fmt: skip

            with tempfile.TemporaryDirectory() as folder:
                try:
                    html_path = run_report(
                        scenario, client.strip(), int(trials), state.seed, Path(folder),
                        prepared_by=prepared_by.strip(), pdf=pdf, progress=cells,
                    )  # fmt: skip
                finally:  # a failed run shows its error, not a bar stuck at a cell
                    stage.empty()
                pdf_path = html_path.with_name("report.pdf")
                st.session_state[_KEY] = {
                    "client": client.strip(),
                    "prepared_by": prepared_by.strip(),
                    "made_for": (scenario.sha256, int(trials), state.seed),
                    "html": html_path.read_bytes(),
                    "pdf": pdf_path.read_bytes() if pdf_path.exists() else None,
                    "made": dt.datetime.now().strftime("%H:%M:%S"),
                }
        except Exception as error:  # any failure is shown as one line, never a traceback
            detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
            message = f"The report could not be made: {type(error).__name__}: {detail}"
            st.error(plain(message), icon=":material/error:")

report = st.session_state.get(_KEY)
if report:
    sha256, made_trials, made_seed = report["made_for"]
    name = f"{slugify(report['client'])}-it-support-report"
    st.success(
        plain(
            f"Report for {report['client']} ({made_trials:,} trials, seed {made_seed}), made "
            f"at {report['made']}."
        )
    )
    if sha256 != scenario.sha256 or made_seed != state.seed:
        st.info("The inputs or the seed have changed since; create the report again to include "
                "them.")  # fmt: skip
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
command = report_command(
    f"{slugify(scenario.name)}.yaml", client.strip() or "Client", int(trials), state.seed,
    prepared_by.strip(), pdf,
)  # fmt: skip
st.markdown("Download the scenario file from the sidebar, then run:")
st.code(command, language="bash")
