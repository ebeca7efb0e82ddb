"""Weekly calendars on the hot path: B(t), the hours of a calendar before t, and its inverse.

A calendar ``(days, open, close)`` is the weekly set of hours ``[open, close)`` on the first
``days`` days of the week; time 0 is Monday 00:00 and time runs on across weeks. ``B(t)`` counts
the calendar's hours in ``[0, t)`` and ``B^-1(x)`` is the earliest moment at which ``x`` of them
have passed. Work of ``h`` calendar hours started at ``s`` ends at ``B^-1(B(s) + h)``; an
outage from ``T`` to ``E`` costs ``B_org(E) - B_org(T)`` operating hours.

All three functions are closed forms (whole weeks, whole days, then the clipped hour of the
day) built from floor, min, max, multiplication and addition, which round identically on every
machine. O(n) time for n moments, float64 throughout.

Examples
--------
>>> import numpy as np
>>> office = (5, 8.0, 18.0)
>>> hours_before(np.array([0.0, 9.0, 24 + 8, 168 + 10]), *office).tolist()
[0.0, 1.0, 10.0, 52.0]
>>> time_after(np.array([10.0, 10.5, 50.0]), *office).tolist()  # Mon 18:00, Tue 8:30, Fri 18:00
[18.0, 32.5, 114.0]
>>> next_opening(np.array([9.0, 20.0, 115.0]), *office).tolist()  # open; Tue 8:00; Mon 8:00
[9.0, 32.0, 176.0]
>>> convert(np.array([10.0, 10.5]), office, (7, 0.0, 24.0)).tolist()  # Mon 18:00, Tue 8:30
[18.0, 32.5]
"""

from __future__ import annotations

import numpy as np

#: ``(days, open, close)`` of a weekly calendar.
Hours = tuple[int, float, float]

WEEK = 168.0
DAY = 24.0
#: Hour counts this close below a whole number of days (in days) count as that number: with a
#: day of 9.2 hours, 4.6 + 4.6 hours is 9.2 in decimals but one unit in the last place more in
#: binary, and work that fills a day must end at its closing, not the next morning.
_ON_BOUNDARY = 1e-9


def hours_before(t: np.ndarray, days: int, open_: float, close: float) -> np.ndarray:
    """``B(t)``: the calendar's hours in ``[0, t)``, for ``t >= 0``.

    Whole weeks, whole days of this week, then the clipped hour of today. B is continuous, so
    which side of a boundary a rounded floor puts a moment on does not change the result.
    """
    weeks = np.floor(t / WEEK)
    hour = t - weeks * WEEK  # in the week
    day = np.floor(hour / DAY)
    hour -= day * DAY  # in the day
    return _hours_at(weeks, day, hour, (days, open_, close), weekdays=7)


def time_after(x: np.ndarray, days: int, open_: float, close: float) -> np.ndarray:
    """``B^-1(x)``: the earliest moment at which ``x`` of the calendar's hours have passed.

    For ``x`` a whole number of days' hours this is the day's closing time, so work that ends
    exactly at closing ends then, not the next morning. ``B^-1(0)`` is the first opening.
    With ``k`` the opening period holding the x-th hour (``(k per_day, (k + 1) per_day]``)
    and ``w = floor(k / days)`` its week, ``t = x + open + k (24 - per_day) +
    w (168 - 24 days)``.
    """
    per_day = close - open_
    k = _opening_period(x, per_day)
    weeks = np.floor(k / days)
    t = x + open_
    k *= DAY - per_day
    t += k
    weeks *= WEEK - DAY * days
    t += weeks
    return t


def convert(
    x: np.ndarray,
    source: Hours,
    target: Hours,
    out: np.ndarray | None = None,
    period: np.ndarray | None = None,
) -> np.ndarray:
    """``B_target(B_source^-1(x))``: the target calendar's hours passed by the moment ``x``
    hours of the source calendar have passed.

    One pass instead of two: the moment ``B_source^-1(x)`` lies in a known opening period of
    the source (its week, weekday and hour of the day follow from ``x`` without a floor of
    the moment), so its target hours need no division by the week or the day. An outage that
    ends after ``x`` hours of its technician's calendar costs ``convert(x, work, org)`` minus
    the operating hours at its start.

    With ``k`` that period, ``r = x - k per_day`` the source hours into it and ``w`` its
    week, the moment is ``r`` past the source's opening on weekday ``k - w days``. When the
    target is open on every weekday the source is (the usual case: a technician's week and
    the business's), that weekday is an open day of the target, where the moment's hour is
    clipped to the target's day; every earlier day of the week counts whole. ``B_target`` is
    then ``clip(r + open - open_target, 0, per_day_target) + per_day_target (k + w
    (days_target - days))``: no weekday, and no week at all when both have the same days.

    ``out`` receives the result and ``period`` holds ``k``, when given: buffers the caller
    reuses, so that the hot path allocates no chunk-sized array here. Neither may overlap
    ``x`` or each other.
    """
    days, open_, close = source
    per_day = close - open_
    k = _opening_period(x, per_day, period)
    target_days, target_open, target_close = target
    if days > target_days:  # the source works on days the target is closed
        week = np.floor(k / days)
        hour = x + open_
        hour -= k * per_day  # the hour of the day
        k -= week * days  # the weekday
        hours = _hours_at(week, k, hour, target, weekdays=days)
        if out is None:
            return hours
        out[...] = hours
        return out
    target_per_day = target_close - target_open
    hours = np.multiply(k, -per_day, out=out)
    hours += x  # r, the source hours into period k
    hours += open_ - target_open
    np.clip(hours, 0.0, target_per_day, out=hours)  # one pass (no -0.0 or NaN can reach it)
    if days < target_days:  # the target's extra days of each earlier week
        k += np.floor(k / days) * (target_days - days)
    k *= target_per_day
    hours += k
    return hours


def _opening_period(x: np.ndarray, per_day: float, out: np.ndarray | None = None) -> np.ndarray:
    """The opening period, counted from 0, holding the x-th hour: ``(k per_day, (k + 1)
    per_day]``, so that a whole number of days ends at a closing (into ``out`` if given)."""
    k = np.multiply(x, 1.0 / per_day, out=out)  # x / per_day to an ulp, far below the margin
    k -= 1.0 + _ON_BOUNDARY  # a whole number of days, as decimals give it, ends at a closing
    np.ceil(k, out=k)
    np.maximum(k, 0.0, out=k)
    return k


def _hours_at(
    week: np.ndarray, day: np.ndarray, hour: np.ndarray, calendar: Hours, weekdays: int
) -> np.ndarray:
    """B of the moment at ``hour`` of weekday ``day`` (below ``weekdays``) of week ``week``
    (arrays, all changed). Days past the calendar's last count whole; when ``weekdays`` does
    not exceed its days there are none, and the two passes that handle them are skipped."""
    days, open_, close = calendar
    per_day = close - open_
    hour -= open_
    np.clip(hour, 0.0, per_day, out=hour)
    if weekdays > days:
        hour *= day < days
        np.minimum(day, days, out=day)
    day *= per_day
    hour += day
    week *= days * per_day
    hour += week
    return hour


def next_opening(t: np.ndarray, days: int, open_: float, close: float) -> np.ndarray:
    """``t`` where the calendar is open at ``t``, else its next opening."""
    return np.where(is_open(t, days, open_, close), t, _opening_after(t, days, open_, close))


def is_open(t: np.ndarray, days: int, open_: float, close: float) -> np.ndarray:
    """Whether the calendar is open at ``t``."""
    in_week = t - np.floor(t / WEEK) * WEEK
    day = np.floor(in_week / DAY)
    hour = in_week - day * DAY
    return (day < days) & (hour >= open_) & (hour < close)


def _opening_after(t: np.ndarray, days: int, open_: float, close: float) -> np.ndarray:
    """The first opening at or after ``t``."""
    weeks = np.floor(t / WEEK)
    in_week = t - weeks * WEEK
    day = np.floor(in_week / DAY)
    hour = in_week - day * DAY
    # Today's opening if it is still ahead, else tomorrow's; past the last day, next Monday's.
    day = day + (hour > open_)
    day = np.where(day >= days, 7.0, day)
    return weeks * WEEK + day * DAY + open_
