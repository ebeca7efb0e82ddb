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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from analysis.engine import simulate
from analysis.overrides import allowed_keys
from analysis.scenario import Scenario, ScenarioError

if TYPE_CHECKING:
    import pandas as pd

#: Scales every tier's incident rate by the swept value (1 = as the scenario has them).
RATE_MULTIPLIER = "incidents.*.rate_per_year"
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
        raise ScenarioError("--range", problem) from None
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ScenarioError("--range", f"needs finite LO < HI (got {text!r})")
    if not 2 <= steps <= MAX_STEPS:
        raise ScenarioError("--range", f"STEPS must be from 2 to {MAX_STEPS} (got {steps})")
    # Rounded to 12 significant digits: 0.6, not 0.6000000000000001, in tables and files.
    return np.array([float(f"{value:.12g}") for value in np.linspace(low, high, steps)])


def with_value(scenario: Scenario, path: str, value: float) -> Scenario:
    """``scenario`` with one field set.

    Parameters
    ----------
    scenario
        The scenario to start from.
    path
        A dotted field path, or :data:`RATE_MULTIPLIER` to multiply every tier's rate.
    value
        The field's new value (or the multiplier).

    Returns
    -------
    Scenario
        A validated copy; an invalid value raises a one-line ScenarioError.
    """
    if path == RATE_MULTIPLIER:
        return scenario.with_overrides(
            {
                f"incidents.{name}.rate_per_year": tier.rate_per_year * value
                for name, tier in scenario.incidents.items()
            }
        )
    return scenario.with_overrides({path: value})


def current_value(scenario: Scenario, path: str) -> float:
    """The scenario's value at ``path``.

    Parameters
    ----------
    scenario
        Any scenario.
    path
        A dotted path to a numeric field, or :data:`RATE_MULTIPLIER`.

    Returns
    -------
    float
        The value (1 for :data:`RATE_MULTIPLIER`). A path that names no field, or a field
        that is not a number, raises a one-line ScenarioError (field ``--parameter``).
    """
    if path == RATE_MULTIPLIER:
        return 1.0
    node: object = scenario.to_dict()
    parts = path.split(".")
    for depth, key in enumerate(parts):
        if not isinstance(node, dict) or key not in node:
            try:
                allowed = allowed_keys(parts[:depth])
            except KeyError:
                allowed = list(node) if isinstance(node, dict) else []
            hint = f"allowed: {', '.join(allowed)}" if allowed else "not a section"
            raise ScenarioError("--parameter", f"{path}: no such field ({hint})")
        node = node[key]
    if isinstance(node, bool) or not isinstance(node, int | float):
        raise ScenarioError("--parameter", f"{path}: not a number to sweep")
    return float(node)


def check_values(scenario: Scenario, path: str, values: Sequence[float]) -> None:
    """Raise a one-line ScenarioError (field ``--range``) if any value makes the scenario
    invalid, before a sweep spends time on the others."""
    current_value(scenario, path)
    for value in values:
        try:
            with_value(scenario, path, float(value))
        except ScenarioError as error:
            raise ScenarioError(
                "--range", f"{float(value):g} is not a valid value: {error.field}: {error.reason}"
            ) from None


def sweep(
    scenario: Scenario,
    path: str,
    values: Sequence[float],
    trials: int = 20_000,
    seed: int = 2026,
) -> pd.DataFrame:
    """Simulate ``scenario`` with ``path`` at each of ``values`` (same seed throughout).

    Returns
    -------
    pandas.DataFrame
        One row per value: ``value``, ``savings_mean`` and ``savings_se`` (its standard error),
        ``prob_managed_cheaper`` and ``prob_se`` (binomial standard error); with a hybrid
        contract also ``savings_hybrid_mean``, ``savings_hybrid_se`` and
        ``prob_hybrid_cheaper``. O(len(values)) simulations.
    """
    import pandas as pd  # here, not at the top: the command line starts faster

    check_values(scenario, path, values)  # a bad path or value fails before any simulation
    rows = []
    for value in values:
        columns = simulate(with_value(scenario, path, float(value)), trials, seed).columns
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


@dataclass(frozen=True)
class SweepParameters:
    """The sweep notebook's parameters, checked."""

    scenario: Scenario
    parameter: str
    values: np.ndarray
    trials: int
    seed: int
    output_dir: Path | None


def check_parameters(
    scenario: str,
    parameter: str,
    values: str,
    trials: int,
    seed: int,
    overrides: dict[str, Any],
    output_dir: str,
) -> SweepParameters:
    """Validate the sweep notebook's parameters; a bad one raises a one-line ScenarioError.

    Examples
    --------
    >>> check_parameters("small-office", "break_fix.hourly_rate", "100:200:3", 1000, 1, {},
    ...                  "").values.tolist()
    [100.0, 150.0, 200.0]
    """
    from analysis.reports import check_parameters as check_report

    checked = check_report(scenario, "sweep", "", trials, seed, overrides, output_dir)
    if not isinstance(parameter, str) or not isinstance(values, str):
        raise ScenarioError("parameter", "parameter and values must be text", "parameter")
    try:
        grid = parse_range(values)
        check_values(checked.scenario, parameter, grid)
    except ScenarioError as error:
        name = "parameter" if error.field == "--parameter" else "values"
        raise ScenarioError(name, error.reason, "parameter") from None
    return SweepParameters(checked.scenario, parameter, grid, trials, seed, checked.output_dir)


def write_outputs(params: SweepParameters, table: pd.DataFrame) -> None:
    """Write scenario.yaml and sweep.csv into ``params.output_dir`` (when given)."""
    from analysis.scenario_io import dump_scenario, write_text_atomic

    folder = params.output_dir
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    dump_scenario(params.scenario, folder / "scenario.yaml")
    write_text_atomic(folder / "sweep.csv", table.to_csv(index=False))
