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
``incidents``            incidents not prevented (not weighted)
``downtime_hours``       operating hours lost, all tiers (not weighted)
======================  ====================================================================
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
#: The money columns of every option, in the order of ``Result.trials``.
MONEY = ("it_spend", "downtime", "security", "total")


class Quantities(dict):
    """``{option: {quantity: per-trial array}}``, as :mod:`analysis.engine.core` sums them."""


def quantity_names(params: EngineParameters, option: str) -> tuple[str, ...]:
    """The quantities of ``option``: the base ones, lost hours per tier, and ``sla_breaches``
    when its contract has an SLA."""
    breaches = ("sla_breaches",) if params.has_sla(option) else ()
    return (*BASE_QUANTITIES, *(f"lost.{tier.name}" for tier in params.tiers), *breaches)


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
        for name, unit_price in (
            ("hours_remote", remote),
            ("hours_remote_after", remote * multiplier),
            ("hours_onsite", onsite),
            ("hours_onsite_after", onsite * multiplier),
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
    the incident rates, the fee per month, onboarding, and the SLA credit and cap."""
    prices = Prices.from_scenario(scenario)
    return {
        "rates": [
            (*p.rates, p.after_hours_multiplier, p.trip_fee, p.out_of_scope_rate)
            for p in prices.options
        ],
        "monthly_fee": [p.annual_fee / 12 for p in prices.options],
        "onboarding": [p.onboarding for p in prices.options],
        "sla": [(p.sla_credit, p.sla_cap) for p in prices.options],
    }
