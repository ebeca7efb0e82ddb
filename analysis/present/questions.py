"""Questions to ask each provider, generated from what drives the answer.

A quote is only as good as the terms behind the figures the comparison assumed. For every
option this lists, with the figures of one result:

- the response time that decides it: the tier whose estimated downtime differs most between
  the option and the baseline (for the baseline, from the best alternative), with the response
  the scenario assumed and how much of the downtime difference that tier makes;
- for a managed quote: what is billed outside the contract (the out-of-scope share and rate,
  and what it came to), a monthly minimum, the onboarding fee, an SLA's credits, the tiers left
  to a fallback, and where the quoted fee stands against its break-even;
- for pay per incident: the minimum billed per incident and its increments, the trip fee and
  what the visits came to, and the after-hours multiplier.

Questions are plain text (a name in them is the user's own); the report escapes them as it
shows them.

Examples
--------
>>> from analysis import load_scenario, simulate
>>> asked = provider_questions(simulate(load_scenario("server-office"), trials=2_000, seed=1))
>>> list(asked)
['break-fix', 'managed', 'hybrid']
>>> any("outside the contract" in question for question in asked["managed"])
True
"""

from __future__ import annotations

import numpy as np

from analysis.decision.breakdowns import tier_breakdown
from analysis.engine.result import Result
from analysis.present.formatting import money
from analysis.present.narrative import DecisionSummary, decision_summary
from analysis.scenario.model import Calendar, Managed, PayPerIncident, Spec


def provider_questions(
    result: Result, decision: DecisionSummary | None = None
) -> dict[str, list[str]]:
    """Per option of ``result`` (in the scenario's order), the questions to put to it."""
    decision = decision or decision_summary(result)
    tiers = tier_breakdown(result)
    scenario, currency, per = result.scenario, decision.currency, decision.per
    asked: dict[str, list[str]] = {}
    for option in result.options:
        spec = scenario.options[option]
        other = decision.baseline if option != decision.baseline else _rival(decision)
        questions = []
        if other is not None:
            questions.append(_response_question(result, tiers, option, other, currency))
        if isinstance(spec, Managed):
            questions += _managed_questions(result, decision, option, spec, currency, per)
        else:
            questions += _incident_questions(result, option, spec, currency, per)
        asked[option] = questions
    return asked


def _rival(decision: DecisionSummary) -> str | None:
    """The option the baseline is weighed against: the best other one."""
    others = [option for option in decision.ranking() if option != decision.baseline]
    return others[0] if others else None


def _response_question(
    result: Result, tiers, option: str, other: str, currency: str
) -> str:  # fmt: skip
    """The response time of the tier whose estimated downtime differs most from ``other``'s."""
    scenario = result.scenario
    gaps = {
        tier: float(tiers.loc[tier, (other, "downtime")] - tiers.loc[tier, (option, "downtime")])
        for tier in tiers.index
    }
    tier = max(gaps, key=lambda name: abs(gaps[name]))
    handler = scenario.handler(option, tier)
    spec = scenario.options[handler]
    response = spec.response(tier)
    clock = ("round the clock" if tier in spec.emergency_tiers
             else f"in its service hours ({_calendar(spec.service_hours)})")  # fmt: skip
    total = sum(gaps.values())
    share = f", {abs(gaps[tier]) / abs(total):.0%} of the difference" if total else ""
    who = "" if handler == option else f" (handled by {_title(scenario, handler)})"
    return (
        f"How soon will you respond to {tier} incidents{who}, and will you put it in the "
        f"contract? The comparison assumes {_spread(response)} {clock}; against "
        f"{_title(scenario, other)}, {tier} incidents make "
        f"{money(abs(gaps[tier]), currency)} of estimated downtime{share}."
    )


def _managed_questions(
    result: Result, decision: DecisionSummary, option: str, spec: Managed, currency: str,
    per: str,
) -> list[str]:  # fmt: skip
    questions = []
    scenario, fees = result.scenario, spec.fees
    extra = spec.out_of_scope
    if extra is not None and extra.share > 0:
        hours = float(np.mean(result.quantities[option]["out_of_scope_hours"]))
        questions.append(
            f"Which work is billed outside the contract, and at what rate? The comparison "
            f"assumes {extra.share:.0%} of the covered work at {money(extra.rate, currency)} an "
            f"hour (at least {extra.minimum_hours:g} h each time): about "
            f"{money(hours * extra.rate, currency)} {per}."
        )
    if fees.minimum_monthly > 0:
        questions.append(
            f"Is the monthly minimum of {money(fees.minimum_monthly, currency)} negotiable? "
            f"The fee is {money(scenario.annual_fee(option) / 12, currency)} a month here."
        )
    if fees.onboarding > 0:
        questions.append(
            f"What does the onboarding fee of {money(fees.onboarding, currency)} include, and "
            "can it be waived or spread over the contract's term?"
        )
    if spec.sla is not None:
        sla = spec.sla
        questions.append(
            f"Is the response within {sla.response_hours:g} business hours written into the "
            f"contract, with a credit of {money(sla.credit_per_breach, currency)} a late "
            f"response (at most {sla.max_credit_share:.0%} of the fee)?"
        )
    if spec.covers != "all" and spec.fallback is not None:
        left = [tier for tier in scenario.incidents if not spec.covers_tier(tier)]
        questions.append(
            f"Who answers {_and(left)} incidents? The comparison leaves them to "
            f"{_title(scenario, spec.fallback)}, billed as it bills them."
        )
    if option != decision.baseline:
        item = decision.comparison(option)
        if item.breakeven_fee is not None and fees.per_user_monthly > 0:
            side = "above" if fees.per_user_monthly > item.breakeven_fee else "below"
            questions.append(
                f"The quoted {money(fees.per_user_monthly, currency)} per user a month is "
                f"{side} the {money(item.breakeven_fee, currency)} at which this contract and "
                f"{_title(scenario, decision.baseline)} cost the same in expected total: "
                "what is in the fee, and what would a lower one leave out?"
            )
    return questions


def _incident_questions(
    result: Result, option: str, spec: PayPerIncident, currency: str, per: str
) -> list[str]:
    minimum = spec.minimum_hours
    steps = (f", then in steps of {spec.increment_hours:g} h" if spec.increment_hours
             else "")  # fmt: skip
    questions = [
        f"Is the minimum billed per incident firm ({minimum.remote:g} h remote, "
        f"{minimum.onsite:g} h on site{steps}), at {money(spec.rates.remote, currency)} and "
        f"{money(spec.rates.onsite, currency)} an hour?"
    ]
    if spec.trip_fee > 0:
        visits = float(np.mean(result.quantities[option].get("visits", np.zeros(1))))
        questions.append(
            f"Is there a trip fee on every visit ({money(spec.trip_fee, currency)} here, about "
            f"{money(visits * spec.trip_fee, currency)} {per}), and can remote work replace "
            "some visits?"
        )
    if spec.emergency is not None and spec.emergency.tiers:
        questions.append(
            f"Do you answer {_and(spec.emergency.tiers)} incidents outside your hours, and "
            f"is {spec.emergency.multiplier:g} x the rate for those hours the whole charge?"
        )
    return questions


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _title(scenario, option: str) -> str:
    return scenario.options[option].title or option


def _spread(spec: Spec) -> str:
    if spec.p90 == spec.median:
        return f"{spec.median:g} h"
    return f"a median of {spec.median:g} h (90% within {spec.p90:g} h)"


def _calendar(calendar: Calendar) -> str:
    days = {5: "Mon-Fri", 6: "Mon-Sat", 7: "every day"}.get(calendar.days, f"{calendar.days} days")
    return f"{days} {_clock(calendar.open)}-{_clock(calendar.close)}"


def _clock(hour: float) -> str:
    whole, minutes = int(hour), round((hour - int(hour)) * 60)
    return f"{whole}:{minutes:02d}"
