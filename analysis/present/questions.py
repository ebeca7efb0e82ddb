"""Questions to ask each provider, generated from what drives the answer.

A quote is only as good as the terms behind the figures the comparison assumed. For every
option this lists, with the figures of one result:

- the response time that decides it: the tier whose estimated downtime differs most between
  the option and the baseline (for the baseline, the best alternative), with the response the
  scenario assumed and by how much that tier's estimated downtime differs (response,
  prevention and repair times together, when they differ); none when no tier's does;
- for a managed quote: what is billed outside the contract (the out-of-scope share and rate,
  and what it came to), a monthly minimum that binds, the onboarding fee, an SLA's credits,
  the tiers left to a fallback, and where a quoted fee per user stands against its break-even;
- for pay per incident: the minimum billed per incident and its increments (or exact time),
  the trip fee and what the visits came to, and emergency work out of hours.

Amounts are per year, or over the horizon when it has several years, as everywhere else.

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
from analysis.engine.pricing import block_years
from analysis.engine.result import Result
from analysis.present.formatting import money
from analysis.present.narrative import DecisionSummary, decision_summary, option_title
from analysis.scenario.model import BlockHours, Calendar, InHouse, Managed, PayPerIncident, Spec


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
        response = (
            _response_question(result, tiers, option, other, currency, per) if other else None
        )
        if response is not None:
            questions.append(response)
        if isinstance(spec, Managed):
            questions += _managed_questions(result, decision, option, spec, currency, per)
        elif isinstance(spec, InHouse):
            questions.append(_in_house_question(result, option, spec, currency))
        else:
            questions += _incident_questions(result, option, spec, currency, per)
        asked[option] = questions
    return asked


def _rival(decision: DecisionSummary) -> str | None:
    """The option the baseline is weighed against: the best other one."""
    others = [option for option in decision.ranking() if option != decision.baseline]
    return others[0] if others else None


def _response_question(
    result: Result, tiers, option: str, other: str, currency: str, per: str
) -> str | None:  # fmt: skip
    """The response time of the tier whose estimated downtime differs most from ``other``'s
    (None when no tier's does, to the dollar)."""
    scenario = result.scenario
    gaps = {
        tier: float(tiers.loc[tier, (other, "downtime")] - tiers.loc[tier, (option, "downtime")])
        for tier in tiers.index
    }
    tier = max(gaps, key=lambda name: abs(gaps[name]))
    if round(abs(gaps[tier])) == 0:
        return None
    handler = scenario.handler(option, tier)
    spec = scenario.options[handler]
    clock = ("round the clock" if tier in spec.emergency_tiers
             else f"in its service hours ({_calendar(spec.service_hours)})")  # fmt: skip
    assumed = f"The comparison assumes {_spread(spec.response(tier))} {clock}"
    if handler == option and isinstance(spec, InHouse):
        ask = f"How soon could your own technician be at a {tier} incident, in their hours?"
    elif handler == option:
        ask = f"How soon will you respond to {tier} incidents, and will you put it in the contract?"
    else:
        ask = (f"Who responds to {tier} incidents under this contract, and how soon? It leaves "
               f"them to {option_title(scenario, handler)}.")  # fmt: skip
    side = "less" if gaps[tier] > 0 else "more"
    also = ""
    if scenario.prevented(option, tier) != scenario.prevented(other, tier) or (
        _fix_factor(scenario, option, tier) != _fix_factor(scenario, other, tier)
    ):
        also = " (response, prevention and repair times together)"
    return (
        f"{ask} {assumed}. Under this option {tier} incidents cost "
        f"{money(abs(gaps[tier]), currency)} {side} in estimated downtime {per} than under "
        f"{option_title(scenario, other)}{also}."
    )


def _fix_factor(scenario, option: str, tier: str) -> float:
    spec = scenario.options[scenario.handler(option, tier)]
    return spec.fix_time_factor if isinstance(spec, (Managed, InHouse)) else 1.0


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
            f"assumes it bills {extra.share:.0%} of the covered incidents it does not prevent, "
            f"at {money(extra.rate, currency)} an hour (at least {extra.minimum_hours:g} h "
            f"each): about {money(hours * extra.rate, currency)} {per}."
        )
    lines = scenario.fee_lines_monthly(option)
    if fees.minimum_monthly > lines:
        questions.append(
            f"Is the monthly minimum of {money(fees.minimum_monthly, currency)} negotiable? "
            f"The fee lines come to {money(lines, currency)} a month here, so the minimum adds "
            f"{money(fees.minimum_monthly - lines, currency)} a month."
        )
    if fees.onboarding > 0:
        questions.append(
            f"What does the onboarding fee of {money(fees.onboarding, currency)} include, and "
            "can it be waived or spread over the contract's term?"
        )
    if spec.sla is not None:
        sla = spec.sla
        counted = f"counted in its service hours, {_calendar(spec.service_hours)}"
        if spec.emergency_tiers:
            counted += f" (round the clock for {_and(spec.emergency_tiers)} incidents)"
        questions.append(
            f"Is the response within {sla.response_hours:g} h written into the contract, "
            f"{counted}, with a credit of {money(sla.credit_per_breach, currency)} a late "
            f"response (at most {sla.max_credit_share:.0%} of the year's fee)?"
        )
    if spec.covers != "all" and spec.fallback is not None:
        left = [tier for tier in scenario.incidents if not spec.covers_tier(tier)]
        questions.append(
            f"Who answers {_and(left)} incidents? The comparison leaves them to "
            f"{option_title(scenario, spec.fallback)}, billed as it bills them."
        )
    if option != decision.baseline and fees.per_user_monthly > 0:
        item = decision.comparison(option)
        base = option_title(scenario, decision.baseline)
        if item.breakeven_fee is not None:
            quoted, even = fees.per_user_monthly, item.breakeven_fee
            side = "at" if round(quoted) == round(even) else "above" if quoted > even else "below"
            questions.append(
                f"The quoted {money(quoted, currency)} per user a month is {side} the "
                f"{money(even, currency)} at which this contract and {base} cost the same in "
                "expected total: what is in the fee, and what would a lower one leave out?"
            )
        elif not item.saves:
            questions.append(
                f"Even with no fee per user this contract would cost more in expected total "
                f"than {base}: what does it do that the comparison leaves out?"
            )
    return questions


def _incident_questions(
    result: Result, option: str, spec: PayPerIncident, currency: str, per: str
) -> list[str]:
    minimum, step = spec.minimum_hours, spec.increment_hours
    rates = (f"at {money(spec.rates.remote, currency)} an hour remote and "
             f"{money(spec.rates.onsite, currency)} on site")  # fmt: skip
    if minimum.remote > 0 or minimum.onsite > 0:
        steps = f", then in steps of {step:g} h" if step else ""
        ask = (f"Is the minimum billed per incident firm ({minimum.remote:g} h remote, "
               f"{minimum.onsite:g} h on site{steps}), {rates}?")  # fmt: skip
    elif step:
        ask = f"Do you bill in steps of {step:g} h with no minimum per incident, {rates}?"
    else:
        ask = f"Do you bill the exact time worked, with no minimum per incident, {rates}?"
    questions = [ask]
    if spec.trip_fee > 0:
        visits = float(np.mean(result.quantities[option].get("visits", np.zeros(1))))
        questions.append(
            f"Is there a trip fee on every visit ({money(spec.trip_fee, currency)} here, about "
            f"{money(visits * spec.trip_fee, currency)} {per}), and can remote work replace "
            "some visits?"
        )
    if isinstance(spec, BlockHours):
        questions.append(_block_question(result, option, spec, currency))
    if spec.emergency is not None and spec.emergency.tiers:
        multiplier = spec.emergency.multiplier
        charge = "at your usual rates, with no call-out charge?"
        if multiplier > 1:
            charge = f"is {multiplier:g} x the rate for those hours the whole charge?"
        tiers = _and(spec.emergency.tiers)
        questions.append(f"Do you answer {tiers} incidents outside your hours, and {charge}")
    return questions


def _block_question(result: Result, option: str, spec: BlockHours, currency: str) -> str:
    """What happens to the hours of a block: how often they run out or go unused."""
    block = spec.block
    multiplier = spec.emergency.multiplier if spec.emergency else 1.0
    terms = (block.hours_per_year, block.price_per_year, block.rollover)
    used, available = block_years(result.quantities[option], multiplier, terms)
    short = float(np.mean(used > available))
    spare = float(np.mean(used < available))
    fate = "carry to the next year" if block.rollover else "expire at the end of each year"
    return (
        f"The comparison assumes {block.hours_per_year:g} prepaid hours a year for "
        f"{money(block.price_per_year, currency)}, unused hours that {fate}, and later hours "
        f"at {money(spec.rates.remote, currency)} an hour remote: is that the offer? The "
        f"simulated years use a median of {float(np.median(used)):,.0f} block hours; the block "
        f"runs out in {short:.0%} of them and leaves hours unused in {spare:.0%}."
    )


def _in_house_question(result: Result, option: str, spec: InHouse, currency: str) -> str:
    """What the technician's hours are assumed to be, and how often they run out."""
    scenario = result.scenario
    work = result.quantities[option]["year.tech_hours"]
    short = float(np.mean(work > spec.hours_per_year))
    fallback = scenario.options[spec.fallback]
    return (
        f"The comparison assumes {money(spec.salary_per_year, currency)} a year in salary and "
        f"overhead and {spec.hours_per_year:,.0f} hours a year for incidents, the rest of the "
        f"job being projects, upkeep and leave; hours beyond them are bought from "
        f"{option_title(scenario, spec.fallback)} at {money(fallback.rates.remote, currency)} an "
        f"hour. Are they right for the person you would hire? The simulated years need a "
        f"median of {float(np.median(work)):,.0f} hours of repairs, more than the technician "
        f"has in {short:.0%} of them."
    )


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _spread(spec: Spec) -> str:
    if spec.p90 == spec.median:
        return f"{spec.median:g} h"
    return f"a median of {spec.median:g} h (90% within {spec.p90:g} h)"


def _calendar(calendar: Calendar) -> str:
    names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    days = "every day" if calendar.days == 7 else (
        "Mon" if calendar.days == 1 else f"Mon-{names[calendar.days - 1]}")  # fmt: skip
    return f"{days} {_clock(calendar.open)}-{_clock(calendar.close)}"


def _clock(hour: float) -> str:
    hours, minutes = divmod(round(hour * 60), 60)
    return f"{hours}:{minutes:02d}"
