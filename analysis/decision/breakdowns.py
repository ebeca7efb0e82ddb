"""Breakdowns of a result: by incident tier, by month (budget risk), and lost work per person.

Tier by tier: each option's expected incidents, lost operating hours and downtime money, read
off the quantities of the one simulation (the lost hours are kept per tier), so the tiers add up
to the option's whole downtime exactly. Budget risk: how predictable each option's IT spend is,
month by month. Owners choose managed services for predictable costs and fear break-fix for
unpredictable ones; this puts numbers on it. IT spend is what is paid (bills, fees, parts, minus
SLA credits), not downtime or security losses. Contract fees are paid in twelve equal
instalments (onboarding in the first month, a year's SLA credits spread over its twelve
invoices, so that no month's spend goes below zero); each
incident's bill falls in the month the incident happens, drawn from ``budget.seasonality``
(evenly by default). There is no default budget: without ``budget.annual_it_spend`` there is
no chance of exceeding one, only the monthly spread and the worst month.

Examples
--------
>>> from analysis import load_scenario, simulate
>>> result = simulate(load_scenario("server-office"), trials=2_000, seed=1, monthly=True)
>>> risk = budget_risk(result)
>>> sorted(risk["managed"])
['annual_mean', 'budget', 'monthly_mean', 'monthly_std', 'prob_over_budget', 'worst_month_p95']
>>> risk["managed"]["prob_over_budget"] is None  # the preset gives no budget
True
>>> risk["break-fix"]["monthly_std"] > risk["managed"]["monthly_std"]
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from analysis.engine.core import simulate
from analysis.engine.result import Result
from analysis.errors import ArgumentError
from analysis.scenario.io import scenario_from_data
from analysis.scenario.model import Scenario

if TYPE_CHECKING:
    import pandas as pd

#: Quantities of :func:`tier_breakdown`, per option: expected values per simulated horizon.
TIER_QUANTITIES = ("incidents", "lost_hours", "downtime", "lost_person_hours")

#: Published measures of the work time lost to IT problems per employee and year, by reference
#: id: (hours a year, as the source states it). Robert Half Technology (2016): 22 minutes a day,
#: about 91 hours a year; Electric (2023): 2.7 hours a week, 140 hours over 52 weeks. Both
#: count self-help, slow systems and problems never reported, which the model does not, so they
#: are an upper context for :func:`implied_lost_hours`, not a target.
SURVEY_LOST_HOURS = {
    "robert-half-2016": (91.0, "22 minutes a day"),
    "electric-2023": (140.4, "2.7 hours a week"),
}

#: A year is over budget when its spend exceeds the budget by more than rounding: twelve
#: instalments of fee / 12 may add up to one unit in the last place above the fee.
_ROUNDING = 1e-9
#: Columns of :func:`budget_table`; ``prob_over_budget`` only with a budget.
BUDGET_COLUMNS = ("monthly_mean", "monthly_std", "worst_month_p95", "annual_mean")


def _months(result: Result, option: str) -> np.ndarray:
    if result.monthly is None:
        raise ArgumentError("result", "needs monthly figures: simulate(..., monthly=True)")
    if option not in result.monthly:
        raise ArgumentError("option", f"{option!r} is not an option (options: "
                                      f"{', '.join(result.options)})")  # fmt: skip
    return result.monthly[option]


def yearly_spend(result: Result, option: str) -> np.ndarray:
    """IT spend per trial and year of ``option``.

    Parameters
    ----------
    result
        A result simulated with ``monthly=True``.
    option
        An option of the scenario.

    Returns
    -------
    numpy.ndarray
        ``(trials, years)``: each year's twelve months added up.
    """
    months = _months(result, option)
    return months.reshape(months.shape[0], -1, 12).sum(axis=2)


def budget_risk(result: Result) -> dict[str, dict[str, Any]]:
    """How predictable each option's IT spend is, month by month and year by year.

    Parameters
    ----------
    result
        A result simulated with ``monthly=True``.

    Returns
    -------
    dict
        Per option: ``monthly_mean`` (mean spend of a month), ``monthly_std`` (how much a
        given month's spend varies between simulated years: the root mean square over months
        of the standard deviation across trials, so the payment schedule itself, such as the
        onboarding month, does not count as risk), ``worst_month_p95`` (95th percentile of
        each trial's most expensive month), ``annual_mean``, ``budget``
        (``budget.annual_it_spend``, or None) and ``prob_over_budget`` (the share of simulated
        years whose spend exceeds the budget; None without a budget).

    Notes
    -----
    The budget is in today's money: year ``y`` is compared with ``budget * g_y``.
    O(trials * months) time.
    """
    scenario = result.scenario
    budget = scenario.budget.annual_it_spend if scenario.budget is not None else None
    factors = np.array(scenario.horizon.year_factors())
    risk = {}
    for option in result.options:
        months = _months(result, option)
        years = yearly_spend(result, option)
        # Relative to the first trial: a month that never varies has a spread of exactly 0
        # (the mean of equal numbers can be off by a rounding error).
        spread = (months - months[0]).std(axis=0, ddof=1) if len(months) > 1 else np.zeros(1)
        over = None
        if budget is not None:
            over = float(np.mean(years > budget * factors * (1 + _ROUNDING)))
        risk[option] = {
            "monthly_mean": float(months.mean()),
            "monthly_std": float(np.sqrt(np.mean(spread**2))),
            "worst_month_p95": float(np.percentile(months.max(axis=1), 95)),
            "annual_mean": float(years.mean()),
            "budget": budget,
            "prob_over_budget": over,
        }
    return risk


def budget_table(result: Result) -> pd.DataFrame:
    """:func:`budget_risk` as a table.

    Parameters
    ----------
    result
        A result simulated with ``monthly=True``.

    Returns
    -------
    pandas.DataFrame
        One row per option (index: option names, in the scenario's order), columns
        ``monthly_mean``, ``monthly_std``, ``worst_month_p95``, ``annual_mean``, and
        ``prob_over_budget`` only when the scenario gives a budget.
    """
    import pandas as pd  # here, not at the top: the command line starts faster

    risk = budget_risk(result)
    table = pd.DataFrame.from_dict(risk, orient="index")
    columns = list(BUDGET_COLUMNS)
    if result.scenario.budget is not None and result.scenario.budget.annual_it_spend is not None:
        columns.append("prob_over_budget")
    table = table[columns]
    table.index.name = "option"
    return table


def tier_breakdown(result: Result, spend: bool = False) -> pd.DataFrame:
    """Each tier's expected incidents, lost hours and downtime under each option.

    Parameters
    ----------
    result
        Any result.
    spend
        Also each tier's ``it_spend``: what its incidents are billed (hours, visits,
        out-of-scope work, parts), without fees and SLA credits, which belong to no tier (nor
        does a block of hours or an in-house technician's salary and hours: their repair hours
        are priced one by one, at the rates, or the fallback's remote rate). It
        takes one simulation per tier (each tier alone, on the result's seed and trials: its
        draws come from streams of its own, so it bills exactly its share of the whole).

    Returns
    -------
    pandas.DataFrame
        One row per tier (in the scenario's order), columns ``(option, quantity)`` for every
        option and :data:`TIER_QUANTITIES`, per simulated horizon: ``incidents`` (expected
        incidents not prevented, in closed form: ``lambda_t * years * (1 - prevention)``),
        ``lost_hours`` (mean operating hours lost to the tier's outages), ``downtime`` (their
        value, ``c_t`` times the lost hours; the tiers add up to the option's ``downtime``)
        and ``lost_person_hours`` (lost hours x employees x staff affected x work blocked);
        with ``spend``, also ``it_spend``. O(trials * tiers * options) time and no
        simulation, or one per tier with ``spend``.

    Examples
    --------
    >>> from analysis import load_scenario, simulate
    >>> table = tier_breakdown(simulate(load_scenario("server-office"), 2_000, seed=1))
    >>> list(table.index)
    ['critical', 'major', 'minor', 'requests']
    >>> float(table[("managed", "lost_person_hours")]["requests"])  # requests stop no work
    0.0
    """
    import pandas as pd  # here, not at the top: the command line starts faster

    scenario = result.scenario
    years = scenario.horizon.years
    employees = scenario.organisation.employees
    rows = {}
    for tier, spec in scenario.incidents.items():
        row = {}
        for option in result.options:
            lost = float(np.mean(result.quantities[option][f"lost.{tier}"]))
            kept = 1.0 - scenario.prevented(option, tier)
            row[(option, "incidents")] = scenario.tier_rate(tier) * years * kept
            row[(option, "lost_hours")] = lost
            row[(option, "downtime")] = scenario.impact_rate(tier) * lost
            row[(option, "lost_person_hours")] = (
                lost * employees * spec.users_affected * spec.blocking
            )
        if spend:
            alone = simulate(_tier_alone(scenario, tier), result.n_trials, result.seed)
            for option in result.options:
                row[(option, "it_spend")] = float(np.mean(alone.column(option, "it_spend")))
        rows[tier] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.columns = pd.MultiIndex.from_tuples(table.columns, names=["option", "quantity"])
    table.index.name = "tier"
    return table


def _tier_alone(scenario: Scenario, tier: str) -> Scenario:
    """The scenario with ``tier`` its only tier and nothing that belongs to no tier: no fees,
    SLA credits or security events, no block of hours (its price and its hours), no in-house
    salary, tools or hours (every repair hour bought from the fallback); names of other tiers
    dropped from every option."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude_unset=True)
    data["incidents"] = {tier: data["incidents"][tier]}
    data.pop("security", None)
    for option in data["options"].values():
        option["response_hours"] = {key: value for key, value in option["response_hours"].items()
                                    if key in ("default", tier)}  # fmt: skip
        if option.get("emergency"):
            option["emergency"]["tiers"] = [t for t in option["emergency"]["tiers"] if t == tier]
        if option["kind"] == "block_hours":
            option["block"] = {**option["block"], "hours_per_year": 0, "price_per_year": 0}
        if option["kind"] not in ("managed", "in_house"):
            continue
        if option["kind"] == "in_house":
            option.update(salary_per_year=0, tools_per_year=0, hours_per_year=0)
        else:
            option["fees"] = {}
            option.pop("sla", None)
        option["prevention"] = {t: share for t, share in option.get("prevention", {}).items()
                                if t == tier}  # fmt: skip
        if isinstance(option.get("covers"), list):
            option["covers"] = [t for t in option["covers"] if t == tier]
            # It covers the one tier left: a contract's fallback has nothing to do (a
            # technician's buys the hours beyond theirs).
            if option["covers"] and option["kind"] == "managed":
                option.pop("fallback", None)
    return scenario_from_data(data)


def implied_lost_hours(result: Result) -> dict[str, float]:
    """Working hours lost per employee and year under each option, as the model implies.

    ``sum_t mean(lost operating hours of tier t) * users_affected_t * blocking_t / years``: each
    outage hour of a tier stops ``employees * users_affected * blocking`` person-hours of work,
    shared among the employees. Set it beside :data:`SURVEY_LOST_HOURS`: a model that implies
    far more lost time than people report overstates downtime.

    Examples
    --------
    >>> from analysis import load_scenario, simulate
    >>> hours = implied_lost_hours(simulate(load_scenario("server-office"), 2_000, seed=1))
    >>> hours["break-fix"] > hours["managed"] > 0
    True
    """
    scenario = result.scenario
    hours = {}
    for option in result.options:
        total = 0.0
        for tier, spec in scenario.incidents.items():
            lost = float(np.mean(result.quantities[option][f"lost.{tier}"]))
            total += lost * spec.users_affected * spec.blocking
        hours[option] = total / scenario.horizon.years
    return hours
