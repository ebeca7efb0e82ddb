"""Quantities to money: the second step of the engine, and all of repricing.

The core sums, per trial and option, the quantities below; every money amount of a result is a
linear map of them with the scenario's prices as coefficients (SLA credits add a yearly cap, a
``min`` per trial-year). So a change of prices only (rates, fees, wages, revenue, trip fees,
credits) is priced again exactly, without simulating again.

Per option (money-bearing quantities already carry the year's factor g_y):

======================  ====================================================================
``hours_remote``         billable remote hours in service hours (of the option or fallback)
``hours_remote_after``   billable remote hours of emergency work outside service hours
``hours_onsite``         billable on-site hours in service hours
``hours_onsite_after``   billable on-site hours outside service hours
``visits``               on-site visits, each with a trip fee
``out_of_scope_hours``   covered work billed outside a managed contract
``parts``                hardware replaced (money)
``security``             security losses kept (money)
``lost.<tier>``          operating hours lost to the tier's outages
``sla_breaches``         late covered responses, per trial and year (not weighted)
``year.hours_*``         a block-hours option's four billable-hour classes, per trial and
                         year (not weighted): what each year's block is used against
``year.tech_hours``      an in-house technician's repair hours, per trial and year (not
                         weighted): beyond its yearly hours, bought from the fallback
``incidents``            incidents not prevented (not weighted)
``downtime_hours``       operating hours lost, all tiers (not weighted)
======================  ====================================================================

A block of hours, or an in-house technician's yearly hours, makes IT spend nonlinear in the
hours, but it is priced from these quantities all the same (:func:`block_labour`,
:func:`tech_overflow`), so a change of a block's size, price or rollover, of a technician's
hours or salary, or of the rates, is repriced without a new simulation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from analysis.engine.inputs import Prices

if TYPE_CHECKING:
    from analysis.engine.inputs import EngineParameters
    from analysis.scenario.model import Scenario

#: The quantities every option has, before the per-tier lost hours.
BASE_QUANTITIES = (
    "hours_remote",
    "hours_remote_after",
    "hours_onsite",
    "hours_onsite_after",
    "visits",
    "out_of_scope_hours",
    "parts",
    "security",
    "incidents",
    "downtime_hours",
)
#: The billable-hour classes, as summed per trial (and per trial and year for a block).
HOUR_CLASSES = ("hours_remote", "hours_remote_after", "hours_onsite", "hours_onsite_after")
#: Per-trial-and-year quantities, ``(trials, years)`` arrays.
YEARLY = ("sla_breaches", *(f"year.{name}" for name in (*HOUR_CLASSES, "tech_hours")))


def yearly_sources(params: EngineParameters, option: str) -> tuple[str, ...]:
    """The per-incident sums ``option`` also keeps year by year (as ``year.<name>``)."""
    if option in params.yearly_hours:
        return HOUR_CLASSES
    if option in params.tech_hours:
        return ("tech_hours",)
    return ()


#: The money columns of every option, in the order of ``Result.trials``.
MONEY = ("it_spend", "downtime", "security", "total")


class Quantities(dict):
    """``{option: {quantity: per-trial array}}``, as :mod:`analysis.engine.core` sums them."""


def quantity_names(params: EngineParameters, option: str) -> tuple[str, ...]:
    """The quantities of ``option``: the base ones, lost hours per tier, ``sla_breaches``
    when its contract has an SLA, and the yearly billable hours of a block of hours."""
    breaches = ("sla_breaches",) if params.has_sla(option) else ()
    yearly = tuple(f"year.{name}" for name in yearly_sources(params, option))
    return (*BASE_QUANTITIES, *(f"lost.{tier.name}" for tier in params.tiers), *breaches,
            *yearly)  # fmt: skip


def block_used(hours: dict[str, np.ndarray], multiplier: float) -> np.ndarray:
    """Block hours that billable ``hours`` (the four :data:`HOUR_CLASSES`) use: an
    after-hours hour uses ``multiplier``."""
    remote, remote_after, onsite, onsite_after = (hours[name] for name in HOUR_CLASSES)
    return remote + onsite + multiplier * (remote_after + onsite_after)


def block_years(
    q: dict[str, np.ndarray], multiplier: float, block: tuple[float, float, bool]
) -> tuple[np.ndarray, np.ndarray]:
    """A block option's block hours used and offered (its own and those carried in), per
    trial and year ``(trials, years)``, from its yearly quantities."""
    yearly = {name: q[f"year.{name}"] for name in HOUR_CLASSES}
    used = block_used(yearly, multiplier)
    offered = np.empty_like(used)
    carry = np.zeros(used.shape[0])
    for year in range(used.shape[1]):
        offered[:, year] = block[0] + carry
        _, carry = block_share({n: v[:, year] for n, v in yearly.items()}, multiplier, block, carry)
    return used, offered


def block_share(
    hours: dict[str, np.ndarray],
    multiplier: float,
    block: tuple[float, float, bool],
    carry: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """One year of a block of hours, per trial: the share of the year's labour billed beyond
    the block, and the unused hours carried to the next year.

    The year's billable ``hours`` (the four :data:`HOUR_CLASSES`, unweighted) use ``used =
    remote + onsite + m (remote_after + onsite_after)`` block hours: an after-hours hour uses
    m, the after-hours multiplier. The block offers ``available = hours_per_year + carry``
    (``carry`` is the last year's unused hours with rollover, else 0). The hours beyond it,
    ``over = max(used - available, 0)``, are billed at the option's rates in the mix of the
    year's work: the share ``over / used`` of the year's labour.
    """
    size, _, rollover = block
    used = block_used(hours, multiplier)
    available = size + carry
    over = np.maximum(used - available, 0.0)
    share = np.divide(over, used, out=np.zeros_like(over), where=over > 0)
    left = np.maximum(available - used, 0.0) if rollover else np.zeros_like(over)
    return share, left


def tech_share(hours: dict[str, np.ndarray], capacity: float) -> tuple[np.ndarray, np.ndarray]:
    """One year of an in-house technician, per trial: the share of their repair hours bought
    from the fallback, ``max(W - capacity, 0) / W`` for the year's hours W, and the hours
    bought."""
    work = hours["tech_hours"]
    over = np.maximum(work - capacity, 0.0)
    return np.divide(over, work, out=np.zeros_like(over), where=over > 0), over


def tech_overflow(
    q: dict[str, np.ndarray], rate: float, capacity: float, year_factors: tuple[float, ...]
) -> np.ndarray:
    """An in-house option's hours beyond its technician's, bought from the fallback at its
    remote ``rate``: ``sum_y g_y rate max(W_y - capacity, 0)``."""
    work = q["year.tech_hours"]
    bought = np.zeros(work.shape[0])
    for year, g in enumerate(year_factors):
        bought += g * (rate * np.maximum(work[:, year] - capacity, 0.0))
    return bought


def block_labour(
    q: dict[str, np.ndarray],
    rates: tuple[float, float],
    multiplier: float,
    block: tuple[float, float, bool],
    year_factors: tuple[float, ...],
) -> np.ndarray:
    """A block option's labour bill per trial beyond its block: ``sum_y g_y value_y share_y``,
    with ``value_y = rate_remote (remote + m remote_after) + rate_onsite (onsite + m
    onsite_after)`` the year's labour at the option's rates and ``share_y`` from
    :func:`block_share`. The block's price is a fee (in ``fees_present_value``)."""
    remote_rate, onsite_rate = rates
    yearly = {name: q[f"year.{name}"] for name in HOUR_CLASSES}
    trials = yearly["hours_remote"].shape[0]
    labour = np.zeros(trials)
    carry = np.zeros(trials)
    for year, g in enumerate(year_factors):
        hours = {name: values[:, year] for name, values in yearly.items()}
        share, carry = block_share(hours, multiplier, block, carry)
        value = remote_rate * (hours["hours_remote"] + multiplier * hours["hours_remote_after"])
        value += onsite_rate * (hours["hours_onsite"] + multiplier * hours["hours_onsite_after"])
        labour += g * (value * share)
    return labour


def price(
    scenario: Scenario, params: EngineParameters, quantities: Quantities
) -> dict[str, np.ndarray]:
    """Money per trial: ``<option>.<it_spend|downtime|security|total>``.

    ``it_spend = rate_remote (remote + m remote_after) + rate_onsite (onsite + m onsite_after)
    + trip_fee visits + out_of_scope_rate out_of_scope_hours + parts + fees - credits``, with
    credits ``sum_y g_y min(credit breaches_y, cap)``; ``downtime = sum_t c_t lost_t``.
    """
    prices = Prices.from_scenario(scenario)
    impact = dict(prices.impact_rates)
    columns: dict[str, np.ndarray] = {}
    for option, priced in zip(params.options, prices.options, strict=True):
        q = quantities[option]
        remote, onsite = priced.rates
        multiplier = priced.after_hours_multiplier
        spend = np.full(len(q["incidents"]), priced.fees_present_value)
        hour_prices = (remote, remote * multiplier, onsite, onsite * multiplier)
        if priced.block is not None:  # the hours beyond the block, from the yearly hours
            spend += block_labour(q, priced.rates, multiplier, priced.block, params.year_factors)
            hour_prices = (0.0, 0.0, 0.0, 0.0)
        if priced.capacity is not None:  # the technician's hours beyond theirs, bought
            spend += tech_overflow(q, remote, priced.capacity, params.year_factors)
        for name, unit_price in (
            *zip(HOUR_CLASSES, hour_prices, strict=True),
            ("visits", priced.trip_fee),
            ("out_of_scope_hours", priced.out_of_scope_rate),
        ):
            if unit_price:
                spend += unit_price * q[name]
        spend += q["parts"]
        if priced.sla_credit > 0 and "sla_breaches" in q:
            for year, g in enumerate(params.year_factors):
                breaches = q["sla_breaches"][:, year]
                spend -= g * np.minimum(priced.sla_credit * breaches, priced.sla_cap)
        downtime = np.zeros(len(spend))
        for tier in params.tiers:
            downtime += impact[tier.name] * q[f"lost.{tier.name}"]
        columns[f"{option}.it_spend"] = spend
        columns[f"{option}.downtime"] = downtime
        columns[f"{option}.security"] = q["security"]
        columns[f"{option}.total"] = spend + downtime + q["security"]
    return columns


def monthly_prices(scenario: Scenario) -> dict[str, Any]:
    """What the monthly spend needs while simulating, per option in the scenario's order:
    the incident rates, the fee per month, onboarding, the SLA credit and cap, and the block
    of hours (or None)."""
    prices = Prices.from_scenario(scenario)
    return {
        "rates": [
            (*p.rates, p.after_hours_multiplier, p.trip_fee, p.out_of_scope_rate)
            for p in prices.options
        ],
        "monthly_fee": [p.annual_fee / 12 for p in prices.options],
        "onboarding": [p.onboarding for p in prices.options],
        "sla": [(p.sla_credit, p.sla_cap) for p in prices.options],
        "block": [p.block for p in prices.options],
        "capacity": [p.capacity for p in prices.options],
    }
