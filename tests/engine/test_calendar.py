"""Exact tests of the weekly calendars: ``B(t)``, its inverse and the next opening.

A calendar ``{days: d, open: a, close: b}`` is the set of hours ``[a, b)`` on the first ``d``
days of every week, time 0 being Monday 00:00; ``B(t)`` is its hours in ``[0, t)`` and
``B^-1(x)`` the earliest ``t`` with ``B(t) = x`` (DESIGN, "The model"). The references never
call :mod:`analysis.engine.calendar`:

- a fine grid: the calendar's indicator on cells of 1/8 h, summed cell by cell. Every boundary
  of these calendars is a multiple of 1/2 h, so each cell is wholly open or wholly closed and
  the sums are exact (multiples of 1/8 are exact in binary);
- an explicit list of the open intervals (:class:`tests.helpers.IntervalCalendar`), for times
  off the grid, itself checked against the grid here;
- a table of values worked out by hand.

Times and hours are passed as float64 arrays, as the engine's contract says. Tolerance:
``ATOL`` = 1e-9 h everywhere. The quantities are deterministic; floating-point
rounding over a few weeks is below 1e-12 h, while every boundary mistake (an hour, a day, a
close taken for the next opening) is at least 1/8 h.
"""

from __future__ import annotations

import numpy as np
import pytest

from analysis.engine.calendar import convert, hours_before, next_opening, time_after
from tests.helpers import WEEK, IntervalCalendar

#: Office week, round the clock, six days to half past five, and one hour a week.
CALENDARS = [(5, 8, 18), (7, 0, 24), (6, 9, 17.5), (1, 0, 1)]
#: Grid step in hours: every boundary above is a multiple of it.
STEP = 0.125
#: Weeks the tests span: boundaries in later weeks are where a wrong period would show.
WEEKS = 4
ATOL = 1e-9

pytestmark = pytest.mark.parametrize("calendar", CALENDARS, ids=lambda c: "{}d {}-{}".format(*c))


def grid(days: int, open: float, close: float, weeks: int = WEEKS + 2):
    """Grid times ``t_i = i * STEP`` on ``[0, weeks * WEEK]``, whether the calendar is open at
    each, and ``B(t_i)`` as the sum of STEP over the open cells ``[t_j, t_j + STEP)``, j < i."""
    times = np.arange(round(weeks * WEEK / STEP) + 1) * STEP
    hour_of_day, day_of_week = times % 24, (times % WEEK) // 24
    open_at = (day_of_week < days) & (hour_of_day >= open) & (hour_of_day < close)
    # A cell is open exactly when its left end is: no boundary falls inside a cell.
    hours = np.concatenate([[0.0], np.cumsum(np.where(open_at[:-1], STEP, 0.0))])
    return times, open_at, hours


def next_open_on_grid(days: int, open: float, close: float) -> np.ndarray:
    """For each grid time of the first WEEKS weeks, the first open grid time at or after it."""
    times, open_at, _ = grid(days, open, close)
    index = np.arange(len(times))
    # First open index at or after i: a running minimum from the right.
    first_open = np.minimum.accumulate(np.where(open_at, index, len(times))[::-1])[::-1]
    tested = times < WEEKS * WEEK  # a later opening exists on the grid for these
    return times[first_open[tested]]


def test_hours_before_equals_the_grid_sum(calendar):
    """B(t_i) at every grid time over four weeks equals the sum of the open cells before it."""
    times, _, hours = grid(*calendar)
    np.testing.assert_allclose(hours_before(times, *calendar), hours, rtol=0, atol=ATOL)


def test_time_after_is_the_first_grid_time_with_that_many_hours(calendar):
    """For x on the 1/8-hour lattice, B^-1(x) is the first grid time with B(t) = x: B rises by
    0 or STEP per cell, so the earliest moment with x hours behind it is a grid time, and at
    the end of an opening it is the close itself, not the next opening."""
    times, _, hours = grid(*calendar)
    # x > 0 here; x = 0 has its own test below.
    x = np.arange(1, round(WEEKS * calendar[0] * (calendar[2] - calendar[1]) / STEP) + 1) * STEP
    first = np.searchsorted(hours, x, side="left")  # the first index with hours >= x
    assert np.all(hours[first] == x)
    np.testing.assert_allclose(time_after(x, *calendar), times[first], rtol=0, atol=ATOL)


def test_next_opening_is_the_first_open_grid_time(calendar):
    """At every grid time, the next opening is the first grid time at or after it that is open
    (openings are grid times); where the calendar is open, it is the time itself."""
    times = grid(*calendar)[0][: len(next_open_on_grid(*calendar))]
    np.testing.assert_allclose(
        next_opening(times, *calendar), next_open_on_grid(*calendar), rtol=0, atol=ATOL
    )


def test_the_interval_list_reference_agrees_with_the_grid(calendar):
    """The explicit-interval reference that test_exact.py integrates with is itself exact."""
    times, open_at, hours = grid(*calendar)
    reference = IntervalCalendar(*calendar)
    np.testing.assert_allclose(reference.hours_before(times), hours, rtol=0, atol=ATOL)
    assert np.array_equal(reference.is_open(times), open_at)
    first = np.searchsorted(hours, hours, side="left")
    np.testing.assert_allclose(reference.time_after(hours), times[first], rtol=0, atol=ATOL)
    openings = next_open_on_grid(*calendar)
    np.testing.assert_allclose(reference.next_opening(times[: len(openings)]), openings,
                               rtol=0, atol=ATOL)  # fmt: skip


def test_times_off_the_grid_against_the_interval_list(calendar):
    """Uniform random times over six weeks and random hour counts over six weeks' hours."""
    reference = IntervalCalendar(*calendar)
    rng = np.random.default_rng(20261201)
    t = rng.uniform(0, 6 * WEEK, 20_000)
    x = rng.uniform(0, 6 * reference.weekly_hours, 20_000)
    np.testing.assert_allclose(hours_before(t, *calendar), reference.hours_before(t), atol=ATOL)
    np.testing.assert_allclose(time_after(x, *calendar), reference.time_after(x), atol=ATOL)
    np.testing.assert_allclose(next_opening(t, *calendar), reference.next_opening(t), atol=ATOL)


@pytest.mark.parametrize("target", [(5, 8, 18), (7, 0, 24), (6, 9, 17.5), (5, 6, 22)])
def test_convert_is_the_target_hours_at_the_inverse(calendar, target):
    """convert(x, C, T) = B_T(B_C^-1(x)), against the interval-list references of both, at
    random hour counts and at every whole and half hour count (boundaries included) from 0.5:
    B_C^-1(0) is the first opening by choice (see below), the reference's is 0."""
    source, goal = IntervalCalendar(*calendar), IntervalCalendar(*target)
    rng = np.random.default_rng(20261202)
    x = np.concatenate([rng.uniform(0, 6 * source.weekly_hours, 5_000),
                        np.arange(0.5, 3 * source.weekly_hours, 0.5)])  # fmt: skip
    expected = goal.hours_before(source.time_after(x))
    np.testing.assert_allclose(convert(x, calendar, target), expected, rtol=0, atol=ATOL)


def test_every_opening_and_close_over_several_weeks(calendar):
    """At each boundary of weeks 0-4: B counts whole openings; B^-1 of the hours at a close is
    that close (work ending exactly at close ends at close); B^-1 of the hours at a later opening
    is the previous close; the next opening of an opening is itself, of a close the next
    day's opening (the same moment for 24/7)."""
    reference = IntervalCalendar(*calendar)
    count = 5 * calendar[0]
    starts, ends = reference.starts[:count], reference.ends[:count]
    before = np.arange(count, dtype=float) * reference.length  # hours behind opening k
    np.testing.assert_allclose(hours_before(starts, *calendar), before, rtol=0, atol=ATOL)
    np.testing.assert_allclose(hours_before(ends, *calendar), before + reference.length,
                               rtol=0, atol=ATOL)  # fmt: skip
    np.testing.assert_allclose(time_after(before + reference.length, *calendar), ends,
                               rtol=0, atol=ATOL)  # fmt: skip
    # (the first opening has no hours behind it: see the test of x = 0)
    np.testing.assert_allclose(time_after(before[1:], *calendar), ends[:-1], rtol=0, atol=ATOL)
    np.testing.assert_allclose(next_opening(starts, *calendar), starts, rtol=0, atol=ATOL)
    np.testing.assert_allclose(next_opening(ends, *calendar), reference.starts[1 : count + 1],
                               rtol=0, atol=ATOL)  # fmt: skip
    # Just inside the close: still open, one 1/1024 h short of the whole opening.
    inside = ends - 2.0**-10
    np.testing.assert_allclose(next_opening(inside, *calendar), inside, rtol=0, atol=ATOL)
    np.testing.assert_allclose(hours_before(inside, *calendar),
                               before + reference.length - 2.0**-10, rtol=0, atol=ATOL)  # fmt: skip


def test_inverse_identities(calendar):
    """B(B^-1(x)) = x for every x >= 0; B^-1(B(t)) <= t, equal to t where the calendar has been
    open just before t, else the last close before t."""
    reference = IntervalCalendar(*calendar)
    rng = np.random.default_rng(7)
    x = np.concatenate([rng.uniform(0, 5 * reference.weekly_hours, 5_000),
                        np.arange(0, 5 * reference.weekly_hours, 0.5)])  # fmt: skip
    np.testing.assert_allclose(
        hours_before(time_after(x, *calendar), *calendar), x, rtol=0, atol=ATOL
    )
    t = np.concatenate([rng.uniform(0, 5 * WEEK, 5_000), np.arange(0, 5 * WEEK, 0.5)])
    t = t[reference.hours_before(t) > 0]  # B(t) = 0 has its own test below
    back = time_after(hours_before(t, *calendar), *calendar)
    assert np.all(back <= t + ATOL)
    np.testing.assert_allclose(back, reference.time_after(reference.hours_before(t)),
                               rtol=0, atol=ATOL)  # fmt: skip


def test_whole_weeks_add_the_weekly_hours(calendar):
    """B(t + k WEEK) = B(t) + k d (b - a); B^-1(x + k d (b - a)) = B^-1(x) + k WEEK for x > 0."""
    days, open, close = calendar
    weekly = days * (close - open)
    rng = np.random.default_rng(3)
    t = rng.uniform(0, WEEK, 2_000)
    x = rng.uniform(0, weekly, 2_000) + 1e-6
    for weeks in (1, 3, 10):
        np.testing.assert_allclose(
            hours_before(t + weeks * WEEK, *calendar),
            hours_before(t, *calendar) + weeks * weekly,
            atol=ATOL,
        )
        np.testing.assert_allclose(time_after(x + weeks * weekly, *calendar),
                                   time_after(x, *calendar) + weeks * WEEK, atol=ATOL)  # fmt: skip


def test_no_hours_have_passed_at_the_first_opening(calendar):
    """B^-1(0) is the week's first opening, a documented choice: any t in [0, open] has
    B(t) = 0, and the engine draws a start "in operating hours" as B^-1(U x weekly hours), so
    U = 0 must give a moment inside them. For x > 0 the earliest t is unique."""
    open = calendar[1]
    before_opening = np.array([0.0, open / 2, open])
    assert np.all(hours_before(before_opening, *calendar) == 0)
    np.testing.assert_allclose(time_after(np.zeros(1), *calendar), [open], rtol=0, atol=ATOL)
    tiny = time_after(np.array([1e-9]), *calendar)
    np.testing.assert_allclose(tiny, [open + 1e-9], rtol=0, atol=ATOL)


HAND_WORKED = {
    # calendar: [(t, B(t), next opening)], [(x, B^-1(x))]
    (5, 8, 18): (
        [(0, 0, 8), (8, 0, 8), (13, 5, 13), (18, 10, 32), (32, 10, 32), (114, 50, 176),
         (120, 50, 176), (168, 50, 176), (176.5, 50.5, 176.5)],
        [(5, 13), (10, 18), (10.5, 32.5), (50, 114), (50.25, 176.25)],
    ),
    (7, 0, 24): (
        [(0, 0, 0), (24, 24, 24), (167.5, 167.5, 167.5), (500, 500, 500)],
        [(24, 24), (168, 168), (333.3, 333.3)],
    ),
    (6, 9, 17.5): (
        [(9, 0, 9), (17.5, 8.5, 33), (137.5, 51, 177), (144, 51, 177), (168, 51, 177)],
        [(8.5, 17.5), (9, 33.5), (51, 137.5), (51.5, 177.5)],
    ),
    (1, 0, 1): (
        [(0, 0, 0), (0.5, 0.5, 0.5), (1, 1, 168), (100, 1, 168), (168.25, 1.25, 168.25)],
        [(0.5, 0.5), (1, 1), (1.5, 168.5), (2, 169), (3, 337)],
    ),
}  # fmt: skip


def test_hand_worked_values(calendar):
    """Values worked out by hand, Monday 00:00 being 0 (e.g. office: Friday 18:00 is 114 h)."""
    rows = np.array(HAND_WORKED[calendar][0], dtype=float)
    times, hours, openings = rows.T
    np.testing.assert_allclose(hours_before(times, *calendar), hours, rtol=0, atol=ATOL)
    np.testing.assert_allclose(next_opening(times, *calendar), openings, rtol=0, atol=ATOL)
    x, expected = np.array(HAND_WORKED[calendar][1], dtype=float).T
    np.testing.assert_allclose(time_after(x, *calendar), expected, rtol=0, atol=ATOL)


def test_work_that_fills_whole_days_ends_at_closing(calendar):
    """A wait and a repair of half a day each fill a whole day: 4.6 + 4.6 = 9.2 hours of
    8.1-17.3 in decimals, but one unit in the last place more in binary. Work that fills whole
    days must end at the day's closing, not the next opening, and so must the one-pass
    conversion to another calendar. (Runs for each module calendar, and for two whose days
    are not exact in binary.)"""
    for days, open_, close, half in ((*calendar, (calendar[2] - calendar[1]) / 2),
                                     (5, 8.1, 17.3, 4.6), (6, 7.7, 19.1, 5.7)):  # fmt: skip
        for whole in range(1, 3 * days):
            # Detected at an opening, then a wait and a repair of half a day each, added as
            # the engine adds them: B_C(D) + W + H.
            opening = hours_before(np.array([24.0 * ((whole - 1) % days) + 168 * ((whole - 1)
                                   // days) + open_]), days, open_, close)  # fmt: skip
            x = opening + half + half
            week, day = divmod(whole - 1, days)
            closing = 168 * week + 24 * day + close
            found = time_after(x, days, open_, close)
            np.testing.assert_allclose(found, [closing], rtol=0, atol=1e-9)
            moved = convert(x, (days, open_, close), (7, 0, 24))
            np.testing.assert_allclose(moved, [closing], rtol=0, atol=1e-9)
