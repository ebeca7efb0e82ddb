"""The scenario model (format 2): validation, defaults, canonical form and hash, YAML round trip."""

from __future__ import annotations

import copy
import math

import pytest

from analysis import (
    Scenario,
    ScenarioError,
    Spec,
    dump_scenario,
    load_scenario,
    load_scenario_file,
    load_scenario_text,
    preset_names,
)
from analysis.scenario.model import Managed, PayPerIncident
from tests.helpers import ALWAYS, CLOSED_FORM, yaml_text


def text_of(data: dict) -> str:
    return yaml_text(data)


def error_for(data: dict) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text_of(data), "test.yaml")
    return caught.value


def changed(path: str, value, data: dict | None = None) -> dict:
    """CLOSED_FORM (or ``data``) with one dotted key set (or deleted when value is ...)."""
    data = copy.deepcopy(CLOSED_FORM if data is None else data)
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node.setdefault(key, {})
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return data


def loaded(data: dict) -> Scenario:
    return load_scenario_text(text_of(data))


#: CLOSED_FORM with a second tier and a hybrid: a managed option covering one tier, its
#: fallback the pay-per-incident shop.
HYBRID = changed(
    "options.hybrid",
    {"kind": "managed", "fees": {"per_server_monthly": 100}, "covers": ["only"],
     "fallback": "shop", "response_hours": {"default": 1}},
    changed("incidents.other", {"rate_per_user_per_year": 0.5, "users_affected": 0.1,
                                "fix_hours": 1}),
)  # fmt: skip


#: CLOSED_FORM with its shop selling a block of hours.
BLOCK = changed(
    "options.shop.block", {"hours_per_year": 10, "price_per_year": 1000},
    changed("options.shop.kind", "block_hours"),
)  # fmt: skip


#: CLOSED_FORM with an in-house technician, the shop its fallback.
TECH = changed(
    "options.tech",
    {"kind": "in_house", "salary_per_year": 60000, "hours_per_year": 1000, "fallback": "shop",
     "response_hours": {"default": 1}},
)  # fmt: skip


def test_an_in_house_technician_covers_everything_and_still_has_a_fallback():
    """Unlike a managed contract, a technician covering every tier keeps a fallback: it
    buys the hours beyond theirs."""
    scenario = loaded(TECH)
    tech = scenario.options["tech"]
    assert tech.covers == "all" and scenario.handler("tech", "only") == "tech"
    assert scenario.annual_fee("tech") == 60000


def test_defaults_are_filled_in():
    scenario = loaded(CLOSED_FORM)
    org = scenario.organisation
    assert org.devices == org.employees and (org.servers, org.sites) == (0, 1)
    tier = scenario.incidents["only"]
    assert (tier.dispersion, tier.onsite_share, tier.starts) == (0, 0, "operating")
    shop, msp = scenario.options["shop"], scenario.options["msp"]
    assert isinstance(shop, PayPerIncident) and isinstance(msp, Managed)
    assert (shop.minimum_hours.remote, shop.minimum_hours.onsite) == (0, 0)
    assert (shop.increment_hours, shop.trip_fee, shop.emergency) == (0, 0, None)
    assert shop.security_factor == msp.security_factor == 1.0
    assert (msp.covers, msp.fallback, msp.prevention, msp.fix_time_factor) == ("all", None, {}, 1)
    assert (msp.monitoring, msp.out_of_scope, msp.sla) == (False, None, None)
    assert msp.emergency_tiers == []
    assert msp.fees.onboarding == 0 and msp.fees.minimum_monthly == 0
    assert shop.title == "shop" and msp.title == "msp"  # the option's key
    assert scenario.baseline == scenario.baseline_name == "shop"  # the first option
    assert scenario.parts is None and scenario.security is None and scenario.budget is None
    assert (scenario.horizon.years, scenario.horizon.price_escalation) == (1, 0)
    assert scenario.horizon.discount_rate == 0
    assert scenario.currency == "USD"


def test_calendar_defaults_to_an_office_week():
    data = changed("organisation.operating_hours", ...)
    del data["options"]["shop"]["service_hours"]
    scenario = loaded(data)
    for calendar in (scenario.organisation.operating_hours,
                     scenario.options["shop"].service_hours):  # fmt: skip
        assert (calendar.days, calendar.open, calendar.close) == (5, 8, 18)
        assert calendar.weekly_hours == 50 and not calendar.is_always
        assert calendar.text == "Mon-Fri 8-18"
    always = scenario.options["msp"].service_hours
    assert always.is_always and always.weekly_hours == 168 and always.text == "24/7"


def test_scenario_is_frozen():
    scenario = loaded(CLOSED_FORM)
    with pytest.raises(ValueError, match="frozen"):
        scenario.name = "other"


def test_spec_from_number_and_from_median_p90():
    constant = Spec.model_validate(3)
    assert constant.is_constant and constant.sigma == 0 and constant.mean == 3
    spec = Spec.model_validate({"median": 2, "p90": 6})
    assert spec.sigma == pytest.approx(math.log(3) / 1.2815515655446004)
    assert spec.mean == pytest.approx(2 * math.exp(spec.sigma**2 / 2))


@pytest.mark.parametrize("name", preset_names())
def test_yaml_round_trip_gives_the_same_scenario(name):
    scenario = load_scenario(name)
    again = load_scenario_text(dump_scenario(scenario))
    assert again == scenario
    assert again.sha256 == scenario.sha256


def test_a_hybrid_round_trips_and_names_its_handlers():
    scenario = loaded(HYBRID)
    assert load_scenario_text(dump_scenario(scenario)).sha256 == scenario.sha256
    assert scenario.handler("hybrid", "only") == "hybrid"
    assert scenario.handler("hybrid", "other") == "shop"  # not covered: the fallback
    assert scenario.handler("msp", "other") == "msp" and scenario.handler("shop", "only") == "shop"
    assert scenario.options["hybrid"].covers_tier("only")
    assert not scenario.options["hybrid"].covers_tier("other")


def test_dump_writes_a_file_atomically(tmp_path):
    path = tmp_path / "out.yaml"
    path.write_text("old")
    scenario = loaded(HYBRID)
    dump_scenario(scenario, path)
    # The same scenario; the file spells out the baseline the original left to its default.
    assert load_scenario_file(path).sha256 == scenario.sha256
    assert [p.name for p in tmp_path.iterdir()] == ["out.yaml"]  # no temporary left behind


def test_minus_zero_is_zero_in_the_hash_and_the_file():
    """-0.0 equals 0 but JSON writes it apart: the same scenario must keep one hash (the app's
    cache key and link), in a field and in a list alike."""
    base = loaded(HYBRID)
    cases = [
        ("options.msp.fees.per_user_monthly", 0, -0.0),
        ("budget", {"seasonality": [0, *[1] * 11]}, {"seasonality": [-0.0, *[1] * 11]}),
    ]
    for path, zero, minus in cases:
        signed = base.with_overrides({path: minus})
        assert signed.sha256 == base.with_overrides({path: zero}).sha256
        assert "-0.0" not in signed.canonical_json()


def test_hash_ignores_key_order_whitespace_and_spelt_out_defaults():
    data = copy.deepcopy(HYBRID)
    reordered = dict(reversed(list(data.items())))
    reordered["organisation"] = dict(reversed(list(data["organisation"].items())))
    reordered["incidents"] = dict(reversed(list(data["incidents"].items())))
    spelt_out = changed("organisation.devices", 10, data)  # the default: devices = employees
    spelt_out["incidents"]["only"]["fix_hours"] = {"median": 2, "p90": 2}  # = constant 2
    spelt_out["options"]["shop"]["title"] = "shop"  # the default: the option's key
    spelt_out["baseline"] = "shop"  # the default: the first option
    spelt_out["options"]["msp"]["covers"] = "all"
    base = loaded(data).sha256
    assert load_scenario_text(yaml_text(reordered, indent=6)).sha256 == base
    assert load_scenario_text(yaml_text(data, flow=True)).sha256 == base
    assert loaded(spelt_out).sha256 == base
    assert loaded(changed("options.shop.rates.remote", 101, data)).sha256 != base
    # The option order is the scenario's order (columns, tables), but the hash is of content.
    two = changed("incidents.third", {"rate_per_year": 1, "users_affected": 0, "fix_hours": 1},
                  data)  # fmt: skip
    two["options"]["hybrid"]["covers"] = ["third", "only"]
    three = copy.deepcopy(two)
    three["options"]["hybrid"]["covers"] = ["only", "third"]  # a set: order does not matter
    assert loaded(two).sha256 == loaded(three).sha256


def test_canonical_json_is_sorted_and_compact():
    text = loaded(CLOSED_FORM).canonical_json()
    assert " " not in text.replace("Closed form", "")
    assert text.startswith('{"baseline":"shop",')


@pytest.mark.parametrize(
    ("path", "value", "field", "reason"),
    [
        ("options.shop.rates.remot", 150, "options.shop.rates.remot",
         "unknown key (did you mean 'remote'"),
        ("options.msp.fees.per_user_montly", 150, "options.msp.fees.per_user_montly",
         "did you mean 'per_user_monthly'"),
        ("options.shop.fees", {"per_user_monthly": 1}, "options.shop.fees", "unknown key"),
        ("colour", "blue", "colour", "unknown key"),
        ("organisation.employees", "ten", "organisation.employees", "must be a whole number"),
        ("organisation.employees", 0, "organisation.employees", "must be > 0"),
        ("organisation.servers", -1, "organisation.servers", "must be >= 0"),
        ("organisation.sites", 0, "organisation.sites", "must be >= 1"),
        ("organisation.lost_hour_value", "both", "organisation.lost_hour_value", "'larger'"),
        ("incidents.only.rate_per_year", -1, "incidents.only.rate_per_year", "must be >= 0"),
        ("incidents.only.users_affected", 1.5, "incidents.only.users_affected", "must be <= 1"),
        ("incidents.only.blocking", -0.1, "incidents.only.blocking", "must be >= 0"),
        ("incidents.only.onsite_share", 2, "incidents.only.onsite_share", "must be <= 1"),
        ("incidents.only.starts", "night", "incidents.only.starts", "'any_time'"),
        ("incidents.only.fix_hours", {"median": 4, "p90": 2}, "incidents.only.fix_hours",
         "p90 (2) must be >= median (4)"),
        ("incidents.only.fix_hours", 0, "incidents.only.fix_hours.median", "must be > 0"),
        ("incidents.only.fix_hours", {"median": 4}, "incidents.only.fix_hours.p90", "missing"),
        ("options.shop.rates.onsite", ..., "options.shop.rates.onsite", "required, but missing"),
        ("options.shop.minimum_hours", {"remote": -1}, "options.shop.minimum_hours.remote",
         "must be >= 0"),
        ("options.shop.increment_hours", -0.25, "options.shop.increment_hours", "must be >= 0"),
        ("options.shop.trip_fee", -5, "options.shop.trip_fee", "must be >= 0"),
        ("options.shop.emergency", {"tiers": ["only"], "multiplier": 0.5},
         "options.shop.emergency.multiplier", "must be >= 1"),
        ("options.shop.emergency", {"tiers": ["only", "only"]}, "options.shop.emergency.tiers",
         "lists only more than once"),
        ("options.shop.security_factor", -1, "options.shop.security_factor", "must be >= 0"),
        ("options.shop.kind", "retainer", "options.shop.kind",
         "must be one of 'pay_per_incident', 'block_hours', 'managed', 'in_house'"),
        ("options.shop.kind", "block_hours", "options.shop.block", "required, but missing"),
        ("options.shop.kind", ..., "options.shop.kind", "must be one of"),
        ("options.msp.fees", ..., "options.msp.fees", "required, but missing"),
        ("options.msp.fees.onboarding", -1, "options.msp.fees.onboarding", "must be >= 0"),
        ("options.msp.prevention", {"only": 2}, "options.msp.prevention.only", "must be <= 1"),
        ("options.msp.fix_time_factor", 0, "options.msp.fix_time_factor", "must be > 0"),
        ("options.msp.monitoring", "yes", "options.msp.monitoring", "must be true or false"),
        ("options.msp.out_of_scope", {"share": 1.5, "rate": 100},
         "options.msp.out_of_scope.share", "must be <= 1"),
        ("options.msp.out_of_scope", {"share": 0.1}, "options.msp.out_of_scope.rate", "missing"),
        ("options.msp.sla", {"response_hours": 0, "credit_per_breach": 1,
                             "max_credit_share": 0.1}, "options.msp.sla.response_hours",
         "must be > 0"),
        ("options.msp.sla", {"response_hours": 4, "credit_per_breach": 1,
                             "max_credit_share": 2}, "options.msp.sla.max_credit_share",
         "must be <= 1"),
        ("options.msp.covers", [], "options.msp.fallback",
         "required: tiers only are not covered"),
        ("options.msp.covers", "some", "options.msp.covers",
         "must be `all` or a list of tiers (got 'some')"),
        ("options.msp.covers", 3, "options.msp.covers", "must be `all` or a list of tiers"),
        ("options.msp.response_hours", 2, "options.msp.response_hours", "must be a mapping"),
        ("incidents", {}, "incidents", "needs at least one tier"),
        ("incidents", {"a.b": CLOSED_FORM["incidents"]["only"]}, "incidents.a.b", "names may use"),
        ("currency", "dollars", "currency", "3-letter ISO 4217 code"),
        ("horizon.years", 0, "horizon.years", "must be >= 1"),
        ("horizon.discount_rate", -1, "horizon.discount_rate", "must be >= -0.5"),
        ("security", {"rate_per_year": {"shop": 0.1}, "loss": 5}, "security.rate_per_year",
         "must be a number"),
        ("parts", {"probability": 0.1}, "parts.cost", "required, but missing"),
        ("budget", {"seasonality": [1, 2]}, "budget.seasonality", "12 non-negative weights"),
        ("options.shop.rates.remote", float("inf"), "options.shop.rates.remote",
         "must be a finite"),
        ("options.shop.rates.remote", float("nan"), "options.shop.rates.remote",
         "must be a finite"),
        ("options.shop.rates.remote", True, "options.shop.rates.remote", "must be a number"),
        ("organisation.employees", "10", "organisation.employees", "must be a whole number"),
        ("organisation.employees", 10.5, "organisation.employees", "must be a whole number"),
        ("organisation.employees", 10**310, "organisation.employees", "must be <= 1e+06"),
        ("incidents.only.rate_per_year", 1e20, "incidents.only.rate_per_year",
         "must be <= 100000"),
        ("incidents.only.fix_hours", {"median": 1e-3, "p90": 2}, "incidents.only.fix_hours",
         "must be at most 1000 x the median"),
        ("horizon.price_escalation", 1e10, "horizon.price_escalation", "must be <= 1"),
    ],
)  # fmt: skip
def test_bad_values_name_the_field_and_the_reason(path, value, field, reason):
    error = error_for(changed(path, value))
    assert error.field == field
    assert reason in error.reason
    message = str(error)
    assert "\n" not in message
    assert message.startswith(f"test.yaml: {field}: ")


# -- the rules across fields that format 2 adds, each with its own one-line error -----------------


@pytest.mark.parametrize(
    ("data", "field", "reason"),
    [
        # A block of hours: its fields, and never a fallback (its hours are its own work's).
        (changed("options.shop.block.price_per_year", ..., BLOCK),
         "options.shop.block.price_per_year", "required, but missing"),
        (changed("options.shop.block.hours_per_year", -1, BLOCK),
         "options.shop.block.hours_per_year", "must be >= 0"),
        (changed("options.shop.block.rollover", "sometimes", BLOCK),
         "options.shop.block.rollover", "must be true or false"),
        (changed("options.shop.block.days", 3, BLOCK), "options.shop.block.days", "unknown key"),
        (changed("options.shop", {**BLOCK["options"]["shop"]}, HYBRID), "options.hybrid.fallback",
         "'shop' is block_hours; a fallback must be pay_per_incident"),
        # An in-house technician: its fields, and a pay-per-incident fallback, always.
        (changed("options.tech.fallback", ..., TECH), "options.tech.fallback",
         "required, but missing"),
        (changed("options.tech.fallback", "msp", TECH), "options.tech.fallback",
         "'msp' is managed; a fallback must be pay_per_incident"),
        (changed("options.tech.hours_per_year", 9000, TECH), "options.tech.hours_per_year",
         "must be <= 8760"),
        (changed("options.tech.salary_per_year", -1, TECH), "options.tech.salary_per_year",
         "must be >= 0"),
        (changed("options.tech.covers", ["huge"], TECH), "options.tech.covers",
         "'huge' is not a tier"),
        (changed("options.tech.fees", {"per_user_monthly": 1}, TECH), "options.tech.fees",
         "unknown key"),
        # A name that is not a tier, wherever a tier is named.
        (changed("options.hybrid.covers", ["only", "huge"], HYBRID), "options.hybrid.covers",
         "'huge' is not a tier (tiers: only, other)"),
        (changed("options.msp.prevention", {"huge": 0.2}), "options.msp.prevention.huge",
         "'huge' is not a tier (tiers: only)"),
        (changed("options.shop.response_hours", {"default": 3, "huge": 1}),
         "options.shop.response_hours.huge", "'huge' is not a tier"),
        (changed("options.shop.emergency", {"tiers": ["huge"]}), "options.shop.emergency.tiers",
         "'huge' is not a tier"),
        (changed("options.msp.emergency", {"tiers": ["huge"]}), "options.msp.emergency.tiers",
         "'huge' is not a tier"),
        # Prevention only of what the option covers.
        (changed("options.hybrid.prevention", {"other": 0.2}, HYBRID),
         "options.hybrid.prevention.other", "prevents only tiers the option covers"),
        # Response times: `default`, or one for every tier.
        (changed("options.shop.response_hours", {"only": 3}, HYBRID),
         "options.shop.response_hours", "needs `default` or a time for every tier it handles "
         "(missing: other)"),
        (changed("options.shop.response_hours", {}), "options.shop.response_hours",
         "missing: only"),
        # The fallback: required when covers is partial, an option, and pay per incident.
        (changed("options.hybrid.fallback", ..., HYBRID), "options.hybrid.fallback",
         "required: tiers other are not covered"),
        (changed("options.hybrid.covers", "all", HYBRID), "options.hybrid.fallback",
         "is never used: the option covers every tier"),
        (changed("options.hybrid.fallback", "nobody", HYBRID), "options.hybrid.fallback",
         "'nobody' is not an option (options: shop, msp, hybrid)"),
        (changed("options.hybrid.fallback", "msp", HYBRID), "options.hybrid.fallback",
         "'msp' is managed; a fallback must be pay_per_incident"),
        (changed("options.hybrid.fallback", "hybrid", HYBRID), "options.hybrid.fallback",
         "a fallback must be pay_per_incident"),
        (changed("options.msp.covers", ["only", "only"]), "options.msp.covers",
         "lists only more than once"),
        # Calendars: open before close, one to seven days.
        (changed("organisation.operating_hours", {"days": 5, "open": 18, "close": 8}),
         "organisation.operating_hours.close", "must be later than open (8 <= 18)"),
        (changed("organisation.operating_hours", {"days": 5, "open": 9, "close": 9}),
         "organisation.operating_hours.close", "must be later than open"),
        (changed("options.shop.service_hours", {"days": 0, "open": 8, "close": 18}),
         "options.shop.service_hours.days", "must be >= 1"),
        (changed("options.msp.service_hours", {"days": 8, "open": 8, "close": 18}),
         "options.msp.service_hours.days", "must be <= 7"),
        (changed("options.msp.service_hours", {"days": 5, "open": 8, "close": 25}),
         "options.msp.service_hours.close", "must be <= 24"),
        (changed("options.msp.service_hours", {"days": 5, "open": -1, "close": 8}),
         "options.msp.service_hours.open", "must be >= 0"),
        # Exactly one of the two revenue fields, and of the two rate fields.
        (changed("organisation.annual_revenue", 1_000_000), "organisation.annual_revenue",
         "give exactly one of annual_revenue and revenue_per_hour (both given)"),
        (changed("organisation.revenue_per_hour", ...), "organisation.annual_revenue",
         "(neither given)"),
        (changed("incidents.only.rate_per_user_per_year", 0.5), "incidents.only.rate_per_year",
         "give exactly one of rate_per_year and rate_per_user_per_year (both given)"),
        (changed("incidents.only.rate_per_year", ...), "incidents.only.rate_per_year",
         "(neither given)"),
        # Two or more options, and a baseline among them.
        (changed("options", {"shop": CLOSED_FORM["options"]["shop"]}), "options",
         "needs at least two options to compare (got 1)"),
        (changed("options", {}), "options", "got 0"),
        (changed("options", [1, 2]), "options", "must be a mapping"),
        (changed("options", {**CLOSED_FORM["options"], "a.b": CLOSED_FORM["options"]["shop"]}),
         "options.a.b", "names may use"),
        (changed("baseline", "nobody"), "baseline", "'nobody' is not an option (options: shop, "
         "msp)"),
        (changed("options.savings", CLOSED_FORM["options"]["shop"]), "options.savings",
         "`savings` is reserved"),
        (changed("incidents.only", {"rate_per_user_per_year": 1000, "users_affected": 0,
                                    "fix_hours": 1},
                 changed("organisation.employees", 1000)),
         "incidents.only.rate_per_user_per_year", "gives 1,000,000 incidents a year"),
        (changed("options.hybrid.response_hours", {"default": 1, "other": 2}, HYBRID),
         "options.hybrid.response_hours", "'other' is not covered: its fallback 'shop'"),
        (changed("options.hybrid.emergency", {"tiers": ["other"]}, HYBRID),
         "options.hybrid.emergency.tiers", "'other' is not covered"),
        # Format 2 only.
        (changed("schema", "itcost.scenario/3"), "schema", "must be itcost.scenario/2"),
        (changed("schema", ...), "schema", "required, but missing"),
    ],
)  # fmt: skip
def test_rules_across_fields_name_the_field(data, field, reason):
    error = error_for(data)
    assert (error.field, error.source) == (field, "test.yaml")
    assert reason in error.reason
    assert "\n" not in str(error)


def test_a_hybrid_needs_response_times_only_for_the_tiers_it_covers():
    """Its fallback answers the others, with the fallback's own response times."""
    data = changed("options.hybrid.response_hours", {"only": 1}, HYBRID)
    scenario = load_scenario_text(text_of(data))
    assert scenario.options["hybrid"].response("only").median == 1


def test_a_format_1_file_is_refused_naming_itcost_upgrade(tmp_path):
    format_1 = {
        "name": "Old office",
        "organisation": {"employees": 10, "loaded_hourly_cost": 40, "revenue_per_hour": 200,
                         "productivity_loss": 0.5},
        "incidents": {"only": {"rate_per_year": 5, "users_affected": 0.4, "fix_hours": 2}},
        "break_fix": {"hourly_rate": 100, "response_hours": 3},
        "managed": {"per_user_monthly": 100, "response_hours": 1},
    }  # fmt: skip
    path = tmp_path / "old.yaml"
    path.write_text(text_of(format_1))
    with pytest.raises(ScenarioError) as caught:
        load_scenario_file(path)
    error = caught.value
    assert error.field == "schema" and error.source == str(path)
    assert "format-1" in error.reason and "itcost upgrade" in error.reason
    assert str(error).count("\n") == 0


def test_several_problems_report_the_first_and_count_the_rest():
    data = changed("organisation.employees", -1)
    data["options"]["shop"]["rates"]["remote"] = -5
    assert str(error_for(data)).endswith("(and 1 more problem)")


def test_missing_file_and_unknown_preset(tmp_path):
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "absent.yaml")
    with pytest.raises(ScenarioError, match=r"no such preset or file \(presets: .*server-office"):
        load_scenario("no-such-preset")


@pytest.mark.parametrize(
    ("how", "expected"),
    [("wage", 80.0), ("revenue", 60.0), ("larger", 80.0), ("wage_plus_revenue", 140.0)],
)
def test_impact_rate_combines_wages_and_revenue_as_asked(how, expected):
    # wages: 10 staff x 0.4 affected x 0.5 blocked x 40/h; revenue: 200/h x 0.3
    scenario = loaded(changed("organisation.lost_hour_value", how))
    assert scenario.wage_rate("only") == 80.0 and scenario.revenue_rate("only") == 60.0
    assert scenario.impact_rate("only") == expected


def test_annual_revenue_is_spread_over_the_operating_hours():
    data = changed("organisation.revenue_per_hour", ...)
    data["organisation"]["annual_revenue"] = 1_300_000
    data["organisation"]["operating_hours"] = {"days": 5, "open": 8, "close": 18}
    scenario = loaded(data)
    assert scenario.organisation.revenue_per_operating_hour == 1_300_000 / (52 * 50)
    assert scenario.revenue_rate("only") == pytest.approx(0.3 * 1_300_000 / 2600)


def test_per_user_rates_scale_with_staff():
    data = changed("incidents.only.rate_per_year", ...)
    data["incidents"]["only"]["rate_per_user_per_year"] = 0.75
    scenario = loaded(data)
    assert scenario.tier_rate("only") == 7.5
    assert scenario.with_overrides({"organisation.employees": 4}).tier_rate("only") == 3.0
    assert loaded(CLOSED_FORM).tier_rate("only") == 5  # per year: staff leave it alone


def test_annual_fee_counts_users_devices_servers_and_sites_with_a_minimum():
    scenario = loaded(CLOSED_FORM).with_overrides(
        {"organisation.devices": 15, "organisation.servers": 2, "organisation.sites": 3,
         "options.msp.fees": {"per_user_monthly": 100, "per_device_monthly": 5,
                              "per_server_monthly": 150, "per_site_monthly": 40,
                              "onboarding": 900}}
    )  # fmt: skip
    monthly = 100 * 10 + 5 * 15 + 150 * 2 + 40 * 3
    assert scenario.annual_fee("msp") == 12 * monthly  # onboarding is not in it
    assert scenario.annual_fee("shop") == 0
    floor = scenario.with_overrides({"options.msp.fees.minimum_monthly": 2_000})
    assert floor.annual_fee("msp") == 12 * 2_000
    assert scenario.with_overrides({"options.msp.fees.minimum_monthly": 100}).annual_fee(
        "msp"
    ) == 12 * monthly  # fmt: skip


def test_response_times_per_tier_fall_back_to_default():
    scenario = loaded(changed("options.shop.response_hours", {"default": 3, "only": {
        "median": 1, "p90": 4}}, HYBRID))  # fmt: skip
    shop = scenario.options["shop"]
    assert shop.response("only") == Spec(median=1, p90=4)
    assert shop.response("other") == Spec.model_validate(3)
    every = loaded(changed("options.shop.response_hours", {"only": 1, "other": 2}, HYBRID))
    assert every.options["shop"].response("other").median == 2  # no default needed


def test_an_explicit_baseline_and_titles():
    data = changed("baseline", "msp")
    data["options"]["msp"]["title"] = "Acme <b>MSP</b>"
    scenario = loaded(data)
    assert scenario.baseline_name == "msp" and scenario.option_names == ["shop", "msp"]
    assert scenario.options["msp"].title == "Acme <b>MSP</b>"  # text, kept as given


def test_year_factors():
    scenario = loaded(
        changed("horizon", {"years": 3, "price_escalation": 0.1, "discount_rate": 0.05})
    )
    growth = 1.1 / 1.05
    assert scenario.horizon.year_factors() == pytest.approx([1, growth, growth**2])


def test_field_descriptions_carry_units():
    pay = PayPerIncident.model_fields
    assert "hours" in pay["response_hours"].description
    assert "money per hour" in type(
        loaded(CLOSED_FORM).options["shop"].rates
    ).model_fields["remote"].description  # fmt: skip
    assert "money per month" in Managed.model_fields["fees"].annotation.model_fields[
        "per_user_monthly"
    ].description  # fmt: skip


def test_numpy_scalars_and_whole_floats_are_accepted():
    """Sweeps pass numpy values and pandas rows give 12.0 for a count: both mean what they say."""
    import numpy as np

    scenario = loaded(CLOSED_FORM).with_overrides(
        {"organisation.employees": np.int64(12), "options.shop.rates.remote": np.float32(120.5),
         "horizon.years": 2.0, "options.msp.service_hours.days": np.float64(5.0)}
    )  # fmt: skip
    assert scenario.organisation.employees == 12 and type(scenario.organisation.employees) is int
    assert scenario.options["shop"].rates.remote == 120.5 and scenario.horizon.years == 2
    assert type(scenario.options["msp"].service_hours.days) is int


def test_a_preset_with_a_hybrid_validates_its_fallback():
    """Every preset is format 2, with a baseline among its options; hybrids fall back to a
    pay-per-incident option."""
    for name in preset_names():
        scenario = load_scenario(name)
        assert len(scenario.options) >= 2 and scenario.baseline_name in scenario.options
        for option in scenario.options.values():
            if isinstance(option, Managed) and option.fallback is not None:
                assert isinstance(scenario.options[option.fallback], PayPerIncident)


def test_always_calendar_helper_is_round_the_clock():
    assert loaded(changed("organisation.operating_hours", ALWAYS)).organisation.operating_hours \
        .is_always  # fmt: skip
