"""Break-even: the value of one input at which an option's expected savings are zero.

Savings of an option are those against the baseline (or another option, ``against``):
the mean over trials of ``total(against) - total(option)``, positive when the option costs less.

*Price* inputs (fees, rates, trip fees, wages, revenue, shares of staff affected and work
blocked, SLA credits) change no simulated event: one simulation is priced again for each value
(``Result.reprice``), so the break-even is exact on those draws, with no new simulation and no
search over noisy estimates. Money is linear in a price, or piecewise linear where a cap or a
floor bends it (SLA credits capped at a share of the fee, a minimum monthly fee, the larger of
wages and revenue): a Newton step from two repricings lands on the root of a linear piece, and
a few more steps cross the kinks. *Event* inputs (incident rates, durations, shares, calendars)
need a new simulation per value; every one uses the same seed (common random numbers), so
mean savings is a deterministic function of the input, and a bracketing root finder solves it.

Examples
--------
>>> from analysis import load_scenario, simulate
>>> result = simulate(load_scenario("server-office"), trials=4_000, seed=1)
>>> answer = breakeven_fee(result, "managed")
>>> answer.method, answer.found
('exact', True)
>>> at_root = result.scenario.with_overrides(
...     {"options.managed.fees.per_user_monthly": answer.value})
>>> bool(abs(simulate(at_root, trials=4_000, seed=1).savings("managed").mean()) < 1e-6)
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from analysis import defaults
from analysis.decision.inputs import (
    current_value,
    expand,
    field_meta,
    input_label,
    is_multiplier,
    is_price,
    with_value,
)
from analysis.engine.core import simulate
from analysis.engine.result import Result
from analysis.errors import ArgumentError
from analysis.scenario.model import Managed, Scenario

if TYPE_CHECKING:
    import pandas as pd

#: Examples of the inputs :func:`breakeven` solves for (any number of the scenario will do).
PARAMETERS = (
    "options.<option>.fees.per_user_monthly",
    "options.<option>.rates.onsite",
    "options.<option>.rates.*",
    "incidents.*.rate",
    "incidents.<tier>.rate_per_user_per_year",
    "organisation.annual_revenue",
    "organisation.loaded_hourly_cost",
)
#: How far above its current value a break-even of an event input is looked for (below: down
#: to the field's minimum). Price inputs are solved over the whole range their field allows.
SEARCH_FACTOR = 20.0

#: What all-inclusive managed IT costs small businesses, in US dollars per user per month:
#: per-user prices of $100-$200 (Micro IT 2026), a market average of $150-185 and a "healthy"
#: $185-250 (Pharallax), premium security-and-on-site contracts $180-250 (IT-Premium 2026).
MARKET_PER_USER_MONTHLY = (100.0, 250.0)
#: The ids of those sources in ``data/references.yaml``.
MARKET_SOURCES = ("micro-it-pricing-2026", "pharallax-msp-benchmark-2026", "it-premium-2026")
#: The currency of :data:`MARKET_PER_USER_MONTHLY`.
MARKET_CURRENCY = "USD"

#: Newton steps on repricings before a price break-even falls back to bracketing.
_NEWTON_STEPS = 60
#: Mean savings this close to zero, relative to the totals compared, are zero.
_EXACT = 1e-12


@dataclass(frozen=True)
class Breakeven:
    """The answer of :func:`breakeven`; ``value`` and ``stderr`` are None when not ``found``.

    ``method`` is ``"exact"`` (a price input, solved by repricing one simulation) or
    ``"root"`` (an event input, solved by root finding over simulations with one seed).
    ``cheaper`` names the option that is cheaper on average throughout ``searched`` when there
    is no break-even there.
    """

    parameter: str
    option: str
    against: str
    found: bool
    value: float | None
    stderr: float | None
    current: float
    searched: tuple[float, float]
    method: str
    note: str
    cheaper: str | None = None
    label: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` form: every field, ``searched`` as a list."""
        data = asdict(self)
        data["searched"] = list(self.searched)
        return data


def best_alternative(result: Result) -> str:
    """The option other than the baseline with the lowest mean total (the first of equals)."""
    means = {option: float(np.mean(result.column(option, "total"))) for option in
             result.alternatives}  # fmt: skip
    return min(means, key=means.__getitem__)


def _best_managed(result: Result) -> str:
    managed = [o for o in result.alternatives if isinstance(result.scenario.options[o], Managed)]
    if not managed:
        raise ArgumentError("option", "the scenario has no managed option besides the baseline")
    return min(managed, key=lambda o: float(np.mean(result.column(o, "total"))))


def check_pair(scenario: Scenario, option: str | None, against: str | None) -> tuple[str, str]:
    """``(option, against)`` checked: options of the scenario, not the same; ``against``
    defaults to the baseline. ArgumentError (``option`` or ``against``) otherwise."""
    names = scenario.option_names
    for argument, name in (("option", option), ("against", against)):
        if name is not None and name not in names:
            raise ArgumentError(argument, f"{name!r} is not an option (options: "
                                          f"{', '.join(names)})")  # fmt: skip
    against = against or scenario.baseline_name
    if option == against:
        raise ArgumentError("against", f"compares {option!r} with itself; name another option")
    return option, against


def _savings(result: Result, option: str, against: str) -> np.ndarray:
    return result.column(against, "total") - result.column(option, "total")


def _scale(result: Result, option: str, against: str) -> float:
    """The size of the totals compared, against which a mean saving counts as zero."""
    return float(np.mean(np.abs(result.column(option, "total"))) +
                 np.mean(np.abs(result.column(against, "total")))) or 1.0  # fmt: skip


def _domain(scenario: Scenario, parameter: str) -> tuple[float, float, bool]:
    """The values ``parameter`` may take (lowest, highest) and whether they are whole numbers.
    A multiplier may go as far as its most constrained field allows."""
    paths = expand(scenario, parameter)
    if is_multiplier(parameter):
        lowest, highest = 0.0, math.inf
        for path in paths:
            meta, value = field_meta(scenario, path), current_value(scenario, path)
            if value > 0:
                if meta.minimum is not None and meta.minimum > 0:
                    lowest = max(lowest, meta.minimum / value)
                if meta.maximum is not None:
                    highest = min(highest, meta.maximum / value)
        return lowest, (highest if math.isfinite(highest) else 1e6), False
    meta = field_meta(scenario, paths[0])
    lowest = meta.minimum if meta.minimum is not None else 0.0
    if meta.kind == "count" and meta.minimum_exclusive:
        lowest += 1
    highest = meta.maximum if meta.maximum is not None else 1e9
    return lowest, highest, meta.kind == "count"


def _lowest_valid(lowest: float, exclusive: bool, start: float) -> float:
    return lowest + 1e-9 * max(start, 1.0) if exclusive else lowest


def _interpolated(mean: Callable[[float], float], whole: bool) -> Callable[[float], float]:
    """For a whole-number input: linear between the whole numbers around a value."""
    if not whole:
        return mean

    def between(value: float) -> float:
        low = math.floor(value)
        if low == value:
            return mean(float(low))
        share = value - low
        return (1 - share) * mean(float(low)) + share * mean(float(low + 1))

    return between


def _meaning(parameter: str, label: str, option: str, against: str, value: float,
             current: float) -> str:  # fmt: skip
    side = "below" if value < current else "above"
    who = f"expected savings of {option} against {against} are zero"
    if is_multiplier(parameter):
        return f"{label}: {who} at {value:.4g} times today's values ({side} the current 1)"
    return f"{label}: {who} at {value:,.6g} ({side} the current {current:,.6g})"


def _not_found(parameter: str, label: str, option: str, against: str, current: float,
               searched: tuple[float, float], method: str, at_end: float) -> Breakeven:  # fmt: skip
    cheaper = option if at_end > 0 else against
    return Breakeven(
        parameter, option, against, False, None, None, current, searched, method,
        f"{label}: no break-even between {searched[0]:,.6g} and {searched[1]:,.6g}; "
        f"{cheaper} is cheaper on average throughout", cheaper, label,
    )  # fmt: skip


# -- price inputs: exact, by repricing one simulation ------------------------------------------


def breakeven_price(
    result: Result, parameter: str, option: str | None = None, against: str | None = None
) -> Breakeven:
    """The exact break-even of a price input, from ``result`` alone (no new simulation).

    Parameters
    ----------
    result
        Any result of the scenario.
    parameter
        A price input of the scenario (see :func:`analysis.decision.inputs.input_kind`);
        ``{option}`` in it stands for ``option``.
    option, against
        The option whose savings against ``against`` (default: the baseline) are zeroed;
        ``option`` defaults to the best other option.

    Returns
    -------
    Breakeven
        ``method="exact"``: on these draws, a fresh simulation at ``value`` with the same seed
        and trials has mean savings of zero (to rounding). ``stderr`` is the Monte Carlo
        standard error of the savings there over the slope of mean savings in the input.

    Raises
    ------
    ArgumentError
        ``parameter`` is an event input (use :func:`breakeven`), or names no number.
    """
    scenario = result.scenario
    option = option or best_alternative(result)
    option, against = check_pair(scenario, option, against)
    parameter = parameter.format(option=option)
    current = current_value(scenario, parameter)
    if not is_price(scenario, parameter):
        raise ArgumentError(
            "parameter", f"{parameter} changes what happens, not only prices: solve it with "
            "breakeven(scenario, ...), which simulates again"
        )  # fmt: skip
    label = input_label(scenario, parameter)
    lowest, highest, whole = _domain(scenario, parameter)
    meta_exclusive = not is_multiplier(parameter) and field_meta(
        scenario, expand(scenario, parameter)[0]).minimum_exclusive  # fmt: skip
    lowest = _lowest_valid(lowest, meta_exclusive and not whole, current)
    scale = _scale(result, option, against)
    cache: dict[float, np.ndarray] = {}

    def savings(value: float) -> np.ndarray:
        if value not in cache:
            repriced = result.reprice(with_value(scenario, parameter, value))
            cache[value] = _savings(repriced, option, against)
        return cache[value]

    mean = _interpolated(lambda value: float(savings(value).mean()), whole)
    value = _newton(mean, min(max(current, lowest), highest), lowest, highest, scale)
    if value is None and not _flat(mean, current, lowest, highest, scale):
        # (a flat input, another option's fee, has no root)
        value = _bracketed(mean, current, lowest, highest, scale)
    searched = (float(lowest), float(highest))
    if value is None:
        return _not_found(parameter, label, option, against, current, searched, "exact",
                          mean(highest))  # fmt: skip
    slope = _slope(mean, value, lowest, highest)
    at_root = savings(round(value) if whole else value)
    spread = float(at_root.std(ddof=1)) / math.sqrt(at_root.size) if at_root.size > 1 else 0.0
    stderr = spread / abs(slope) if slope else None
    return Breakeven(parameter, option, against, True, float(value), stderr, current, searched,
                     "exact", _meaning(parameter, label, option, against, value, current),
                     None, label)  # fmt: skip


def _flat(mean: Callable[[float], float], current: float, lowest: float, highest: float,
          scale: float) -> bool:  # fmt: skip
    """Whether mean savings are the same, to rounding, across [lowest, highest]."""
    return abs(mean(highest) - mean(lowest)) <= _EXACT * scale and _same_sign(
        mean(lowest), mean(current if lowest <= current <= highest else lowest)
    )


def _slope(mean: Callable[[float], float], value: float, lowest: float, highest: float) -> float:
    """d(mean savings)/d(input) at ``value``, from a small step of either side (exact on a
    linear piece)."""
    step = 1e-6 * max(abs(value), 1.0)
    high = min(value + step, highest)
    low = max(value - step, lowest)
    if high == low:
        return 0.0
    return (mean(high) - mean(low)) / (high - low)


def _newton(mean: Callable[[float], float], start: float, lowest: float, highest: float,
            scale: float) -> float | None:  # fmt: skip
    """Newton steps on a piecewise-linear function evaluated exactly: on a linear piece one
    step lands on its root; on a concave or convex one the steps cross each kink once. None
    when it does not settle inside [lowest, highest]."""
    value = start
    at = mean(value)
    for _ in range(_NEWTON_STEPS):
        if abs(at) <= _EXACT * scale:
            return value
        slope = _slope(mean, value, lowest, highest)
        if slope == 0 or not math.isfinite(slope):
            return None
        step = value - at / slope
        clipped = min(max(step, lowest), highest)
        if clipped == value:
            return None
        value, at = clipped, mean(clipped)
    return None


def _bracketed(mean: Callable[[float], float], current: float, lowest: float, highest: float,
               scale: float) -> float | None:  # fmt: skip
    """The first sign change on a grid over [lowest, highest] (geometric above the current
    value), solved with Brent's method to machine precision; None without one."""
    from scipy.optimize import brentq  # imported here: scipy is slow to import

    start = max(lowest, 1e-3 * (current if current > 0 else min(highest, 1.0)))
    grid = {lowest, highest, min(max(current, lowest), highest)}
    value = start
    while value < highest:
        grid.add(value)
        value *= 1.5
    points = sorted(grid)
    values = [mean(point) for point in points]
    for i in range(len(points) - 1):
        (a, fa), (b, fb) = (points[i], values[i]), (points[i + 1], values[i + 1])
        if abs(fa) <= _EXACT * scale:
            return a
        if fa * fb < 0:
            return float(brentq(mean, a, b, xtol=2e-15 * max(abs(b), 1.0), rtol=1e-15))
    return points[-1] if abs(values[-1]) <= _EXACT * scale else None


def breakeven_fee(
    result: Result,
    option: str | None = None,
    field: str = "per_user_monthly",
    against: str | None = None,
) -> Breakeven:
    """The exact fee of a managed ``option`` at which its expected savings are zero.

    Parameters
    ----------
    result
        Any result of the scenario.
    option
        A managed option (default: the managed option other than the baseline with the lowest
        mean total).
    field
        The fee line: a key of ``fees`` (``per_user_monthly``, ``per_server_monthly``, ...).
    against
        The option compared with (default: the baseline).

    Returns
    -------
    Breakeven
        As :func:`breakeven_price`: mean savings at the fee are zero on these draws.
        A monthly fee raises every trial's total by ``12 * units * sum of g_y`` per unit
        while above the minimum monthly fee, less what a growing SLA credit cap gives back.

    Examples
    --------
    >>> from analysis import load_scenario, simulate
    >>> answer = breakeven_fee(simulate(load_scenario("server-office"), 2_000, seed=1), "managed")
    >>> answer.parameter
    'options.managed.fees.per_user_monthly'
    """
    option = option or _best_managed(result)
    if option in result.scenario.options and not isinstance(
        result.scenario.options[option], Managed
    ):
        raise ArgumentError("option", f"{option!r} is pay per incident: it has no fees")
    return breakeven_price(result, f"options.{option}.fees.{field}", option, against)


# -- any input ---------------------------------------------------------------------------------


#: Each kind of option's headline price, the default input of :func:`breakeven`.
HEADLINE_PRICE = {
    "managed": "fees.per_user_monthly",
    "in_house": "salary_per_year",
    "block_hours": "block.price_per_year",
    "pay_per_incident": "rates.remote",
}


def breakeven(
    scenario: Scenario,
    parameter: str | None = None,
    option: str | None = None,
    against: str | None = None,
    trials: int = defaults.BREAKEVEN_TRIALS,
    seed: int = defaults.SEED,
) -> Breakeven:
    """Solve for the value of ``parameter`` at which the expected savings of ``option`` against
    ``against`` are zero.

    Parameters
    ----------
    scenario
        The scenario; only ``parameter`` is varied.
    parameter
        A dotted path to a number of the scenario, or a ``*`` multiplier such as
        ``incidents.*.rate`` (see :mod:`analysis.decision.inputs`); ``{option}`` stands for
        ``option``. Default: the option's headline price (:data:`HEADLINE_PRICE`): a managed
        option's per-user fee, an in-house technician's salary, a block's price.
    option, against
        The option whose savings are zeroed (default: the best other option, or the best
        managed one for the default parameter) and the one it is compared with (default: the
        baseline).
    trials, seed
        Each simulation's; all share the seed (common random numbers).

    Returns
    -------
    Breakeven
        A price input is solved exactly on one simulation (:func:`breakeven_price`). An event
        input is bracketed between the field's minimum and :data:`SEARCH_FACTOR` times its
        current value and solved with Brent's method; ``stderr`` is the savings' standard error
        at the root over the slope there. ``found=False`` with a ``note`` when savings do not
        change sign in the range.
    """
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 2:
        raise ArgumentError("trials", f"must be a whole number >= 2 (got {trials!r})")
    result = simulate(scenario, trials=trials, seed=seed)
    default = parameter is None
    if default:
        option = option or _best_managed(result)
    option = option or best_alternative(result)
    option, against = check_pair(scenario, option, against)
    if default:
        parameter = f"options.{{option}}.{HEADLINE_PRICE[scenario.options[option].kind]}"
    parameter = parameter.format(option=option)
    current_value(scenario, parameter)  # a bad path fails before any search
    if is_price(scenario, parameter):
        return breakeven_price(result, parameter, option, against)
    return _root(scenario, parameter, option, against, trials, seed, result)


def _root(scenario: Scenario, parameter: str, option: str, against: str, trials: int,
          seed: int, result: Result) -> Breakeven:  # fmt: skip
    """Bracket and solve over simulations with one seed (an event input)."""
    current = current_value(scenario, parameter)
    label = input_label(scenario, parameter)
    lowest, highest, whole = _domain(scenario, parameter)
    exclusive = not is_multiplier(parameter) and field_meta(
        scenario, expand(scenario, parameter)[0]).minimum_exclusive  # fmt: skip
    cache: dict[float, np.ndarray] = {current: _savings(result, option, against)}

    def savings(value: float) -> np.ndarray:
        if value not in cache:
            run = simulate(with_value(scenario, parameter, value), trials=trials, seed=seed)
            cache[value] = _savings(run, option, against)
        return cache[value]

    mean = _interpolated(lambda value: float(savings(value).mean()), whole)
    # A bracket: [lowest, today's value], else doubling upwards to SEARCH_FACTOR times it (a
    # run at 20 times the incident rate costs 20 runs, so the far end is tried last). Where
    # today's value is 0, from a typical value instead; never past what the field allows.
    start = current if current > 0 else _typical(scenario, parameter)
    limit = min(start * SEARCH_FACTOR, highest)
    low = _lowest_valid(lowest, exclusive and not whole, start)
    high = min(max(start, low), limit)
    at_low, at_high = mean(low), mean(high)
    while _same_sign(at_low, at_high) and high < limit:
        low, at_low = high, at_high
        high = min(2 * high, limit)
        at_high = mean(high)
    searched = (float(lowest), float(limit))
    if _same_sign(at_low, at_high):
        return _not_found(parameter, label, option, against, current, searched, "root", at_high)
    if at_low == 0 or at_high == 0:
        value = low if at_low == 0 else high
    else:
        from scipy.optimize import brentq  # imported here: scipy is slow to import

        value = float(brentq(mean, low, high, xtol=1e-9 * max(high, 1.0), rtol=1e-10))
    # The slope over a few percent of the value: for incident rates mean savings is a fine
    # step function of the rate (Poisson counts move the draws after them), so a tiny
    # difference quotient would measure a step, not the trend.
    step = max(0.05 * (value if value > 0 else high), 1.0 if whole else 0.0)
    below = max(value - step, low)
    above = min(value + step, highest)
    slope = (mean(above) - mean(below)) / (above - below) if above > below else 0.0
    at_root = savings(round(value) if whole else value)
    spread = float(at_root.std(ddof=1)) / math.sqrt(trials)
    stderr = spread / abs(slope) if slope else None
    return Breakeven(parameter, option, against, True, float(value), stderr, current, searched,
                     "root", _meaning(parameter, label, option, against, value, current),
                     None, label)  # fmt: skip


def _typical(scenario: Scenario, parameter: str) -> float:
    """Where a search starts when today's value is 0: a typical size of that kind of input."""
    if is_multiplier(parameter):
        return 1.0
    meta = field_meta(scenario, expand(scenario, parameter)[0])
    if meta.maximum is not None and meta.maximum <= 1:
        return 0.5 * meta.maximum
    return 100.0 if meta.unit.startswith("money") else 1.0


def _same_sign(a: float, b: float) -> bool:
    return a != 0 and b != 0 and math.copysign(1, a) == math.copysign(1, b)


# -- the table of the report and the app -------------------------------------------------------


def market_position(fee: float) -> str:
    """``"below"``, ``"within"`` or ``"above"`` :data:`MARKET_PER_USER_MONTHLY` (US dollars
    per user per month, all-inclusive contracts).

    Examples
    --------
    >>> market_position(90), market_position(180), market_position(400)
    ('below', 'within', 'above')
    """
    low, high = MARKET_PER_USER_MONTHLY
    return "below" if fee < low else "above" if fee > high else "within"


def all_in_per_user(
    scenario: Scenario, option: str, per_user_monthly: float | None = None
) -> float:
    """A managed option's whole monthly fee per employee (every line: per user, device, server
    and site, at least the minimum), with the per-user line at ``per_user_monthly`` if given.

    The market band prices whole contracts per user, so a break-even of the per-user line is
    compared with it as this: a contract that also charges per device is dearer than its
    per-user line says.

    Examples
    --------
    >>> from analysis import load_scenario
    >>> scenario = load_scenario("server-office")
    >>> round(all_in_per_user(scenario, "managed"), 1)  # $150 a user, plus server and site lines
    193.5
    """
    if per_user_monthly is not None:
        path = f"options.{option}.fees.per_user_monthly"
        scenario = scenario.with_overrides({path: per_user_monthly})
    return scenario.annual_fee(option) / 12 / scenario.organisation.employees


def _market(scenario: Scenario, option: str, parameter: str, answer: Breakeven) -> str | None:
    spec = scenario.options[option]
    per_user = parameter == f"options.{option}.fees.per_user_monthly"
    if (not per_user or not answer.found or scenario.currency != MARKET_CURRENCY
            or not isinstance(spec, Managed) or spec.covers != "all"):  # fmt: skip
        return None
    return market_position(all_in_per_user(scenario, option, max(answer.value, 0.0)))


def breakeven_table(
    source: Result | Scenario,
    parameters: Sequence[str] | None = None,
    trials: int = defaults.DECISION_TRIALS,
    seed: int = defaults.SEED,
) -> pd.DataFrame:
    """Break-evens of every option other than the baseline.

    Parameters
    ----------
    source
        A result (its draws are used), or a scenario (simulated once with ``trials`` and
        ``seed``).
    parameters
        Inputs solved for each option, ``{option}`` standing for it. Default: the per-user fee
        of each managed option, exact from the one simulation. Event inputs (``incidents.*.rate``,
        say) simulate again, with the result's trials and seed.

    Returns
    -------
    pandas.DataFrame
        One row per (option, parameter), in the scenario's order: ``option``, ``title``,
        ``against``, ``parameter``, ``input`` (in words), ``now``, ``break_even`` (NaN when
        there is none), ``stderr``, ``found``, ``method``, ``note``, ``cheaper``, ``market``
        (``"below"``, ``"within"`` or ``"above"`` :data:`MARKET_PER_USER_MONTHLY` for the
        per-user fee of an all-inclusive contract in US dollars; else None).

    Examples
    --------
    >>> from analysis import load_scenario
    >>> table = breakeven_table(load_scenario("server-office"), trials=2_000, seed=1)
    >>> list(table["option"]), list(table["method"])
    (['managed', 'hybrid'], ['exact', 'exact'])
    """
    import pandas as pd  # here, not at the top: the command line starts faster

    result = source if isinstance(source, Result) else simulate(source, trials, seed)
    scenario = result.scenario
    rows = []
    for option in result.alternatives:
        managed = isinstance(scenario.options[option], Managed)
        wanted = parameters or (["options.{option}.fees.per_user_monthly"] if managed else [])
        for template in wanted:
            parameter = template.format(option=option)
            if is_price(scenario, parameter):
                answer = breakeven_price(result, parameter, option)
            else:
                answer = _root(scenario, parameter, option, scenario.baseline_name,
                               result.n_trials, result.seed, result)  # fmt: skip
            rows.append({
                "option": option, "title": scenario.options[option].title,
                "against": answer.against, "parameter": parameter, "input": answer.label,
                "now": answer.current, "break_even": answer.value, "stderr": answer.stderr,
                "found": answer.found, "method": answer.method, "note": answer.note,
                "cheaper": answer.cheaper,
                "market": _market(scenario, option, parameter, answer),
            })  # fmt: skip
    columns = ["option", "title", "against", "parameter", "input", "now", "break_even",
               "stderr", "found", "method", "note", "cheaper", "market"]  # fmt: skip
    table = pd.DataFrame(rows, columns=columns)
    # None, not NaN, where there is no market comparison (pandas turns None into NaN).
    table["market"] = pd.Series([row["market"] for row in rows], index=table.index, dtype=object)
    return table
