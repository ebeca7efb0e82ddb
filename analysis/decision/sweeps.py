"""Sweeps: one input over a range of values; every option's expected total and IT spend, its
savings against the baseline, and the chance it is cheaper or the cheapest.

A price input (fees, rates, wages, revenue) is swept on one simulation priced again at each
value (``Result.reprice``): the curves are exact on those draws, and each option's exact
break-even comes with them. An event input simulates each value with the same seed (common
random numbers), so the curves are smooth and their differences are the input's effect. The
bands are each point's 95% interval (mean +/- 1.96 standard errors).

Examples
--------
>>> from analysis import load_scenario
>>> frame = sweep(load_scenario("server-office"), "options.managed.fees.per_user_monthly",
...               values=[100, 200, 300], trials=2_000)
>>> frame.attrs["method"], list(frame.columns[:3])
('reprice', ['value', 'break-fix.total.mean', 'break-fix.total.se'])
>>> bool(frame["savings.managed.mean"].is_monotonic_decreasing)  # a higher fee saves less
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from analysis import defaults
from analysis.decision.breakeven import breakeven_price
from analysis.decision.inputs import current_value, is_price, with_value
from analysis.engine.core import simulate
from analysis.engine.result import Result
from analysis.errors import ArgumentError, ScenarioError
from analysis.scenario.model import Scenario

if TYPE_CHECKING:
    import pandas as pd

MAX_STEPS = 200


def parse_range(text: str) -> np.ndarray:
    """``"LO:HI:STEPS"`` as STEPS evenly spaced values from LO to HI.

    Examples
    --------
    >>> parse_range("100:200:3").tolist()
    [100.0, 150.0, 200.0]
    """
    parts = text.split(":")
    try:
        low, high, steps = float(parts[0]), float(parts[1]), int(parts[2])
        if len(parts) != 3:
            raise ValueError
    except (ValueError, IndexError):
        problem = f"expected LO:HI:STEPS, e.g. 100:300:11 (got {text!r})"
        raise ArgumentError("values", problem) from None
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ArgumentError("values", f"needs finite LO < HI (got {text!r})")
    if not 2 <= steps <= MAX_STEPS:
        raise ArgumentError("values", f"STEPS must be from 2 to {MAX_STEPS} (got {steps})")
    # Rounded to 12 significant digits: 0.6, not 0.6000000000000001, in tables and files.
    return np.array([float(f"{value:.12g}") for value in np.linspace(low, high, steps)])


def check_values(scenario: Scenario, parameter: str, values: Sequence[float]) -> None:
    """Raise an ArgumentError (``parameter`` or ``values``) if ``parameter`` is not a number of
    the scenario or any value makes the scenario invalid, before a sweep spends time on the
    others."""
    current_value(scenario, parameter)
    for value in values:
        try:
            with_value(scenario, parameter, float(value))
        except ScenarioError as error:
            raise ArgumentError(
                "values", f"{float(value):g} is not a valid value: {error.field}: {error.reason}"
            ) from None


def sweep(
    scenario: Scenario,
    parameter: str,
    values: Sequence[float],
    trials: int = defaults.SWEEP_TRIALS,
    seed: int = defaults.SEED,
) -> pd.DataFrame:
    """``scenario`` with ``parameter`` at each of ``values`` (same seed throughout).

    Parameters
    ----------
    scenario
        The scenario.
    parameter
        A dotted path to a number of the scenario, or a ``*`` multiplier such as
        ``incidents.*.rate`` (see :mod:`analysis.decision.inputs`).
    values
        The values (multipliers for a ``*`` path), in the order to sweep.
    trials, seed
        Of the one simulation (a price input) or of each value's (an event input).

    Returns
    -------
    pandas.DataFrame
        One row per value. ``value``; for every option ``o`` (option names have no dots):
        ``o.total.mean``, ``o.total.se``, ``o.it_spend.mean``, ``o.it_spend.se``,
        ``o.losses.mean`` (downtime and security), ``prob_cheapest.o``; for every option but
        the baseline: ``savings.o.mean``, ``savings.o.se``, ``savings.o.low``,
        ``savings.o.high`` (the 95% band), the same four of ``it_spend_savings.o``,
        ``prob_cheaper.o`` and its binomial standard error ``prob_cheaper.o.se``.
        ``attrs``: ``parameter``, ``baseline``, ``options``, ``alternatives``, ``method``
        (``"reprice"`` or ``"simulate"``) and ``breakeven`` (each alternative's exact
        break-even of a price input, or None; empty for an event input). O(1) simulations for
        a price input, O(len(values)) for an event input.
    """
    import pandas as pd  # here, not at the top: the command line starts faster

    check_values(scenario, parameter, values)  # a bad path or value fails before any run
    price = is_price(scenario, parameter)
    base = simulate(scenario, trials, seed) if price else None
    rows = []
    for value in values:
        changed = with_value(scenario, parameter, float(value))
        result = base.reprice(changed) if base is not None else simulate(changed, trials, seed)
        rows.append({"value": float(value), **point(result)})
    frame = pd.DataFrame(rows)
    breakevens: dict[str, float | None] = {}
    if base is not None:
        for option in base.alternatives:
            answer = breakeven_price(base, parameter, option)
            breakevens[option] = answer.value
    baseline = scenario.baseline_name
    frame.attrs.update({
        "parameter": parameter, "baseline": baseline, "options": scenario.option_names,
        "alternatives": [option for option in scenario.option_names if option != baseline],
        "method": "reprice" if price else "simulate", "breakeven": breakevens,
    })  # fmt: skip
    return frame


#: Standard normal quantile of a two-sided 95% band.
Z95 = 1.959963984540054


def point(result: Result) -> dict[str, float]:
    """One row of :func:`sweep`: every option's statistics in ``result``."""
    n = result.n_trials
    row: dict[str, float] = {}
    for option in result.options:
        for quantity in ("total", "it_spend"):
            mean, se = _mean_se(result.column(option, quantity))
            row[f"{option}.{quantity}.mean"], row[f"{option}.{quantity}.se"] = mean, se
        losses = result.column(option, "downtime") + result.column(option, "security")
        row[f"{option}.losses.mean"] = float(losses.mean())
    for option, share in result.prob_cheapest().items():
        row[f"prob_cheapest.{option}"] = share
    for option in result.alternatives:
        for name, quantity in (("savings", "total"), ("it_spend_savings", "it_spend")):
            mean, se = _mean_se(result.savings(option, quantity))
            row.update({f"{name}.{option}.mean": mean, f"{name}.{option}.se": se,
                        f"{name}.{option}.low": mean - Z95 * se,
                        f"{name}.{option}.high": mean + Z95 * se})  # fmt: skip
        probability = float(np.mean(result.savings(option) > 0))
        row[f"prob_cheaper.{option}"] = probability
        row[f"prob_cheaper.{option}.se"] = math.sqrt(probability * (1 - probability) / n)
    return row


def _mean_se(values: np.ndarray) -> tuple[float, float]:
    se = float(values.std(ddof=1) / math.sqrt(values.size)) if values.size > 1 else 0.0
    return float(values.mean()), se


def crossing(frame: pd.DataFrame, option: str, column: str | None = None) -> float | None:
    """Where ``option``'s expected savings cross zero along a sweep.

    Parameters
    ----------
    frame
        :func:`sweep`'s frame (``value`` and the column), in the order swept.
    option
        An option other than the baseline.
    column
        The column whose first zero crossing is wanted (default ``savings.<option>.mean``).

    Returns
    -------
    float or None
        The exact break-even of a price input (``frame.attrs["breakeven"]``) when it lies within
        the swept values; else the first crossing by linear interpolation between the two values
        around it; None when the column does not cross zero.

    Examples
    --------
    >>> import pandas as pd
    >>> crossing(pd.DataFrame({"value": [0, 10], "savings.msp.mean": [5.0, -15.0]}), "msp")
    2.5
    """
    column = column or f"savings.{option}.mean"
    values, means = frame["value"].to_numpy(), frame[column].to_numpy()
    exact = frame.attrs.get("breakeven", {}).get(option) if column.startswith("savings.") else None
    if exact is not None and len(values) and values.min() <= exact <= values.max():
        return float(exact)
    for i in range(len(values) - 1):
        a, b = means[i], means[i + 1]
        if a == 0:
            return float(values[i])
        if a * b < 0:
            return float(values[i] + (values[i + 1] - values[i]) * a / (a - b))
    return float(values[-1]) if len(means) and means[-1] == 0 else None
