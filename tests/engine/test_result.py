"""The summary JSON contract (itcost.summary/2), the trials frame, and repricing."""

from __future__ import annotations

import json
import math
import subprocess
from importlib import resources

import jsonschema
import numpy as np
import pandas as pd
import pytest

from analysis import ArgumentError, describe, load_scenario, preset_names, simulate
from analysis.engine.result import QUANTITIES, STAT_KEYS
from tests.helpers import closed_form

#: Three options under names of their own, the baseline not the first.
THREE = {
    "options.acme-msp": {"kind": "managed", "title": "Acme <MSP> & Co", "fees": {
        "per_user_monthly": 40}, "prevention": {"only": 0.3}, "response_hours": {"default": 2}},
    "baseline": "msp",
    "parts": {"probability": 0.1, "cost": {"median": 200, "p90": 600}},
    "security": {"rate_per_year": 0.2, "loss": {"median": 5000, "p90": 20000}},
    "incidents.only.fix_hours": {"median": 2, "p90": 5},
}  # fmt: skip


@pytest.fixture(scope="module")
def schema():
    text = resources.files("analysis.engine").joinpath("summary.schema.json").read_text()
    return json.loads(text)


@pytest.fixture(scope="module")
def three():
    return simulate(closed_form(THREE), trials=4_000, seed=3)


def test_the_schema_is_valid_json_schema(schema):
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["schema"] == {"const": "itcost.summary/2"}


@pytest.mark.parametrize("name", preset_names())
def test_every_presets_summary_validates(schema, name):
    summary = simulate(load_scenario(name), trials=2_000, seed=1).summary()
    jsonschema.validate(summary, schema)


def test_summary_has_every_option_by_name_with_kind_title_and_six_statistics(three, schema):
    summary = three.summary()
    jsonschema.validate(summary, schema)
    scenario = closed_form(THREE)
    assert summary["schema"] == "itcost.summary/2"
    assert summary["scenario"] == {"name": "Closed form", "sha256": scenario.sha256}
    assert (summary["trials"], summary["seed"], summary["years"], summary["currency"]) == (
        4_000, 3, 1, "USD"
    )  # fmt: skip
    assert summary["baseline"] == "msp"
    assert list(summary["options"]) == ["shop", "msp", "acme-msp"]
    acme = summary["options"]["acme-msp"]
    assert (acme["kind"], acme["title"]) == ("managed", "Acme <MSP> & Co")  # text, as given
    assert summary["options"]["shop"]["kind"] == "pay_per_incident"
    assert list(acme) == ["kind", "title", *QUANTITIES]
    for option in three.options:
        for quantity in QUANTITIES:
            stats = summary["options"][option][quantity]
            assert list(stats) == list(STAT_KEYS)
            assert stats == describe(three.column(option, quantity))


def test_comparison_is_against_the_baseline(three):
    comparison = three.summary()["comparison"]
    alternatives = ["shop", "acme-msp"]  # every option but the baseline, in order
    assert list(comparison["savings"]) == alternatives
    assert list(comparison["it_spend_savings"]) == alternatives
    assert list(comparison["prob_cheaper"]) == alternatives
    assert list(comparison["prob_cheapest"]) == ["shop", "msp", "acme-msp"]
    baseline = three.column("msp", "total")
    for option in alternatives:
        savings = baseline - three.column(option, "total")
        assert comparison["savings"][option] == describe(savings)
        it_spend = three.column("msp", "it_spend") - three.column(option, "it_spend")
        assert comparison["it_spend_savings"][option] == describe(it_spend)
        assert comparison["prob_cheaper"][option] == np.mean(savings > 0)
    totals = np.stack([three.column(o, "total") for o in three.options])
    cheapest = np.argmin(totals, axis=0)
    for index, option in enumerate(three.options):
        assert comparison["prob_cheapest"][option] == np.mean(cheapest == index)
    assert sum(comparison["prob_cheapest"].values()) == pytest.approx(1.0)
    means = {o: three.column(o, "total").mean() for o in three.options}
    assert comparison["best"] == min(means, key=means.get)


def test_schema_rejects_a_summary_missing_a_statistic_or_an_option(three, schema):
    summary = three.summary()
    for breaks in (
        lambda s: s["options"]["msp"]["downtime"].pop("cvar95"),
        lambda s: s["options"]["msp"].pop("kind"),
        lambda s: s["comparison"].pop("it_spend_savings"),
        lambda s: s["comparison"]["prob_cheaper"].update({"shop": 1.5}),
        lambda s: s["options"].update({"a.b": s["options"]["msp"]}),
        lambda s: s.update(schema="itcost.summary/1"),
        lambda s: s.pop("baseline"),
    ):
        broken = json.loads(json.dumps(summary))
        breaks(broken)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema)
    jsonschema.validate(summary, schema)


def test_summary_is_a_fresh_copy_each_time(three):
    summary = three.summary()
    summary["options"].clear()
    assert three.summary()["options"]


def test_trials_frame_has_the_contract_columns_in_trial_order(three):
    frame = three.trials
    expected = [f"{o}.{q}" for o in ("shop", "msp", "acme-msp") for q in QUANTITIES]
    expected += ["savings.shop", "savings.acme-msp"]
    assert list(frame.columns) == expected
    assert len(frame) == 4_000 and frame.index.name == "trial"
    assert list(frame.index[:3]) == [0, 1, 2]
    assert frame.dtypes.map(lambda dtype: dtype == np.float64).all()
    np.testing.assert_array_equal(frame["savings.shop"], three.savings("shop"))


def test_cli_json_validates_against_the_summary_contract(schema, itcost_command):
    run = subprocess.run(
        [*itcost_command, "simulate", "server-office", "--json", "--trials", "5000"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    summary = json.loads(run.stdout)  # stdout is exactly the JSON, nothing else
    jsonschema.validate(summary, schema)
    assert summary["trials"] == 5000
    assert summary["seed"] == 2026
    assert summary["scenario"]["sha256"] == load_scenario("server-office").sha256


def test_describe_matches_direct_computation():
    rng = np.random.default_rng(0)
    values = rng.lognormal(0, 1, size=10_001)
    stats = describe(values)
    ordered = np.sort(values)
    tail = math.ceil(0.05 * values.size)
    assert stats["mean"] == pytest.approx(values.mean())
    assert stats["std"] == pytest.approx(values.std(ddof=1))
    assert stats["mean_se"] == pytest.approx(values.std(ddof=1) / math.sqrt(values.size))
    assert stats["p50"] == pytest.approx(np.median(values))
    assert stats["p95"] == pytest.approx(ordered[9_500])  # (n - 1) * 0.95 is a whole index
    assert stats["cvar95"] == pytest.approx(ordered[-tail:].mean())
    assert stats["p05"] < stats["p50"] < stats["p95"] < stats["p99"]
    assert stats["p95"] < stats["cvar95"]


def test_describe_a_single_trial():
    stats = describe(np.array([42.0]))
    assert stats == dict.fromkeys(stats, 42.0) | {"std": 0.0, "mean_se": 0.0}


# -- repricing: the same quantities under new prices --------------------------------------------

#: Price-only changes: rates, trip fees, after-hours multipliers, every fee, out-of-scope
#: rates, SLA credits and caps, wages, revenue and how a lost hour is valued. (Drawn amounts,
#: such as security losses and parts, and the SLA's promised hours are not prices.)
PRICES = {
    "options.break-fix.rates": {"remote": 95, "onsite": 210},
    "options.break-fix.trip_fee": 80,
    "options.break-fix.emergency.multiplier": 2.0,
    "options.managed.fees": {"per_user_monthly": 120, "per_server_monthly": 99,
                             "per_site_monthly": 10, "minimum_monthly": 500, "onboarding": 0},
    "options.managed.out_of_scope.rate": 220,
    "options.managed.sla": {"response_hours": 3, "credit_per_breach": 75,
                            "max_credit_share": 0.08},
    "organisation.loaded_hourly_cost": 61,
    "organisation.lost_hour_value": "wage_plus_revenue",
    "organisation.annual_revenue": 2_400_000,
    "incidents.critical.revenue_impact": 0.6,
    "incidents.minor.blocking": 0.5,
}  # fmt: skip


@pytest.fixture(scope="module")
def office():
    """A preset with the SLA on, whatever its figures: repricing must be exact for any."""
    return load_scenario("server-office").with_overrides(
        {"options.managed.sla": {"response_hours": 3, "credit_per_breach": 40,
                                 "max_credit_share": 0.05},
         "horizon": {"years": 2, "price_escalation": 0.03, "discount_rate": 0.05}}
    )  # fmt: skip


def test_reprice_equals_a_fresh_simulation_bit_for_bit(office):
    result = simulate(office, trials=20_000, seed=8)
    for path, value in PRICES.items():
        changed = office.with_overrides({path: value})
        assert result.can_reprice(changed), path
        repriced = result.reprice(changed)
        fresh = simulate(changed, trials=20_000, seed=8)
        pd.testing.assert_frame_equal(repriced.trials, fresh.trials, check_exact=True)
        assert repriced.summary() == fresh.summary(), path
    everything = office.with_overrides(PRICES)
    pd.testing.assert_frame_equal(
        result.reprice(everything).trials,
        simulate(everything, trials=20_000, seed=8).trials,
        check_exact=True,
    )


@pytest.mark.parametrize(
    "change",
    [
        {"incidents.minor.rate_per_user_per_year": 2.0},
        {"incidents.major.fix_hours": 2},
        {"incidents.critical.onsite_share": 0.9},
        {"options.managed.prevention.minor": 0.1},
        {"options.managed.response_hours.default": 3},
        {"options.break-fix.service_hours.close": 19},
        {"organisation.operating_hours.days": 6},
        {"options.break-fix.minimum_hours.onsite": 2},
        {"options.managed.out_of_scope.share": 0.2},
        {"security.loss": 90_000},
        {"parts.cost": 400},
        {"horizon.years": 3},
        {"options.managed.security_factor": 0.3},
        {"options.managed.sla.response_hours": 2},
    ],
)
def test_reprice_refuses_what_changes_what_happens(office, change):
    result = simulate(office, trials=1_000, seed=8)
    changed = office.with_overrides(change)
    assert not result.can_reprice(changed)
    with pytest.raises(ArgumentError, match="simulate it again") as caught:
        result.reprice(changed)
    assert caught.value.name == "scenario"
