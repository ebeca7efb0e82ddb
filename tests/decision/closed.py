"""A format-2 scenario whose expectations have closed forms, for the decision tests.

Everything runs round the clock (the business, both options' technicians), every duration is a
constant and nothing needs a visit, so each incident loses exactly ``response + repair`` hours,
break-fix bills ``rate * repair`` for it, and expected savings are linear in every input:

    E[savings] = lambda [r H + c (R_bf + H)] - lambda (1 - rho) c (R_ms + f H) - 12 E fee

per year, with ``c`` the tier's value of a lost hour (``Scenario.impact_rate``).
"""

from __future__ import annotations

from typing import Any

from analysis import Scenario
from analysis.scenario.io import scenario_from_data

ALWAYS = {"days": 7, "open": 0, "close": 24}

CLOSED_FORM: dict[str, Any] = {
    "schema": "itcost.scenario/2",
    "name": "Closed form",
    "organisation": {
        "employees": 10,
        "loaded_hourly_cost": 40,
        "revenue_per_hour": 200,
        "operating_hours": ALWAYS,
    },
    "incidents": {
        "only": {
            "rate_per_year": 5,
            "users_affected": 0.4,
            "blocking": 0.5,
            "revenue_impact": 0.3,
            "fix_hours": 2,
        }
    },
    "options": {
        "break-fix": {
            "kind": "pay_per_incident",
            "rates": {"remote": 100, "onsite": 100},
            "service_hours": ALWAYS,
            "response_hours": {"default": 3},
        },
        "msp": {
            "kind": "managed",
            "fees": {"per_user_monthly": 0},
            "service_hours": ALWAYS,
            "response_hours": {"default": 1},
        },
    },
}


def closed_form(changes: dict | None = None) -> Scenario:
    """The closed-form scenario with dotted-key ``changes`` applied."""
    return scenario_from_data(CLOSED_FORM).with_overrides(changes or {})


def closed_savings(s: Scenario, option: str = "msp") -> float:
    """Expected savings of ``option`` against ``break-fix`` in the closed-form scenario (and
    any variant of it that keeps every duration constant and everything remote)."""
    tier, c = s.incidents["only"], s.impact_rate("only")
    bf, ms = s.options["break-fix"], s.options[option]
    hours = tier.fix_hours.median
    rate = s.tier_rate("only")
    years = s.horizon.years
    billed = bf.rates.remote * hours + c * (bf.response("only").median + hours)
    kept = 1 - ms.prevention.get("only", 0.0)
    managed = c * (ms.response("only").median + ms.fix_time_factor * hours)
    fees = s.annual_fee(option) * years + ms.fees.onboarding
    return rate * years * (billed - kept * managed) - fees
