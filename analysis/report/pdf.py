"""Printing a report to PDF with headless Chromium, with nothing loaded from the network.

Debian's ``chromium`` (or ``$ITCOST_CHROMIUM``) is driven through Playwright with
``executable_path``: no browser is ever downloaded.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from analysis.errors import ToolMissingError


def find_chromium() -> str:
    """The Chromium executable: $ITCOST_CHROMIUM, else chromium on the PATH.

    Raises
    ------
    ToolMissingError
        Neither is there (for argument ``pdf``, which asks for it).
    """
    chosen = os.environ.get("ITCOST_CHROMIUM")
    if chosen and not Path(chosen).is_file():
        raise ToolMissingError("Chromium", f"ITCOST_CHROMIUM is {chosen}, not a file", "pdf")
    if chosen and not _says_chromium(chosen):
        raise ToolMissingError(
            "Chromium", f"ITCOST_CHROMIUM is {chosen}, which does not say it is Chromium or "
            "Chrome when asked for its --version", "pdf",
        )  # fmt: skip
    candidates = [
        chosen,
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        shutil.which("google-chrome"),
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    raise ToolMissingError(
        "Chromium",
        "install it (Debian: apt-get install chromium) or set ITCOST_CHROMIUM to its path",
        "pdf",
    )


def _says_chromium(path: str) -> bool:
    """Whether ``path --version`` names Chromium or Chrome (``Chromium 131.0 built on
    Debian``): a program set by hand is checked before a report waits on it."""
    try:
        done = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and re.search(r"chrom", done.stdout, re.IGNORECASE) is not None


#: Chromium flags for a machine without a display, and so that printing a report sends
#: nothing off the machine: no background services, no name lookups (every host name but
#: localhost is "not found" before any DNS server is asked), and any request that got past
#: the page's own block (only file: URLs load) would go to a proxy on loopback that is not
#: there. What is left is Chromium's IPv6 route probe, a UDP connect() that sends no packet,
#: which upstream Chromium has no switch for (tests/report/test_offline_pdf.py traces what
#: is sent).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-domain-reliability",
    "--dns-prefetch-disable",
    "--no-pings",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
    "--proxy-server=127.0.0.1:9",
]  # No --disable-features: Chromium keeps only the last one, and Playwright passes its own.


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
