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


def test_every_option_is_asked_about_the_response_of_the_tier_that_decides_it(result, asked):
    tiers = tier_breakdown(result)
    for option, rival in (("managed", "break-fix"), ("hybrid", "break-fix")):
        gaps = {t: tiers.loc[t, (rival, "downtime")] - tiers.loc[t, (option, "downtime")]
                for t in tiers.index}  # fmt: skip
        tier = max(gaps, key=lambda t: abs(gaps[t]))
        first = asked[option][0]
        assert first.startswith(f"How soon will you respond to {tier} incidents")
        assert money(abs(gaps[tier]), "USD") in first
        spec = result.scenario.options[option].response(tier)
        assert f"a median of {spec.median:g} h (90% within {spec.p90:g} h)" in first
    # The baseline is weighed against the best alternative.
    best = min(("managed", "hybrid"), key=lambda o: result.column(o, "total").mean())
    assert (result.scenario.options[best].title or best) in asked["break-fix"][0]


def test_a_managed_quote_is_asked_what_it_bills_outside_its_fee_and_where_its_fee_stands(
    result, asked
):
    managed = " ".join(asked["managed"])
    hours = float(np.mean(result.quantities["managed"]["out_of_scope_hours"]))
    assert "5% of the covered work at $175 an hour" in managed
    assert f"about {money(hours * 175, 'USD')} a year" in managed
    assert "onboarding fee of $2,700" in managed
    fee = result_breakeven_fees(result)["managed"]
    assert f"The quoted $150 per user a month is above the {money(fee, 'USD')}" in managed
    assert "Who answers" not in managed  # it covers every tier
    hybrid = " ".join(asked["hybrid"])
    assert "Who answers minor and requests incidents?" in hybrid
    assert "per user a month" not in hybrid  # no fee per user to weigh


def test_pay_per_incident_is_asked_about_minimums_trips_and_after_hours(result, asked):
    shop = " ".join(asked["break-fix"])
    visits = float(np.mean(result.quantities["break-fix"]["visits"]))
    assert "(0.5 h remote, 1 h on site, then in steps of 0.25 h)" in shop
    assert f"($50 here, about {money(visits * 50, 'USD')} a year)" in shop
    assert "Do you answer critical incidents outside your hours" in shop and "1.5 x" in shop


def test_only_what_a_quote_has_is_asked():
    scenario = load_scenario("server-office").with_overrides({
        "options.managed.out_of_scope": None, "options.managed.fees.onboarding": 0,
        "options.break-fix.trip_fee": 0, "options.break-fix.emergency": None,
        "options.managed.fees.minimum_monthly": 5000,
        "options.managed.sla": {"response_hours": 2, "credit_per_breach": 80,
                                "max_credit_share": 0.1},
    })  # fmt: skip
    asked = provider_questions(simulate(scenario, trials=2_000, seed=1))
    managed, shop = " ".join(asked["managed"]), " ".join(asked["break-fix"])
    assert "outside the contract" not in managed and "onboarding" not in managed
    assert "monthly minimum of $5,000" in managed and "credit of $80" in managed
    assert "trip fee" not in shop and "outside your hours" not in shop


def test_the_report_section_shows_names_as_text(result):
    hostile = "**Bold** [link](http://e.com) <b>x</b>"
    scenario = result.scenario.with_overrides({"options.managed.title": hostile})
    text = questions_section(simulate(scenario, trials=2_000, seed=1))
    assert f"**{escape(hostile)}**" in text
    assert "[link](http://e.com)" not in text and "<b>" not in text
