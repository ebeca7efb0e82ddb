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


def yearly_spend(result: Result, model: str) -> np.ndarray:
    """IT spend per trial and year, ``(trials, years)``: the months added up."""
    months = _months(result, model)
    return months.reshape(months.shape[0], -1, 12).sum(axis=2)


def budget_risk(result: Result) -> dict[str, dict[str, Any]]:
    """Per model: the monthly IT spend's mean and standard deviation (over all simulated months),
    the 95th percentile of each trial's most expensive month, the mean yearly spend, and the
    probability that a year's spend exceeds the budget.

    The budget is ``budget.annual_it_spend`` (default: the managed contract's annual fee), in
    today's money: year ``y`` is compared with ``budget * g_y``. O(trials * months) time.
    """
    scenario = result.scenario
    budget = scenario.it_budget
    factors = np.array(scenario.horizon.year_factors())
    risk = {}
    for model in result.models:
        months = _months(result, model)
        years = yearly_spend(result, model)
        risk[model] = {
            "monthly_mean": float(months.mean()),
            "monthly_std": float(months.std(ddof=1)) if months.size > 1 else 0.0,
            "worst_month_p95": float(np.percentile(months.max(axis=1), 95)),
            "annual_mean": float(years.mean()),
            "prob_over_budget": float(np.mean(years > budget * factors)),
            "budget": budget,
        }
    return risk


def _months(result: Result, model: str) -> np.ndarray:
    if result.monthly is None:
        raise ValueError("budget risk needs monthly figures: simulate(..., monthly=True)")
    return result.monthly[model]
