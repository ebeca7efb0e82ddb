"""Questions to ask each provider: generated from the figures that drive the answer."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import load_scenario, simulate
from analysis.decision.breakdowns import tier_breakdown
from analysis.present.formatting import escape, money
from analysis.present.narrative import result_breakeven_fees
from analysis.present.questions import provider_questions
from analysis.report.sections import questions_section


@pytest.fixture(scope="module")
def result():
    return simulate(load_scenario("server-office"), trials=4_000, seed=2)


@pytest.fixture(scope="module")
def asked(result):
    return provider_questions(result)


def downtime(result, option: str, tier: str) -> float:
    """Mean downtime of one tier, from the quantities: its lost hours times c_t."""
    return float(np.mean(result.quantities[option][f"lost.{tier}"])) * (
        result.scenario.impact_rate(tier)
    )


def test_the_response_question_names_the_tier_that_differs_most_and_by_how_much(result, asked):
    tiers = tier_breakdown(result)
    # The tier with the largest downtime gap against break-fix, worked out from the quantities.
    gaps = {t: downtime(result, "break-fix", t) - downtime(result, "managed", t)
            for t in result.scenario.incidents}  # fmt: skip
    tier = max(gaps, key=lambda t: abs(gaps[t]))
    assert gaps[tier] == pytest.approx(
        tiers.loc[tier, ("break-fix", "downtime")] - tiers.loc[tier, ("managed", "downtime")]
    )
    first = asked["managed"][0]
    assert first.startswith(f"How soon will you respond to {tier} incidents")
    response = result.scenario.options["managed"].response(tier)
    assert f"a median of {response.median:g} h (90% within {response.p90:g} h)" in first
    clock = ("round the clock" if tier == "critical"  # its one emergency tier
             else "in its service hours (Mon-Fri 8:30-17:00)")  # fmt: skip
    assert clock in first
    assert (f"Under this option {tier} incidents cost {money(gaps[tier], 'USD')} less in "
            "estimated downtime a year than under Local break-fix technician (response, "
            "prevention and repair times together).") in first  # fmt: skip
    # The baseline is asked against the best alternative, and costs more there.
    best = min(("managed", "hybrid"), key=lambda o: result.column(o, "total").mean())
    shop = asked["break-fix"][0]
    assert "more in estimated downtime a year than under" in shop
    assert (result.scenario.options[best].title or best) in shop


def test_a_tier_left_to_a_fallback_is_asked_of_the_contract_as_who_responds():
    """Against the all-inclusive contract, the hybrid's desks (left to break-fix) decide it."""
    scenario = load_scenario("server-office").with_overrides({"baseline": "managed"})
    asked = provider_questions(simulate(scenario, trials=4_000, seed=3), None)
    first = asked["hybrid"][0]
    assert first.startswith(
        "Who responds to minor incidents under this contract, and how soon? It leaves them to "
        "Local break-fix technician."
    )
    response = scenario.options["break-fix"].response("minor")  # the fallback's own
    assert f"a median of {response.median:g} h (90% within {response.p90:g} h)" in first
    assert "in its service hours (Mon-Fri 9:00-17:30)" in first


def test_no_response_question_when_no_tier_loses_anything():
    data = load_scenario("cloud-office").to_dict()
    for tier in data["incidents"].values():
        tier["blocking"], tier["revenue_impact"] = 0, 0
    scenario = type(load_scenario("cloud-office")).model_validate(data)
    asked = provider_questions(simulate(scenario, trials=2_000, seed=1))
    assert not any(q.startswith(("How soon", "Who responds")) for qs in asked.values() for q in qs)


def test_a_managed_quote_is_asked_what_it_bills_outside_its_fee_and_where_its_fee_stands(
    result, asked
):
    managed = " ".join(asked["managed"])
    hours = float(np.mean(result.quantities["managed"]["out_of_scope_hours"]))
    assert ("The comparison assumes it bills 5% of the covered incidents it does not prevent, "
            f"at $175 an hour (at least 0.25 h each): about {money(hours * 175, 'USD')} "
            "a year.") in managed  # fmt: skip
    assert "onboarding fee of $2,700" in managed
    fee = result_breakeven_fees(result)["managed"]
    assert f"The quoted $150 per user a month is above the {money(fee, 'USD')}" in managed
    assert "Who answers" not in managed and "monthly minimum" not in managed
    hybrid = " ".join(asked["hybrid"])
    assert "Who answers minor and requests incidents?" in hybrid
    assert "per user a month" not in hybrid  # no fee per user to weigh


def test_pay_per_incident_is_asked_about_minimums_trips_and_after_hours(result, asked):
    shop = " ".join(asked["break-fix"])
    visits = float(np.mean(result.quantities["break-fix"]["visits"]))
    assert ("Is the minimum billed per incident firm (0.5 h remote, 1 h on site, then in steps "
            "of 0.25 h), at $140 an hour remote and $150 on site?") in shop  # fmt: skip
    assert f"($50 here, about {money(visits * 50, 'USD')} a year)" in shop
    assert "Do you answer critical incidents outside your hours, and is 1.5 x the rate" in shop


def test_only_what_a_quote_has_is_asked_and_amounts_follow_the_horizon():
    scenario = load_scenario("server-office").with_overrides({
        "options.managed.out_of_scope": None, "options.managed.fees.onboarding": 0,
        "options.break-fix.trip_fee": 0, "options.break-fix.emergency": None,
        "options.break-fix.minimum_hours": {"remote": 0, "onsite": 0},
        "options.break-fix.increment_hours": 0,
        "options.managed.fees.minimum_monthly": 5000,
        "options.managed.sla": {"response_hours": 2, "credit_per_breach": 80,
                                "max_credit_share": 0.1},
        "options.managed.service_hours": {"days": 3, "open": 8, "close": 16.995},
        "horizon.years": 3,
    })  # fmt: skip
    asked = provider_questions(simulate(scenario, trials=2_000, seed=1))
    managed, shop = " ".join(asked["managed"]), " ".join(asked["break-fix"])
    assert "outside the contract" not in managed and "onboarding" not in managed
    assert ("Is the monthly minimum of $5,000 negotiable? The fee lines come to $1,935 a month "
            "here, so the minimum adds $3,065 a month.") in managed  # fmt: skip
    assert ("Is the response within 2 h written into the contract, counted in its service hours, "
            "Mon-Wed 8:00-17:00 (round the clock for critical incidents), with a credit of $80 "
            "a late response (at most 10% of the year's fee)?") in managed  # fmt: skip
    assert "Do you bill the exact time worked, with no minimum per incident" in shop
    assert "trip fee" not in shop and "outside your hours" not in shop
    assert "over 3 years than under" in " ".join(asked["hybrid"])


def test_the_report_section_shows_names_as_text(result):
    hostile = "**Bold** [link](http://e.com) <b>x</b>\n===\n- item"
    scenario = result.scenario.with_overrides({"options.managed.title": hostile})
    text = questions_section(simulate(scenario, trials=2_000, seed=1))
    one_line = " ".join(hostile.split())
    assert f"**{escape(one_line)}**" in text
    assert "[link](http://e.com)" not in text and "<b>" not in text and "\n===" not in text


@pytest.mark.parametrize(("preset", "option"), [("cloud-office", "block"),
                                                ("accounting-firm", "technician")])  # fmt: skip
def test_the_newer_kinds_are_asked_about_their_own_terms(preset, option):
    """A block: its hours, price and what becomes of unused hours, with how often the
    simulated years run out; a technician: salary, hours and the rate of the hours beyond."""
    scenario = load_scenario(preset)
    result = simulate(scenario, trials=3_000, seed=5)
    text = " ".join(provider_questions(result)[option])
    spec = scenario.options[option]
    if option == "block":
        assert f"{spec.block.hours_per_year:g} prepaid hours a year for " in text
        assert money(spec.block.price_per_year, "USD") in text and "carry to the next" in text
    else:
        assert money(spec.salary_per_year, "USD") in text
        assert f"{spec.hours_per_year:,.0f} hours a year for incidents" in text
        assert "your own technician" in text and "contract" not in text
    tiers = tier_breakdown(result, spend=True)  # each tier priced alone, for every kind
    spend = tiers.xs("it_spend", axis=1, level="quantity")
    assert (spend[option] >= 0).all() and spend[option].sum() > 0
