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
"""

from __future__ import annotations

import numpy as np

WEEK = 168.0
DAY = 24.0


def hours_before(t: np.ndarray, days: int, open_: float, close: float) -> np.ndarray:
    """``B(t)``: the calendar's hours in ``[0, t)``, for ``t >= 0``."""
    per_day = close - open_
    weeks = np.floor(t / WEEK)
    in_week = t - weeks * WEEK
    day = np.floor(in_week / DAY)
    hour = in_week - day * DAY
    hours = weeks * (days * per_day)
    hours += np.minimum(day, days) * per_day
    today = np.clip(hour - open_, 0.0, per_day)
    today *= day < days
    hours += today
    return hours


def time_after(x: np.ndarray, days: int, open_: float, close: float) -> np.ndarray:
    """``B^-1(x)``: the earliest moment at which ``x`` of the calendar's hours have passed.

    For ``x`` a whole number of days' hours this is the day's closing time, so work that ends
    exactly at closing ends then, not the next morning. ``B^-1(0)`` is the first opening.
    """
    per_day = close - open_
    # The opening period holding the x-th hour: (k per_day, (k + 1) per_day], counted from 0.
    k = np.maximum(np.ceil(x / per_day) - 1.0, 0.0)
    weeks = np.floor(k / days)
    day = k - weeks * days
    t = weeks * WEEK
    t += day * DAY
    t += open_ + (x - k * per_day)
    return t


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
