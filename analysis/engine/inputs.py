"""The scenario reduced to plain numbers, in two parts: what happens, and what it costs.

:class:`EngineParameters` holds everything that decides *what happens* (incident counts,
durations, calendars, shares, prevention, which option handles which tier). :class:`Prices`
holds everything that only *prices* what happened (rates, fees, wages, revenue, trip fees,
credits). The engine simulates quantities from the first and prices them with the second, so
two scenarios with equal EngineParameters can share one simulation (``Result.reprice``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from analysis.scenario.model import (
    COVERING,
    BlockHours,
    Calendar,
    InHouse,
    Managed,
    PayPerIncident,
    Scenario,
    Spec,
)

#: ``(mu, sigma, median)`` of a lognormal ``exp(mu + sigma * Z)``; a constant has sigma 0 and
#: is used as its median exactly.
LogNormal = tuple[float, float, float]
#: ``(days, open, close)`` of a weekly calendar.
Hours = tuple[int, float, float]
ALWAYS: Hours = (7, 0.0, 24.0)
_UNIT: LogNormal = (0.0, 0.0, 1.0)


def _lognormal(spec: Spec) -> LogNormal:
    return (spec.mu, spec.sigma, spec.median)


def _hours(calendar: Calendar) -> Hours:
    return (calendar.days, float(calendar.open), float(calendar.close))


@dataclass(frozen=True)
class Handling:
    """How one option's technicians handle one tier: everything but the prices.

    ``kind`` is ``"pay_per_incident"`` (billed per incident), ``"managed"`` (in the fee) or
    ``"in_house"`` (the business's own technician, whose hours are counted).
    """

    kind: str
    work_hours: Hours  # when the work happens: 24/7 for emergency tiers, else service hours
    service_hours: Hours  # the option's service hours, for the after-hours share of the bill
    emergency: bool
    response: LogNormal
    fix_time_factor: float
    monitoring: bool
    minimum_hours: tuple[float, float]  # (remote, onsite), pay per incident
    increment_hours: float
    out_of_scope_share: float  # managed
    out_of_scope_minimum: float
    sla_hours: float  # a response later than this is a breach; inf without an SLA

    @property
    def after_hours(self) -> bool:
        """Its bill splits emergency work by service hours: it needs the work's moments."""
        return self.kind == "pay_per_incident" and self.emergency and self.service_hours != ALWAYS

    @property
    def has_sla(self) -> bool:
        return self.sla_hours != float("inf")


@dataclass(frozen=True)
class TierParameters:
    name: str
    rate: float  # expected incidents per year
    dispersion: float  # negative-binomial k; 0 for Poisson
    fix: LogNormal  # repair hours
    onsite_share: float
    any_time: bool  # starts at any hour of the week, not only in operating hours
    #: Stops someone's work or loses revenue while it lasts. A tier that does neither (service
    #: requests) loses no operating hours, so its calendars are never worked out.
    outage: bool
    #: per option, in the scenario's order: (share prevented, key of its Handling)
    options: tuple[tuple[float, str], ...]
    #: per option (empty: none has one): an in-house technician's handover of this tier,
    #: ``(key of the fallback's Handling, the technician's service hours)``: incidents noticed
    #: outside those hours are the fallback's emergencies; else None.
    handover: tuple[tuple[str, Hours] | None, ...] = ()

    @property
    def handling_keys(self) -> list[str]:
        """The keys of the tier's handlings, each once, sorted."""
        handed = {given[0] for given in self.handover if given is not None}
        return sorted({key for _, key in self.options} | handed)


@dataclass(frozen=True)
class EngineParameters:
    """What happens: equal parameters give equal quantities for a seed."""

    options: tuple[str, ...]
    tiers: tuple[TierParameters, ...]
    handlings: tuple[tuple[str, Handling], ...]  # by key "<option>/<tier>"
    operating_hours: Hours
    year_factors: tuple[float, ...]  # g_y for y = 1..years
    parts_probability: float
    parts_cost: LogNormal
    security_rate: float  # events per year at the highest security factor
    security_keep: tuple[float, ...]  # per option: factor / highest factor
    security_loss: LogNormal
    month_cdf: tuple[float, ...]  # cumulative share of incidents by month (12 values, last 1)
    #: Options whose billable hours are also kept year by year, unweighted (a block of hours
    #: is used up within each year).
    yearly_hours: tuple[str, ...] = ()
    #: In-house options: their technician's repair hours are kept year by year, unweighted.
    tech_hours: tuple[str, ...] = ()

    @property
    def handling(self) -> dict[str, Handling]:
        return dict(self.handlings)

    def has_sla(self, option: str) -> bool:
        """Whether ``option``'s contract has an SLA (its late responses earn credits)."""
        index = self.options.index(option)
        handlings = self.handling
        return any(
            handlings[tier.options[index][1]].sla_hours != float("inf") for tier in self.tiers
        )

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> EngineParameters:
        options = tuple(scenario.option_names)
        handlings: dict[str, Handling] = {}
        tiers = []
        # In name order: tier order in the file changes neither the hash nor the bits.
        for name, tier in sorted(scenario.incidents.items()):
            per_option, handover = [], []
            for option in options:
                handler = scenario.handler(option, name)
                key = f"{handler}/{name}"
                handlings.setdefault(key, _handling(scenario.options[handler], name))
                per_option.append((scenario.prevented(option, name), key))
                given = _handover(scenario, handler, name)
                if given is not None:
                    tech = scenario.options[handler]
                    # The fallback is called when the technician's tools see the incident:
                    # with their monitoring, not the fallback's own.
                    shop = _handling(scenario.options[tech.fallback], name)
                    if shop.monitoring != tech.monitoring:
                        shop = dataclasses.replace(shop, monitoring=tech.monitoring)
                        given = (f"{given[0]}+alerted", given[1])
                    handlings.setdefault(given[0], shop)
                handover.append(given)
            tiers.append(
                TierParameters(
                    name=name,
                    rate=scenario.tier_rate(name),
                    dispersion=tier.dispersion,
                    fix=_lognormal(tier.fix_hours),
                    onsite_share=tier.onsite_share,
                    any_time=tier.starts == "any_time",
                    outage=tier.users_affected * tier.blocking > 0 or tier.revenue_impact > 0,
                    options=tuple(per_option),
                    handover=tuple(handover) if any(handover) else (),
                )
            )
        parts, security = scenario.parts, scenario.security
        factors = [scenario.options[o].security_factor for o in options]
        top = max(factors)
        weights = scenario.budget.seasonality if scenario.budget else None
        weights = weights or [1.0] * 12
        cumulative = [sum(weights[: month + 1]) / sum(weights) for month in range(12)]
        cumulative[-1] = 1.0  # exactly: a uniform draw below 1 always finds its month
        return cls(
            options=options,
            tiers=tuple(tiers),
            handlings=tuple(sorted(handlings.items())),
            operating_hours=_hours(scenario.organisation.operating_hours),
            year_factors=tuple(scenario.horizon.year_factors()),
            parts_probability=parts.probability if parts else 0.0,
            parts_cost=_lognormal(parts.cost) if parts else _UNIT,
            security_rate=security.rate_per_year * top if security and top > 0 else 0.0,
            security_keep=tuple(f / top if top > 0 else 0.0 for f in factors),
            security_loss=_lognormal(security.loss) if security else _UNIT,
            month_cdf=tuple(cumulative),
            yearly_hours=tuple(o for o in options if isinstance(scenario.options[o], BlockHours)),
            tech_hours=tuple(o for o in options if isinstance(scenario.options[o], InHouse)),
        )


def _handover(scenario: Scenario, handler: str, tier: str) -> tuple[str, Hours] | None:
    """An in-house technician's handover of ``tier``: when the technician is not on call for
    it (not in their ``emergency`` tiers) and the fallback answers it round the clock (in its
    emergency tiers), incidents noticed outside the technician's service hours go to the
    fallback. ``(the fallback's handling key, the technician's service hours)``, or None."""
    spec = scenario.options[handler]
    if not isinstance(spec, InHouse) or tier in spec.emergency_tiers:
        return None
    fallback = scenario.options[spec.fallback]
    if tier not in fallback.emergency_tiers:
        return None
    return f"{spec.fallback}/{tier}", _hours(spec.service_hours)


def _handling(option: PayPerIncident | Managed | InHouse, tier: str) -> Handling:
    emergency = tier in option.emergency_tiers
    service = _hours(option.service_hours)
    if isinstance(option, PayPerIncident):
        return Handling(
            kind="pay_per_incident",
            work_hours=ALWAYS if emergency else service,
            service_hours=service,
            emergency=emergency,
            response=_lognormal(option.response(tier)),
            fix_time_factor=1.0,
            monitoring=False,
            minimum_hours=(option.minimum_hours.remote, option.minimum_hours.onsite),
            increment_hours=option.increment_hours,
            out_of_scope_share=0.0,
            out_of_scope_minimum=0.0,
            sla_hours=float("inf"),
        )
    # A managed contract, or an in-house technician (on site in their hours; no bill, their
    # hours counted), with no out-of-scope work or SLA.
    scope = option.out_of_scope if isinstance(option, Managed) else None
    sla = option.sla if isinstance(option, Managed) else None
    return Handling(
        kind="in_house" if isinstance(option, InHouse) else "managed",
        work_hours=ALWAYS if emergency else service,
        service_hours=service,
        emergency=emergency,
        response=_lognormal(option.response(tier)),
        fix_time_factor=option.fix_time_factor,
        monitoring=option.monitoring,
        minimum_hours=(0.0, 0.0),
        increment_hours=0.0,
        out_of_scope_share=scope.share if scope else 0.0,
        out_of_scope_minimum=scope.minimum_hours if scope else 0.0,
        sla_hours=sla.response_hours if sla else float("inf"),
    )


@dataclass(frozen=True)
class OptionPrices:
    """The prices of one option's quantities."""

    rates: tuple[float, float]  # (remote, onsite) per billable hour, of the option or fallback
    after_hours_multiplier: float  # of the option or its fallback
    trip_fee: float
    out_of_scope_rate: float
    fees_present_value: float  # sum over years of g_y * (annual fee + onboarding in year 1)
    annual_fee: float  # without onboarding, for the SLA cap and budgets
    onboarding: float
    sla_credit: float  # money per breach
    sla_cap: float  # the yearly cap on credits
    #: A block of hours: (hours a year, price a year, rollover); None for other kinds.
    block: tuple[float, float, bool] | None = None
    #: An in-house technician's hours a year for incidents (beyond them, the fallback's remote
    #: rate); None for other kinds.
    capacity: float | None = None


@dataclass(frozen=True)
class Prices:
    """What things cost: change only these, and the same quantities are priced again."""

    options: tuple[OptionPrices, ...]
    impact_rates: tuple[tuple[str, float], ...]  # c_t per tier, money per lost operating hour

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> Prices:
        factors = scenario.horizon.year_factors()
        priced = []
        for name in scenario.option_names:
            option = scenario.options[name]
            card = option
            if isinstance(option, COVERING) and option.fallback is not None:
                card = scenario.options[option.fallback]
            fee = scenario.annual_fee(name)
            onboarding = option.fees.onboarding if isinstance(option, Managed) else 0.0
            sla = option.sla if isinstance(option, Managed) else None
            scope = option.out_of_scope if isinstance(option, Managed) else None
            emergency = card.emergency if isinstance(card, PayPerIncident) else None
            block = option.block if isinstance(option, BlockHours) else None
            # A plain Python sum in year order: the same bits on every machine (no BLAS).
            present = sum(g * fee for g in factors) + factors[0] * onboarding
            priced.append(
                OptionPrices(
                    rates=(card.rates.remote, card.rates.onsite)
                    if isinstance(card, PayPerIncident)
                    else (0.0, 0.0),
                    after_hours_multiplier=emergency.multiplier if emergency else 1.0,
                    trip_fee=card.trip_fee if isinstance(card, PayPerIncident) else 0.0,
                    out_of_scope_rate=scope.rate if scope else 0.0,
                    fees_present_value=present,
                    annual_fee=fee,
                    onboarding=onboarding,
                    sla_credit=sla.credit_per_breach if sla else 0.0,
                    sla_cap=sla.max_credit_share * fee if sla else 0.0,
                    block=(block.hours_per_year, block.price_per_year, block.rollover)
                    if block
                    else None,
                    capacity=option.hours_per_year if isinstance(option, InHouse) else None,
                )
            )
        return cls(
            options=tuple(priced),
            impact_rates=tuple(
                (tier, scenario.impact_rate(tier)) for tier in sorted(scenario.incidents)
            ),
        )
