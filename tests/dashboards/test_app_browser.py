"""The app end to end: a real `streamlit run` server driven by Debian's headless Chromium.

As in Streamlit's own e2e_playwright suite: start the server on a free port, wait for
``/_stcore/health``, then drive the page and find elements by their ``data-testid``.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect, sync_playwright

import analysis
from analysis.report.pdf import CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboards" / "app.py"
sys.path.insert(0, str(APP.parent))  # the app's modules, as `streamlit run` finds them

from app_results import option_key  # noqa: E402
from app_state import DEFAULT_PRESET, default_trials  # noqa: E402

#: Seconds for the server to answer its health check, and for a page to settle (a cold first
#: run imports plotly and simulates; a loaded CI machine is slow).
STARTUP, SETTLE = 90, 60
expect.set_options(timeout=SETTLE * 1000)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> str:
    """The app served by `streamlit run` as `make app` starts it; its address."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("server") / "streamlit.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
             "--server.address", "localhost", "--server.headless", "true",
             "--server.maxUploadSize", "1", "--client.showErrorDetails", "none",
             "--browser.gatherUsageStats", "false",
             "--browser.serverAddress", "localhost", "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + STARTUP
        while True:
            if process.poll() is not None:
                pytest.fail(f"streamlit run exited with {process.returncode}:\n"
                            + log_path.read_text())  # fmt: skip
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"no health check from {url} in {STARTUP} s:\n" + log_path.read_text())
            time.sleep(0.25)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def page(server, chromium):
    """A fresh browser page; every request it makes, and every script error, are recorded."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(SETTLE * 1000)
        page = context.new_page()
        page.outside, page.errors = [], []  # read by the tests at the end

        def record(request) -> None:
            if not request.url.startswith((server, "data:", "blob:")):
                page.outside.append(request.url)

        page.on("request", record)
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        yield page
        browser.close()


def card(page, option: str, label: str):
    """The value of ``option``'s result card with ``label``."""
    box = page.locator(f".st-key-{option_key(option)}")
    labelled = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    return box.get_by_test_id("stMetric").filter(has=labelled).get_by_test_id("stMetricValue")


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label``. The list may close again while the
    page is still settling after a run: open it until the option shows."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label)
    wanted = page.get_by_role("option").filter(has_text=option)
    for _ in range(10):
        box.get_by_role("button", name="Open").click()
        try:
            wanted.wait_for(timeout=3_000)
        except PlaywrightTimeout:
            continue
        wanted.click()
        return
    pytest.fail(f"the selectbox {label!r} did not offer {option!r}")


def amount(text: str) -> float:
    return float(re.sub(r"[^\d.-]", "", text))


def test_change_an_input_see_the_cards_change_and_download_the_trials(server, page, tmp_path):
    page.goto(server)
    break_fix, managed = card(page, "break-fix", "IT spend"), card(page, "managed", "IT spend")
    expect(managed).to_have_text(re.compile(r"^\$[\d,]+$"))
    before = {"break_fix": amount(break_fix.inner_text()), "managed": amount(managed.inner_text())}

    shown_before = managed.inner_text()
    staff = page.get_by_label("Staff", exact=True)
    staff.fill("20")
    staff.press("Enter")
    expect(managed).not_to_have_text(shown_before)
    after = {"break_fix": amount(break_fix.inner_text()), "managed": amount(managed.inner_text())}
    assert after["managed"] - before["managed"] >= 10 * 150 * 12 - 1  # ten more users' fees
    assert after["break_fix"] > before["break_fix"]  # incidents per user: more of them
    expect(page).to_have_url(re.compile(r"organisation\.employees=20"))
    page.screenshot(path=str(tmp_path / "calculator.png"), full_page=True)

    page.get_by_test_id("stSidebarNav").get_by_text("Deep dive").click()
    button = page.get_by_test_id("stDownloadButton").filter(has_text="Download all trials (CSV)")
    with page.expect_download() as download:
        button.click()
    csv_path = tmp_path / download.value.suggested_filename
    download.value.save_as(csv_path)
    page.screenshot(path=str(tmp_path / "deep-dive.png"), full_page=True)

    trials = pd.read_csv(csv_path, index_col="trial")
    scenario = analysis.load_scenario(DEFAULT_PRESET).with_overrides({"organisation.employees": 20})
    expected = analysis.simulate(
        scenario,
        trials=default_trials(scenario),
        seed=2026,
    ).trials
    pd.testing.assert_frame_equal(trials, expected, check_exact=False, rtol=1e-12)
    assert round(expected["managed.it_spend"].mean()) == after["managed"]
    assert (tmp_path / "calculator.png").stat().st_size > 50_000
    assert page.outside == [] and page.errors == []


def test_choose_the_baseline_and_every_option_is_compared_with_it(server, page):
    page.goto(server)
    saving = card(page, "break-fix", "Saving vs baseline")
    expect(card(page, "managed", "Saving vs baseline")).to_be_visible()
    expect(saving).to_have_count(0)  # break-fix is the preset's baseline
    choose(page, "Compare every option with", "Managed services, all inclusive (managed)")
    expect(page).to_have_url(re.compile(r"baseline=managed"))
    expect(saving).to_have_text(re.compile(r"^-?\$[\d,]+$"))
    expect(card(page, "managed", "Saving vs baseline")).to_have_count(0)
    scenario = analysis.load_scenario(DEFAULT_PRESET).with_overrides({"baseline": "managed"})
    summary = analysis.simulate(scenario, trials=default_trials(scenario), seed=2026).summary()
    assert amount(saving.inner_text()) == round(
        summary["comparison"]["savings"]["break-fix"]["mean"]
    )
    assert page.outside == [] and page.errors == []


def test_a_name_in_a_link_fetches_nothing_and_links_nowhere(server, page, tmp_path):
    """Shared links are user input: Markdown in a name must not load an image or make a link."""
    name = "Acme ![t](http://tracker.invalid/p.png) [Pay here](https://evil.invalid/)"
    title = "Shop ![i](http://tracker.invalid/i.png) [Pay me](https://evil.invalid/)"
    query = {"preset": DEFAULT_PRESET, "name": name, "options.break-fix.title": title}
    page.goto(f"{server}/?" + urllib.parse.urlencode(query))
    expect(page.get_by_text("Acme ![t](http://tracker.invalid/p.png)").first).to_be_visible()
    expect(page.get_by_text(title).first).to_be_visible()
    assert page.get_by_role("link", name="Pay me").count() == 0
    page.get_by_test_id("stSidebarNav").get_by_text("Report").click()
    expect(page.get_by_text("Client report")).to_be_visible()
    assert page.get_by_role("link", name="Pay here").count() == 0
    assert page.outside == [] and page.errors == []


def test_a_scenario_file_goes_out_and_comes_back(server, page, tmp_path):
    """Download the YAML after a change, open the app afresh and upload it: same inputs."""
    page.goto(server)
    # The label as shown (the option's title is escaped in the label's Markdown).
    label = page.get_by_test_id("stWidgetLabel").get_by_text(
        "Local break-fix technician: remote rate (USD/hour)", exact=True
    )
    rate = page.get_by_test_id("stNumberInput").filter(has=label).locator("input")
    rate.fill("190")
    rate.press("Enter")
    expect(page).to_have_url(re.compile(r"options\.break-fix\.rates\.remote=190"))
    with page.expect_download() as download:
        page.get_by_test_id("stDownloadButton").filter(has_text="Download scenario").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert analysis.load_scenario(saved).options["break-fix"].rates.remote == 190

    page.goto(server)  # a new session, back at the preset
    expect(rate).to_have_value("140.00")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(saved))
    expect(page.get_by_text(f"Loaded {saved.name}")).to_be_visible()
    expect(rate).to_have_value("190.00")
    page.screenshot(path=str(tmp_path / "uploaded.png"), full_page=True)
    assert page.outside == [] and page.errors == []


def test_decide_page_in_the_browser(server, page, tmp_path):
    """Break-evens, the tornado and the monthly chart drawn, for a baseline from a link."""
    link = urllib.parse.urlencode({"preset": DEFAULT_PRESET, "baseline": "hybrid"})
    page.goto(f"{server}/decide?{link}")
    expect(page.get_by_text("When would the answer flip?")).to_be_visible()
    expect(page.get_by_text("How predictable is the IT bill?")).to_be_visible()
    charts = page.get_by_test_id("stPlotlyChart")
    expect(charts).to_have_count(2)
    page.wait_for_function(
        "document.querySelectorAll('[data-testid=stPlotlyChart] .main-svg').length >= 2"
    )
    expect(
        page.get_by_text("compared with Hybrid, server and network managed").first
    ).to_be_visible()
    page.screenshot(path=str(tmp_path / "decide.png"), full_page=True)
    assert page.outside == [] and page.errors == []


def test_add_a_second_msp_quote_and_see_the_ranking_change(server, page):
    """On the quotes page of server-office: a second managed quote from the per-device template
    joins the ranking; every quote's place is shown, and the link carries the new one."""
    page.goto(f"{server}/quotes?preset=server-office")
    quotes = page.locator("[class*='st-key-itcost-quote-']")  # one box per quote
    expect(quotes).to_have_count(3)
    managed = page.locator(".st-key-itcost-quote-managed").get_by_test_id("stCaptionContainer")
    expect(managed).to_contain_text("of 3 by expected total")
    add = page.locator(".st-key-itcost-add-msp-per-device").get_by_role("button")
    for _ in range(10):  # the page may still be redrawing: click when it holds still
        try:
            add.click(timeout=3_000)
            break
        except PlaywrightTimeout:
            continue
    expect(quotes).to_have_count(4)
    added = page.locator(".st-key-itcost-quote-msp-per-device").get_by_test_id("stCaptionContainer")
    expect(added).to_contain_text("managed contract")
    expect(added).to_contain_text("of 4 by expected total")
    expect(managed).to_contain_text("of 4 by expected total")
    expect(page).to_have_url(re.compile(r"msp-per-device"))

    scenario = analysis.load_scenario(DEFAULT_PRESET)
    from analysis.scenario.quotes import add_option

    summary = analysis.simulate(
        add_option(scenario, "msp-per-device"), trials=default_trials(scenario), seed=2026
    ).summary()
    totals = {name: stats["total"]["mean"] for name, stats in summary["options"].items()}
    rank = sorted(totals, key=totals.get).index("msp-per-device") + 1
    expect(added).to_contain_text(f"ranked {rank} of 4")
    assert page.outside == [] and page.errors == []


#: Links a stranger might send: nesting past the bound, a seed in superscript digits, a preset
#: that is not one, a name that tries a heading and a terminal code, and a rate that would hold
#: the session for minutes. Each with a few words of the one-line error it must get.
HOSTILE_LINKS = [
    ({"name": "[" * 3000 + "]" * 3000}, "nested more than 32 levels deep"),
    ({"seed": "²"}, "seed"),
    ({"preset": "no-such-preset"}, "no-such-preset"),
    ({"incidents.critical.rate_per_year": "100000"}, "more than the calculator's"),
]


def no_trace_of_python(page) -> None:
    """The page shows no exception box, traceback or source path: the errors are the app's."""
    body = page.locator("body").inner_text()
    assert page.get_by_test_id("stException").count() == 0
    for sign in ("Traceback", 'File "/', ".py", "site-packages"):
        assert sign not in body, sign


def test_hostile_links_and_uploads_get_one_line_errors_in_the_browser(server, page, tmp_path):
    """In the browser, as a user meets them: every hostile link and upload is one error line
    in an error box, the calculator keeps working on what it had, and nothing leaks Python."""
    for query, words in HOSTILE_LINKS:
        page.goto(f"{server}/?" + urllib.parse.urlencode(query))
        alert = page.get_by_test_id("stAlert").filter(has_text=words).first
        expect(alert).to_be_visible()
        assert "\n" not in alert.inner_text().strip()
        expect(page.get_by_test_id("stMetric").first).to_be_visible()  # still calculating
        no_trace_of_python(page)
    # Streamlit's own shortcodes (an emoji, a Material icon) in a title stay as typed.
    title = "Shop :fire: :material/skull: end"
    page.goto(f"{server}/?" + urllib.parse.urlencode({"options.break-fix.title": title}))
    expect(page.get_by_text(title).first).to_be_visible()
    assert "\N{FIRE}" not in page.locator("body").inner_text()
    uploads = {
        "deep.yaml": ("name: " + "[" * 3000 + "]" * 3000 + "\n", "nested more than 32"),
        "digits.yaml": ("name: " + "9" * 5000 + "\n", "a number has too many digits"),
        "binary.yaml": ("\x00\x01\x02 not yaml", "Not loaded"),
    }
    page.goto(server)
    for name, (text, words) in uploads.items():
        path = tmp_path / name
        path.write_bytes(text.encode("latin-1"))
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
        alert = page.get_by_test_id("stAlert").filter(has_text=words).first
        expect(alert).to_be_visible()
        assert "\n" not in alert.inner_text().strip()
        no_trace_of_python(page)
    expect(page.get_by_test_id("stMetric").first).to_be_visible()
    assert page.outside == [] and page.errors == []
