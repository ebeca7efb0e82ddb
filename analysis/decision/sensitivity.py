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
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from analysis import defaults
from analysis.decision.inputs import INPUTS, applicable_inputs, vary
from analysis.engine.core import simulate
from analysis.errors import ArgumentError, ScenarioError
from analysis.scenario.model import Scenario

if TYPE_CHECKING:
    import pandas as pd


def _ranges(
    scenario: Scenario,
    names: list[str] | None,
    low: float,
    high: float,
    ranges: Mapping[str, tuple[float, float]] | None,
) -> dict[str, tuple[float, float]]:
    """Each input's (low, high) factors, checked: the input exists and applies to the scenario,
    the factors are finite with ``0 <= low < high``, and both ends give a valid scenario.

    An ArgumentError names the argument at fault: ``inputs``, ``ranges`` (with the input's
    name) or ``low`` and ``high``.
    """
    ranges = ranges or {}
    names = names or applicable_inputs(scenario)
    for name in [*names, *ranges]:
        argument = "ranges" if name in ranges else "inputs"
        if name not in INPUTS:
            raise ArgumentError(argument, f"no input {name!r} (inputs: {', '.join(INPUTS)})")
        if not INPUTS[name].applies(scenario):
            raise ArgumentError(argument, "the scenario has no security section", name)
    chosen = {name: (low, high) for name in names}
    chosen.update({name: tuple(bounds) for name, bounds in ranges.items()})
    for name, (lowest, highest) in chosen.items():
        argument, detail = ("ranges", name) if name in ranges else (("low", "high"), "")
        if not (math.isfinite(lowest) and math.isfinite(highest) and 0 <= lowest < highest):
            raise ArgumentError(argument, f"needs finite factors with 0 <= LOW < HIGH "
                                          f"(got {lowest:g}:{highest:g})", detail)  # fmt: skip
        for factor in (lowest, highest):
            try:
                vary(scenario, {name: factor})
            except ScenarioError as error:
                raise ArgumentError(
                    argument, f"x{factor:g} makes {INPUTS[name].label.lower()} invalid: "
                    f"{error.field}: {error.reason}", detail,
                ) from None  # fmt: skip
    return chosen


# -- tornado -----------------------------------------------------------------------------------


def tornado(
    scenario: Scenario,
    low: float = 0.5,
    high: float = 1.5,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    inputs: list[str] | None = None,
    trials: int = defaults.TORNADO_TRIALS,
    seed: int = defaults.SEED,
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
    samples: int = defaults.SOBOL_SAMPLES,
    trials: int = defaults.SOBOL_TRIALS,
    seed: int = defaults.SEED,
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
