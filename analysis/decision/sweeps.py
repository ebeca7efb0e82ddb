"""Sweeps: one input over a range of values, expected savings and the chance managed is cheaper.

Every point simulates with the same seed (common random numbers), so the curves are smooth and
their differences are the input's effect. The uncertainty bands are each point's 95% interval.

Examples
--------
>>> from analysis import load_scenario
>>> table = sweep(load_scenario("small-office"), "managed.per_user_monthly",
...               values=[100, 200, 300, 400], trials=2_000)
>>> list(table.columns[:3])
['value', 'savings_mean', 'savings_se']
>>> bool(table["savings_mean"].is_monotonic_decreasing)  # a higher fee saves less
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from analysis import defaults
from analysis.decision.inputs import current_value, with_value
from analysis.engine.core import simulate
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
    """Simulate ``scenario`` with ``parameter`` at each of ``values`` (same seed throughout).

    ``parameter`` is a dotted path to a numeric field, or ``incidents.*.rate_per_year`` for a
    multiplier of every tier's rate (see :mod:`analysis.decision.inputs`).

    Returns
    -------
    pandas.DataFrame
        One row per value: ``value``, ``savings_mean`` and ``savings_se`` (its standard error),
        ``prob_managed_cheaper`` and ``prob_se`` (binomial standard error); with a hybrid
        contract also ``savings_hybrid_mean``, ``savings_hybrid_se`` and
        ``prob_hybrid_cheaper``. O(len(values)) simulations.
    """
    import pandas as pd  # here, not at the top: the command line starts faster

    check_values(scenario, parameter, values)  # a bad path or value fails before any run
    rows = []
    for value in values:
        columns = simulate(with_value(scenario, parameter, float(value)), trials, seed).columns
        row = {"value": float(value), **_stats(columns["savings"], "savings", "managed")}
        if "savings_hybrid" in columns:
            row.update(_stats(columns["savings_hybrid"], "savings_hybrid", "hybrid"))
        rows.append(row)
    return pd.DataFrame(rows)


def _stats(savings: np.ndarray, name: str, model: str) -> dict[str, float]:
    n = savings.size
    probability = float(np.mean(savings > 0))
    stats = {
        f"{name}_mean": float(savings.mean()),
        f"{name}_se": float(savings.std(ddof=1) / math.sqrt(n)) if n > 1 else 0.0,
        f"prob_{model}_cheaper": probability,
    }
    if model == "managed":
        stats["prob_se"] = math.sqrt(probability * (1 - probability) / n)
    return stats


def crossing(table: pd.DataFrame, column: str = "savings_mean") -> float | None:
    """Where ``column`` crosses zero between two swept values.

    Parameters
    ----------
    table
        :func:`sweep`'s table (``value`` and ``column``), in the order swept.
    column
        The column whose first zero crossing is wanted.

    Returns
    -------
    float or None
        The first crossing, by linear interpolation between the two values around it; None
        when the column does not cross zero.

    Examples
    --------
    >>> import pandas as pd
    >>> crossing(pd.DataFrame({"value": [0, 10], "savings_mean": [5.0, -15.0]}))
    2.5
    """
    values, means = table["value"].to_numpy(), table[column].to_numpy()
    for i in range(len(values) - 1):
        a, b = means[i], means[i + 1]
        if a == 0:
            return float(values[i])
        if a * b < 0:
            return float(values[i] + (values[i + 1] - values[i]) * a / (a - b))
    return float(values[-1]) if len(means) and means[-1] == 0 else None
