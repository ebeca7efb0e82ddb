"""Helpers shared by the tests: the closed-form scenario, standard-error tolerances and a
reference calendar written out as its list of open intervals."""

from __future__ import annotations

import io
import math
from typing import Any

import numpy as np
from ruamel.yaml import YAML

import analysis
from analysis.scenario.io import scenario_from_data

#: Statistical tests accept an estimate within this many standard errors of its closed form.
#: With fixed seeds the outcome is deterministic; 4 SE would be exceeded by chance with
#: probability 6e-5, so a failure means a real discrepancy, not bad luck.
Z_TOLERANCE = 4.0

#: Round the clock: outages and work on this calendar are plain clock time.
ALWAYS = {"days": 7, "open": 0, "close": 24}

#: A one-tier, two-option scenario (format 2) whose expectations have closed forms; tests
#: change it with dotted keys. Everything runs round the clock, so an incident's lost hours are
#: its wait plus its repair; every outage hour costs wages plus revenue. The options have
#: names that are neither "break-fix" nor "managed", so nothing may depend on those.
CLOSED_FORM = {
    "schema": "itcost.scenario/2",
    "name": "Closed form",
    "organisation": {
        "employees": 10,
        "loaded_hourly_cost": 40,
        "revenue_per_hour": 200,
        "lost_hour_value": "wage_plus_revenue",
        "operating_hours": dict(ALWAYS),  # copies: YAML writes a shared object as an alias
    },
    "incidents": {
        "only": {"rate_per_year": 5, "users_affected": 0.4, "blocking": 0.5,
                 "revenue_impact": 0.3, "fix_hours": 2}
    },
    "options": {
        "shop": {"kind": "pay_per_incident", "rates": {"remote": 100, "onsite": 100},
                 "service_hours": dict(ALWAYS), "response_hours": {"default": 3}},
        "msp": {"kind": "managed", "fees": {"per_user_monthly": 0}, "service_hours": dict(ALWAYS),
                "response_hours": {"default": 1}},
    },
}  # fmt: skip


def closed_form(changes: dict | None = None) -> analysis.Scenario:
    """The closed-form scenario with dotted-key ``changes`` applied."""
    base = scenario_from_data(CLOSED_FORM)
    return base.with_overrides(changes or {})


def assert_within_se(estimate: float, expected: float, standard_error: float) -> None:
    """``estimate`` must lie within ``Z_TOLERANCE`` standard errors of ``expected``."""
    assert standard_error > 0
    z = (estimate - expected) / standard_error
    assert abs(z) <= Z_TOLERANCE, (
        f"estimate {estimate:.6g} is {z:+.2f} standard errors ({standard_error:.3g}) "
        f"from the closed form {expected:.6g}"
    )


def sample_variance_se(kappa2: float, kappa4: float, n: int) -> float:
    """Standard error of the sample variance from the population's cumulants.

    Var(s^2) ~= (mu4 - sigma^4) / n with mu4 = kappa4 + 3 kappa2^2.
    """
    return math.sqrt((kappa4 + 2 * kappa2**2) / n)


def yaml_text(data: Any, indent: int = 2, flow: bool = False) -> str:
    """``data`` as YAML text, keys in the given order, written by ruamel.yaml itself (not by
    the code under test)."""
    writer = YAML(typ="safe", pure=True)
    writer.default_flow_style = flow
    writer.indent(mapping=indent, sequence=indent, offset=0)
    writer.representer.sort_base_mapping_type_on_output = False
    stream = io.StringIO()
    writer.dump(data, stream)
    return stream.getvalue()


def read_yaml(text: str) -> Any:
    """YAML text as plain data, read by ruamel.yaml itself."""
    return YAML(typ="safe", pure=True).load(text)


#: Hours in a week; time 0 is Monday 00:00 in every calendar.
WEEK = 168.0


class IntervalCalendar:
    """A weekly calendar written out as its explicit list of open intervals, week after week.

    The tests' own ``B(t)`` (hours in ``[0, t)``), ``B^-1(x)`` (the earliest ``t`` with
    ``B(t) = x``) and next opening, for ``{days, open, close}`` as DESIGN defines it: the hours
    ``[open, close)`` on the first ``days`` days of each week. It never calls
    :mod:`analysis.engine.calendar`; ``tests/engine/test_calendar.py`` checks it against a
    brute-force sum on a fine grid. Valid for times in ``[0, weeks * WEEK)``.
    """

    def __init__(self, days: int, open: float, close: float, weeks: int = 400):
        day_starts = (np.arange(weeks)[:, None] * WEEK + np.arange(days)[None, :] * 24.0).ravel()
        self.days, self.open, self.close, self.weeks = days, open, close, weeks
        self.starts = day_starts + open  # interval k is [starts[k], ends[k])
        self.ends = day_starts + close
        self.length = close - open  # every interval is one day's opening
        self.weekly_hours = days * self.length
        # Hours passed at the end of interval k: (k + 1) * length.
        self.hours_at_end = self.length * np.arange(1, len(self.starts) + 1)

    def boundaries(self) -> np.ndarray:
        """Every opening and closing time, sorted."""
        return np.sort(np.concatenate([self.starts, self.ends]))

    def _last_opened(self, t: np.ndarray) -> np.ndarray:
        """Index of the last interval opening at or before ``t`` (-1: none)."""
        return np.searchsorted(self.starts, t, side="right") - 1

    def hours_before(self, t) -> np.ndarray:
        """``B(t)``: whole intervals before the last opening, plus the clipped last one."""
        t = np.asarray(t, dtype=float)
        assert np.all((t >= 0) & (t < self.weeks * WEEK))
        k = self._last_opened(t)
        inside = np.minimum(t - self.starts[np.maximum(k, 0)], self.length)
        return np.where(k >= 0, k * self.length + inside, 0.0)

    def time_after(self, x) -> np.ndarray:
        """``B^-1(x)``: in the first interval whose end has at least ``x`` hours behind it.

        Work that ends exactly at a close ends at that close (the earliest such moment), not at
        the next opening; ``x = 0`` is time 0.
        """
        x = np.asarray(x, dtype=float)
        assert np.all((x >= 0) & (x < self.hours_at_end[-1]))
        k = np.searchsorted(self.hours_at_end, x, side="left")
        return np.where(x > 0, self.starts[k] + (x - k * self.length), 0.0)

    def is_open(self, t) -> np.ndarray:
        t = np.asarray(t, dtype=float)
        k = self._last_opened(t)
        return (k >= 0) & (t < self.ends[np.maximum(k, 0)])

    def next_opening(self, t) -> np.ndarray:
        """``t`` when open at ``t``, else the first opening after it."""
        t = np.asarray(t, dtype=float)
        return np.where(self.is_open(t), t, self.starts[self._last_opened(t) + 1])


def assert_repriced_as_fresh(
    base: analysis.Scenario, changes: dict, trials: int, seed: int
) -> tuple[analysis.Scenario, analysis.Result]:
    """``base`` simulated once and repriced with ``changes`` (prices only) has every column
    of a fresh simulation of the changed scenario with the same seed, to 1e-12 relative;
    returns the changed scenario and that fresh result."""
    result = analysis.simulate(base, trials=trials, seed=seed)
    changed = base.with_overrides(changes)
    assert result.can_reprice(changed)
    repriced, fresh = result.reprice(changed), analysis.simulate(changed, trials=trials, seed=seed)
    for column, values in fresh.columns.items():
        np.testing.assert_allclose(repriced.columns[column], values, rtol=1e-12, err_msg=column)
    return changed, fresh
