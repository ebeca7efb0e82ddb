"""The Streamlit app, headless: every page through streamlit's AppTest, the real scripts."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

import analysis
from analysis.scenario.overrides import scenario_diff
from tests.helpers import closed_form

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
sys.path.insert(0, str(APP.parent))  # the app's modules, as `streamlit run` finds them

from app_state import DEFAULT_TRIALS  # noqa: E402

PAGES = {
    "views/calculator.py": "Break-fix or managed IT support?",
    "views/decide.py": "Decide",
    "views/deep_dive.py": "Deep dive",
    "views/report.py": "Client report",
    "views/sources.py": "Assumptions & sources",
}
#: Seconds one script run may take: a cold run imports plotly and simulates.
TIMEOUT = 120


@pytest.fixture
def media(monkeypatch) -> list[MemoryMediaFileStorage]:
    """The in-memory stores that AppTest keeps downloads in, so a test can read them."""
    stores: list[MemoryMediaFileStorage] = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", Recording)
    return stores


def start(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(query or {})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def inputs(at: AppTest):
    return at.session_state["itcost_inputs"]


def shown(elements) -> list[str]:
    """The text of messages as a reader sees it: the app escapes Markdown in what it shows."""
    return [re.sub(r"\\(.)", r"\1", element.value) for element in elements]


def key(at: AppTest, path: str) -> str:
    return f"in{inputs(at).generation}:{path}"


def cards(at: AppTest) -> dict[str, float]:
    """Each result card's number: ``$45,240`` -> 45240.0, ``98.3%`` -> 98.3, ``460 h`` -> 460."""
    values = {}
    for metric in at.metric:
        number = re.search(r"-?[\d,]*\.?\d+", metric.value.replace("$", ""))
        assert number, metric.value
        values[metric.label] = float(number.group().replace(",", ""))
    return values


def downloaded(stores: list[MemoryMediaFileStorage], button) -> bytes:
    file_id = button.proto.url.rsplit("/", 1)[1].split(".")[0]
    for store in reversed(stores):
        try:
            return store.get_file(file_id).content
        except Exception:  # the file is in another run's store
            continue
    raise AssertionError(f"download {button.label!r} not found")


# -- every page --------------------------------------------------------------------------------


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_page_renders(page):
    at = start()
    at.switch_page(page)
    run(at)
    assert [title.value for title in at.title] == [PAGES[page]]
    assert not at.error


def test_calculator_shows_the_five_cards_and_a_verdict():
    at = start()
    labels = [metric.label for metric in at.metric]
    assert labels == [
        "Break-fix cost",
        "Managed services cost",
        "Saving with managed",
        "Managed is cheaper in",
        "Downtime hours",
    ]
    trials, seed = inputs(at).trials, inputs(at).seed
    assert (trials, seed) == (DEFAULT_TRIALS, 2026)
    result = analysis.simulate(analysis.load_scenario("small-office"), trials=trials, seed=seed)
    summary = result.summary()
    values = cards(at)
    assert values["Break-fix cost"] == round(summary["models"]["break_fix"]["total"]["mean"])
    assert values["Saving with managed"] == round(summary["comparison"]["savings"]["mean"])
    assert any("Managed services are expected to cost less" in m.value for m in at.markdown)


# -- inputs move the right cards the right way -------------------------------------------------


def test_more_staff_raises_both_costs_and_the_managed_fee_exactly():
    at = start()
    before = cards(at)
    at.number_input(key=key(at, "organisation.employees")).set_value(15)
    after = cards(run(at))
    # Common random numbers: the same incidents, each costing more downtime with more staff.
    assert after["Break-fix cost"] > before["Break-fix cost"]
    fee = 125 * 12 * 5  # five more users at the small-office fee, per year
    assert after["Managed services cost"] - before["Managed services cost"] >= fee - 1
    assert after["Downtime hours"] == before["Downtime hours"]  # hours do not depend on staff
    assert inputs(at).scenario.organisation.employees == 15


def test_higher_break_fix_rate_raises_break_fix_cost_and_savings_only():
    at = start()
    before = cards(at)
    at.number_input(key=key(at, "break_fix.hourly_rate")).set_value(200.0)
    after = cards(run(at))
    assert after["Break-fix cost"] > before["Break-fix cost"]
    assert after["Saving with managed"] > before["Saving with managed"]
    assert after["Managed is cheaper in"] >= before["Managed is cheaper in"]
    assert after["Managed services cost"] == before["Managed services cost"]
    assert after["Downtime hours"] == before["Downtime hours"]


def test_incidents_are_entered_per_month():
    at = start()
    widget = at.number_input(key=key(at, "incidents.minor.rate_per_year"))
    assert widget.label == "Minor incidents per month"
    assert widget.value == pytest.approx(30 / 12)
    widget.set_value(5.0)
    run(at)
    assert inputs(at).scenario.incidents["minor"].rate_per_year == 60.0


# -- invalid inputs ------------------------------------------------------------------------------


def _next_element(at: AppTest, widget_key: str):
    """The element right after the widget in the inputs column: where its error goes."""
    column = list(at.columns[0].children.values())
    for position, element in enumerate(column):
        if getattr(element, "key", None) == widget_key:
            return column[position + 1]
    raise AssertionError(f"{widget_key} is not in the inputs column")


def test_invalid_input_shows_an_error_next_to_it_and_keeps_the_results():
    at = start()
    at.number_input(key=key(at, "break_fix.hourly_rate")).set_value(180.0)
    good = cards(run(at))
    staff = key(at, "organisation.employees")
    at.number_input(key=staff).set_value(0)
    run(at)
    assert shown(at.error) == ["Staff (organisation.employees): must be > 0 (got 0)"]
    assert _next_element(at, staff).type == "error"
    assert cards(at) == good  # the last valid results stay on screen
    assert "last valid inputs" in at.warning[0].value
    assert inputs(at).scenario.break_fix.hourly_rate == 180.0

    at.number_input(key=staff).set_value(12)
    run(at)
    assert not at.error and not at.warning
    assert cards(at)["Managed services cost"] > good["Managed services cost"]


def test_p90_below_median_is_reported_at_that_input():
    at = start()
    at.number_input(key=key(at, "break_fix.response_hours.p90")).set_value(2.0)
    run(at)
    (error,) = shown(at.error)
    assert error.startswith("Break-fix response time (break_fix.response_hours): p90 (2)")
    assert "must be >= median (6)" in error
    assert at.metric  # still showing results


def test_switching_a_section_off_and_on():
    at = start()
    at.toggle(key=key(at, "security.on")).set_value(False)
    run(at)
    assert inputs(at).scenario.security is None
    assert key(at, "security.loss.median") not in [w.key for w in at.number_input]
    at.toggle(key=key(at, "security.on")).set_value(True)
    run(at)
    assert inputs(at).scenario == analysis.load_scenario("small-office")


# -- presets, files and links --------------------------------------------------------------------


def test_choosing_a_preset_resets_every_input():
    at = start()
    at.number_input(key=key(at, "break_fix.hourly_rate")).set_value(300.0)
    run(at)
    at.selectbox(key="itcost_preset").set_value("law-firm")
    run(at)
    assert inputs(at).scenario == analysis.load_scenario("law-firm")
    assert at.number_input(key=key(at, "organisation.employees")).value == 50
    assert at.query_params == {"preset": "law-firm"}


def test_yaml_download_and_upload_round_trip(media):
    at = start()
    at.number_input(key=key(at, "managed.per_user_monthly")).set_value(140.0)
    at.number_input(key=key(at, "incidents.critical.fix_hours.p90")).set_value(20.0)
    at.toggle(key=key(at, "parts.on")).set_value(False)
    run(at)
    changed = inputs(at).scenario
    assert changed.parts is None and changed.managed.per_user_monthly == 140
    (button,) = [b for b in at.get("download_button") if b.label == "Download scenario (YAML)"]
    text = downloaded(media, button)

    fresh = start()
    assert inputs(fresh).scenario.sha256 != changed.sha256
    fresh.file_uploader(key="itcost_upload").upload("acme.yaml", text, "application/x-yaml")
    run(fresh)
    assert inputs(fresh).scenario.sha256 == changed.sha256
    assert inputs(fresh).origin == "file acme.yaml"
    assert shown(fresh.success) == [f"Loaded acme.yaml: {changed.name}"]
    assert fresh.number_input(key=key(fresh, "managed.per_user_monthly")).value == 140.0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"organisation: [\n", "Not loaded: acme.yaml: "),
        (b"name: x\nbreak_fix:\n  hourly_rat: 1\n", "break_fix.hourly_rat: unknown key"),
        (b"\xff\xfe\x00", "acme.yaml: not a text file"),
    ],
)
def test_a_malformed_upload_says_why_and_changes_nothing(content, message):
    at = start()
    before = inputs(at).scenario
    at.file_uploader(key="itcost_upload").upload("acme.yaml", content, "application/x-yaml")
    run(at)
    (error,) = shown(at.error)
    assert message in error
    assert "\n" not in error
    assert inputs(at).scenario == before
    assert at.metric


def test_query_parameters_restore_the_inputs():
    at = start()
    at.selectbox(key="itcost_preset").set_value("dental-clinic")
    run(at)
    at.number_input(key=key(at, "break_fix.hourly_rate")).set_value(210.0)
    at.number_input(key=key(at, "managed.response_hours.median")).set_value(2.0)
    at.select_slider(key="itcost_trials").set_value(20_000)
    run(at)
    shown = inputs(at).scenario
    link = dict(at.query_params)
    assert link["preset"] == "dental-clinic" and link["trials"] == "20000"
    assert link["break_fix.hourly_rate"] == "210.0"

    opened = start(link)
    assert inputs(opened).scenario.sha256 == shown.sha256
    assert inputs(opened).trials == 20_000
    assert opened.number_input(key=key(opened, "break_fix.hourly_rate")).value == 210.0
    assert cards(opened) == cards(at)
    assert dict(opened.query_params) == link


def test_a_link_can_carry_a_whole_uploaded_scenario(media):
    """Tiers a preset does not have travel in the link as a whole section."""
    outage = {"rate_per_year": 2, "users_affected": 1, "revenue_impact": 1, "fix_hours": 3}
    scenario = analysis.load_scenario("small-office").with_overrides(
        {"incidents": {"outage": outage}, "managed.incident_reduction": {"outage": 0.5}}
    )
    at = start()
    upload = analysis.dump_scenario(scenario).encode()
    at.file_uploader(key="itcost_upload").upload("own.yaml", upload, "application/x-yaml")
    run(at)
    assert scenario_diff(analysis.load_scenario("small-office"), scenario)
    opened = start(dict(at.query_params))
    assert inputs(opened).scenario.sha256 == scenario.sha256


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"seed": "9007199254740992"}, "Link: seed: must be a whole number from 0 to"),
        ({"seed": "-1"}, "Link: seed: must be a whole number from 0 to"),
        ({"trials": "1"}, "Link: trials: must be a whole number from 5,000 to 500,000"),
        ({"trials": "50000000"}, "Link: trials: must be a whole number from 5,000 to 500,000"),
    ],
)
def test_a_link_cannot_ask_for_a_seed_or_precision_out_of_range(query, message):
    at = start(query)
    assert any(message in text for text in shown(at.error))
    assert (inputs(at).trials, inputs(at).seed) == (DEFAULT_TRIALS, 2026)
    run(at)  # and the app stays up on the next rerun
    assert at.metric


def test_names_from_links_are_shown_as_text_not_markdown():
    name = "Acme ![t](http://tracker.invalid/p.png) [Pay](https://evil.invalid/) $5 $ shop"
    at = start({"name": name})
    assert inputs(at).scenario.name == name
    (caption,) = [c.value for c in at.caption if "amounts in" in c.value]
    assert "![t]" not in caption and r"\!\[t\]" in caption and r"\$5" in caption


def test_devices_derived_from_staff_stay_derived():
    """A scenario without devices counts one per person, whatever the staff become."""
    text = analysis.dump_scenario(analysis.load_scenario("small-office"))
    text = text.replace("  devices: 14\n", "").replace(
        "per_device_monthly: 0.0", "per_device_monthly: 10"
    )
    at = start()
    at.file_uploader(key="itcost_upload").upload("own.yaml", text.encode(), "text/yaml")
    run(at)
    devices = at.number_input(key=key(at, "organisation.devices"))
    assert devices.value is None  # shown as "same as staff"
    at.number_input(key=key(at, "organisation.employees")).set_value(20)
    run(at)
    assert inputs(at).scenario.organisation.devices == 20
    opened = start(dict(at.query_params))
    assert inputs(opened).scenario.sha256 == inputs(at).scenario.sha256
    at.number_input(key=key(at, "organisation.devices")).set_value(10)
    run(at)
    assert inputs(at).scenario.organisation.devices == 10  # typed: kept


def test_a_bad_link_is_reported_and_the_preset_shown():
    at = start({"preset": "law-firm", "organisation.employes": "3", "trials": "many"})
    messages = shown(at.error)
    assert any("organisation.employes: no such field (did you mean 'employees'?)" in m
               for m in messages)  # fmt: skip
    assert any("Link: trials: must be a whole number from 5,000" in m for m in messages)
    assert inputs(at).scenario == analysis.load_scenario("law-firm")
    assert at.metric


# -- the other pages -----------------------------------------------------------------------------


def test_deep_dive_has_its_charts_tier_table_and_csv(media):
    at = start()
    at.switch_page("views/deep_dive.py")
    run(at)
    charts = at.get("plotly_chart")
    assert len(charts) == 4
    tier_table, trials_table = at.dataframe
    assert list(tier_table.value.index) == ["critical", "major", "minor"]
    assert len(trials_table.value) == 1_000
    labels = [button.label for button in at.get("download_button")]
    assert "Download all trials (CSV)" in labels


def submit(at: AppTest) -> None:
    next(button for button in at.button if button.label == "Create the report").click()
    run(at)


def test_report_page_makes_a_report_to_download(media):
    at = start()
    at.switch_page("views/report.py")
    run(at)
    at.text_input[0].set_value("")  # no client name
    submit(at)
    assert shown(at.error) == ["Client name: must not be empty"]

    at.text_input[0].set_value("Bakery <b>& Co</b>")
    next(w for w in at.number_input if w.label == "Trials").set_value(2_000)
    submit(at)
    assert not at.error
    html_button = next(b for b in at.get("download_button") if b.label == "Download HTML")
    html = downloaded(media, html_button).decode()
    assert "Bakery &lt;b&gt;&amp; Co&lt;/b&gt;" in html
    assert html.count('class="plotly-graph-div"') == 6
    assert not re.search(r"<script[^>]+src=", html)  # plotly.js embedded, nothing fetched


def test_sources_page_names_each_inputs_source():
    at = start()
    at.switch_page("views/sources.py")
    run(at)
    inputs_table, published, assumptions = at.dataframe
    rows = inputs_table.value.set_index("Field")
    assert rows.loc["organisation.loaded_hourly_cost", "Source"] == "bls-ecec-dec2024"
    assert rows.loc["incidents.major.rate_per_year", "Source"].startswith("itcost-incident-rates")
    ids = set(published.value["id"]) | set(assumptions.value["id"])
    assert ids == {entry["id"] for entry in analysis.references()}


# -- decision analytics ------------------------------------------------------------------------


def test_decide_page_shows_break_evens_tornado_and_budget_risk():
    at = start()
    at.switch_page("views/decide.py")
    run(at)
    flips, budget = at.dataframe
    scenario = inputs(at).scenario
    expected = analysis.breakeven(scenario, trials=DEFAULT_TRIALS, seed=2026)
    fee_row = flips.value.set_index("Input").loc["Managed fee per user (per month)"]
    assert fee_row["Break-even"].startswith(f"${expected.value:,.0f} (± $")
    assert fee_row["Now"] == "$125"
    assert list(budget.value["Model"]) == ["Break-fix", "Managed services"]
    charts = at.get("plotly_chart")
    assert len(charts) == 2  # tornado and monthly spend; Sobol waits for its button
    swings = analysis.tornado(scenario, trials=DEFAULT_TRIALS, seed=2026)
    assert swings["label"].iloc[0].lower() in shown(at.markdown)[1]  # the largest swing named
    assert "Add a hybrid contract on the Calculator" in at.info[0].value


def test_sobol_indices_on_request():
    at = start()
    at.switch_page("views/decide.py")
    run(at)
    next(b for b in at.button if b.label == "Compute the Sobol indices").click()
    run(at)
    assert len(at.get("plotly_chart")) == 3


def test_a_hybrid_contract_adds_a_third_model_everywhere():
    at = start()
    at.toggle(key=key(at, "hybrid.on")).set_value(True)
    run(at)
    hybrid = inputs(at).scenario.hybrid
    assert hybrid.managed_tiers == ["critical"]  # the severest tier, as a start
    at.multiselect(key=key(at, "hybrid.managed_tiers")).set_value(["critical", "major"])
    run(at)
    assert inputs(at).scenario.hybrid.managed_tiers == ["critical", "major"]
    labels = [metric.label for metric in at.metric]
    assert labels[-3:] == ["Hybrid cost", "Saving with hybrid", "Hybrid is cheaper in"]
    result = analysis.simulate(inputs(at).scenario, trials=DEFAULT_TRIALS, seed=2026)
    assert cards(at)["Hybrid cost"] == round(result.summary()["models"]["hybrid"]["total"]["mean"])
    assert any(text.startswith("**Hybrid** (managed care for critical, major") for text in
               [m.value for m in at.markdown])  # fmt: skip
    opened = start(dict(at.query_params))  # the link carries the hybrid contract
    assert inputs(opened).scenario.sha256 == inputs(at).scenario.sha256
    opened.switch_page("views/decide.py")
    run(opened)
    budget = opened.dataframe[1].value
    assert list(budget["Model"]) == ["Break-fix", "Managed services", "Hybrid"]
    assert not opened.info  # no "add a hybrid contract" hint


def test_sla_and_budget_inputs_reach_the_scenario():
    at = start()
    at.toggle(key=key(at, "managed.sla.on")).set_value(True)
    at.toggle(key=key(at, "budget.on")).set_value(True)
    run(at)
    at.number_input(key=key(at, "managed.sla.credit_per_breach")).set_value(250.0)
    at.number_input(key=key(at, "budget.annual_it_spend")).set_value(20_000.0)
    run(at)
    scenario = inputs(at).scenario
    assert scenario.managed.sla.credit_per_breach == 250
    assert scenario.budget.annual_it_spend == 20_000 and scenario.it_budget == 20_000
    at.number_input(key=key(at, "managed.sla.max_credit_share")).set_value(150.0)  # %: > 100
    run(at)
    assert scenario == inputs(at).scenario  # the form rejects it before the model sees it


def test_the_caches_know_a_scenario_by_its_sha256(monkeypatch):
    """Equal scenarios (built apart) share a cache entry; another scenario gets its own."""
    import app_state

    calls = []
    simulate = analysis.simulate
    monkeypatch.setattr(analysis, "simulate", lambda *a, **k: calls.append(a) or simulate(*a, **k))
    app_state._simulate.clear()
    app_state._verdict.clear()
    office = closed_form()
    # Written out and read back, prevention is spelt out per tier: the same scenario (same
    # sha256) but not the same Python object, nor an equal one.
    again = analysis.load_scenario_text(analysis.dump_scenario(office))
    assert again != office and again.sha256 == office.sha256
    first = app_state._simulate(office, 2_000, 3)
    assert app_state._simulate(again, 2_000, 3).columns["savings"].tolist() == (
        first.columns["savings"].tolist()
    )
    assert len(calls) == 1  # the second came from the cache
    app_state._simulate(office.with_overrides({"break_fix.hourly_rate": 101}), 2_000, 3)
    app_state._simulate(office, 2_000, 4)
    assert len(calls) == 3  # another scenario, another seed: simulated
    # A result is known by what it was simulated from: the verdict of an equal result is reused.
    text = app_state.verdict(first)
    monkeypatch.setattr(app_state.narrative, "verdict", lambda result: "not called")
    assert app_state.verdict(simulate(again, trials=2_000, seed=3)) == text
