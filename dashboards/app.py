"""itcost calculator: which way should a business pay for IT support? Run with ``make app``.

The entry point: the pages, and the sidebar every page shares (the preset, the scenario file,
the precision). All modelling is in the ``analysis`` package; this app only lays it out. Every
option of the scenario is shown, whatever its name and however many there are.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run dashboards/app.py` puts this folder on sys.path; AppTest and other runners
# may not, and the helper modules beside this file are imported by name. (This script runs
# again on every rerun: add the folder once.)
HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import analysis  # noqa: E402
import app_sidebar  # noqa: E402 - found through the sys.path entry above
import app_state  # noqa: E402

st.set_page_config(
    page_title="itcost: which way to pay for IT support?",
    # A file, not an emoji or icon name: those favicons are fetched from the internet.
    page_icon=str(HERE / "favicon.png"),
    layout="wide",
    menu_items={
        "About": "itcost: pay per incident, a managed contract or a mix? IT support options "
        "compared by Monte Carlo simulation."
    },
)

PAGES = [
    st.Page("views/calculator.py", title="Calculator", icon=":material/calculate:", default=True),
    st.Page("views/quotes.py", title="Quotes", icon=":material/compare_arrows:", url_path="quotes"),
    st.Page("views/decide.py", title="Decide", icon=":material/balance:", url_path="decide"),
    st.Page(
        "views/deep_dive.py", title="Deep dive", icon=":material/query_stats:", url_path="deep-dive"
    ),
    st.Page("views/report.py", title="Report", icon=":material/description:", url_path="report"),
    st.Page(
        "views/sources.py",
        title="Assumptions & sources",
        icon=":material/menu_book:",
        url_path="sources",
    ),
]

page = st.navigation(PAGES)
state = app_state.inputs()
download_slot = app_sidebar.render(state)
app_state.show_messages(state)
try:
    page.run()
except analysis.ItcostError as error:  # one line naming the field or argument, no traceback
    st.error(app_state.plain(str(error).strip().splitlines()[0]), icon=":material/error:")
app_sidebar.download(state, download_slot)  # after the page: the file holds its changes
app_state.sync_link(state)
