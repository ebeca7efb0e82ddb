"""Which input matters most? A tornado of one-at-a-time swings and global Sobol indices.

Both measure the expected savings of one option against the baseline (default: the best other
option by mean total). Every input is moved by a factor of its current value (defaults x0.5 and
x1.5), clipped to the bounds of its field (a share stops at 1, staff at one person). Price inputs
(fees, rates, wages, revenue, blocking) are priced again on the one base simulation
(``Result.reprice``): exact, and no slower than a table lookup. Event inputs are simulated again
with the same seed, so the scenarios compare on common random numbers and a swing is the
effect of the input, not of new draws.

Examples
--------
>>> from analysis import load_scenario
>>> table = tornado(load_scenario("server-office"), trials=2_000)
>>> bool(table.iloc[0]["swing"] >= table.iloc[-1]["swing"]), table.attrs["against"]
(True, 'break-fix')
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from analysis import defaults
from analysis.decision.breakeven import best_alternative, check_pair
from analysis.decision.inputs import (
    EVENT,
    PRICE,
    applicable_inputs,
    check_factor,
    expand,
    input_label,
    is_price,
    scaled_value,
    vary,
)
from analysis.engine.core import simulate
from analysis.engine.result import Result
from analysis.errors import ArgumentError, ItcostError, ScenarioError
from analysis.scenario.model import Scenario

if TYPE_CHECKING:
    import pandas as pd


def _ranges(
    scenario: Scenario,
    names: list[str] | None,
    low: float,
    high: float,
    ranges: Mapping[str, tuple[float, float]] | None,
    option: str | None,
) -> dict[str, tuple[float, float]]:
    """Each input's (low, high) factors, checked before anything is simulated: the input names
    numbers of the scenario, the factors are finite with ``0 <= low < high``, and both ends
    give a valid scenario (after clipping to the fields' bounds).

    An ArgumentError names the argument at fault: ``inputs``, ``ranges`` (with the input) or
    ``low`` and ``high``.
    """
    ranges = dict(ranges or {})
    check_factor(("low", "high"), low, high)
    chosen = {name: (low, high) for name in (names or applicable_inputs(scenario, option))}
    for name, bounds in ranges.items():
        try:
            lowest, highest = (float(b) for b in bounds)
        except (TypeError, ValueError):
            raise ArgumentError("ranges", f"needs (LOW, HIGH) factors (got {bounds!r})",
                                name) from None  # fmt: skip
        check_factor("ranges", lowest, highest, name)
        chosen[name] = (lowest, highest)
    for name, factors in chosen.items():
        argument = "ranges" if name in ranges else "inputs"
        try:
            expand(scenario, name)
        except ArgumentError as error:
            raise ArgumentError(argument, error.reason) from None
        for factor in factors:
            try:
                vary(scenario, {name: factor})
            except ScenarioError as error:
                where = ("ranges", name) if name in ranges else (("low", "high"), "")
                raise ArgumentError(
                    where[0], f"x{factor:g} makes {name} invalid: {error.field}: "
                    f"{error.reason}", where[1],
                ) from None  # fmt: skip
    return chosen


def _comparison(
    scenario: Scenario, option: str | None, against: str | None, trials: int, seed: int
) -> tuple[Result, str, str]:
    base = simulate(scenario, trials=trials, seed=seed)
    option = option or best_alternative(base)
    option, against = check_pair(scenario, option, against)
    return base, option, against


def _run(base: Result, changed: Scenario, trials: int, seed: int) -> tuple[Result, str]:
    """``changed`` priced again on ``base`` when only prices differ, else simulated."""
    if base.can_reprice(changed):
        return base.reprice(changed), PRICE
    return simulate(changed, trials=trials, seed=seed), EVENT


def _mean_se(values: np.ndarray) -> tuple[float, float]:
    se = float(values.std(ddof=1) / math.sqrt(values.size)) if values.size > 1 else 0.0
    return float(values.mean()), se


# -- tornado -----------------------------------------------------------------------------------


def tornado(
    scenario: Scenario,
    option: str | None = None,
    low: float = 0.5,
    high: float = 1.5,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    inputs: list[str] | None = None,
    trials: int = defaults.TORNADO_TRIALS,
    seed: int = defaults.SEED,
    against: str | None = None,
) -> pd.DataFrame:
    """Expected savings of ``option`` with each input at its low and its high factor.

    Parameters
    ----------
    scenario
        The scenario at its current values.
    option, against
        Savings of ``option`` (default: the best option other than the baseline) against
        ``against`` (default: the baseline).
    low, high
        Factors of the current value (default x0.5 and x1.5), clipped to the field's bounds.
    ranges
        Other factors for some inputs: ``{"options.acme.fees.per_user_monthly": (0.8, 1.2)}``.
    inputs
        The input paths to vary (default: :func:`~analysis.decision.inputs.applicable_inputs`).
    trials, seed
        The base simulation's, and every event input's (the same seed: common random numbers).

    Returns
    -------
    pandas.DataFrame
        One row per input (index ``input``), sorted by ``swing`` (largest first): ``label``,
        ``kind`` (``"price"``: repriced, ``"event"``: simulated again), ``low`` and ``high``
        factors, ``value_low`` and ``value_high`` (the values used, after clipping; factors for
        a ``*`` input), ``savings_low`` and ``savings_high`` with their standard errors
        ``se_low`` and ``se_high``, ``swing`` (``|high - low|``), ``base`` and ``base_se``
        (expected savings now). ``attrs``: ``option``, ``against``, ``trials``, ``seed``.
        O(1 + 2 x event inputs) simulations.

    Raises
    ------
    ArgumentError
        Before any simulation: invalid factors (``low``/``high`` or ``ranges``), an input
        that names no number of the scenario (``inputs``), or an unknown option.
    """
    import pandas as pd  # here, not at the top: the command line starts faster

    if option is not None or against is not None:
        check_pair(scenario, option, against)
    factors = _ranges(scenario, inputs, low, high, ranges, option)
    base, option, against = _comparison(scenario, option, against, trials, seed)
    if inputs is None:  # the default inputs of the option now chosen
        factors = _ranges(scenario, None, low, high, ranges, option)

    def savings(result: Result) -> np.ndarray:
        return result.column(against, "total") - result.column(option, "total")

    base_mean, base_se = _mean_se(savings(base))
    rows = []
    for name, (lowest, highest) in factors.items():
        row = {"input": name, "label": input_label(scenario, name), "low": lowest,
               "high": highest}  # fmt: skip
        kinds = set()
        for side, factor in (("low", lowest), ("high", highest)):
            result, kind = _run(base, vary(scenario, {name: factor}), trials, seed)
            kinds.add(kind)
            row[f"value_{side}"] = scaled_value(scenario, name, factor)
            row[f"savings_{side}"], row[f"se_{side}"] = _mean_se(savings(result))
        row["kind"] = PRICE if kinds == {PRICE} else EVENT
        row["swing"] = abs(row["savings_high"] - row["savings_low"])
        row["base"], row["base_se"] = base_mean, base_se
        rows.append(row)
    columns = ["input", "label", "kind", "low", "high", "value_low", "value_high",
               "savings_low", "savings_high", "se_low", "se_high", "swing", "base",
               "base_se"]  # fmt: skip
    table = pd.DataFrame(rows, columns=columns).set_index("input")
    table = table.sort_values("swing", ascending=False, kind="stable")
    table.attrs.update({"option": option, "against": against, "trials": trials, "seed": seed})
    return table


# -- Sobol indices -----------------------------------------------------------------------------


def tornado_runs(scenario: Scenario, inputs: list[str]) -> int:
    """The simulations :func:`tornado` runs for ``inputs``: the base, and each input that is
    not a price low and high (a price is repriced on the base). An input that is no price
    of the scenario counts as simulated: the count is an upper bound.

    Examples
    --------
    >>> from analysis import load_scenario
    >>> tornado_runs(load_scenario("server-office"), ["options.managed.fees.per_user_monthly",
    ...                                               "incidents.*.rate"])
    3
    """
    return 1 + 2 * sum(not _is_price(scenario, name) for name in inputs)


def sobol_runs(samples: int, inputs: int) -> int:
    """The simulations :func:`sobol` runs: the base, and SALib's ``samples * (inputs + 2)``
    points."""
    return 1 + samples * (inputs + 2)


def _is_price(scenario: Scenario, parameter: str) -> bool:
    try:
        return is_price(scenario, parameter)
    except ItcostError:
        return False


def sobol(
    scenario: Scenario,
    option: str | None = None,
    inputs: list[str] | None = None,
    low: float = 0.5,
    high: float = 1.5,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    samples: int = defaults.SOBOL_SAMPLES,
    trials: int = defaults.SOBOL_TRIALS,
    seed: int = defaults.SEED,
    against: str | None = None,
) -> pd.DataFrame:
    """First-order and total Sobol indices of ``option``'s expected savings, with 95% intervals.

    Each input's factor is uniform over its range (default x0.5 to x1.5), clipped to the
    field's bounds as :func:`tornado` does. SALib draws ``samples * (inputs + 2)`` points
    (Saltelli's scheme, Sobol' sequence, no second-order terms); each point's expected savings
    comes from the base simulation priced again (when the point moves price inputs only) or a
    simulation of ``trials`` trials, all with the same seed, so the output is a smooth
    function of the inputs.

    Returns
    -------
    pandas.DataFrame
        One row per input (index ``input``): ``label``, ``S1``, ``S1_conf``, ``ST``,
        ``ST_conf`` (half-widths of the 95% bootstrap intervals), sorted by ``ST``. ``attrs``
        as :func:`tornado`'s.
    """
    import pandas as pd  # here, not at the top: the command line starts faster
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    if option is not None or against is not None:
        check_pair(scenario, option, against)
    factors = _ranges(scenario, inputs, low, high, ranges, option)
    base, option, against = _comparison(scenario, option, against, trials, seed)
    if inputs is None:
        factors = _ranges(scenario, None, low, high, ranges, option)
    names = list(factors)
    problem = {"num_vars": len(names), "names": names, "bounds": [factors[n] for n in names]}
    with warnings.catch_warnings():  # SALib warns about sample sizes; `samples` is documented
        warnings.simplefilter("ignore")
        points = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)

    def output(point: np.ndarray) -> float:
        changed = vary(scenario, dict(zip(names, map(float, point), strict=True)))
        result, _ = _run(base, changed, trials, seed)
        return float(np.mean(result.column(against, "total") - result.column(option, "total")))

    outputs = np.array([output(point) for point in points])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        indices = sobol_analyze.analyze(problem, outputs, calc_second_order=False, seed=seed)
    table = pd.DataFrame(
        {
            "label": [input_label(scenario, name) for name in names],
            "S1": indices["S1"],
            "S1_conf": indices["S1_conf"],
            "ST": indices["ST"],
            "ST_conf": indices["ST_conf"],
        },
        index=pd.Index(names, name="input"),
    )
    table = table.sort_values("ST", ascending=False, kind="stable")
    table.attrs.update({"option": option, "against": against, "trials": trials, "seed": seed})
    return table
