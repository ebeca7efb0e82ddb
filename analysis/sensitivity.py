"""Which input matters most? A tornado of one-at-a-time swings and global Sobol indices.

Every input is moved by a factor of its current value (defaults x0.5 and x1.5), and every
simulation uses the same seed: the scenarios compare on common random numbers, so a swing is
the effect of the input and not of new random draws. Shares are capped at 1 and staff rounded
to whole people.

Examples
--------
>>> from analysis import load_scenario
>>> table = tornado(load_scenario("small-office"), trials=2_000)
>>> bool(table.iloc[0]["swing"] >= table.iloc[-1]["swing"])
True
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from analysis.engine import simulate
from analysis.scenario import Scenario, ScenarioError

if TYPE_CHECKING:
    import pandas as pd

Change = Callable[[Scenario, float], dict]


@dataclass(frozen=True)
class Input:
    """An input of the sensitivity analyses: ``change(scenario, factor)`` gives the ``--set``
    assignments that multiply it by ``factor``; ``applies`` says whether the scenario has it."""

    name: str
    label: str
    change: Change
    applies: Callable[[Scenario], bool] = lambda scenario: True


def _scaled(path: str, cap: float | None = None, whole: bool = False) -> Change:
    def change(scenario: Scenario, factor: float) -> dict:
        node = scenario
        for key in path.split("."):
            node = getattr(node, key)
        value = node * factor
        if whole:
            value = max(1, round(value))
        return {path: min(value, cap) if cap is not None else value}

    return change


def _scaled_spec(path: str) -> Change:
    def change(scenario: Scenario, factor: float) -> dict:
        node = scenario
        for key in path.split("."):
            node = getattr(node, key)
        return {path: {"median": node.median * factor, "p90": node.p90 * factor}}

    return change


def _every_tier(key: str, cap: float | None = None) -> Change:
    def change(scenario: Scenario, factor: float) -> dict:
        changes = {}
        for name, tier in scenario.incidents.items():
            if key == "fix_hours":
                spec = tier.fix_hours
                changes[f"incidents.{name}.fix_hours"] = {
                    "median": spec.median * factor,
                    "p90": spec.p90 * factor,
                }
            elif key == "incident_reduction":
                value = scenario.reduction(name) * factor
                changes[f"managed.incident_reduction.{name}"] = min(value, cap or value)
            else:
                changes[f"incidents.{name}.{key}"] = getattr(tier, key) * factor
        return changes

    return change


def _security_rates(scenario: Scenario, factor: float) -> dict:
    rates = scenario.security.rate_per_year
    return {
        "security.rate_per_year.break_fix": min(rates.break_fix * factor, 100.0),
        "security.rate_per_year.managed": min(rates.managed * factor, 100.0),
    }


def _has_security(scenario: Scenario) -> bool:
    return scenario.security is not None


#: The inputs, in a fixed order: what an owner can know or negotiate, and the assumptions
#: that carry the most weight.
INPUTS = {
    item.name: item
    for item in (
        Input("staff", "Staff", _scaled("organisation.employees", whole=True)),
        Input("revenue_per_hour", "Revenue per hour", _scaled("organisation.revenue_per_hour")),
        Input(
            "loaded_hourly_cost", "Loaded hourly wage", _scaled("organisation.loaded_hourly_cost")
        ),
        Input(
            "productivity_loss",
            "Output lost while down",
            _scaled("organisation.productivity_loss", cap=1.0),
        ),
        Input("incident_rates", "Incident rates (every tier)", _every_tier("rate_per_year")),
        Input("fix_hours", "Repair times (every tier)", _every_tier("fix_hours")),
        Input("break_fix_rate", "Break-fix hourly rate", _scaled("break_fix.hourly_rate")),
        Input(
            "break_fix_response",
            "Break-fix response time",
            _scaled_spec("break_fix.response_hours"),
        ),
        Input("managed_fee", "Managed fee per user", _scaled("managed.per_user_monthly")),
        Input(
            "prevention",
            "Incidents prevented (every tier)",
            _every_tier("incident_reduction", cap=1.0),
        ),
        Input("managed_response", "Managed response time", _scaled_spec("managed.response_hours")),
        Input(
            "fix_time_factor",
            "Managed repair time factor",
            _scaled("managed.fix_time_factor", cap=10.0),
        ),
        Input("security_rates", "Security event rates", _security_rates, _has_security),
        Input(
            "security_loss", "Loss per security event", _scaled_spec("security.loss"), _has_security
        ),
    )
}


def applicable_inputs(scenario: Scenario) -> list[str]:
    """The names of the :data:`INPUTS` this scenario has.

    Parameters
    ----------
    scenario
        Any scenario.

    Returns
    -------
    list of str
        Every input name, less the security ones when the scenario has no security section.

    Examples
    --------
    >>> from analysis import load_scenario
    >>> "security_loss" in applicable_inputs(load_scenario("small-office"))
    True
    """
    return [name for name, item in INPUTS.items() if item.applies(scenario)]


def vary(scenario: Scenario, factors: Mapping[str, float]) -> Scenario:
    """The scenario with each named input multiplied by its factor.

    Parameters
    ----------
    scenario
        The scenario at its current values.
    factors
        Input names (keys of :data:`INPUTS`) to factors: ``{"managed_fee": 1.2}``.

    Returns
    -------
    Scenario
        A validated copy; shares are capped at 1 and staff rounded to whole people.

    Examples
    --------
    >>> from analysis import load_scenario
    >>> vary(load_scenario("small-office"), {"managed_fee": 1.2}).managed.per_user_monthly
    150.0
    """
    changes: dict = {}
    for name, factor in factors.items():
        changes.update(_input(name).change(scenario, factor))
    return scenario.with_overrides(changes) if changes else scenario


def _input(name: str) -> Input:
    if name not in INPUTS:
        raise ScenarioError("--input", f"no input {name!r} (inputs: {', '.join(INPUTS)})")
    return INPUTS[name]


def _ranges(
    scenario: Scenario,
    names: list[str] | None,
    low: float,
    high: float,
    ranges: Mapping[str, tuple[float, float]] | None,
) -> dict[str, tuple[float, float]]:
    """Each input's (low, high) factors, checked: the input exists and applies to the scenario,
    the factors are finite with ``0 <= low < high``, and both ends give a valid scenario."""
    names = names or applicable_inputs(scenario)
    for name in [*names, *(ranges or {})]:
        if name not in INPUTS:
            raise ScenarioError("--range", f"no input {name!r} (inputs: {', '.join(INPUTS)})")
        if not INPUTS[name].applies(scenario):
            raise ScenarioError(f"--range {name}", "the scenario has no security section")
    chosen = {name: (low, high) for name in names}
    chosen.update({name: tuple(bounds) for name, bounds in (ranges or {}).items()})
    for name, (lowest, highest) in chosen.items():
        where = f"--range {name}" if name in (ranges or {}) else "--low/--high"
        if not (math.isfinite(lowest) and math.isfinite(highest) and 0 <= lowest < highest):
            raise ScenarioError(where, f"needs finite factors with 0 <= LOW < HIGH "
                                       f"(got {lowest:g}:{highest:g})")  # fmt: skip
        for factor in (lowest, highest):
            try:
                vary(scenario, {name: factor})
            except ScenarioError as error:
                raise ScenarioError(
                    where, f"x{factor:g} makes {INPUTS[name].label.lower()} invalid: "
                    f"{error.field}: {error.reason}",
                ) from None  # fmt: skip
    return chosen


# -- tornado -----------------------------------------------------------------------------------


def tornado(
    scenario: Scenario,
    low: float = 0.5,
    high: float = 1.5,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    inputs: list[str] | None = None,
    trials: int = 10_000,
    seed: int = 2026,
) -> pd.DataFrame:
    """Expected savings with each input at its low and its high factor, the others as they are.

    Parameters
    ----------
    scenario
        The scenario at its current values.
    low, high
        Factors of the current value (default x0.5 and x1.5).
    ranges
        Other factors for some inputs: ``{"managed_fee": (0.8, 1.2)}``.
    inputs
        The inputs to vary (default: every one of :data:`INPUTS` that the scenario has).
    trials, seed
        Each simulation's trials; all share the seed (common random numbers).

    Returns
    -------
    pandas.DataFrame
        One row per input, sorted by ``swing`` (largest first): ``label``, ``low`` and
        ``high`` factors, ``savings_low`` and ``savings_high`` (expected savings there) with
        their standard errors ``se_low`` and ``se_high``, ``swing`` (``|high - low|``) and
        ``base`` (expected savings now). O(2 * inputs) simulations.
    """
    import pandas as pd  # here, not at the top: the command line starts faster

    factors = _ranges(scenario, inputs, low, high, ranges)
    names = list(factors)

    def run(changed: Scenario) -> tuple[float, float]:
        savings = simulate(changed, trials=trials, seed=seed).columns["savings"]
        se = float(savings.std(ddof=1) / math.sqrt(trials)) if trials > 1 else 0.0
        return float(savings.mean()), se

    base, _ = run(scenario)
    rows = []
    for name in names:
        at_low, se_low = run(vary(scenario, {name: factors[name][0]}))
        at_high, se_high = run(vary(scenario, {name: factors[name][1]}))
        rows.append({
            "input": name, "label": INPUTS[name].label, "low": factors[name][0],
            "high": factors[name][1], "savings_low": at_low, "savings_high": at_high,
            "se_low": se_low, "se_high": se_high, "swing": abs(at_high - at_low), "base": base,
        })  # fmt: skip
    table = pd.DataFrame(rows).set_index("input")
    return table.sort_values("swing", ascending=False, kind="stable")


# -- Sobol indices -----------------------------------------------------------------------------


def sobol(
    scenario: Scenario,
    inputs: list[str] | None = None,
    low: float = 0.5,
    high: float = 1.5,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    samples: int = 64,
    trials: int = 2_000,
    seed: int = 2026,
) -> pd.DataFrame:
    """First-order and total Sobol indices of expected savings, with 95% confidence intervals.

    Each input's factor is uniform over its range (default x0.5 to x1.5). SALib draws
    ``samples * (inputs + 2)`` points (Saltelli's scheme, Sobol' sequence, no second-order
    terms); each point's expected savings comes from a simulation of ``trials`` trials, all
    with the same seed, so the output is a smooth function of the inputs.

    Returns
    -------
    pandas.DataFrame
        One row per input: ``label``, ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (half-widths
        of the 95% bootstrap intervals), sorted by ``ST``.
    """
    import pandas as pd  # here, not at the top: the command line starts faster
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    factors = _ranges(scenario, inputs, low, high, ranges)
    names = list(factors)
    problem = {"num_vars": len(names), "names": names, "bounds": [factors[n] for n in names]}
    with warnings.catch_warnings():  # SALib warns about sample sizes; `samples` is documented
        warnings.simplefilter("ignore")
        points = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)
    outputs = np.array([
        simulate(vary(scenario, dict(zip(names, point, strict=True))), trials=trials,
                 seed=seed).columns["savings"].mean()
        for point in points
    ])  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        indices = sobol_analyze.analyze(problem, outputs, calc_second_order=False, seed=seed)
    table = pd.DataFrame(
        {
            "label": [INPUTS[name].label for name in names],
            "S1": indices["S1"],
            "S1_conf": indices["S1_conf"],
            "ST": indices["ST"],
            "ST_conf": indices["ST_conf"],
        },
        index=pd.Index(names, name="input"),
    )
    return table.sort_values("ST", ascending=False, kind="stable")
