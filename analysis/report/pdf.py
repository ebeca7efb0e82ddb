"""Printing a report to PDF with headless Chromium, with nothing loaded from the network.

Debian's ``chromium`` (or ``$ITCOST_CHROMIUM``) is driven through Playwright with
``executable_path``: no browser is ever downloaded.
"""

from __future__ import annotations

import os
import shutil
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
