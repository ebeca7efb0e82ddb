"""Breakdowns of a result: by incident tier, and by month (budget risk).

Tier by tier: each tier's incidents, downtime and costs under each model, exactly as they add up
in the whole simulation. Budget risk: how predictable each model's IT spend is, month by month.
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

from typing import TYPE_CHECKING, Any

import numpy as np

from analysis.engine.core import simulate
from analysis.engine.result import Result
from analysis.errors import ArgumentError
from analysis.scenario.model import Scenario

if TYPE_CHECKING:
    import pandas as pd

#: Quantities of :func:`tier_breakdown`, per model: means per simulated horizon.
TIER_QUANTITIES = ("incidents", "downtime_hours", "support", "downtime")

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


def budget_table(result: Result) -> pd.DataFrame:
    """:func:`budget_risk` as a table.

    Parameters
    ----------
    result
        A result simulated with ``monthly=True``.

    Returns
    -------
    pandas.DataFrame
        One row per model (``break_fix``, ``managed``, ``hybrid``), columns
        ``monthly_mean``, ``monthly_std``, ``worst_month_p95``, ``annual_mean`` and
        ``prob_over_budget``.
    """
    import pandas as pd  # here, not at the top: the command line starts faster

    table = pd.DataFrame.from_dict(budget_risk(result), orient="index")
    return table[["monthly_mean", "monthly_std", "worst_month_p95", "annual_mean",
                  "prob_over_budget"]]  # fmt: skip


def _months(result: Result, model: str) -> np.ndarray:
    if result.monthly is None:
        raise ArgumentError("result", "needs monthly figures: simulate(..., monthly=True)")
    return result.monthly[model]


def tier_breakdown(scenario: Scenario, trials: int, seed: int) -> pd.DataFrame:
    """Mean incidents, downtime hours, support and downtime cost of each tier, per model.

    Each tier draws from its own random streams (keyed by its name), so simulating a tier on
    its own, without fixed fees, SLA credits or security events, reproduces exactly its share
    of ``simulate(scenario, trials, seed)``: the tiers add up to the incident-driven part of
    the whole. Under a hybrid contract a tier costs what it costs under the model that serves
    it. O(one simulation) time.

    Returns
    -------
    pandas.DataFrame
        One row per tier (in the scenario's order), columns ``(model, quantity)`` for the
        models ``break_fix``, ``managed`` (and ``hybrid``) and :data:`TIER_QUANTITIES`; means
        per simulated horizon, money in the scenario's currency.

    Examples
    --------
    >>> from analysis import load_scenario
    >>> table = tier_breakdown(load_scenario("small-office"), trials=2_000, seed=1)
    >>> list(table.index), bool(table[("break_fix", "incidents")].sum() > 30)
    (['critical', 'major', 'minor'], True)
    """
    import pandas as pd  # here, not at the top: the command line starts faster

    no_fees = {"per_user_monthly": 0.0, "per_device_monthly": 0.0, "onboarding_fee": 0.0}
    rows = {}
    for tier, spec in scenario.incidents.items():
        managed = scenario.managed.model_copy(
            update={**no_fees, "incident_reduction": {tier: scenario.reduction(tier)}}
        )
        alone = scenario.model_copy(
            update={
                "incidents": {tier: spec},
                "managed": managed,
                "security": None,
                "hybrid": None,
            }
        )
        columns = simulate(alone, trials=trials, seed=seed).columns
        rows[tier] = {
            (model, quantity): float(columns[f"{model}_{quantity}"].mean())
            for model in ("break_fix", "managed")
            for quantity in TIER_QUANTITIES
        }
        if scenario.hybrid is not None:
            serves = "managed" if tier in scenario.hybrid.managed_tiers else "break_fix"
            rows[tier].update({("hybrid", q): rows[tier][(serves, q)] for q in TIER_QUANTITIES})
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.columns = pd.MultiIndex.from_tuples(table.columns, names=["model", "quantity"])
    return table
