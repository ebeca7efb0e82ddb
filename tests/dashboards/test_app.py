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
from analysis.engine import core
from analysis.scenario.overrides import scenario_diff
from tests.helpers import closed_form

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
sys.path.insert(0, str(APP.parent))  # the app's modules, as `streamlit run` finds them

from app_results import CARDS, COMPARISON_CARDS, option_key  # noqa: E402
from app_state import DEFAULT_PRESET, default_trials  # noqa: E402

PAGES = {
    "views/calculator.py": "Which way to pay for IT support?",
    "views/quotes.py": "Quotes side by side",
    "views/decide.py": "Decide",
    "views/deep_dive.py": "Deep dive",
    "views/report.py": "Client report",
    "views/sources.py": "Assumptions & sources",
}
#: The presets of format 2 (small-office is going away and is not offered).
PRESETS = [name for name in analysis.preset_names() if name != "small-office"]
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


@pytest.fixture
def simulations(monkeypatch) -> list[tuple]:
    """Every call of the engine's simulate from now on (the app's caches emptied first)."""
    import app_state

    calls: list[tuple] = []
    simulate = core.simulate

    def counting(*args, **kwargs):
        calls.append((args, kwargs))
        return simulate(*args, **kwargs)

    monkeypatch.setattr(core, "simulate", counting)
    app_state._simulate.clear()
    return calls


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


def number(text: str) -> float:
    """A card's number: ``$45,240`` -> 45240.0, ``-$1,200`` -> -1200, ``98.3%`` -> 98.3."""
    found = re.search(r"-?[\d,]*\.?\d+", text.replace("$", ""))
    assert found, text
    return float(found.group().replace(",", ""))


def cards(at: AppTest) -> dict[str, dict[str, float]]:
    """Each option's cards, by option name and card label."""
    values = {}
    for option in inputs(at).scenario.option_names:
        box = at.get_by_key(option_key(option))
        values[option] = {metric.label: number(metric.value) for metric in box.metric}
    return values


def expected(scenario: analysis.Scenario, trials: int | None = None, seed: int = 2026):
    """The summary of a fresh simulation (at the app's default trials), as the cards should
    show it."""
    trials = trials or default_trials(scenario)
    return analysis.simulate(scenario, trials=trials, seed=seed).summary()


def downloaded(stores: list[MemoryMediaFileStorage], button) -> bytes:
    file_id = button.proto.url.rsplit("/", 1)[1].split(".")[0]
    for store in reversed(stores):
        try:
            return store.get_file(file_id).content
        except Exception:  # the file is in another run's store
            continue
    raise AssertionError(f"download {button.label!r} not found")


# -- every page, every preset -----------------------------------------------------------------


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_page_renders(page):
    at = start()
    at.switch_page(page)
    run(at)
    assert [title.value for title in at.title] == [PAGES[page]]
    assert not at.error


@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_page_runs(preset):
    at = start({"preset": preset})
    scenario = analysis.load_scenario(preset)
    assert inputs(at).scenario == scenario
    assert not at.error
    values = cards(at)
    assert list(values) == scenario.option_names
    summary = expected(scenario)
    for option, shown_cards in values.items():
        assert shown_cards["Total"] == round(summary["options"][option]["total"]["mean"])


def test_the_default_preset_is_a_format_2_preset():
    assert DEFAULT_PRESET in PRESETS
    at = start()
    assert inputs(at).preset == DEFAULT_PRESET


# -- per-option cards ----------------------------------------------------------------------------


def test_every_option_has_its_own_cards_for_it_spend_losses_and_total():
    at = start()
    scenario = inputs(at).scenario
    summary = expected(scenario)
    values = cards(at)
    assert len(values) == len(scenario.options) == 3
    for option, shown_cards in values.items():
        stats = summary["options"][option]
        labels = list(CARDS[:4])
        if option != scenario.baseline_name:
            labels += COMPARISON_CARDS
        assert list(shown_cards) == [*labels, CARDS[4]]
        assert shown_cards["IT spend"] == round(stats["it_spend"]["mean"])
        losses = stats["downtime"]["mean"] + stats["security"]["mean"]
        assert shown_cards["Estimated losses"] == round(losses)
        assert shown_cards["Total"] == round(stats["total"]["mean"])
        assert abs(shown_cards["IT spend"] + shown_cards["Estimated losses"]
                   - shown_cards["Total"]) <= 1  # fmt: skip
        if option != scenario.baseline_name:
            saving = summary["comparison"]["savings"][option]["mean"]
            assert shown_cards["Saving vs baseline"] == round(saving)
    # Under the losses card, what they are made of.
    stats = summary["options"]["break-fix"]
    parts = (
        f"downtime ${stats['downtime']['mean']:,.0f} · security ${stats['security']['mean']:,.0f}"
    )
    assert parts in shown(at.get_by_key(option_key("break-fix")).caption)


def test_any_number_of_options_each_get_a_box():
    """A fourth option, a second managed quote, in an uploaded file: four boxes."""
    base = analysis.load_scenario(DEFAULT_PRESET)
    quote = base.to_dict()["options"]["managed"] | {"title": "Second quote <b>Acme</b>"}
    quote["fees"] = dict(quote["fees"], per_user_monthly=120)
    scenario = base.with_overrides({"options.acme": quote})
    at = start()
    upload = analysis.dump_scenario(scenario).encode()
    at.file_uploader(key="itcost_upload").upload("four.yaml", upload, "application/x-yaml")
    run(at)
    values = cards(at)
    assert list(values) == ["break-fix", "managed", "hybrid", "acme"]
    summary = expected(scenario)
    assert values["acme"]["Total"] == round(summary["options"]["acme"]["total"]["mean"])
    # A title is text: its markup is shown, not read.
    heading = at.get_by_key(option_key("acme")).markdown[0].value
    assert r"\<b\>" in heading
    assert at.number_input(key=key(at, "options.acme.fees.per_user_monthly")).value == 120


# -- inputs move the right cards the right way -------------------------------------------------


def test_more_staff_raises_the_managed_fee_exactly():
    at = start()
    before = cards(at)
    at.number_input(key=key(at, "organisation.employees")).set_value(15)
    after = cards(run(at))
    fee = 150 * 12 * 5  # five more users at the server-office fee, per year
    assert after["managed"]["IT spend"] - before["managed"]["IT spend"] >= fee - 1
    # Per-user incident rates: more staff, more incidents, more billed hours.
    assert after["break-fix"]["IT spend"] > before["break-fix"]["IT spend"]
    assert inputs(at).scenario.organisation.employees == 15


def test_incidents_are_entered_per_month():
    at = start()
    widget = at.number_input(key=key(at, "incidents.critical.rate_per_year"))
    assert widget.label == "Critical incidents per month"
    assert widget.value == pytest.approx(1.5 / 12)
    widget.set_value(0.25)
    run(at)
    assert inputs(at).scenario.incidents["critical"].rate_per_year == 3.0
    per_user = at.number_input(key=key(at, "incidents.minor.rate_per_user_per_year"))
    assert per_user.label == "Minor incidents per user per month"
    assert per_user.value == pytest.approx(3.5 / 12)


def test_opening_hours_revenue_and_blocking_reach_the_scenario():
    at = start()
    at.number_input(key=key(at, "organisation.operating_hours.days")).set_value(6)
    at.number_input(key=key(at, "organisation.operating_hours.close")).set_value(20.0)
    at.number_input(key=key(at, "organisation.annual_revenue")).set_value(3_000_000.0)
    at.number_input(key=key(at, "incidents.minor.blocking")).set_value(70.0)  # %
    run(at)
    scenario = inputs(at).scenario
    hours = scenario.organisation.operating_hours
    assert (hours.days, hours.open, hours.close) == (6, 8, 20)
    assert scenario.organisation.annual_revenue == 3_000_000
    assert scenario.incidents["minor"].blocking == 0.7
    values = cards(at)
    summary = expected(scenario)
    assert values["break-fix"]["Total"] == round(summary["options"]["break-fix"]["total"]["mean"])


def test_response_times_per_option_and_tier():
    at = start()
    path = "options.break-fix.response_hours.minor"
    median = at.number_input(key=key(at, f"{path}.median"))
    assert median.value == 4.0  # the option's default response, shown for the tier
    median.set_value(8.0)
    at.number_input(key=key(at, f"{path}.p90")).set_value(24.0)
    run(at)
    scenario = inputs(at).scenario
    assert scenario.options["break-fix"].response("minor").median == 8
    assert scenario.options["break-fix"].response("major").median == 3  # the others as they were
    assert scenario.options["managed"].response("minor").median == 2
    before = expected(analysis.load_scenario(DEFAULT_PRESET))["options"]["break-fix"]
    assert cards(at)["break-fix"]["Lost operating hours"] > round(before["downtime_hours"]["mean"])


# -- repricing: a change of prices only does not simulate again --------------------------------


def test_a_price_only_change_is_repriced_without_a_new_simulation(simulations):
    at = start()
    assert len(simulations) == 1
    before = cards(at)
    at.number_input(key=key(at, "options.break-fix.rates.onsite")).set_value(200.0)
    at.number_input(key=key(at, "options.managed.fees.per_user_monthly")).set_value(130.0)
    at.number_input(key=key(at, "organisation.loaded_hourly_cost")).set_value(60.0)
    after = cards(run(at))
    assert len(simulations) == 1  # repriced on the same quantities
    scenario = inputs(at).scenario
    summary = expected(scenario)  # and exactly what a new simulation gives
    for option in scenario.option_names:
        for card, quantity in (("IT spend", "it_spend"), ("Total", "total")):
            assert after[option][card] == round(summary["options"][option][quantity]["mean"])
    assert after["break-fix"]["IT spend"] > before["break-fix"]["IT spend"]
    assert after["managed"]["IT spend"] < before["managed"]["IT spend"]
    # Hours lost do not depend on prices.
    for option in scenario.option_names:
        assert after[option]["Lost operating hours"] == before[option]["Lost operating hours"]

    # A change of what happens (a rate of incidents) simulates again.
    at.number_input(key=key(at, "incidents.critical.rate_per_year")).set_value(0.25)
    run(at)
    assert len(simulations) == 2


def test_a_block_of_hours_is_edited_and_repriced_without_a_new_simulation(simulations):
    """cloud-office's block: its size, price and rollover are inputs, and prices, so the
    block's cards are a fresh simulation's without one; nothing else moves."""
    at = start({"preset": "cloud-office"})
    assert len(simulations) == 1
    before = cards(at)
    assert shown(at.get_by_key(option_key("block")).caption)[0] == "block · prepaid block of hours"
    at.number_input(key=key(at, "options.block.block.hours_per_year")).set_value(80.0)
    at.number_input(key=key(at, "options.block.block.price_per_year")).set_value(8_960.0)
    at.toggle(key=key(at, "options.block.block.rollover")).set_value(False)
    after = cards(run(at))
    assert len(simulations) == 1
    scenario = inputs(at).scenario
    assert scenario.options["block"].block.hours_per_year == 80
    assert not scenario.options["block"].block.rollover
    summary = expected(scenario)
    for card, quantity in (("IT spend", "it_spend"), ("Total", "total")):
        assert after["block"][card] == round(summary["options"]["block"][quantity]["mean"])
    assert after["block"]["IT spend"] > before["block"]["IT spend"]  # 80 h: some go unused
    for card in ("IT spend", "Total", "Lost operating hours"):  # its chance moves, not these
        assert after["break-fix"][card] == before["break-fix"][card]
    assert dict(at.query_params)["options.block.block.hours_per_year"] == "80.0"


def test_a_change_to_one_tier_simulates_that_tier_alone(simulations):
    """The session keeps the last run's sums tier by tier: a new rate of critical incidents
    simulates critical incidents only, and the cards are a fresh simulation's."""
    at = start()
    state = inputs(at)
    assert state.tier_sums.simulated == ("critical", "major", "minor", "requests")
    at.number_input(key=key(at, "incidents.critical.rate_per_year")).set_value(0.25)
    after = cards(run(at))
    assert len(simulations) == 2
    assert state.tier_sums.simulated == ("critical",)
    scenario = state.scenario
    summary = expected(scenario)
    for option in scenario.option_names:
        assert after[option]["Total"] == round(summary["options"][option]["total"]["mean"])
    assert state.simulated.trials.equals(analysis.simulate(scenario, 10_000, 2026).trials)


def test_the_caches_know_a_scenario_by_its_sha256(simulations):
    """Equal scenarios (built apart) share a cache entry; another scenario gets its own."""
    import app_state

    office = closed_form()
    # Written out and read back: the same scenario (same sha256), not the same object.
    again = analysis.load_scenario_text(analysis.dump_scenario(office))
    assert again is not office and again.sha256 == office.sha256
    first = app_state._simulate(office, 2_000, 3)
    second = app_state._simulate(again, 2_000, 3)
    baseline = office.baseline_name
    assert second.column(baseline, "total").tolist() == first.column(baseline, "total").tolist()
    assert len(simulations) == 1  # the second came from the cache
    app_state._simulate(office.with_overrides({"organisation.employees": 7}), 2_000, 3)
    app_state._simulate(office, 2_000, 4)
    assert len(simulations) == 3  # another scenario, another seed: simulated


def test_the_result_cache_is_bounded_by_memory_not_by_entries(monkeypatch):
    """Results are kept while the bytes they hold (twice their arrays, for a trials table)
    fit the bound, least recently used out first; one larger than the bound is returned and
    not kept; an entry older than the cache's ttl is simulated again."""
    import app_state

    made = []

    class Sized:
        def __init__(self, trials: int) -> None:
            self.nbytes = trials  # a result of 'trials' bytes, to count with
            made.append(trials)

    cache = app_state.ResultCache(lambda s, t, seed, tiers: Sized(t), 1_000, 60.0, "")
    office = closed_form()
    for trials in (300, 200, 100):  # 2 x (300 + 200 + 100) = 1,200 > 1,000: 300 goes
        cache(office, trials, 1)
    assert len(cache) == 2 and cache.nbytes == 600
    cache(office, 200, 1)  # kept: not made again, and now the most recent
    assert made == [300, 200, 100]
    cache(office, 250, 1)  # 2 x 250 more: 100 (least recent) goes, not 200
    assert cache.nbytes == 2 * (200 + 250)
    cache(office, 200, 1)
    assert made == [300, 200, 100, 250]
    big = cache(office, 600, 1)  # 1,200 bytes alone: returned, not kept
    assert big.nbytes == 600 and cache.nbytes == 900
    cache(office, 600, 1)
    assert made[-2:] == [600, 600]
    clock = [0.0]
    monkeypatch.setattr(app_state.time, "monotonic", lambda: clock[0])
    cache.clear()
    cache(office, 100, 1)
    clock[0] = 61.0  # past the ttl
    cache(office, 100, 1)
    assert made[-2:] == [100, 100]


def test_a_result_knows_the_memory_it_holds():
    result = analysis.simulate(analysis.load_scenario(DEFAULT_PRESET), trials=2_000, seed=1)
    arrays = result.nbytes
    assert arrays >= 8 * 2_000 * len(result.columns)  # every column, each counted once
    _ = result.trials
    assert result.nbytes > arrays  # the table, once made, counts too


# -- the baseline ------------------------------------------------------------------------------


def test_choosing_the_baseline_compares_every_option_with_it(media, simulations):
    at = start()
    assert inputs(at).scenario.baseline_name == "break-fix"
    at.selectbox(key=key(at, "baseline")).set_value("managed")
    run(at)
    assert len(simulations) == 1  # the same quantities, compared another way
    scenario = inputs(at).scenario
    assert scenario.baseline == "managed"
    values = cards(at)
    assert "Saving vs baseline" not in values["managed"]
    summary = expected(scenario)
    assert summary["baseline"] == "managed"
    saving = summary["comparison"]["savings"]["break-fix"]["mean"]
    assert values["break-fix"]["Saving vs baseline"] == round(saving)
    # It travels in the link and in the YAML file like any other change.
    assert at.query_params["baseline"] == "managed"
    (button,) = [b for b in at.get("download_button") if b.label == "Download scenario (YAML)"]
    text = downloaded(media, button).decode()
    assert analysis.load_scenario_text(text).baseline_name == "managed"
    opened = start(dict(at.query_params))
    assert inputs(opened).scenario.baseline_name == "managed"
    assert opened.selectbox(key=key(opened, "baseline")).value == "managed"


# -- guard rails ---------------------------------------------------------------------------------


def test_the_guard_rail_notes_always_shown():
    at = start()
    notes = shown(at.info)
    assert any("On IT spend alone" in note for note in notes)
    assert any("Implied working hours lost per employee per year" in note for note in notes)
    # Server office as it is: estimated downtime under half of every total, a fee in the market.
    assert not any("Estimated downtime is" in note for note in shown(at.warning))
    table = at.dataframe[0].value
    titles = {option.title for option in inputs(at).scenario.options.values()}
    assert set(table["Option"]) == titles
    assert "IT spend" in table.columns and "Total" in table.columns


def test_guard_rails_warn_when_losses_carry_the_answer():
    """Revenue of $30M a year: break-fix is mostly estimated downtime, and managed breaks even
    only at a fee far above the market band."""
    at = start({"organisation.annual_revenue": "30000000"})
    warnings = shown(at.warning)
    assert any("Estimated downtime is" in w and "Local break-fix technician" in w
               for w in warnings)  # fmt: skip
    assert any("breaks even" in w and "far above the market band" in w for w in warnings)


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
    at.number_input(key=key(at, "options.break-fix.rates.onsite")).set_value(180.0)
    good = cards(run(at))
    staff = key(at, "organisation.employees")
    at.number_input(key=staff).set_value(0)
    run(at)
    assert shown(at.error) == ["Staff (organisation.employees): must be > 0 (got 0)"]
    assert _next_element(at, staff).type == "error"
    assert cards(at) == good  # the last valid results stay on screen
    assert "last valid inputs" in at.warning[0].value
    assert inputs(at).scenario.options["break-fix"].rates.onsite == 180.0

    at.number_input(key=staff).set_value(12)
    run(at)
    assert not at.error and not any("last valid" in w.value for w in at.warning)
    assert cards(at)["managed"]["IT spend"] > good["managed"]["IT spend"]


def test_p90_below_median_is_reported_at_that_input():
    at = start()
    at.number_input(key=key(at, "options.managed.response_hours.critical.p90")).set_value(0.25)
    run(at)
    (error,) = shown(at.error)
    assert error == (
        "Response time (options.managed.response_hours.critical): p90 (0.25) must be >= "
        "median (0.5)"
    )
    assert at.metric  # still showing results


def test_a_calendar_that_closes_before_it_opens_is_refused():
    at = start()
    at.number_input(key=key(at, "organisation.operating_hours.close")).set_value(7.0)
    run(at)
    (error,) = shown(at.error)
    assert error.startswith("Operating hours: closes (organisation.operating_hours.close): ")
    assert "must be later than open (7 <= 8)" in error
    assert "\n" not in error
    assert inputs(at).scenario == analysis.load_scenario(DEFAULT_PRESET)


def test_switching_a_section_off_and_on():
    at = start()
    at.toggle(key=key(at, "security.on")).set_value(False)
    run(at)
    assert inputs(at).scenario.security is None
    assert key(at, "security.loss.median") not in [w.key for w in at.number_input]
    at.toggle(key=key(at, "security.on")).set_value(True)
    run(at)
    assert inputs(at).scenario == analysis.load_scenario(DEFAULT_PRESET)


def test_sla_and_budget_inputs_reach_the_scenario():
    at = start()
    at.toggle(key=key(at, "options.managed.sla.on")).set_value(True)
    at.toggle(key=key(at, "budget.on")).set_value(True)
    run(at)
    at.number_input(key=key(at, "options.managed.sla.credit_per_breach")).set_value(250.0)
    at.number_input(key=key(at, "budget.annual_it_spend")).set_value(20_000.0)
    run(at)
    scenario = inputs(at).scenario
    assert scenario.options["managed"].sla.credit_per_breach == 250
    assert scenario.budget.annual_it_spend == 20_000
    at.number_input(key=key(at, "options.managed.sla.max_credit_share")).set_value(150.0)
    run(at)
    assert scenario == inputs(at).scenario  # the form rejects it (over 100%) before the model


# -- presets, files and links --------------------------------------------------------------------


def test_choosing_a_preset_resets_every_input():
    at = start()
    at.number_input(key=key(at, "options.break-fix.rates.onsite")).set_value(300.0)
    run(at)
    at.selectbox(key="itcost_preset").set_value("law-firm")
    run(at)
    assert inputs(at).scenario == analysis.load_scenario("law-firm")
    employees = analysis.load_scenario("law-firm").organisation.employees
    assert at.number_input(key=key(at, "organisation.employees")).value == employees
    assert at.query_params == {"preset": "law-firm"}


def test_yaml_download_and_upload_round_trip(media):
    at = start()
    at.number_input(key=key(at, "options.managed.fees.per_user_monthly")).set_value(140.0)
    at.number_input(key=key(at, "incidents.critical.fix_hours.p90")).set_value(20.0)
    at.toggle(key=key(at, "parts.on")).set_value(False)
    run(at)
    changed = inputs(at).scenario
    assert changed.parts is None and changed.options["managed"].fees.per_user_monthly == 140
    (button,) = [b for b in at.get("download_button") if b.label == "Download scenario (YAML)"]
    text = downloaded(media, button)

    fresh = start()
    assert inputs(fresh).scenario.sha256 != changed.sha256
    fresh.file_uploader(key="itcost_upload").upload("acme.yaml", text, "application/x-yaml")
    run(fresh)
    assert inputs(fresh).scenario.sha256 == changed.sha256
    assert inputs(fresh).origin == "file acme.yaml"
    assert shown(fresh.success) == [f"Loaded acme.yaml: {changed.name}"]
    fee = fresh.number_input(key=key(fresh, "options.managed.fees.per_user_monthly"))
    assert fee.value == 140.0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"organisation: [\n", "Not loaded: acme.yaml: "),
        (b"name: x\nbreak_fix:\n  hourly_rate: 1\n", "format-1 scenario; `itcost upgrade FILE`"),
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
    at.number_input(key=key(at, "options.break-fix.rates.remote")).set_value(210.0)
    at.number_input(key=key(at, "options.managed.response_hours.minor.median")).set_value(3.0)
    at.select_slider(key="itcost_trials").set_value(20_000)
    run(at)
    scenario = inputs(at).scenario
    link = dict(at.query_params)
    assert link["preset"] == "dental-clinic" and link["trials"] == "20000"
    assert link["options.break-fix.rates.remote"] == "210.0"

    opened = start(link)
    assert inputs(opened).scenario.sha256 == scenario.sha256
    assert inputs(opened).trials == 20_000
    assert opened.number_input(key=key(opened, "options.break-fix.rates.remote")).value == 210.0
    assert cards(opened) == cards(at)
    assert dict(opened.query_params) == link


def test_a_link_can_carry_a_whole_uploaded_scenario():
    """Tiers a preset does not have travel in the link as a whole section."""
    outage = {"rate_per_year": 2, "users_affected": 1, "revenue_impact": 1, "fix_hours": 3}
    scenario = analysis.load_scenario(DEFAULT_PRESET).with_overrides(
        {"incidents.outage": outage, "options.managed.prevention.outage": 0.5}
    )
    at = start()
    upload = analysis.dump_scenario(scenario).encode()
    at.file_uploader(key="itcost_upload").upload("own.yaml", upload, "application/x-yaml")
    run(at)
    assert scenario_diff(analysis.load_scenario(DEFAULT_PRESET), scenario)
    opened = start(dict(at.query_params))
    assert inputs(opened).scenario.sha256 == scenario.sha256


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"seed": "9007199254740992"}, "Link: seed: must be a whole number from 0 to"),
        ({"seed": "-1"}, "Link: seed: must be a whole number from 0 to"),
        ({"seed": "\u00b2"}, "Link: seed: must be a whole number from 0 to"),  # a digit to isdigit
        (
            {"seed": "9" * 5000},
            "Link: seed: must be a whole number from 0 to",
        ),  # past int()'s limit
        ({"trials": "1"}, "Link: trials: must be a whole number from 2,000 to 500,000"),
        ({"trials": "50000000"}, "Link: trials: must be a whole number from 2,000 to 500,000"),
        ({"preset": "/etc/passwd"}, "Link: preset: no such preset '/etc/passwd'"),
    ],
)
def test_a_link_cannot_ask_for_a_bad_preset_seed_or_precision(query, message):
    at = start(query)
    assert any(message in text for text in shown(at.error))
    assert (inputs(at).trials, inputs(at).seed) == (10_000, 2026)
    run(at)  # and the app stays up on the next rerun
    assert at.metric


def test_the_default_precision_follows_the_size_of_the_scenario():
    """10,000 trials, or as many thousand as simulate at most 2 million incidents (the
    accounting firm has 459.5 a year: 4,000, a count the slider offers only as its default):
    the link leaves the default out, and carries a count chosen over it; the default stays on
    the slider to come back to."""
    sizes = {name: default_trials(analysis.load_scenario(name)) for name in analysis.preset_names()}
    assert sizes == {**dict.fromkeys(sizes, 10_000), "law-firm": 5_000,
                     "accounting-firm": 4_000, "manufacturer": 4_000}  # fmt: skip
    huge = analysis.load_scenario(DEFAULT_PRESET).with_overrides({"organisation.employees": 3000})
    assert huge.incidents_per_trial > 2_000_000 / 2_000 and default_trials(huge) == 2_000
    at = start({"preset": "accounting-firm"})
    state = inputs(at)
    assert state.scenario.incidents_per_trial == pytest.approx(459.5)
    assert state.trials == 4_000 and "trials" not in dict(at.query_params)
    slider = at.select_slider(key="itcost_trials")
    assert slider.value == 4_000 and "4,000 (default)" in slider.options
    assert any("4,000 simulated years" in caption for caption in shown(at.caption))
    summary = expected(state.scenario)  # a fresh simulation at 4,000 trials
    for option, shown_cards in cards(at).items():
        assert shown_cards["Total"] == round(summary["options"][option]["total"]["mean"])

    slider.set_value(10_000)
    run(at)
    assert inputs(at).trials == 10_000 and dict(at.query_params)["trials"] == "10000"
    assert inputs(start(dict(at.query_params))).trials == 10_000
    assert "4,000 (default)" in at.select_slider(key="itcost_trials").options
    at.select_slider(key="itcost_trials").set_value(4_000)
    run(at)
    assert inputs(at).chosen_trials is None and "trials" not in dict(at.query_params)


def test_a_run_too_large_for_the_app_is_refused_in_one_line():
    """More than 100 million simulated incidents (about ten seconds) are refused, whether they
    come from a link, an input or the trials, and the app stays on what it had."""
    huge = {"organisation.employees": "20000"}  # 130,000 incidents a year
    at = start(huge)
    (message,) = [text for text in shown(at.error) if text.startswith("Link:")]
    assert "more than the calculator's 100,000,000 a run" in message
    assert "\n" not in message and "without the link's changes" in message
    assert inputs(at).scenario.sha256 == analysis.load_scenario(DEFAULT_PRESET).sha256
    assert at.metric

    before = cards(at)
    at.number_input(key=key(at, "organisation.employees")).set_value(20_000)
    run(at)
    assert any(
        text.startswith("Not applied:") and "100,000,000" in text for text in shown(at.error)
    )
    assert inputs(at).error is not None and cards(at) == before

    at = start({"preset": "manufacturer"})  # 498 incidents a year: 500,000 trials are 249 million
    at.select_slider(key="itcost_trials").set_value(500_000)
    run(at)
    assert any(text.startswith("Trials: 500,000 simulated years") for text in shown(at.error))
    assert inputs(at).trials == 4_000 and at.select_slider(key="itcost_trials").value == 4_000
    assert at.metric


def test_names_from_links_are_shown_as_text_not_markdown():
    name = "Acme ![t](http://tracker.invalid/p.png) [Pay](https://evil.invalid/) $5 $ shop"
    title = "Shop *bold* [x](https://evil.invalid/)"
    at = start({"name": name, "options.break-fix.title": title})
    assert inputs(at).scenario.name == name
    (caption,) = [c.value for c in at.caption if "amounts in" in c.value]
    assert "![t]" not in caption and r"\!\[t\]" in caption and r"\$5" in caption
    heading = at.get_by_key(option_key("break-fix")).markdown[0].value
    assert r"\*bold\*" in heading and r"\[x\]" in heading


def test_devices_derived_from_staff_stay_derived():
    """A scenario without devices counts one per person, whatever the staff become."""
    text = analysis.dump_scenario(analysis.load_scenario(DEFAULT_PRESET))
    text = re.sub(r"\n  devices: 14\n", "\n", text)
    at = start()
    at.file_uploader(key="itcost_upload").upload("own.yaml", text.encode(), "text/yaml")
    run(at)
    assert "devices" not in inputs(at).scenario.organisation.model_fields_set
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
    assert any("Link: trials: must be a whole number from 2,000" in m for m in messages)
    assert inputs(at).scenario == analysis.load_scenario("law-firm")
    assert at.metric


# -- the other pages -----------------------------------------------------------------------------


def test_deep_dive_has_its_charts_tier_table_and_csv():
    at = start()
    at.switch_page("views/deep_dive.py")
    run(at)
    assert len(at.get("plotly_chart")) == 4
    tier_table, trials_table = at.dataframe
    scenario = inputs(at).scenario
    assert set(tier_table.value["Tier"]) == set(scenario.incidents)
    assert len(trials_table.value) == 1_000
    assert "savings.managed" in trials_table.value.columns
    assert "break-fix.it_spend" in trials_table.value.columns
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
    assert html.count('class="plotly-graph-div"') >= 4
    assert not re.search(r"<script[^>]+src=", html)  # plotly.js embedded, nothing fetched


def test_sources_page_names_each_inputs_source():
    at = start()
    at.switch_page("views/sources.py")
    run(at)
    inputs_table, published, assumptions = at.dataframe
    rows = inputs_table.value.set_index("Field")
    assert rows.loc["organisation.loaded_hourly_cost", "Source"] == "bls-ecec-dec2024"
    assert "iknowtech-rates-2023" in rows.loc["options.break-fix.rates.remote", "Source"]
    ids = set(published.value["id"]) | set(assumptions.value["id"])
    assert ids == {entry["id"] for entry in analysis.references()}


# -- decision analytics ------------------------------------------------------------------------


def test_decide_page_shows_break_evens_tornado_and_budget_risk():
    at = start()
    at.switch_page("views/decide.py")
    run(at)
    flips, budget = at.dataframe
    scenario = inputs(at).scenario
    rows = flips.value
    managed = [name for name, o in scenario.options.items()
               if o.kind == "managed" and name != scenario.baseline_name]  # fmt: skip
    assert len(rows) >= len(managed)
    from analysis.decision.breakeven import breakeven_fee

    result = analysis.simulate(scenario, trials=default_trials(scenario), seed=2026)
    fee = breakeven_fee(result, "managed").value
    assert any(cell.startswith(f"${fee:,.0f}") for cell in rows["Break-even"])
    assert "$150" in list(rows["Now"])
    titles = [scenario.options[name].title for name in scenario.option_names]
    assert list(budget.value["Option"]) == titles
    assert len(at.get("plotly_chart")) == 2  # tornado and monthly spend; Sobol waits


def test_sobol_indices_on_request():
    at = start()
    at.switch_page("views/decide.py")
    run(at)
    next(b for b in at.button if b.label == "Compute the Sobol indices").click()
    run(at)
    assert len(at.get("plotly_chart")) == 3


# -- the quotes page ------------------------------------------------------------------------------


def quotes_page(query: dict[str, str] | None = None) -> AppTest:
    at = start(query)
    at.switch_page("views/quotes.py")
    return run(at)


def ranking_table(at: AppTest):
    """The page's one table: the ranking (a pandas DataFrame)."""
    (table,) = at.dataframe
    return table.value


def test_the_quotes_page_adds_renames_and_deletes_a_quote_and_the_link_carries_them(media):
    at = quotes_page()
    assert list(ranking_table(at)["#"]) == [1, 2, 3]
    at.button(key="itcost-add-msp-per-user").click()
    run(at)
    scenario = inputs(at).scenario
    assert scenario.option_names == ["break-fix", "managed", "hybrid", "msp-per-user"]
    assert any(text.startswith("Added:") for text in shown(at.success))
    table = ranking_table(at)
    assert len(table) == 4 and "Managed services, priced per user" in list(table["Option"])
    # The ranking is a fresh simulation's, ordered by expected total.
    summary = expected(scenario)
    totals = {o: summary["options"][o]["total"]["mean"] for o in scenario.option_names}
    ordered = sorted(totals, key=totals.get)
    assert [scenario.options[o].title for o in ordered] == [
        title.removesuffix(" (baseline)") for title in table["Option"]
    ]
    assert table["Cheapest in"].sum() == pytest.approx(1.0)

    generation = inputs(at).generation
    at.text_input(key=f"q{generation}:title:msp-per-user").set_value("Acme <b>MSP</b> quote")
    run(at)
    assert inputs(at).scenario.options["msp-per-user"].title == "Acme <b>MSP</b> quote"
    assert "Acme <b>MSP</b> quote" in list(ranking_table(at)["Option"])  # text, not markup

    link = dict(at.query_params)
    opened = quotes_page(link)
    assert inputs(opened).scenario.sha256 == inputs(at).scenario.sha256
    (button,) = [b for b in at.get("download_button") if b.label == "Download scenario (YAML)"]
    text = downloaded(media, button).decode()  # the sidebar's file, as a user gets it
    assert analysis.load_scenario_text(text).sha256 == inputs(at).scenario.sha256

    generation = inputs(at).generation
    at.button(key=f"q{generation}:delete:msp-per-user").click()  # the quote just added
    run(at)
    assert inputs(at).scenario.option_names == ["break-fix", "managed", "hybrid"]
    assert len(ranking_table(at)) == 3
    assert inputs(start(dict(at.query_params))).scenario.sha256 == inputs(at).scenario.sha256
    assert "options" not in dict(at.query_params)  # back to the preset's own options


def test_the_quotes_page_duplicates_and_changes_the_baseline():
    at = quotes_page()
    generation = inputs(at).generation
    at.button(key=f"q{generation}:duplicate:managed").click()
    run(at)
    assert inputs(at).scenario.option_names == ["break-fix", "managed", "managed-copy", "hybrid"]
    generation = inputs(at).generation
    at.selectbox(key=f"q{generation}:baseline").set_value("managed")
    run(at)
    assert inputs(at).scenario.baseline_name == "managed"
    assert inputs(start(dict(at.query_params))).scenario.baseline_name == "managed"
    table = ranking_table(at)
    assert "Managed services, all inclusive (baseline)" in list(table["Option"])
    # The Calculator starts from the same scenario: its baseline box says so.
    at.switch_page("views/calculator.py")
    run(at)
    assert at.selectbox(key=key(at, "baseline")).value == "managed"


def test_the_quotes_page_refuses_what_cannot_be_done_in_one_line():
    """The hybrid's fallback cannot be deleted; the buttons stop at six quotes."""
    at = quotes_page()
    generation = inputs(at).generation
    at.button(key=f"q{generation}:delete:break-fix").click()
    run(at)
    (message,) = shown(at.error)
    assert message.startswith("Not changed:") and "falls back on it" in message
    assert inputs(at).scenario.option_names == ["break-fix", "managed", "hybrid"]
    for template in ("block-hours", "in-house", "msp-per-device"):
        at.button(key=f"itcost-add-{template}").click()
        run(at)
    assert len(inputs(at).scenario.options) == 6
    assert at.button(key="itcost-add-break-fix").disabled
    assert not at.exception


def test_hostile_uploads_and_links_are_one_line_errors():
    """The bounded reader behind uploads and links: deep nesting, a huge number, aliases that
    expand, all refused in one line; the app stays on what it had."""
    deep = "name: " + "[" * 3000 + "]" * 3000 + "\n"
    laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 9)
    )
    digits = "name: " + "9" * 5000 + "\n"
    cases = (
        (deep, "nested more than 32 levels deep"),
        (laughs, "values (aliases expanded)"),
        (digits, "a number has too many digits"),
    )
    for text, reason in cases:
        at = start()
        at.file_uploader(key="itcost_upload").upload("evil.yaml", text.encode(), "text/yaml")
        run(at)
        (message,) = [m for m in shown(at.error) if m.startswith("Not loaded:")]
        assert reason in message and "\n" not in message
        assert inputs(at).scenario.sha256 == analysis.load_scenario(DEFAULT_PRESET).sha256
    at = start({"name": "[" * 3000 + "]" * 3000})
    assert any("nested more than 32 levels deep" in m for m in shown(at.error))
    assert at.metric


def test_budget_risk_of_a_long_horizon_stays_within_its_memory_bound():
    """50 years of three options: the month-by-month run keeps at most MONTHLY_FIGURES
    figures (about 100 MB); a year keeps the session's trials. (The Decide page says from how
    many simulated years its budget figures come.)"""
    from app_state import MONTHLY_FIGURES, Inputs, monthly_trials

    base = analysis.load_scenario(DEFAULT_PRESET)
    long = base.with_overrides({"horizon.years": 50})
    state = Inputs(DEFAULT_PRESET, long, "test", long, chosen_trials=100_000)
    assert monthly_trials(state) == MONTHLY_FIGURES // (12 * 50 * 3) == 6_666
    state = Inputs(DEFAULT_PRESET, base, "test", base)
    assert monthly_trials(state) == state.trials == 10_000
