"""Budget risk: how predictable each model's IT spend is, month by month.

Owners choose managed services for predictable costs and fear break-fix for unpredictable ones;
this puts numbers on it. IT spend is the support cost (bills, fees, parts, minus SLA credits),
not downtime or security losses. Contract fees are paid in twelve equal instalments (onboarding
in the first month, SLA credits on the year's last invoice); each incident's bill falls in the
month the incident happens, drawn from ``budget.seasonality`` (evenly by default).

Examples
--------
>>> from analysis import load_scenario, simulate
>>> result = simulate(load_scenario("small-office"), trials=2_000, seed=1, monthly=True)
>>> risk = budget_risk(result)
>>> sorted(risk["managed"])
['annual_mean', 'budget', 'monthly_mean', 'monthly_std', 'prob_over_budget', 'worst_month_p95']
>>> risk["break_fix"]["monthly_std"] > risk["managed"]["monthly_std"]
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from analysis.result import Result

#: A year is over budget when its spend exceeds the budget by more than rounding: twelve
#: instalments of fee / 12 may add up to one unit in the last place above the fee.
_ROUNDING = 1e-9


def yearly_spend(result: Result, model: str) -> np.ndarray:
    """IT spend per trial and year of ``model``.

    Parameters
    ----------
    result
        A result simulated with ``monthly=True``.
    model
        ``"break_fix"``, ``"managed"`` or (with a hybrid contract) ``"hybrid"``.

    Returns
    -------
    numpy.ndarray
        ``(trials, years)``: each year's twelve months added up.
    """
    months = _months(result, model)
    return months.reshape(months.shape[0], -1, 12).sum(axis=2)


def budget_risk(result: Result) -> dict[str, dict[str, Any]]:
    """How predictable each model's IT spend is, month by month and year by year.

    Parameters
    ----------
    result
        A result simulated with ``monthly=True``.

    Returns
    -------
    dict
        Per model: ``monthly_mean`` (mean spend of a month), ``monthly_std`` (how much a
        given month's spend varies between simulated years: the root mean square over months
        of the standard deviation across trials, so the payment schedule itself, such as the
        onboarding month, does not count as risk), ``worst_month_p95`` (95th percentile of
        each trial's most expensive month), ``annual_mean``, ``prob_over_budget`` (the share
        of simulated years whose spend exceeds the budget) and ``budget``.

    Notes
    -----
    The budget is ``budget.annual_it_spend`` (default: the managed contract's annual fee), in
    today's money: year ``y`` is compared with ``budget * g_y``. With the default, managed
    services exceed it whenever anything beyond the fee is paid (onboarding, out-of-scope
    work, parts). O(trials * months) time.
    """
    scenario = result.scenario
    budget = scenario.it_budget
    factors = np.array(scenario.horizon.year_factors())
    risk = {}
    for model in result.models:
        months = _months(result, model)
        years = yearly_spend(result, model)
        # Relative to the first trial: a month that never varies has a spread of exactly 0
        # (the mean of equal numbers can be off by a rounding error).
        spread = (months - months[0]).std(axis=0, ddof=1) if len(months) > 1 else np.zeros(1)
        risk[model] = {
            "monthly_mean": float(months.mean()),
            "monthly_std": float(np.sqrt(np.mean(spread**2))),
            "worst_month_p95": float(np.percentile(months.max(axis=1), 95)),
            "annual_mean": float(years.mean()),
            "prob_over_budget": float(np.mean(years > budget * factors * (1 + _ROUNDING))),
            "budget": budget,
        }
    return risk


def _months(result: Result, model: str) -> np.ndarray:
    if result.monthly is None:
        raise ValueError("budget risk needs monthly figures: simulate(..., monthly=True)")
    return result.monthly[model]
