"""Reference tests of the format-2 engine: outages on calendars, detection, billing, repricing.

Every test writes its scenario as YAML text and checks the engine against a reference that the
test computes itself from DESIGN's model ("The model"), with the interval-list calendars of
:class:`tests.helpers.IntervalCalendar`, never with :mod:`analysis.engine.calendar`. With
``B_X`` the hours of calendar X before a time and ``B_X^-1`` its inverse, an incident starting
at T is detected at D, work starts at ``S = B_C^-1(B_C(D) + W)``, ends at
``E = B_C^-1(B_C(S) + H)``, and costs ``L = B_org(E) - B_org(T)`` lost operating hours.

How the references integrate:

- over the start time T, with constant waits and repairs: every outcome is linear in T between
  breakpoints (calendar boundaries, and the T from which the work ends on a boundary), with
  jumps allowed at them. Two-point Gauss-Legendre on each piece is exact for f and f^2, and each
  piece is checked to be linear (so a missed breakpoint fails loudly instead of biasing);
- over a lognormal wait W, for a given T: L is linear in W between the W at which E reaches a
  boundary, so ``E[L | T]`` and ``E[L^2 | T]`` are sums of the lognormal's partial moments
  ``E[W^k; a < W <= b] = exp(k mu + k^2 sigma^2 / 2) (Phi(z_b - k sigma) - Phi(z_a - k sigma))``,
  exact up to ``W > median exp(8.5 sigma)`` (probability 1e-17); then over T by 16-node
  Gauss-Legendre on pieces between the technician's boundaries and the T from which the work
  would end on a boundary with no wait, where ``E[L | T]`` is analytic (converged: 48 nodes
  move it by < 1e-8 h, a thousandth of its SE).

Tolerances: a per-incident mean ``sum(X) / sum(N)`` over all trials is compared with its
reference within ``Z_TOLERANCE`` (4) standard errors, ``SE = sqrt(Var X / sum(N))`` with
``Var X`` from the reference's own second moment: given the counts, the incidents' values are
independent draws of X. Incident counts are compared within 4 Poisson standard errors
``sqrt(lambda / trials)``. Identities that hold exactly given the counts are checked to 1e-12
relative ("exact"), which only floating-point rounding could move.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import special, stats

import analysis
from analysis import load_scenario_text, simulate
from tests.helpers import WEEK, IntervalCalendar, assert_within_se

EXACT = 1e-12
#: Gauss-Legendre nodes on [-1, 1]: two for the piecewise-linear integrands, 16 for smooth ones.
GAUSS_2 = np.polynomial.legendre.leggauss(2)
GAUSS_16 = np.polynomial.legendre.leggauss(16)
OFFICE = IntervalCalendar(5, 8, 18)
ALWAYS = IntervalCalendar(7, 0, 24)


def column(result, option: str, quantity: str) -> np.ndarray:
    return result.trials[f"{option}.{quantity}"].to_numpy()


def edit(text: str, old: str, new: str) -> str:
    """``text`` with its one occurrence of ``old`` replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def lognormal_parameters(median: float, p90: float) -> tuple[float, float]:
    """(mu, sigma) of ln W for a lognormal with this median and 90th percentile."""
    return math.log(median), math.log(p90 / median) / stats.norm.ppf(0.9)


def assert_per_incident_mean(totals, counts, mean: float, second_moment: float) -> None:
    """``sum(totals) / sum(counts)`` within 4 SE of ``mean``; SE = sqrt(Var X / sum(counts))."""
    incidents = counts.sum()
    assert incidents > 0
    standard_error = math.sqrt((second_moment - mean**2) / incidents)
    assert_within_se(totals.sum() / incidents, mean, standard_error)


# -- the reference model ---------------------------------------------------------------------------


def work_times(detected, wait, repair, tech: IntervalCalendar):
    """(S, E): work starts when ``wait`` of the technician's hours have passed after detection
    and ends when ``repair`` more have."""
    start = tech.time_after(tech.hours_before(detected) + wait)
    return start, tech.time_after(tech.hours_before(start) + repair)


def detection(start, org: IntervalCalendar, seen_when_closed: bool):
    """D: the start itself, or the organisation's next opening for an unmonitored any_time
    incident that starts while the organisation is closed."""
    return start if seen_when_closed else org.next_opening(start)


def start_time_breaks(tech: IntervalCalendar, offsets, *calendars) -> np.ndarray:
    """Start times where an outcome may kink or jump: every boundary of the calendars, and each
    T from which ``offset`` hours of ``tech`` end exactly on one of those boundaries."""
    bounds = np.concatenate([calendar.boundaries() for calendar in (tech, *calendars)])
    bounds = bounds[bounds < 10 * WEEK]
    shifted = [
        tech.time_after(np.maximum(tech.hours_before(bounds) - offset, 0.0)) for offset in offsets
    ]
    return np.concatenate([bounds, *shifted])


def integrate_pieces(f, breaks, low: float, high: float) -> tuple[float, float]:
    """``(integral of f, integral of f^2)`` over ``[low, high]`` for ``f`` linear between
    consecutive ``breaks`` (jumps allowed at them): two-point Gauss-Legendre per piece, exact for
    both. Each piece is checked to be linear at its quarter points."""
    breaks = np.asarray(breaks)
    edges = np.unique(np.concatenate([[low, high], breaks[(breaks > low) & (breaks < high)]]))
    left, right = edges[:-1], edges[1:]
    middle, half = (left + right) / 2, (right - left) / 2
    quarters = f(middle - half / 2) + f(middle + half / 2)
    missing = "a kink or jump inside a piece: a breakpoint is missing"
    np.testing.assert_allclose(quarters, 2 * f(middle), rtol=0, atol=1e-8, err_msg=missing)
    nodes, weights = GAUSS_2
    values = f(middle[:, None] + half[:, None] * nodes)
    return float(np.sum(half[:, None] * weights * values)), float(
        np.sum(half[:, None] * weights * values**2)
    )


def moments_over_week(f, breaks) -> tuple[float, float]:
    """E[f(T)] and E[f(T)^2] for T uniform on the week [0, 168)."""
    first, second = integrate_pieces(f, breaks, 0.0, WEEK)
    return first / WEEK, second / WEEK


def lognormal_partial_moments(low, high, mu: float, sigma: float, power: int):
    """``E[W^power; low < W <= high]`` for ln W ~ N(mu, sigma^2) (``low`` may be 0)."""
    with np.errstate(divide="ignore"):  # log 0 = -inf: Phi(-inf) = 0
        z_low, z_high = (np.log(low) - mu) / sigma, (np.log(high) - mu) / sigma
    scale = math.exp(power * mu + (power * sigma) ** 2 / 2)
    # Phi(b) - Phi(a) as sf(a) - sf(b): precise in the upper tail, where most pieces lie.
    return scale * (special.ndtr(power * sigma - z_low) - special.ndtr(power * sigma - z_high))


def lost_hours_lognormal_wait(org, tech, repair: float, median: float, p90: float):
    """E[L] and E[L^2] for T uniform over the organisation's operating hours (D = T, as for
    ``starts: operating``) and a lognormal wait W.

    With ``v = B_tech(T) + repair``, ``E = B_tech^-1(v + W)`` (as ``B_tech(B_tech^-1(y)) = y``)
    and ``L = G(v + W) - B_org(T)`` where ``G(u) = B_org(B_tech^-1(u))``. G is linear between
    the technician's hours at consecutive boundaries of either calendar (jumping where the
    technician is closed), so given T, L is linear in W on each piece and its moments are sums
    of partial moments of W, exact up to ``W = median exp(8.5 sigma)`` (probability 1e-17).

    Over T: 16-node Gauss-Legendre on each piece of each opening, divided by the weekly
    operating hours. Pieces end at the technician's boundaries (where B_tech(T) kinks) and where
    the work would end on a boundary with no wait at all (there E[L | T] is smooth but not
    analytic, as the lognormal's CDF at 0 is); between them E[L | T] is analytic.
    """
    mu, sigma = lognormal_parameters(median, p90)
    largest = math.exp(mu + 8.5 * sigma)
    knots = np.unique(tech.hours_before(np.concatenate([org.boundaries(), tech.boundaries()])))
    # Beyond the first week's starts plus the largest wait nothing is needed.
    knots = knots[: np.searchsorted(knots, tech.weekly_hours + repair + largest) + 2]
    low, high = knots[:-1], knots[1:]
    one, three, middle = low + (high - low) / 4, low + 3 * (high - low) / 4, (low + high) / 2

    def operating_hours_passed(u):  # G
        return org.hours_before(tech.time_after(u))

    slope = (operating_hours_passed(three) - operating_hours_passed(one)) / (three - one)
    intercept = operating_hours_passed(one) - slope * one
    np.testing.assert_allclose(operating_hours_passed(middle), intercept + slope * middle,
                               rtol=0, atol=1e-8)  # fmt: skip

    breaks = start_time_breaks(tech, (repair,), org)
    nodes, weights = GAUSS_16
    starts, start_weights = [], []
    for opening, close in zip(org.starts[: org.days], org.ends[: org.days], strict=True):
        inside = breaks[(breaks > opening) & (breaks < close)]
        edges = np.unique(np.concatenate([[opening], inside, [close]]))
        centre, half = (edges[:-1] + edges[1:]) / 2, (edges[1:] - edges[:-1]) / 2
        starts.append((centre[:, None] + half[:, None] * nodes).ravel())
        start_weights.append((half[:, None] * weights).ravel())
    starts, start_weights = np.concatenate(starts), np.concatenate(start_weights)

    v = (tech.hours_before(starts) + repair)[:, None]
    assert v.max() + largest < knots[-1], "extend the reference calendars"
    # Piece k of G holds the waits (low_k - v, high_k - v], cut to (0, largest].
    wait_low = np.clip(low - v, 0.0, largest)
    wait_high = np.clip(high - v, 0.0, largest)
    constant = intercept + slope * v - org.hours_before(starts)[:, None]  # L = constant + slope W
    m0, m1, m2 = (lognormal_partial_moments(wait_low, wait_high, mu, sigma, k) for k in (0, 1, 2))
    mean = np.sum(constant * m0 + slope * m1, axis=1)
    square = np.sum(constant**2 * m0 + 2 * constant * slope * m1 + slope**2 * m2, axis=1)
    return (float(start_weights @ mean) / org.weekly_hours,
            float(start_weights @ square) / org.weekly_hours)  # fmt: skip


# -- 1. a round-the-clock business served in office hours ------------------------------------------

ROUND_THE_CLOCK = """
schema: itcost.scenario/2
name: Round-the-clock plant, office-hours technicians
organisation:
  employees: 8
  loaded_hourly_cost: 40
  annual_revenue: 2_000_000
  lost_hour_value: wage
  operating_hours: {days: 7, open: 0, close: 24}
incidents:
  outage: {rate_per_year: 20, users_affected: 0.5, blocking: 1.0, fix_hours: 3, starts: any_time}
options:
  break-fix:
    kind: pay_per_incident
    rates: {remote: 100, onsite: 150}
    service_hours: {days: 5, open: 8, close: 18}
    response_hours: {default: 4}
  msp:
    kind: managed
    fees: {per_user_monthly: 100}
    fix_time_factor: 0.5
    service_hours: {days: 5, open: 8, close: 18}
    response_hours: {default: 1.5}
"""


def test_round_the_clock_business_loses_the_elapsed_outage():
    """A 24/7 business loses every hour of the outage: L = E - T, E being when W + H office
    hours have passed after T. The reference integrates E(T) - T over T uniform on [0, 168):
    break-fix W = 4, H = 3; managed W = 1.5, H = 3 x 0.5. Only T varies per incident, so the SE
    is sd(E - T) / sqrt(incidents). Downtime is exactly 8 staff x 0.5 x 40 per lost hour."""
    trials = 20_000
    result = simulate(load_scenario_text(ROUND_THE_CLOCK), trials=trials, seed=101)
    for option, wait, repair in (("break-fix", 4.0, 3.0), ("msp", 1.5, 1.5)):

        def lost(start, wait=wait, repair=repair):
            end = work_times(start, wait, repair, OFFICE)[1]
            return ALWAYS.hours_before(end) - ALWAYS.hours_before(start)

        mean, square = moments_over_week(lost, start_time_breaks(OFFICE, (wait, wait + repair)))
        hours = column(result, option, "downtime_hours")
        assert_per_incident_mean(hours, column(result, option, "incidents"), mean, square)
        np.testing.assert_allclose(column(result, option, "downtime"), 160.0 * hours, rtol=EXACT)


# -- 2. lognormal waits, office business, technicians on other calendars ---------------------------

LOGNORMAL_WAITS = """
schema: itcost.scenario/2
name: Office with technicians on other hours
organisation:
  employees: 10
  loaded_hourly_cost: 50
  revenue_per_hour: 300
  operating_hours: {days: 5, open: 8, close: 18}
incidents:
  fault: {rate_per_year: 15, users_affected: 0.3, fix_hours: 2, starts: operating}
options:
  break-fix:
    kind: pay_per_incident
    rates: {remote: 100, onsite: 150}
    service_hours: {days: 5, open: 9, close: 17.5}
    response_hours: {default: {median: 4, p90: 12}}
  msp:
    kind: managed
    fees: {per_user_monthly: 100}
    fix_time_factor: 0.75
    service_hours: {days: 6, open: 7, close: 19}
    response_hours: {default: {median: 1.5, p90: 5}}
"""


def test_lost_operating_hours_with_lognormal_waits():
    """L = B_org(E) - B_org(T) with E = B_C^-1(B_C(T) + W + H): the reference is the double
    integral over T uniform over Mon-Fri 8-18 and the lognormal wait W (exact partial moments in
    W, Gauss-Legendre in T). Break-fix works Mon-Fri 9-17.5, W median 4 p90 12, H = 2; managed
    works Mon-Sat 7-19, W median 1.5 p90 5, H = 2 x 0.75. SE from the reference's Var L."""
    trials = 20_000
    result = simulate(load_scenario_text(LOGNORMAL_WAITS), trials=trials, seed=102)
    cases = (
        ("break-fix", IntervalCalendar(5, 9, 17.5), 2.0, 4.0, 12.0),
        ("msp", IntervalCalendar(6, 7, 19), 1.5, 1.5, 5.0),
    )
    for option, tech, repair, median, p90 in cases:
        mean, square = lost_hours_lognormal_wait(OFFICE, tech, repair, median, p90)
        assert_per_incident_mean(column(result, option, "downtime_hours"),
                                 column(result, option, "incidents"), mean, square)  # fmt: skip


# -- 3. failures at any time, seen at once or at the next opening ----------------------------------

MONITORING = """
schema: itcost.scenario/2
name: Office servers that fail at night
organisation:
  employees: 20
  loaded_hourly_cost: 45
  annual_revenue: 3_000_000
  lost_hour_value: wage
  operating_hours: {days: 5, open: 8, close: 18}
incidents:
  server: {rate_per_year: 12, users_affected: 1.0, fix_hours: 1.5, starts: any_time}
options:
  break-fix:
    kind: pay_per_incident
    rates: {remote: 100, onsite: 150}
    service_hours: {days: 6, open: 7, close: 21}
    response_hours: {default: 2}
  watched:
    kind: managed
    fees: {per_user_monthly: 100}
    monitoring: true
    service_hours: {days: 6, open: 7, close: 21}
    response_hours: {default: 2}
  unwatched:
    kind: managed
    fees: {per_user_monthly: 100}
    monitoring: false
    service_hours: {days: 6, open: 7, close: 21}
    response_hours: {default: 2}
"""


def test_monitoring_detects_failures_when_they_start():
    """An any_time failure at T (uniform on [0, 168)) is detected at D = T with monitoring, else
    at the office's next opening when it is closed at T; technicians work Mon-Sat 7-21, W = 2,
    H = 1.5. The reference integrates L(T) = B_org(E) - B_org(T) over T for both rules. The
    same draws give break-fix and the unmonitored contract equal lost hours, exactly, and the
    monitored one never more, trial by trial (its detection is never later)."""
    trials = 20_000
    result = simulate(load_scenario_text(MONITORING), trials=trials, seed=103)
    tech, wait, repair = IntervalCalendar(6, 7, 21), 2.0, 1.5
    breaks = start_time_breaks(tech, (wait, wait + repair), OFFICE)
    for option, monitored in (("break-fix", False), ("watched", True), ("unwatched", False)):

        def lost(start, monitored=monitored):
            end = work_times(detection(start, OFFICE, monitored), wait, repair, tech)[1]
            return OFFICE.hours_before(end) - OFFICE.hours_before(start)

        mean, square = moments_over_week(lost, breaks)
        assert_per_incident_mean(column(result, option, "downtime_hours"),
                                 column(result, option, "incidents"), mean, square)  # fmt: skip
    unwatched = column(result, "unwatched", "downtime_hours")
    np.testing.assert_allclose(column(result, "break-fix", "downtime_hours"), unwatched,
                               rtol=EXACT)  # fmt: skip
    assert np.all(column(result, "watched", "downtime_hours") <= unwatched + 1e-9)


# -- 4. emergency work billed after hours ----------------------------------------------------------

AFTER_HOURS = """
schema: itcost.scenario/2
name: Emergency server work
organisation:
  employees: 10
  loaded_hourly_cost: 40
  revenue_per_hour: 100
  operating_hours: {days: 6, open: 7, close: 19}
incidents:
  server: {rate_per_year: 15, users_affected: 1.0, fix_hours: 2.5, starts: any_time}
options:
  break-fix:
    kind: pay_per_incident
    rates: {remote: 120, onsite: 200}
    service_hours: {days: 5, open: 8, close: 18}
    emergency: {tiers: [server], multiplier: 1.5}
    response_hours: {default: 3}
  msp:
    kind: managed
    fees: {per_user_monthly: 90}
    service_hours: {days: 5, open: 8, close: 18}
    emergency: {tiers: [server]}
    response_hours: {default: 1}
"""


@pytest.mark.parametrize("business", [(6, 7, 19), (7, 0, 24)], ids=["Mon-Sat 7-19", "24/7"])
def test_emergency_hours_outside_service_hours_are_billed_at_the_multiplier(business):
    """Emergency work runs round the clock: S = D + 3, E = S + 2.5, D = T or the business's
    next opening (break-fix does not monitor). Of the 2.5 h billed at 120 the share outside
    Mon-Fri 8-18 is billed x 1.5: bill(T) = 120 (I + 1.5 (2.5 - I)) with I = B_svc(E) -
    B_svc(S). The reference integrates bill(T), and L(T) = B_org(E) - B_org(T), over T uniform
    on [0, 168). The contract includes emergency work: its spend is exactly the fee,
    12 x 90 x 10. A 24/7 business once crashed here: its work calendar equals its own."""
    trials = 20_000
    days, open_, close = business
    text = AFTER_HOURS.replace(
        "{days: 6, open: 7, close: 19}", f"{{days: {days}, open: {open_}, close: {close}}}"
    )
    result = simulate(load_scenario_text(text), trials=trials, seed=104)
    org, service, wait, repair = IntervalCalendar(*business), OFFICE, 3.0, 2.5
    breaks = start_time_breaks(ALWAYS, (wait, wait + repair), org, service)

    def bill(start):
        begun, end = work_times(detection(start, org, False), wait, repair, ALWAYS)
        inside = service.hours_before(end) - service.hours_before(begun)
        return 120.0 * (inside + 1.5 * (repair - inside))

    def lost(start):
        end = work_times(detection(start, org, False), wait, repair, ALWAYS)[1]
        return org.hours_before(end) - org.hours_before(start)

    incidents = column(result, "break-fix", "incidents")
    mean, square = moments_over_week(bill, breaks)
    assert_per_incident_mean(column(result, "break-fix", "it_spend"), incidents, mean, square)
    if business == (7, 0, 24):  # every hour counts and work starts at once: L = W + H exactly
        hours = column(result, "break-fix", "downtime_hours")
        np.testing.assert_allclose(hours, (wait + repair) * incidents, rtol=EXACT)
    else:
        mean, square = moments_over_week(lost, breaks)
        assert_per_incident_mean(column(result, "break-fix", "downtime_hours"), incidents, mean,
                                 square)  # fmt: skip
    np.testing.assert_allclose(column(result, "msp", "it_spend"), 12 * 90 * 10, rtol=EXACT)


# -- counts, billing rules, prevention -------------------------------------------------------------

COUNTS = """
schema: itcost.scenario/2
name: Counts and bills
organisation:
  employees: 12
  loaded_hourly_cost: 40
  revenue_per_hour: 100
incidents:
  job: {rate_per_year: 30, users_affected: 0.1, fix_hours: 1, onsite_share: 0}
options:
  break-fix:
    kind: pay_per_incident
    rates: {remote: 130, onsite: 170}
    response_hours: {default: 2}
  msp:
    kind: managed
    fees: {per_user_monthly: 80}
    response_hours: {default: 1}
"""


@pytest.mark.parametrize("employees", [3, 40])
def test_per_user_rates_scale_with_the_staff(employees):
    """lambda = rate_per_user_per_year x employees = 0.35 x employees; the mean yearly count is
    lambda within 4 Poisson SE sqrt(lambda / trials) under both options."""
    trials, rate = 100_000, 0.35
    text = edit(COUNTS, "rate_per_year: 30", f"rate_per_user_per_year: {rate}")
    scenario = load_scenario_text(edit(text, "employees: 12", f"employees: {employees}"))
    expected = rate * employees
    assert scenario.tier_rate("job") == pytest.approx(expected, rel=EXACT)
    result = simulate(scenario, trials=trials, seed=105)
    for option in ("break-fix", "msp"):
        counts = column(result, option, "incidents")
        assert_within_se(counts.mean(), expected, math.sqrt(expected / trials))


@pytest.mark.parametrize(
    ("repair", "minimum_remote", "minimum_onsite", "increment", "remote_hours", "onsite_hours"),
    [
        (0.7, 0.5, 1.5, 0.25, 0.75, 1.5),  # rounded up to the next quarter; the on-site minimum
        (1.5, 0.5, 1.0, 0.5, 1.5, 1.5),  # exactly on an increment: not rounded further
        (0.3, 1.0, 2.0, 0.0, 1.0, 2.0),  # no increment: the minimums
        (2.2, 0.0, 0.0, 1.0, 3.0, 3.0),  # whole hours, no minimum
        (0.3, 0.0, 0.0, 0.1, 0.3, 0.3),  # a decimal multiple of a decimal increment: 0.3, not 0.4
        (1.1, 0.5, 0.5, 0.1, 1.1, 1.1),  # 1.1 / 0.1 is 11.000000000000002 in binary: still 1.1
    ],
)
def test_billing_minimums_and_increments_with_constant_repairs(
    repair, minimum_remote, minimum_onsite, increment, remote_hours, onsite_hours
):
    """Billable hours ceil(max(H, minimum) / increment) x increment, worked out by hand per
    visit type. Given the counts of incidents n and visits v (on-site share 0.4), exactly:
    remote hours = b_remote (n - v), on-site hours = b_onsite v, and break-fix spend =
    130 b_remote (n - v) + (170 b_onsite + 45) v. Every covered incident is out of scope
    (share 1): the contract's spend is exactly the fee + 110 max(0.8 H, 1) n. Visits are a
    thinned Poisson count: mean 0.4 lambda within 4 SE sqrt(0.4 lambda / trials)."""
    trials, rate, onsite_share = 40_000, 30.0, 0.4
    text = edit(COUNTS, "fix_hours: 1, onsite_share: 0",
                f"fix_hours: {repair}, onsite_share: {onsite_share}")  # fmt: skip
    text = edit(text, "rates: {remote: 130, onsite: 170}\n",
                "rates: {remote: 130, onsite: 170}\n"
                f"    minimum_hours: {{remote: {minimum_remote}, onsite: {minimum_onsite}}}\n"
                f"    increment_hours: {increment}\n    trip_fee: 45\n")  # fmt: skip
    text = edit(text, "fees: {per_user_monthly: 80}\n",
                "fees: {per_user_monthly: 80}\n    fix_time_factor: 0.8\n"
                "    out_of_scope: {share: 1.0, rate: 110, minimum_hours: 1}\n")  # fmt: skip
    result = simulate(load_scenario_text(text), trials=trials, seed=106)
    quantities = result.quantities["break-fix"]
    incidents, visits = column(result, "break-fix", "incidents"), quantities["visits"]
    np.testing.assert_allclose(quantities["hours_remote"], remote_hours * (incidents - visits),
                               rtol=EXACT)  # fmt: skip
    np.testing.assert_allclose(quantities["hours_onsite"], onsite_hours * visits, rtol=EXACT)
    np.testing.assert_allclose(
        column(result, "break-fix", "it_spend"),
        130 * remote_hours * (incidents - visits) + (170 * onsite_hours + 45) * visits,
        rtol=EXACT,
    )
    np.testing.assert_allclose(
        column(result, "msp", "it_spend"),
        12 * 80 * 12 + 110 * max(0.8 * repair, 1.0) * column(result, "msp", "incidents"),
        rtol=EXACT,
    )
    assert_within_se(visits.mean(), onsite_share * rate, math.sqrt(onsite_share * rate / trials))


def test_billing_increments_with_lognormal_repairs():
    """Y = ceil(max(H, 0.5) / 0.25) x 0.25 for H lognormal (median 1.2, p90 4), all remote at
    130: the reference sums Y's distribution from the lognormal CDF, P(Y = 0.25 k) =
    F(0.25 k) - F(0.25 (k - 1)) for 0.25 k > 0.5 and P(Y = 0.5) = F(0.5), to k = 40000 (where
    the survival is below 1e-16). Per-incident spend vs 130 E[Y], SE 130 sd(Y) / sqrt(n)."""
    trials, increment, minimum = 40_000, 0.25, 0.5
    text = edit(COUNTS, "fix_hours: 1,", "fix_hours: {median: 1.2, p90: 4},")
    billing = f"    minimum_hours: {{remote: {minimum}}}\n    increment_hours: {increment}\n"
    text = edit(text, "rates: {remote: 130, onsite: 170}\n",
                "rates: {remote: 130, onsite: 170}\n" + billing)  # fmt: skip
    result = simulate(load_scenario_text(text), trials=trials, seed=107)
    mu, sigma = lognormal_parameters(1.2, 4.0)
    levels = increment * np.arange(round(minimum / increment), 40_001)  # 0.5, ..., 10000 h
    cdf = stats.norm.cdf((np.log(levels) - mu) / sigma)
    probability = np.diff(np.concatenate([[0.0], cdf]))  # the first level takes all H <= 0.5
    assert stats.norm.sf((math.log(levels[-1]) - mu) / sigma) < 1e-16
    mean, square = 130 * np.sum(levels * probability), 130**2 * np.sum(levels**2 * probability)
    assert_per_incident_mean(column(result, "break-fix", "it_spend"),
                             column(result, "break-fix", "incidents"), mean, square)  # fmt: skip


PREVENTION = (0.2, 0.5, 0.7)


def test_prevention_thins_nested_across_options():
    """Three contracts prevent 20%, 50% and 70% of one tier (lambda = 9): each keeps a thinned
    Poisson count, mean lambda (1 - p) within 4 SE sqrt(lambda (1 - p) / trials); and with one
    uniform per incident shared by every option, trial by trial more prevention never leaves
    more incidents (break-fix >= 20% >= 50% >= 70%)."""
    trials, rate = 100_000, 9.0
    contracts = "".join(
        f"  care-{round(100 * p)}:\n    kind: managed\n    fees: {{per_user_monthly: 80}}\n"
        f"    prevention: {{job: {p}}}\n    response_hours: {{default: 1}}\n"
        for p in PREVENTION
    )
    text = edit(COUNTS, "rate_per_year: 30", f"rate_per_year: {rate}")
    text = edit(text, "  msp:\n    kind: managed\n    fees: {per_user_monthly: 80}\n"
                "    response_hours: {default: 1}\n", contracts)  # fmt: skip
    result = simulate(load_scenario_text(text), trials=trials, seed=108)
    counts = [column(result, "break-fix", "incidents")]
    assert_within_se(counts[0].mean(), rate, math.sqrt(rate / trials))
    for prevented in PREVENTION:
        counts.append(column(result, f"care-{round(100 * prevented)}", "incidents"))
        kept = rate * (1 - prevented)
        assert_within_se(counts[-1].mean(), kept, math.sqrt(kept / trials))
    for more, fewer in itertools.pairwise(counts):
        assert np.all(fewer <= more)


# -- repricing -------------------------------------------------------------------------------------

REPRICE = """
schema: itcost.scenario/2
name: Repricing
organisation:
  employees: 14
  devices: 18
  servers: 2
  sites: 2
  loaded_hourly_cost: 45
  annual_revenue: 1_500_000
  lost_hour_value: larger
  operating_hours: {days: 5, open: 8, close: 18}
incidents:
  critical: {rate_per_year: 3, users_affected: 1.0, revenue_impact: 0.5, fix_hours: {median: 4, p90: 12}, onsite_share: 0.5, starts: any_time}
  minor: {rate_per_user_per_year: 2.0, users_affected: 0.083, blocking: 0.3, fix_hours: {median: 0.5, p90: 2}, onsite_share: 0.1}
  requests: {rate_per_user_per_year: 0.8, users_affected: 0, blocking: 0, fix_hours: {median: 0.75, p90: 2}}
parts: {probability: 0.05, cost: {median: 250, p90: 900}}
security: {rate_per_year: 0.03, loss: {median: 30000, p90: 200000}}
options:
  break-fix:
    kind: pay_per_incident
    rates: {remote: 140, onsite: 160}
    minimum_hours: {remote: 0.5, onsite: 1}
    increment_hours: 0.25
    trip_fee: 50
    emergency: {tiers: [critical], multiplier: 1.5}
    response_hours: {default: {median: 4, p90: 16}, critical: {median: 2, p90: 6}}
  acme-msp:
    kind: managed
    fees: {per_user_monthly: 150, per_device_monthly: 5, per_server_monthly: 185, per_site_monthly: 20, onboarding: 1500}
    prevention: {critical: 0.5, minor: 0.3}
    fix_time_factor: 0.8
    monitoring: true
    emergency: {tiers: [critical]}
    response_hours: {default: {median: 2, p90: 8}, critical: {median: 0.5, p90: 2}}
    out_of_scope: {share: 0.05, rate: 150, minimum_hours: 1}
    sla: {response_hours: 4, credit_per_breach: 50, max_credit_share: 0.1}
    security_factor: 0.6
  hybrid:
    kind: managed
    fees: {per_user_monthly: 60, minimum_monthly: 1000}
    covers: [minor, requests]
    fallback: break-fix
    response_hours: {default: {median: 3, p90: 10}}
    sla: {response_hours: 6, credit_per_breach: 25, max_credit_share: 0.05}
horizon: {years: 2, price_escalation: 0.03, discount_rate: 0.05}
"""  # noqa: E501
REPRICE_TRIALS = 20_000
REPRICE_SEED = 109


@pytest.fixture(scope="module")
def priced():
    """The repricing scenario, simulated once for the module."""
    return simulate(load_scenario_text(REPRICE), trials=REPRICE_TRIALS, seed=REPRICE_SEED)


PRICE_CHANGES = {
    "rates": ("rates: {remote: 140, onsite: 160}", "rates: {remote: 175, onsite: 150}"),
    "fee per user": ("per_user_monthly: 150", "per_user_monthly: 120"),
    "fee per server": ("per_server_monthly: 185", "per_server_monthly: 260"),
    "minimum fee": ("minimum_monthly: 1000", "minimum_monthly: 1400"),
    "onboarding": ("onboarding: 1500", "onboarding: 0"),
    "trip fee": ("trip_fee: 50", "trip_fee: 80"),
    "wages": ("loaded_hourly_cost: 45", "loaded_hourly_cost: 70"),
    "annual revenue": ("annual_revenue: 1_500_000", "annual_revenue: 4_000_000"),
    "credit per breach": ("credit_per_breach: 50", "credit_per_breach: 200"),
    "after-hours multiplier": ("multiplier: 1.5", "multiplier: 2.0"),
    "out-of-scope rate": ("rate: 150, minimum_hours: 1", "rate: 190, minimum_hours: 1"),
}


@pytest.mark.parametrize("change", PRICE_CHANGES.values(), ids=PRICE_CHANGES.keys())
def test_repricing_a_price_change_equals_a_fresh_simulation(priced, change):
    """A change of prices only, priced again on the same quantities, gives every option's
    it_spend, downtime and total of a fresh simulation with the same seed, to 1e-12 relative
    (exact but for rounding): money is a linear map of the quantities (two years, with
    escalation and discounting, SLA credits capped per year)."""
    changed = load_scenario_text(edit(REPRICE, *change))
    repriced = priced.reprice(changed)
    fresh = simulate(changed, trials=REPRICE_TRIALS, seed=REPRICE_SEED)
    moved = False
    for option in fresh.options:
        for quantity in ("it_spend", "downtime", "total"):
            expected = column(fresh, option, quantity)
            np.testing.assert_allclose(column(repriced, option, quantity), expected, rtol=EXACT,
                                       err_msg=f"{option}.{quantity}")  # fmt: skip
            moved |= not np.array_equal(expected, column(priced, option, quantity))
    assert moved, "the change should have moved some price"


NON_PRICE_CHANGES = {
    "tier rate": ("rate_per_year: 3", "rate_per_year: 4"),
    "repair time factor": ("fix_time_factor: 0.8", "fix_time_factor: 0.7"),
    "minimum hours": ("minimum_hours: {remote: 0.5, onsite: 1}",
                      "minimum_hours: {remote: 1, onsite: 1}"),
    "out-of-scope share": ("{share: 0.05", "{share: 0.1"),
}  # fmt: skip


@pytest.mark.parametrize("change", NON_PRICE_CHANGES.values(), ids=NON_PRICE_CHANGES.keys())
def test_repricing_a_change_of_what_happens_is_refused(priced, change):
    """Rates of incidents, durations and shares change the quantities: reprice refuses them."""
    with pytest.raises(analysis.ArgumentError):
        priced.reprice(load_scenario_text(edit(REPRICE, *change)))
