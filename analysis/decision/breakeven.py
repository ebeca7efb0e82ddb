"""Break-even: the value of one input at which expected savings are zero, with its uncertainty.

Every evaluation simulates with the same seed, so the scenarios compare on common random
numbers: mean savings is then a deterministic function of the input, exactly linear for fees,
prices and revenue and a fine step function for incident rates (whose counts move the draws
after them), and a bracketing root finder converges on it. The managed per-user fee needs no
search at all: savings fall by the same amount in every trial per unit of fee (unless SLA
credits, capped at a share of the fee, apply): :func:`breakeven_fee` reads it off one result.
:func:`breakeven_table` solves the inputs that the report and the app show.

Examples
--------
>>> from analysis import load_scenario
>>> answer = breakeven(load_scenario("small-office"), "incidents.*.rate_per_year", trials=4_000)
>>> answer.found, 0 < answer.value < 1  # managed wins now; with fewer incidents it would not
(True, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from analysis import defaults
from analysis.decision.inputs import RATE_MULTIPLIER, current_value, with_value
from analysis.engine.core import simulate
from analysis.engine.result import Result
from analysis.errors import ArgumentError
from analysis.scenario.fields import field_doc
from analysis.scenario.model import MAX_MONEY, MAX_RATE, Scenario

if TYPE_CHECKING:
    import pandas as pd

#: The inputs :func:`breakeven` solves for. ``incidents.*.rate_per_year`` scales every tier's
#: rate by one multiplier (its current value is 1).
PARAMETERS = (
    "managed.per_user_monthly",
    RATE_MULTIPLIER,
    "incidents.<tier>.rate_per_year",
    "organisation.revenue_per_hour",
    "break_fix.hourly_rate",
)
#: How far above its current value a break-even is looked for (below: down to zero).
SEARCH_FACTOR = 20.0


@dataclass(frozen=True)
class Breakeven:
    """The answer of :func:`breakeven`; ``value`` and ``stderr`` are None when not ``found``."""

    parameter: str
    found: bool
    value: float | None
    stderr: float | None
    current: float
    searched: tuple[float, float]  # the range looked in
    note: str  # in words: what the value means, or why there is none
    cheaper: str | None = None  # without a break-even: the model cheaper throughout the range

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` form: parameter, found, value, stderr, current (and the rest)."""
        data = asdict(self)
        data["searched"] = list(self.searched)
        return data


def breakeven(
    scenario: Scenario,
    parameter: str = "managed.per_user_monthly",
    trials: int = defaults.BREAKEVEN_TRIALS,
    seed: int = defaults.SEED,
) -> Breakeven:
    """Solve for the value of ``parameter`` at which expected savings (break-fix minus managed)
    are zero.

    Parameters
    ----------
    scenario
        The scenario; only ``parameter`` is varied.
    parameter
        One of :data:`PARAMETERS`, with a real tier name for ``incidents.<tier>.rate_per_year``.
        ``incidents.*.rate_per_year`` solves for a multiplier of every tier's rate.
    trials, seed
        Each evaluation's simulation; all share the seed (common random numbers).

    Returns
    -------
    Breakeven
        ``value`` with ``stderr``, its Monte Carlo standard error (the savings' standard error
        at the root over the slope there), or ``found=False`` with a ``note`` when savings do
        not change sign between zero and :data:`SEARCH_FACTOR` times the current value.
    """
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 2:
        raise ArgumentError("trials", f"must be a whole number >= 2 (got {trials!r})")
    setter, current = _setter(scenario, parameter)
    if parameter == "managed.per_user_monthly" and fee_is_linear(scenario):
        return _fee_breakeven(scenario, trials, seed, current)
    # Otherwise (SLA credits grow with the fee up to their cap, too) solve like the rest.

    def savings(value: float) -> np.ndarray:
        return simulate(setter(value), trials=trials, seed=seed).columns["savings"]

    def mean(value: float) -> float:
        return float(savings(value).mean())

    # A bracket: [0, today's value], else doubling upwards to SEARCH_FACTOR times it (a run at
    # 20 times the incident rate costs 20 runs, so the far end is tried last). Where today's
    # value is 0, from a typical value instead; never past what the scenario allows.
    start = current if current > 0 else _TYPICAL[_kind(parameter)]
    limit = min(start * SEARCH_FACTOR, _ceiling(scenario, parameter))
    low, high = 0.0, min(start, limit)
    at_low, at_high = mean(low), mean(high)
    while _same_sign(at_low, at_high) and high < limit:
        low, at_low = high, at_high
        high = min(2 * high, limit)
        at_high = mean(high)
    if _same_sign(at_low, at_high):
        cheaper = "managed" if at_high > 0 else "break_fix"
        wins = "managed services are" if at_high > 0 else "break-fix is"
        return Breakeven(
            parameter, False, None, None, current, (0.0, limit),
            f"no break-even between 0 and {limit:,.6g}: {wins} cheaper on average throughout",
            cheaper,
        )  # fmt: skip
    from scipy.optimize import brentq  # imported here: scipy is slow to import

    value = brentq(mean, low, high, xtol=1e-9 * max(high, 1.0), rtol=1e-10)
    # The slope over a few percent of the value: for incident rates mean savings is a fine
    # step function of the rate (Poisson counts move the draws after them), so a tiny
    # difference quotient would measure a step, not the trend.
    step = 0.05 * (value if value > 0 else high)
    lower = max(value - step, 0.0)
    slope = (mean(value + step) - mean(lower)) / (value + step - lower)
    at_root = savings(value)
    stderr = float(at_root.std(ddof=1) / math.sqrt(trials) / abs(slope)) if slope else None
    return Breakeven(parameter, True, float(value), stderr, current, (0.0, limit),
                     _meaning(parameter, value, current))  # fmt: skip


def fee_is_linear(scenario: Scenario) -> bool:
    """Whether savings fall by exactly :func:`fee_sensitivity` per unit of the per-user fee in
    every trial: not when SLA credits (capped at a share of the fee) apply."""
    sla = scenario.managed.sla
    return sla is None or sla.credit_per_breach == 0 or sla.max_credit_share == 0


def fee_sensitivity(scenario: Scenario) -> float:
    """How much the managed cost grows per unit of the per-user monthly fee, in every trial:
    ``12 * employees * sum of g_y`` (money per horizon per unit of fee)."""
    return 12 * scenario.organisation.employees * sum(scenario.horizon.year_factors())


def breakeven_fee(result: Result) -> float:
    """The managed per-user monthly fee at which expected savings are zero (negative when
    break-fix is cheaper even at no fee; ``inf`` when managed stays cheaper at any fee the
    search covers).

    Savings fall by :func:`fee_sensitivity` per unit of fee in every trial, exactly, on the
    same draws: one run gives the answer without root finding. With SLA credits (capped at a
    share of the fee) it is solved by :func:`analysis.breakeven` on the result's seed.

    Examples
    --------
    >>> from analysis import load_scenario, simulate
    >>> result = simulate(load_scenario("small-office"), trials=5_000, seed=1)
    >>> fee = breakeven_fee(result)
    >>> again = simulate(result.scenario.with_overrides({"managed.per_user_monthly": fee}),
    ...                  trials=5_000, seed=1)
    >>> bool(abs(again.columns["savings"].mean()) < 1e-6)
    True
    """
    scenario = result.scenario
    if fee_is_linear(scenario):
        mean_savings = float(result.columns["savings"].mean())
        return scenario.managed.per_user_monthly + mean_savings / fee_sensitivity(scenario)
    # SLA credits are capped at a share of the fee: solved on the same draws instead.
    answer = breakeven(scenario, "managed.per_user_monthly", result.n_trials, result.seed)
    if answer.found:
        return answer.value
    return math.inf if answer.cheaper == "managed" else -1.0


#: Where a search starts when today's value is 0: a typical size of that kind of input.
_TYPICAL = {"rate": 1.0, "multiplier": 1.0, "money": 100.0}


def _kind(parameter: str) -> str:
    if parameter == RATE_MULTIPLIER:
        return "multiplier"
    return "rate" if parameter.endswith("rate_per_year") else "money"


def _ceiling(scenario: Scenario, parameter: str) -> float:
    """The largest value the scenario model accepts for ``parameter``."""
    kind = _kind(parameter)
    if kind == "money":
        return MAX_MONEY
    if kind == "rate":
        return MAX_RATE
    highest = max((tier.rate_per_year for tier in scenario.incidents.values()), default=0.0)
    return MAX_RATE / highest if highest > 0 else SEARCH_FACTOR


def _same_sign(a: float, b: float) -> bool:
    return a != 0 and b != 0 and math.copysign(1, a) == math.copysign(1, b)


def _fee_breakeven(scenario: Scenario, trials: int, seed: int, current: float) -> Breakeven:
    """Savings fall by fee_sensitivity per unit of fee in every trial: exact from one run."""
    result = simulate(scenario, trials=trials, seed=seed)
    savings = result.columns["savings"]
    value = breakeven_fee(result)
    stderr = float(savings.std(ddof=1) / math.sqrt(trials) / fee_sensitivity(scenario))
    parameter = "managed.per_user_monthly"
    if value < -1e-9 * max(current, 1.0):  # below zero beyond rounding
        return Breakeven(parameter, False, None, None, current, (0.0, math.inf),
                         "no break-even: even at no fee at all, break-fix is cheaper on "
                         "average", "break_fix")  # fmt: skip
    value = max(value, 0.0)
    return Breakeven(parameter, True, value, stderr, current, (0.0, math.inf),
                     _meaning(parameter, value, current))  # fmt: skip


def _meaning(parameter: str, value: float, current: float) -> str:
    side = "below" if value < current else "above"
    if parameter == RATE_MULTIPLIER:
        return (f"expected savings are zero when every incident rate is {value:.3g} times "
                f"today's ({side} the current 1)")  # fmt: skip
    return f"expected savings are zero at {value:,.4g} ({side} the current {current:,.4g})"


def _setter(scenario: Scenario, parameter: str) -> tuple[Callable[[float], Scenario], float]:
    """A function giving the scenario with ``parameter`` set to a value, and its current value."""
    parts = parameter.split(".")
    known = {p.replace("<tier>", parts[1]) if len(parts) > 1 else p for p in PARAMETERS}
    tier_unknown = parts[0] == "incidents" and parts[1] not in {"*", *scenario.incidents}
    if parameter not in known or tier_unknown:
        choices = ", ".join(p.replace("<tier>", "TIER") for p in PARAMETERS)
        raise ArgumentError("parameter", f"cannot solve for {parameter!r} (choose: {choices})")
    return (lambda value: with_value(scenario, parameter, value)), current_value(
        scenario, parameter
    )


#: The inputs whose break-even the report and the app show.
BREAKEVEN_INPUTS = (
    "managed.per_user_monthly",
    RATE_MULTIPLIER,
    "break_fix.hourly_rate",
    "organisation.revenue_per_hour",
)


def input_label(parameter: str) -> str:
    """One of :data:`PARAMETERS` in words: its field's title, with the period of a monthly fee.

    Examples
    --------
    >>> input_label("managed.per_user_monthly"), input_label(RATE_MULTIPLIER)
    ('Managed fee per user (per month)', "Incident rates (multiple of today's)")
    """
    if parameter == RATE_MULTIPLIER:
        return "Incident rates (multiple of today's)"
    field = field_doc(parameter)
    return f"{field.title} (per month)" if field.unit.endswith("per month") else field.title


def breakeven_table(scenario: Scenario, trials: int, seed: int) -> pd.DataFrame:
    """The break-even of each of :data:`BREAKEVEN_INPUTS`.

    Parameters
    ----------
    scenario
        The scenario.
    trials, seed
        Each run's trials and the seed they all share (see :func:`analysis.breakeven`).

    Returns
    -------
    pandas.DataFrame
        One row per input: ``input`` (in words), ``parameter`` (its path), ``now``,
        ``break_even`` (None when there is none in range), ``stderr`` and ``note``.
    """
    import pandas as pd  # here, not at the top: the command line starts faster

    rows = []
    for path in BREAKEVEN_INPUTS:
        answer = breakeven(scenario, path, trials=trials, seed=seed)
        rows.append({"input": input_label(path), "parameter": path, "now": answer.current,
                     "break_even": answer.value, "stderr": answer.stderr,
                     "note": answer.note})  # fmt: skip
    return pd.DataFrame(rows)
