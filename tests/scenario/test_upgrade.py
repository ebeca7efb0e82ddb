"""``itcost upgrade``: format-1 files (the old presets, kept in tests/data/format1) become valid
format-2 files that say what they assumed, and mean what they meant where format 2 can say it.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pytest

from analysis import simulate
from analysis._version import __version__
from analysis.errors import ScenarioError
from analysis.scenario.io import load_scenario_text, scenario_from_data
from analysis.scenario.upgrade import upgrade_file, upgrade_text
from analysis.scenario.yaml import parse_yaml

FORMAT1 = Path(__file__).resolve().parents[1] / "data" / "format1"
#: The format-1 presets as they were at 761fc85, and hybrid-office (small-office with a hybrid
#: contract, an SLA, a two-year horizon and a budget), written for these tests.
FIXTURES = sorted(path.stem for path in FORMAT1.glob("*.yaml"))
PRESETS = ["dental-clinic", "ecommerce-shop", "law-firm", "manufacturer", "small-office"]
FIGURES = json.loads((FORMAT1 / "figures.json").read_text())
#: Format 1's models as the options the upgrade names them, and its quantities by format 2's
#: names (format 1's `support` is IT spend).
OPTION_OF = {"break_fix": "break-fix", "managed": "managed", "hybrid": "hybrid"}
QUANTITY_OF = {
    "support": "it_spend",
    "incidents": "incidents",
    "downtime": "downtime",
    "downtime_hours": "downtime_hours",
    "security": "security",
    "total": "total",
}
#: Two independent estimates of one mean agree when they differ by at most this many combined
#: standard errors, sqrt(se_old^2 + se_new^2). With fixed seeds the outcome is deterministic;
#: by chance a true agreement exceeds 4 SE with probability 6e-5 per comparison (about 0.5%
#: over the ~90 comparisons here), so a failure means a real difference in meaning.
Z_TOLERANCE = 4.0
ALWAYS = {"days": 7, "open": 0, "close": 24}


def upgraded(name: str) -> str:
    return upgrade_file(FORMAT1 / f"{name}.yaml")


def old_data(name: str) -> dict:
    return parse_yaml((FORMAT1 / f"{name}.yaml").read_text())


def comments_of(text: str, path: str) -> str:
    """The comment beside dotted ``path`` in YAML ``text`` written in block style: the comment
    lines just above its key and the comment at the end of its line, as one text."""
    lines = text.splitlines()
    number, indent = 0, 0
    for key in path.split("."):
        prefix = " " * indent + key + ":"
        number = next(i for i in range(number, len(lines)) if lines[i].startswith(prefix))
        indent += 2
    above = []
    for line in reversed(lines[:number]):
        if not line.lstrip().startswith("#"):
            break
        above.insert(0, line.strip().removeprefix("#").strip())
    _, _, end = lines[number].partition(" # ")
    return " ".join([*above, end.strip()]).strip()


# -- every old file upgrades to a valid format-2 file ------------------------------------------


@pytest.mark.parametrize("name", FIXTURES)
def test_every_format1_file_upgrades_to_valid_format2(name):
    text = upgraded(name)
    scenario = load_scenario_text(text, f"{name}.yaml")
    old = old_data(name)
    assert scenario.name == old["name"]
    assert list(scenario.incidents) == list(old["incidents"])
    expected = ["break-fix", "managed", *(["hybrid"] if "hybrid" in old else [])]
    assert scenario.option_names == expected
    assert scenario.baseline_name == "break-fix"


def test_every_old_preset_is_a_fixture():
    assert set(PRESETS) <= set(FIXTURES)
    assert set(FIGURES["scenarios"]) == set(FIXTURES)


@pytest.mark.parametrize("name", FIXTURES)
def test_the_sections_come_in_the_order_of_the_design(name):
    keys = list(parse_yaml(upgraded(name)))
    order = ["schema", "name", "description", "currency", "organisation", "incidents", "parts",
             "security", "options", "baseline", "horizon", "budget"]  # fmt: skip
    assert keys[0] == "schema"
    assert keys == [key for key in order if key in keys]


def test_fields_are_carried_over_as_format1_meant_them():
    new = parse_yaml(upgraded("small-office"))
    org = new["organisation"]
    assert (org["employees"], org["devices"], org["revenue_per_hour"]) == (10, 14, 750)
    assert org["lost_hour_value"] == "wage_plus_revenue"  # format 1 added wages and revenue
    critical = new["incidents"]["critical"]
    assert critical == {
        "rate_per_year": 1.5, "dispersion": 0, "users_affected": 1, "blocking": 0.5,
        "revenue_impact": 0.25, "fix_hours": {"median": 4, "p90": 12}, "onsite_share": 1,
        "starts": "operating",
    }  # fmt: skip
    assert all(tier["blocking"] == 0.5 for tier in new["incidents"].values())
    shop = new["options"]["break-fix"]
    assert shop["kind"] == "pay_per_incident"
    assert shop["rates"] == {"remote": 150, "onsite": 150}
    assert shop["minimum_hours"] == {"remote": 1, "onsite": 1}
    assert shop["trip_fee"] == 50
    assert shop["emergency"] == {"tiers": ["critical"], "multiplier": 1.5}
    assert shop["response_hours"] == {"default": {"median": 6, "p90": 24}}
    assert shop["service_hours"] == org["operating_hours"] == {"days": 5, "open": 8, "close": 18}
    msp = new["options"]["managed"]
    assert msp["kind"] == "managed" and msp["covers"] == "all"
    assert msp["fees"] == {"per_user_monthly": 125, "per_device_monthly": 0, "onboarding": 1500}
    assert msp["prevention"] == {"critical": 0.5, "major": 0.4, "minor": 0.3}
    assert msp["fix_time_factor"] == 0.8
    assert msp["out_of_scope"] == {"share": 0.05, "rate": 150}
    assert msp["response_hours"] == {"default": {"median": 1, "p90": 4}}
    assert new["parts"] == {"probability": 0.05, "cost": {"median": 250, "p90": 900}}
    assert new["horizon"] == {"years": 1, "price_escalation": 0, "discount_rate": 0}


@pytest.mark.parametrize("name", FIXTURES)
def test_security_factors_give_back_each_models_format1_rate(name):
    new, old = parse_yaml(upgraded(name)), old_data(name)
    rates = old["security"]["rate_per_year"]
    top = new["security"]["rate_per_year"]
    assert top == max(rates.values())
    for model, option in (("break_fix", "break-fix"), ("managed", "managed")):
        factor = new["options"][option]["security_factor"]
        assert factor * top == pytest.approx(rates[model], rel=1e-11)


def test_a_hybrid_contract_becomes_a_managed_option_with_a_fallback():
    new = parse_yaml(upgraded("hybrid-office"))
    hybrid, msp = new["options"]["hybrid"], new["options"]["managed"]
    assert hybrid["kind"] == "managed"
    assert hybrid["covers"] == ["critical", "major"] and hybrid["fallback"] == "break-fix"
    assert hybrid["fees"] == {"per_user_monthly": 70, "per_device_monthly": 5, "onboarding": 800}
    assert hybrid["prevention"] == {"critical": 0.5, "major": 0.4}  # covered tiers only
    for key in ("fix_time_factor", "response_hours", "out_of_scope", "sla"):
        assert hybrid[key] == msp[key], key  # format 1 gave the hybrid the managed care
    assert msp["sla"] == {"response_hours": 2, "credit_per_breach": 50, "max_credit_share": 0.1}
    # Format 1's default hybrid rate is the break-fix rate when only some tiers are covered.
    assert hybrid["security_factor"] == 1
    # Format 2 has no default budget: format 1's (the managed annual fee) is written out.
    assert new["budget"]["annual_it_spend"] == 12 * 125 * 10
    assert new["horizon"] == {"years": 2, "price_escalation": 0.03, "discount_rate": 0.05}


@pytest.mark.parametrize(
    ("tiers", "rate", "factor"),
    [
        (["critical", "major", "minor"], None, 0.375),  # all covered: format 1's managed rate
        ([], None, 1),  # none covered: format 1's break-fix rate
        (["minor"], 0.05, 0.625),  # given: 0.05 of the higher rate 0.08
    ],
)
def test_every_hybrid_contract_upgrades(tiers, rate, factor):
    data = old_data("hybrid-office")
    data["hybrid"]["managed_tiers"] = tiers
    if rate is not None:
        data["hybrid"]["security_rate_per_year"] = rate
    new = parse_yaml(upgrade_text(json.dumps(data)))  # checked against format 2 as it is made
    hybrid = new["options"]["hybrid"]
    assert hybrid["covers"] == tiers
    # A fallback only where some tier is not covered: one that is never used is refused.
    assert hybrid.get("fallback") == (None if len(tiers) == 3 else "break-fix")
    assert hybrid.get("prevention", {}) == {
        tier: share for tier, share in data["managed"]["incident_reduction"].items()
        if tier in tiers
    }  # fmt: skip
    assert hybrid["security_factor"] == factor


def test_after_hours_without_a_premium_and_without_an_emergency_tier():
    data = old_data("small-office")
    data["break_fix"]["after_hours_share"] = 0
    new = parse_yaml(upgrade_text(json.dumps(data)))  # JSON is YAML 1.2
    assert new["options"]["break-fix"]["emergency"] == {"tiers": ["critical"], "multiplier": 1}
    for tier in data["incidents"].values():
        tier["users_affected"], tier["revenue_impact"] = 0.5, 0.0
    text = upgrade_text(json.dumps(data))
    assert "emergency" not in parse_yaml(text)["options"]["break-fix"]
    assert "no after-hours premium" in comments_of(text, "options.break-fix.service_hours")


# -- the assumptions are comments next to their fields -----------------------------------------


@pytest.mark.parametrize("name", FIXTURES)
def test_every_assumption_is_a_comment_next_to_its_field(name):
    text = upgraded(name)
    first = text.splitlines()[0]
    assert first == (
        f"# Upgraded from scenario format 1 by itcost upgrade {__version__}; review the "
        "ASSUMED lines."
    )
    data = parse_yaml(text)
    assumed = ["organisation.operating_hours"]
    for tier in data["incidents"]:
        assumed += [f"incidents.{tier}.onsite_share", f"incidents.{tier}.starts"]
    for option in data["options"]:
        assumed += [f"options.{option}.service_hours", f"options.{option}.emergency"]
    for path in assumed:
        assert comments_of(text, path).startswith("ASSUMED: "), path
    assert "clock" in comments_of(text, "organisation.operating_hours") + text.splitlines()[1]
    explained = {
        "organisation.lost_hour_value": "added lost wages and lost revenue",
        "security.rate_per_year": "higher of format 1's rates",
        "options.break-fix.trip_fee": "callout_fee",
        "options.break-fix.response_hours": "clock hours",
        "options.managed.security_factor": "managed rate",
        "baseline": "break-fix",
    }
    for tier in data["incidents"]:
        explained[f"incidents.{tier}.rate_per_year"] = "rate_per_user_per_year"
        explained[f"incidents.{tier}.blocking"] = "productivity_loss"
    for path, words in explained.items():
        assert words in comments_of(text, path), path
    assert "after hours" in comments_of(text, "options.break-fix.emergency")


@pytest.mark.parametrize("name", FIXTURES)
def test_no_line_is_longer_than_100_characters(name):
    assert max(map(len, upgraded(name).splitlines())) <= 100


# -- what is refused ---------------------------------------------------------------------------


def refusal(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        upgrade_text(text, "old.yaml")
    assert "\n" not in str(caught.value)
    return caught.value


def test_a_bad_format1_file_gives_one_line_naming_the_field():
    data = old_data("small-office")
    data["organisation"]["employees"] = -1
    error = refusal(json.dumps(data))
    assert error.field == "organisation.employees"
    assert str(error) == "old.yaml: organisation.employees: must be > 0 (got -1)"

    data = old_data("small-office")
    data["break_fix"]["hourly_rat"] = data["break_fix"].pop("hourly_rate")
    error = refusal(json.dumps(data))
    assert str(error) == "old.yaml: break_fix.hourly_rat: unknown key (did you mean 'hourly_rate'?)"

    data = old_data("small-office")
    data["managed"]["incident_reduction"]["critcal"] = 0.5
    assert refusal(json.dumps(data)).field == "managed.incident_reduction.critcal"


def test_a_format2_file_is_already_upgraded():
    error = refusal(upgraded("small-office"))
    assert error.field == "schema" and "already format 2" in error.reason
    data = parse_yaml(upgraded("small-office"))
    del data["schema"]
    assert refusal(json.dumps(data)).field == "schema"  # options: format 2 without its schema
    data["schema"] = "itcost.scenario/3"
    error = refusal(json.dumps(data))
    assert error.field == "schema" and "'itcost.scenario/3'" in error.reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [("- a\n- b\n", "a scenario must be a YAML mapping"), ("name: [\n", "YAML syntax error")],
)
def test_text_that_is_no_scenario_is_refused_in_one_line(text, reason):
    assert reason in str(refusal(text))


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ScenarioError) as caught:
        upgrade_file(tmp_path / "gone.yaml")
    assert str(caught.value) == f"{tmp_path / 'gone.yaml'}: no such file"


# -- round trip and meaning --------------------------------------------------------------------


@pytest.mark.parametrize("name", FIXTURES)
def test_an_upgraded_file_loads_and_simulates(name):
    scenario = load_scenario_text(upgraded(name))
    result = simulate(scenario, trials=2_000, seed=1)
    assert list(result.options) == scenario.option_names
    for option in scenario.option_names:
        assert result.column(option, "incidents").mean() > 0
    assert result.column("managed", "it_spend").mean() >= scenario.annual_fee("managed")


def round_the_clock(text: str) -> dict:
    """The upgraded file's data with format 1's meaning where format 2 can give it: a business
    and technicians working round the clock (format 1 counted clock hours), incidents at any
    time, and every incident a visit (as the upgrade already writes)."""
    data = copy.deepcopy(parse_yaml(text))
    data["organisation"]["operating_hours"] = dict(ALWAYS)
    for tier in data["incidents"].values():
        tier["starts"] = "any_time"
        tier["onsite_share"] = 1
    for option in data["options"].values():
        option["service_hours"] = dict(ALWAYS)
    return data


@pytest.mark.parametrize("name", FIXTURES)
def test_figures_match_format1_where_the_meaning_did_not_change(name):
    """Mean incidents, downtime hours, downtime and security per option against the format-1
    engine (figures.json) on the file as it is; IT spend and total against format 1 with
    ``after_hours_share: 0``.

    Format 1 billed a share of all incidents at the after-hours multiplier. Format 2 bills it
    only on an emergency tier's hours outside service hours, which round the clock are none:
    its billing is format 1's without the premium, so IT spend (and the total, which holds it)
    is compared with format 1's run at ``after_hours_share: 0``. After-hours billing never
    changed incidents, waits, repairs or security events in format 1, so those are compared
    with the file as it is. The office calendars the upgrade assumes are a genuine change of
    meaning (outages cost only in operating hours) and are not compared with anything.

    The new run uses another seed than format 1's 2026, so that the two means are independent
    and their combined standard error is the right yardstick.
    """
    scenario = scenario_from_data(round_the_clock(upgraded(name)))
    trials = FIGURES["trials"]
    result = simulate(scenario, trials=trials, seed=FIGURES["seed"] + 1)
    figures = FIGURES["scenarios"][name]
    compared = 0
    for model, option in OPTION_OF.items():
        if model not in figures["preset"]:
            continue
        for quantity, new_name in QUANTITY_OF.items():
            billing = quantity in ("support", "total")
            old = figures["no_after_hours" if billing else "preset"][model][quantity]
            values = result.column(option, new_name)
            new_se = values.std(ddof=1) / math.sqrt(values.size)
            combined = math.hypot(old["mean_se"], new_se)
            difference = values.mean() - old["mean"]
            if combined == 0:  # a constant in both (no security section, say)
                assert difference == pytest.approx(0, abs=1e-9), (option, quantity)
                continue
            z = difference / combined
            assert abs(z) <= Z_TOLERANCE, (
                f"{option} {new_name}: format 2 {values.mean():.6g}, format 1 {old['mean']:.6g}, "
                f"{z:+.2f} combined standard errors ({combined:.3g})"
            )
            compared += 1
    assert compared >= 2 * len(QUANTITY_OF) - 1
