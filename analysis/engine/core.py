"""The Monte Carlo core: incidents on a calendar, waits, repairs, lost hours and bills.

Every option is simulated from the same random draws (common random numbers): each incident
draws once its start time, repair hours, one standard normal behind every option's wait, and
the uniforms that decide prevention, visits, out-of-scope work and parts. An option that
prevents more of a tier keeps a subset of the incidents another keeps. Differences between
options are therefore measured far more precisely than any one total.

Quantities first, then prices: this module sums, per trial and option, the quantities DESIGN
lists (billable hours by rate class, visits, out-of-scope hours, parts, lost operating hours per
tier, security losses, SLA breaches per year); :mod:`analysis.engine.pricing` turns them into
money. A change of prices only is priced again on the same quantities (``Result.reprice``).

Reproducibility: trials run in fixed blocks of :data:`BLOCK_TRIALS`, each seeded by
(seed, block) as :mod:`analysis.engine.streams` describes. Results are bit-identical for a seed
whatever the number of threads or the machine, and a run of ``k * BLOCK_TRIALS`` trials is a
prefix of any longer run.

Cost: O(trials * years * (tiers + expected incidents per trial-year * handlings)) time, where a
handling is one option's way of treating one tier (a hybrid's uncovered tiers share the
fallback's). Incidents are drawn in chunks of exactly :data:`CHUNK_INCIDENTS`, so memory is
bounded and the working arrays stay in cache; the per-trial quantities are the only arrays that
grow with the trial count.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass

import numpy as np

from analysis import defaults
from analysis.engine import calendar
from analysis.engine.inputs import (
    ALWAYS,
    EngineParameters,
    Handling,
    Hours,
    LogNormal,
    TierParameters,
)
from analysis.engine.pages import ordinary_pages
from analysis.engine.pricing import (
    HOUR_CLASSES,
    YEARLY,
    Quantities,
    block_share,
    monthly_prices,
    quantity_names,
    tech_share,
    yearly_sources,
)
from analysis.engine.result import Result
from analysis.engine.streams import Streams, security_streams, tier_streams
from analysis.errors import ArgumentError
from analysis.portable_math import Workspace, scaled_exp
from analysis.scenario.model import Scenario

#: Trials per reproducibility block: each block has its own seed, derived from (seed, block).
BLOCK_TRIALS = 65_536
#: Billable hours round up to the next increment unless within this many increments of one
#: below: decimal inputs (1.1 hours in 0.1-hour steps) are not exact in binary.
_ROUNDING = 1e-9
#: Incidents drawn together; it trades Python overhead against cache use. The draws do not
#: depend on it (every stream is consumed in the same order); sums may differ in their last
#: bits, since a trial split across two chunks is summed in two parts.
CHUNK_INCIDENTS = 65_536


#: Told the trials of each block as it is done, by every simulation (see :func:`progress_to`).
_progress: ContextVar[Callable[[int], None] | None] = ContextVar("itcost_progress", default=None)


@contextlib.contextmanager
def progress_to(callback: Callable[[int], None]) -> Iterator[None]:
    """While inside, every simulation calls ``callback(trials)`` as each block of ``trials``
    trials is done, in block order and from the thread that called :func:`simulate` (so an
    app may update its page from it; a command line's progress bar counts them). The
    results do not depend on it; an exception it raises stops the simulation there.

    Examples
    --------
    >>> from analysis import load_scenario
    >>> done = []
    >>> with progress_to(done.append):
    ...     _ = simulate(load_scenario("server-office"), trials=70_000, seed=1)
    >>> sorted(done)
    [4464, 65536]
    """
    token = _progress.set(callback)
    try:
        yield
    finally:
        _progress.reset(token)


def simulate(
    scenario: Scenario,
    trials: int = defaults.TRIALS,
    seed: int = defaults.SEED,
    threads: int | None = None,
    monthly: bool = False,
    tier_sums: TierSums | None = None,
) -> Result:
    """Simulate ``trials`` independent horizons of every support option of ``scenario``.

    Parameters
    ----------
    scenario
        The validated scenario (see :func:`analysis.load_scenario`).
    trials
        Number of Monte Carlo trials (>= 1). Each trial is one horizon of ``horizon.years``.
    seed
        Non-negative integer seed; with ``trials`` it fixes every draw.
    threads
        Worker threads across blocks (default: the cores this process may use, at most one per
        block). Results do not depend on it.
    monthly
        Also keep each option's IT spend month by month (``Result.monthly``; see
        :mod:`analysis.decision.breakdowns`). Each incident falls in a month drawn from its
        own stream (``budget.seasonality``, else evenly), so every other result is unchanged.
    tier_sums
        The sums of an earlier run, to take from it every incident tier whose inputs are
        unchanged instead of simulating it again (an interactive session changing one tier);
        it then holds this run's, when they fit its bound (see :class:`TierSums`). The result
        is bit for bit the same.

    Returns
    -------
    Result
        Per-trial quantities and money (``Result.trials``) and their statistics
        (``Result.summary()``).

    Raises
    ------
    ArgumentError
        ``trials``, ``seed`` or ``threads`` out of range, naming the argument; or more trials
        than this machine's memory holds.

    Examples
    --------
    >>> from analysis import load_scenario, simulate
    >>> result = simulate(load_scenario("server-office"), trials=10_000, seed=1)
    >>> sum(result.summary()["comparison"]["prob_cheapest"].values())
    1.0
    """
    with ordinary_pages():  # ~300 MB of fresh results at 1M trials: see analysis.engine.pages
        return _simulate(scenario, trials, seed, threads, monthly, tier_sums)


def _simulate(
    scenario: Scenario,
    trials: int,
    seed: int,
    threads: int | None,
    monthly: bool,
    tier_sums: TierSums | None,
) -> Result:
    """:func:`simulate`'s work, with its arguments as given."""
    params = EngineParameters.from_scenario(scenario)
    years = len(params.year_factors)
    names = {option: quantity_names(params, option) for option in params.options}
    months_per_trial = 12 * years * len(params.options) if monthly else 0
    columns = sum(
        len(n) + 6 + (years - 1) * sum(name in YEARLY for name in n) for n in names.values()
    )
    check_arguments(trials, seed, threads, months_per_trial, columns)
    quantities = Quantities(
        {
            option: {
                name: np.zeros((trials, years)) if name in YEARLY else np.empty(trials)
                for name in names[option]
            }
            for option in params.options
        }
    )
    months = (
        {option: np.empty((trials, 12 * years)) for option in params.options} if monthly else None
    )
    n_blocks = -(-trials // BLOCK_TRIALS)
    money = monthly_prices(scenario) if monthly else None
    earlier = tier_sums.take(params, trials, seed, monthly) if tier_sums is not None else None
    this_run: dict | None = {} if earlier is not None else None

    cores = threads or _available_cores()
    workers = min(cores, n_blocks)
    # Fewer blocks than cores (the app's 10,000 trials): the tiers of a block run side by side,
    # and when even they leave a core idle (one tier to simulate again, say), each chunk is
    # drawn while the one before is summed.
    fresh = len(params.tiers) if not earlier else sum(
        (0, min(trials, BLOCK_TRIALS), _tier_inputs(params, tier)) not in earlier
        for tier in params.tiers
    )  # fmt: skip
    tier_workers = min(cores // workers, fresh)  # per block
    busy = workers * max(tier_workers, 1)  # threads simulating tier-years at once
    tier_pool = ThreadPoolExecutor(max_workers=busy) if tier_workers > 1 else None
    pipeline = ThreadPoolExecutor(max_workers=cores - busy) if fresh and busy < cores else None

    report = _progress.get() or (lambda done: None)

    def run(block: int) -> int:
        start = block * BLOCK_TRIALS
        stop = min(start + BLOCK_TRIALS, trials)
        _simulate_block(
            params, stop - start, int(seed), block, quantities, start, months, money, tier_pool,
            earlier, this_run, pipeline,
        )  # fmt: skip
        return stop - start

    try:
        if workers == 1:
            for block in range(n_blocks):
                report(run(block))
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                for done in pool.map(run, range(n_blocks)):  # told here, in block order
                    report(done)
    finally:
        for pool in (tier_pool, pipeline):
            if pool is not None:
                pool.shutdown()
    if tier_sums is not None:
        tier_sums.keep(params, trials, seed, this_run)
    return Result.from_quantities(scenario, int(seed), params, quantities, months)


class TierSums:
    """The per-trial sums of each incident tier of one run, kept for the next.

    Tiers draw from streams of their own, and a tier-year's sums depend only on its inputs:
    the tier, its handlings under every option, the options' names, the operating hours, the
    parts and the years' factors. A run with the same trials and seed takes every tier whose
    inputs are unchanged from here and adds it in the same order, so its result is bit for
    bit a fresh simulation's; only the tiers changed are simulated. Kept only while the sums
    take at most :attr:`max_bytes` (a few MB at the app's 10,000 trials), and never for
    monthly runs. One run at a time: a session's, not shared between threads.

    Examples
    --------
    >>> from analysis import load_scenario
    >>> scenario, tiers = load_scenario("server-office"), TierSums()
    >>> first = simulate(scenario, trials=2_000, seed=1, tier_sums=tiers)
    >>> slower = scenario.with_overrides({"incidents.critical.fix_hours": 4})
    >>> again = simulate(slower, trials=2_000, seed=1, tier_sums=tiers)
    >>> tiers.simulated  # the other three tiers came from the first run
    ('critical',)
    >>> bool((again.trials == simulate(slower, trials=2_000, seed=1).trials).all().all())
    True
    """

    def __init__(self, max_bytes: int = 64 * 2**20) -> None:
        self.max_bytes = max_bytes
        #: ((trials, seed), sums by (block, trials in it, tier inputs)), replaced in one step.
        self._held: tuple[tuple[int, int] | None, dict] = (None, {})
        #: The tiers the last run simulated (the others it took from here).
        self.simulated: tuple[str, ...] = ()

    def __len__(self) -> int:
        """The number of (block, tier) sums held."""
        return len(self._held[1])

    def take(self, params: EngineParameters, trials: int, seed: int, monthly: bool) -> dict | None:
        """The sums a run of ``trials`` and ``seed`` may take; None when it may keep none (a
        monthly run, or more than :attr:`max_bytes` of sums), and then nothing is held."""
        run, sums = self._held
        if monthly or self.nbytes(params, trials) > self.max_bytes:
            self._held = (None, {})
            return None
        return sums if run == (trials, seed) else {}

    @staticmethod
    def nbytes(params: EngineParameters, trials: int) -> int:
        """The bytes a run's tier sums take: per tier-year and option, a per-trial array of
        each quantity a tier adds to (not the others' lost hours, not security) and of late
        responses."""
        arrays = sum(
            len(quantity_names(params, option)) - len(params.tiers) for option in params.options
        ) + 2 * len(params.options)  # its own lost hours, and late responses
        return 8 * trials * arrays * len(params.tiers) * len(params.year_factors)

    def keep(self, params: EngineParameters, trials: int, seed: int, sums: dict | None) -> None:
        """Hold the sums of the run just made (``None``: it kept none, and simulated every
        tier)."""
        if sums is None:
            self.simulated = tuple(tier.name for tier in params.tiers)
            return
        simulated = {tier for tier, fresh, _ in sums.values() if fresh}
        self.simulated = tuple(tier.name for tier in params.tiers if tier.name in simulated)
        self._held = ((trials, seed), {key: years for key, (_, _, years) in sums.items()})


def _tier_inputs(params: EngineParameters, tier: TierParameters) -> tuple:
    """Everything a tier-year's sums depend on besides the seed, the block and the year."""
    handling = params.handling
    keys = tier.handling_keys
    return (
        tier,
        tuple((key, handling[key]) for key in keys),
        params.options,
        params.operating_hours,
        params.year_factors,
        params.parts_probability,
        params.parts_cost,
        # Which options keep sums by year: a block or an in-house option handles a tier as a
        # pay-per-incident or hybrid option would, but keeps more.
        params.yearly_hours,
        params.tech_hours,
    )


def check_arguments(
    trials: int,
    seed: int,
    threads: int | None = None,
    months_per_trial: int = 0,
    columns_per_trial: int = 40,
) -> None:
    """Raise :class:`ArgumentError` for arguments :func:`simulate` would reject.

    Front ends call it before slow preparations (a report's kernel start, say).
    ``months_per_trial`` is the number of monthly figures kept per trial, if any, and
    ``columns_per_trial`` the number of other per-trial figures (quantities and money).
    """
    _check_whole("trials", trials, minimum=1)
    _check_whole("seed", seed, minimum=0)
    if threads is not None:
        _check_whole("threads", threads, minimum=1)
    _check_memory(trials, columns_per_trial + months_per_trial)


def _check_whole(name: str, value: object, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ArgumentError(name, f"must be a whole number >= {minimum} (got {value!r})")


def _available_cores() -> int:
    """Cores this process may run on (a container's share, not the host's), where known."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _check_memory(trials: int, columns: int) -> None:
    # The quantities and priced columns and, briefly, a DataFrame copy of as many.
    needed = trials * 8 * (2 * columns)
    try:
        available = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows): numpy will say
        return
    if needed > 0.8 * available:
        raise ArgumentError(
            "trials",
            f"{trials:,} trials need about {needed / 2**30:.1f} GiB for their results; "
            f"this machine has {available / 2**30:.1f} GiB",
        )


class _Sums(dict):
    """Per-trial sums by name, each started at zeros when first added to."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        super().__init__()
        self.shape = shape

    def __missing__(self, name: str) -> np.ndarray:
        values = self[name] = np.zeros(self.shape)
        return values

    def add(self, other: _Sums) -> None:
        for name, values in other.items():
            self[name] += values


class _Block:
    """Per-trial sums per option (of a block, or of one tier-year of it), and this year's late
    responses and monthly spend."""

    def __init__(self, params: EngineParameters, n: int, monthly: bool) -> None:
        self.params = params
        self.sums = {option: _Sums((n,)) for option in params.options}
        self.breaches = _Sums((n,))  # by option
        #: This year's hours, unweighted, of a block option (its billable hours by class) or an
        #: in-house one (its technician's): by option, then name.
        kept = (*params.yearly_hours, *params.tech_hours)
        self.hours = {option: _Sums((n,)) for option in kept}
        self.spend = _Sums((n, 12)) if monthly else None  # by option
        #: Their labour by month, at the rates that apply beyond the block or the technician's
        #: hours (priced against those at year end).
        self.labour = _Sums((n, 12)) if monthly and kept else None
        #: And the hours they use by month (unweighted): the months after the block or the
        #: technician's hours run out are the months billed.
        self.used = _Sums((n, 12)) if monthly and kept else None

    def add(self, other: _Block) -> None:
        """Add another block's sums, in a fixed order (so threads change no bits)."""
        for option in self.params.options:
            self.sums[option].add(other.sums[option])
        self.breaches.add(other.breaches)
        for option, hours in self.hours.items():
            hours.add(other.hours[option])
        if self.spend is not None:
            self.spend.add(other.spend)
        if self.labour is not None:
            self.labour.add(other.labour)
            self.used.add(other.used)


def _simulate_block(
    params: EngineParameters,
    n: int,
    seed: int,
    block: int,
    out: Quantities,
    offset: int,
    months: dict[str, np.ndarray] | None,
    money: dict | None,
    pool: ThreadPoolExecutor | None = None,
    earlier: dict | None = None,
    this_run: dict | None = None,
    pipeline: ThreadPoolExecutor | None = None,
) -> None:
    """Simulate ``n`` trials of block ``block`` into ``out[option][...][offset:offset+n]``
    (and the monthly IT spend into ``months[option][offset:offset+n]`` when given).

    Each tier-year is summed on its own (on ``pool``'s threads when given: tiers draw from
    their own streams) and added to the block's sums in tier order, so the bits do not
    depend on the threads. A tier whose inputs have sums in ``earlier`` is taken from there;
    ``this_run``, when given, receives every tier-year's sums (see :class:`TierSums`).
    """
    monthly = months is not None
    state = _Block(params, n, monthly)
    part = slice(offset, offset + n)
    # The block's sums are summed where the result keeps them: no copy at the end.
    for option in params.options:
        for name, column in out[option].items():
            if name not in YEARLY:
                state.sums[option][name] = column[part]
                state.sums[option][name].fill(0.0)
    streams = {tier.name: tier_streams(seed, block, tier.name) for tier in params.tiers}
    security = security_streams(seed, block)

    # What a tier's sums are known by in TierSums, once per block (only when they are kept).
    keys = {} if earlier is None else {
        tier.name: (block, n, _tier_inputs(params, tier)) for tier in params.tiers
    }  # fmt: skip

    def tier_year(tier: TierParameters, year: int, factor: float) -> _Block:
        """The tier's sums in ``year`` (its streams run on from the year before)."""
        key = keys.get(tier.name)
        if earlier is not None and key in earlier:
            sums = earlier[key][year]
        else:
            sums = _Block(params, n, monthly)
            counts = _incident_counts(tier, n, streams[tier.name])
            _add_incidents(
                sums, tier, counts, streams[tier.name], factor, Workspace(), money, pipeline
            )
        if this_run is not None:
            this_run.setdefault(key, (tier.name, key not in earlier, []))[2].append(sums)
        return sums

    carry = {option: np.zeros(n) for option in params.yearly_hours}  # a block's unused hours
    for year, factor in enumerate(params.year_factors):
        state.breaches.clear()
        for hours in state.hours.values():
            hours.clear()
        if state.spend is not None:
            state.spend.clear()
        if state.labour is not None:
            state.labour.clear()
            state.used.clear()
        if pool is None:
            tiers = (tier_year(tier, year, factor) for tier in params.tiers)
        else:
            tiers = pool.map(tier_year, params.tiers, [year] * len(params.tiers),
                             [factor] * len(params.tiers))  # fmt: skip
        for sums in tiers:
            state.add(sums)
        _add_security(params, n, security, factor, state.sums)
        for option in params.options:
            if "sla_breaches" in out[option]:
                out[option]["sla_breaches"][part, year] = state.breaches[option]
            for name in yearly_sources(params, option):
                out[option][f"year.{name}"][part, year] = state.hours[option][name]
        if state.spend is not None:
            for index, option in enumerate(params.options):
                spend = state.spend[option]
                spend += factor * money["monthly_fee"][index]
                if year == 0:
                    spend[:, 0] += money["onboarding"][index]
                # SLA credits, capped per year, spread over the year's twelve invoices: a
                # month's spend never goes below its fee less the cap's share.
                credit, cap = money["sla"][index]
                if credit > 0:
                    credits = np.minimum(credit * state.breaches[option], cap)
                    spend -= (factor / 12) * credits[:, None]
                block, capacity = money["block"][index], money["capacity"][index]
                available = None
                if block is not None:  # the labour beyond the block
                    available = block[0] + carry[option]
                    share, carry[option] = block_share(
                        {name: state.hours[option][name] for name in HOUR_CLASSES},
                        money["rates"][index][2],
                        block,
                        carry[option],
                    )
                if capacity is not None:  # the technician's hours beyond theirs, bought
                    available = capacity
                    share, _ = tech_share(state.hours[option], capacity)
                if available is not None:  # the year's bill, in the months it falls in
                    bill = (state.labour[option] * share[:, None]).sum(axis=1)
                    spend += bill[:, None] * _months_beyond(state.used[option], available)
                months[option][part, 12 * year : 12 * (year + 1)] = spend


def _incident_counts(tier: TierParameters, n: int, rng: Streams) -> np.ndarray:
    """Incident counts per trial: Poisson, or negative binomial via a Gamma rate."""
    if tier.dispersion > 0 and tier.rate > 0:
        shape = 1.0 / tier.dispersion
        rates = rng["frailty"].gamma(shape, tier.rate / shape, size=n)
        return rng["counts"].poisson(rates)
    return rng["counts"].poisson(tier.rate, size=n)


def _add_incidents(
    state: _Block,
    tier: TierParameters,
    counts: np.ndarray,
    rng: Streams,
    factor: float,
    work: Workspace,
    money: dict | None,
    pipeline: ThreadPoolExecutor | None = None,
) -> None:
    """Draw one tier-year's incidents in fixed-size chunks and add them to the per-trial sums.

    Incidents are laid out trial by trial; a chunk may start or end inside a trial. With a
    ``pipeline`` (a spare core), each chunk is drawn while the one before is summed there:
    the same draws and the same sums in the same order, so the same bits.
    """
    ends = np.cumsum(counts)
    total = int(ends[-1]) if counts.size else 0
    monthly = state.spend is not None
    buffers = (work, work) if pipeline is None else (Workspace(), Workspace())
    summing = None
    try:
        for index, start in enumerate(range(0, total, CHUNK_INCIDENTS)):
            stop = min(start + CHUNK_INCIDENTS, total)
            first = int(np.searchsorted(ends, start, side="right"))  # trial holding incident start
            last = int(np.searchsorted(ends, stop - 1, side="right")) + 1
            in_chunk = np.diff(np.minimum(ends[first:last], stop) - start, prepend=0)
            # Two sets of draw buffers in turn: a chunk is drawn into the set whose chunk has
            # been summed (the wait below), while the other chunk may still be summed.
            draws = _draw_chunk(
                state.params, tier, in_chunk, first, rng, buffers[index % 2], monthly
            )
            if pipeline is None:
                _sum_chunk(state, tier, draws, factor, work, money)
                continue
            if summing is not None:
                summing.result()
            summing = pipeline.submit(_sum_chunk, state, tier, draws, factor, work, money)
    finally:  # the last sum, or one still running when a draw failed
        if summing is not None:
            summing.result()


def _repair_hours(
    spec: LogNormal, normals: np.ndarray | None, size: int, work: Workspace
) -> np.ndarray:
    """``size`` lognormal repair hours as float64, from their float32 ``normals`` (which it
    overwrites), into ``work``'s "fix" buffer; a constant is its median, exactly, and draws
    no normals (``None``)."""
    mu, sigma, median = spec
    hours = work.get("fix", size, np.float64)
    if normals is None:
        hours.fill(median)
    else:
        hours[...] = scaled_exp(normals, mu, sigma, normals, work)
    return hours


def _uniform_pair(
    rng: np.random.Generator, names: tuple[str, str], size: int, work: Workspace
) -> tuple[np.ndarray, np.ndarray]:
    """Two independent uniforms on [0, 1) per incident from one float64 draw ``U`` (53 random
    bits), into ``work``'s buffers ``names``: its top 26 bits ``floor(2^26 U) / 2^26`` and its
    other 27 bits, ``frac(2^26 U)``. Every step is exact; the uniforms come in steps of 2^-26
    and 2^-27 (a float32 draw has 2^-24), at about half the cost of two draws."""
    low = rng.random(out=work.get(names[1], size, np.float64))
    low *= 2.0**26
    high = np.floor(low, out=work.get(names[0], size, np.float64))
    low -= high
    high *= 2.0**-26
    return high, low


@dataclass
class _Draws:
    """One chunk's draws, which every option shares (None: not needed by this tier)."""

    counts: np.ndarray  # incidents per trial, of trials first, first + 1, ...
    first: int
    trial: np.ndarray  # the chunk-local trial of each incident
    start: np.ndarray | None  # the start: its moment of the week, or its operating hour
    fix: np.ndarray | None  # the float32 normals behind the repair hours (None: a constant)
    z: np.ndarray | None  # the standard normal behind every option's wait
    prevent: np.ndarray | None  # prevented by an option whose share exceeds it
    onsite: np.ndarray | None  # needs a visit
    out_of_scope: np.ndarray | None  # the uniform that decides out-of-scope work
    with_parts: np.ndarray | None  # which incidents replace hardware
    parts_cost: np.ndarray | None  # and at what cost
    month: np.ndarray | None  # each incident's month, 12 * trial + month (budget risk only)


def _draw_chunk(
    params: EngineParameters,
    tier: TierParameters,
    counts: np.ndarray,
    first: int,
    rng: Streams,
    work: Workspace,
    monthly: bool,
) -> _Draws:
    """Draw ``counts.sum()`` incidents of trials ``first, first + 1, ...`` into ``work``.

    What is drawn depends only on the scenario: a service request (no outage) needs neither a
    start time nor a wait, unless its bill splits emergency hours or its contract counts late
    responses.
    """
    size = int(counts.sum())
    trial = np.repeat(np.arange(counts.size), counts)
    org = params.operating_hours
    handlings = params.handling
    keys = tier.handling_keys
    needs_moments = (
        tier.outage
        or any(handlings[key].after_hours for key in keys)
        or any(given is not None for given in tier.handover)
    )
    start = None
    if needs_moments:
        start = rng["start"].random(out=work.get("start", size, np.float64))
        # A moment of the week, or (starting in operating hours) B_org(T) itself.
        start *= calendar.WEEK if tier.any_time else org[0] * (org[2] - org[1])
    fix = None
    if tier.fix[1] > 0:  # sigma: not a constant
        fix = rng["fix"].standard_normal(out=work.get("fix_normals", size), dtype=np.float32)
    z = (
        rng["response"].standard_normal(out=work.get("z", size), dtype=np.float32)
        if needs_moments or any(handlings[key].has_sla for key in keys)
        else None
    )
    # Yes/no draws, two uniforms from each float64 draw.
    prevent = onsite = oos_uniform = parts_uniform = None
    if any(p > 0 for p, _ in tier.options) or tier.onsite_share > 0:
        prevent, visit = _uniform_pair(rng["prevent_onsite"], ("prevent", "onsite"), size, work)
        if tier.onsite_share > 0:
            onsite = np.less(visit, tier.onsite_share, out=work.get("onsite_flags", size, np.bool_))
    if any(handlings[key].out_of_scope_share > 0 for key in keys) or params.parts_probability > 0:
        oos_uniform, parts_uniform = _uniform_pair(
            rng["scope_parts"], ("out_of_scope", "parts"), size, work
        )
    with_parts = parts_cost = None
    if params.parts_probability > 0:
        with_parts = np.flatnonzero(parts_uniform < params.parts_probability)
        parts_cost = np.empty(with_parts.size)
        _draw_money(rng["parts_cost"], params.parts_cost, parts_cost, work)
    month = None
    if monthly:
        uniforms = rng["month"].random(size)
        month = np.searchsorted(params.month_cdf, uniforms, side="right") + 12 * trial
    return _Draws(counts, first, trial, start, fix, z, prevent, onsite, oos_uniform, with_parts,
                  parts_cost, month)  # fmt: skip


def _sum_chunk(
    state: _Block,
    tier: TierParameters,
    draws: _Draws,
    factor: float,
    work: Workspace,
    money: dict | None,
) -> None:
    """Add one chunk's incidents to the per-trial sums (temporaries in ``work``).

    Every quantity that becomes money is multiplied by ``factor``, the year's g_y. Each
    handling (one option's way of treating this tier) is computed once, then added to every
    option that uses it, over the incidents that option does not prevent.
    """
    params = state.params
    counts, trial, onsite = draws.counts, draws.trial, draws.onsite
    prevent, with_parts, parts_cost, month = (
        draws.prevent, draws.with_parts, draws.parts_cost, draws.month
    )  # fmt: skip
    size, trials = trial.size, counts.size
    layout = _Layout.of(counts, trial)
    fix = _repair_hours(tier.fix, draws.fix, size, work)  # here: the drawing thread is busier
    part = slice(draws.first, draws.first + trials)
    org = params.operating_hours
    handlings = params.handling
    keys = tier.handling_keys
    moments = None
    if draws.start is not None:
        if tier.any_time:
            moments = _Moments(draws.start, None, org, any_time=True, work=work)
        else:
            moments = _Moments(None, draws.start, org, any_time=False, work=work)
    z = _Spread(draws.z, work) if draws.z is not None else None
    oos_uniform = draws.out_of_scope

    on_site = np.flatnonzero(onsite) if onsite is not None else None
    outcomes = {
        key: _handle(handlings[key], key, tier.outage, moments, fix, z, on_site, oos_uniform, work)
        for key in keys
    }

    shared: dict[str, dict[str, np.ndarray]] = {}  # per-trial sums of handlings nobody thins
    for index, (option, (prevented, key)) in enumerate(
        zip(params.options, tier.options, strict=True)
    ):
        sums = state.sums[option]
        outcome = outcomes[key]
        # Prevented when U < share; kept as 0/1 weights (cheaper than selecting the kept ones).
        kept = None
        if prevented > 0:
            kept = work.get("kept", size, np.float64)
            kept[...] = np.greater_equal(
                prevent, prevented, out=work.get("kept_flags", size, np.bool_)
            )
        # Who handles each incident, with its weight: one handling, or a technician's and
        # their fallback's, split by whether the technician is at work when it is noticed.
        handled: list[tuple[dict, np.ndarray | None]] = [(outcome, kept)]
        given = tier.handover[index] if tier.handover else None
        if given is not None:
            fallback_key, hours = given
            noticed = moments.detected(handlings[key].monitoring)
            inside = calendar.is_open(noticed, *hours).astype(np.float64)
            outside = 1.0 - inside
            if kept is not None:
                inside *= kept
                outside *= kept
            handled = [(outcome, inside), (outcomes[fallback_key], outside)]
        if kept is None and given is None:
            if key not in shared:
                shared[key] = _trial_sums(outcome, None, layout, on_site, work)
            totals = shared[key]
            sums["incidents"][part] += counts
        else:
            totals = {}
            for part_outcome, weights in handled:
                for name, values in _trial_sums(
                    part_outcome, weights, layout, on_site, work
                ).items():
                    totals[name] = totals[name] + values if name in totals else values
            sums["incidents"][part] += counts if kept is None else layout.sums(kept)
        yearly = state.hours.get(option)
        sources = yearly_sources(params, option) if yearly is not None else ()
        for name, values in totals.items():
            if name in sources:
                yearly[name][part] += values
            if name == "tech_hours":  # kept by year only
                continue
            if name == "sla_breaches":
                state.breaches[option][part] += values
            elif name == "downtime_hours":
                sums["downtime_hours"][part] += values
                sums[f"lost.{tier.name}"][part] += factor * values
            else:
                sums[name][part] += factor * values
        if with_parts is not None:
            cost = parts_cost if kept is None else parts_cost * kept[with_parts]
            sums["parts"][part] += factor * np.bincount(trial[with_parts], cost, minlength=trials)
        if month is not None:
            _add_months(state, option, money, index, handled, onsite, month, factor, part)
            if with_parts is not None:
                cost = parts_cost if kept is None else parts_cost * kept[with_parts]
                by_month = np.bincount(month[with_parts], factor * cost, minlength=12 * trials)
                state.spend[option][part] += by_month.reshape(trials, 12)


def _add_months(
    state: _Block,
    option: str,
    money: dict,
    index: int,
    handled: list[tuple[dict, np.ndarray | None]],
    onsite: np.ndarray | None,
    month: np.ndarray,
    factor: float,
    part: slice,
) -> None:
    """One option's bills of a chunk by month (parts aside): each handling's incidents with
    their weights. A block's or a technician's labour is kept apart, with the hours it uses,
    to be priced against the block or the technician's hours at year end."""
    rates = money["rates"][index]
    size, trials = month.size, part.stop - part.start
    for outcome, weights in handled:
        apart = money["block"][index] is not None  # labour priced at year end
        labour, bills = _incident_bills(outcome, rates, onsite, size, apart)
        used = None  # the hours each incident uses of a block or a technician
        if apart and outcome.get("billable") is not None:
            used = outcome["billable"]
            if "after" in outcome:
                used = used + rates[2] * outcome["after"]
        if "work" in outcome:  # the technician's hours, at the rate beyond theirs
            labour = rates[0] * outcome["work"]
            used = outcome["work"]
            apart = True
        if weights is not None:
            bills *= weights
        spend = state.spend[option]
        spend[part] += np.bincount(month, factor * bills, minlength=12 * trials).reshape(trials, 12)
        if apart:  # a block's or a technician's labour: covered in part at year end
            if weights is not None:
                labour = labour * weights
            state.labour[option][part] += np.bincount(
                month, factor * labour, minlength=12 * trials
            ).reshape(trials, 12)
            if used is not None:
                used = used * weights if weights is not None else used
                state.used[option][part] += np.bincount(month, used, minlength=12 * trials).reshape(
                    trials, 12
                )


@dataclass(frozen=True)
class _Layout:
    """Where each trial's incidents lie in a chunk, which holds them trial by trial."""

    trials: int  # in the chunk
    trial: np.ndarray  # the chunk-local trial of each incident
    starts: np.ndarray  # the first incident of each trial that has any
    having: np.ndarray | None  # those trials; None when every trial has some

    @classmethod
    def of(cls, counts: np.ndarray, trial: np.ndarray) -> _Layout:
        """The layout of ``counts[t]`` incidents of each trial ``t``, in order."""
        starts = np.cumsum(counts) - counts
        if counts.all():
            return cls(counts.size, trial, starts, None)
        having = np.flatnonzero(counts)
        return cls(counts.size, trial, starts[having], having)

    def sums(self, values: np.ndarray) -> np.ndarray:
        """Each trial's sum of ``values`` (one per incident, in the chunk's order).

        Contiguous runs summed by ``np.add.reduceat`` (numpy's pairwise summation), a tenth of
        the time of ``np.bincount``, whose additions into one bin wait for each other when the
        bins come in runs as here; a trial with no incident sums to 0.
        """
        if values.size != self.trial.size:  # reduceat would add the extra to the last trial
            raise ValueError(f"{values.size} values for {self.trial.size} incidents")
        if self.having is None:
            return np.add.reduceat(values, self.starts)
        out = np.zeros(self.trials)
        if self.having.size:
            out[self.having] = np.add.reduceat(values, self.starts)
        return out


def _trial_sums(
    outcome: dict[str, np.ndarray],
    kept: np.ndarray | None,
    layout: _Layout,
    on_site: np.ndarray | None,
    work: Workspace,
) -> dict[str, np.ndarray]:
    """Per-trial sums of one handling's quantities over the incidents ``kept`` (0/1 weights;
    None: all). Full-length sums only for what every incident has (lost hours, billable hours);
    visits, out-of-scope work and late responses are summed over the few incidents they
    concern, and remote hours are the billable hours less those on site."""
    trial, trials = layout.trial, layout.trials

    def full(values: np.ndarray) -> np.ndarray:
        if kept is not None:
            values = np.multiply(
                values, kept, out=work.get("kept_weights", values.size, np.float64)
            )
        return layout.sums(values)

    def subset(index: np.ndarray, values: np.ndarray | None) -> np.ndarray:
        weights = (
            values if kept is None else (kept[index] if values is None else values * kept[index])
        )
        return np.bincount(trial[index], weights, minlength=trials)

    sums = {}
    if outcome["lost"] is not None:
        sums["downtime_hours"] = full(outcome["lost"])
    billable = outcome.get("billable")
    if billable is not None:
        for name, hours in (("", billable), ("_after", outcome.get("after"))):
            if hours is None:
                continue
            every = full(hours)
            if on_site is None:
                sums[f"hours_remote{name}"] = every
            else:
                there = subset(on_site, hours[on_site])
                sums[f"hours_onsite{name}"] = there
                sums[f"hours_remote{name}"] = every - there
        if on_site is not None:
            sums["visits"] = (
                subset(on_site, None)
                if kept is not None
                else np.bincount(trial[on_site], minlength=trials).astype(np.float64)
            )
    if "out_of_scope" in outcome:
        index, hours = outcome["out_of_scope"]
        sums["out_of_scope_hours"] = subset(index, hours)
    if "work" in outcome:
        sums["tech_hours"] = full(outcome["work"])
    if "late" in outcome:
        late = outcome["late"]
        sums["sla_breaches"] = (
            np.bincount(trial[late], minlength=trials).astype(np.float64)
            if kept is None
            else subset(late, None)
        )
    return sums


def _draw_money(
    rng: np.random.Generator, spec: LogNormal, out: np.ndarray, work: Workspace | None = None
) -> None:
    mu, sigma, median = spec
    rng.standard_normal(out=out)
    if sigma == 0.0:
        out[:] = median
    else:
        scaled_exp(out, mu, sigma, out, work)


class _Spread:
    """``exp(sigma Z)`` of a chunk's response normals ``Z``, once for each ``sigma`` asked (in
    float32): the wait of every handling whose response has that spread is its median times
    it, so options whose responses have equal sigma (the same p90 / median ratio, to the last
    bit) share one exponential."""

    def __init__(self, z: np.ndarray, work: Workspace) -> None:
        self._z, self._work = z, work
        self._done: dict[float, np.ndarray] = {}

    def __call__(self, sigma: float) -> np.ndarray:
        found = self._done.get(sigma)
        if found is None:
            out = self._work.get(f"spread {sigma!r}", self._z.size)
            found = self._done[sigma] = scaled_exp(self._z, 0.0, sigma, out, self._work)
        return found


class _Moments:
    """The start times of a chunk's incidents, their detection, and each calendar's hours
    before them, each computed once when first needed and shared by every handling (the
    calendars' hours in ``work``'s buffers)."""

    def __init__(
        self,
        start: np.ndarray | None,
        org_hours: np.ndarray | None,
        org: Hours,
        any_time: bool,
        work: Workspace,
    ) -> None:
        self._start, self.org, self._work = start, org, work
        self._before = {("start", org): org_hours} if org_hours is not None else {}
        # Incidents that start at any time wait for the next opening unless monitored.
        self.detect_at_opening = any_time and org != ALWAYS
        self._detected: np.ndarray | None = None

    @property
    def start(self) -> np.ndarray:
        """When each incident starts (from its operating hour, the first time it is asked)."""
        if self._start is None:
            self._start = calendar.time_after(self._before[("start", self.org)], *self.org)
        return self._start

    def detected(self, monitoring: bool) -> np.ndarray:
        """When an incident is noticed: its start, else the organisation's next opening."""
        if monitoring or not self.detect_at_opening:
            return self.start
        if self._detected is None:
            self._detected = calendar.next_opening(self.start, *self.org)
        return self._detected

    def before(self, which: str, hours: Hours) -> np.ndarray:
        """``B_hours`` at the start (``which="start"``) or the unmonitored detection."""
        key = (which, hours)
        found = self._before.get(key)
        if found is None:
            org_hours = self._before.get(("start", self.org))
            if which == "detected" and hours == self.org:  # closed from T to D: B unchanged
                found = self.before("start", hours)
            elif which == "start" and org_hours is not None and self._start is None:
                work, size = self._work, org_hours.size  # no need for T itself
                found = calendar.convert(
                    org_hours,
                    self.org,
                    hours,
                    out=work.get(f"before {hours}", size, np.float64),
                    period=work.get("period", size, np.float64),
                )
            else:
                moment = self.start if which == "start" else self.detected(False)
                found = calendar.hours_before(moment, *hours)
            self._before[key] = found
        return found


def _handle(
    handling: Handling,
    key: str,
    outage: bool,
    moments: _Moments,
    fix: np.ndarray,
    z: _Spread | None,
    on_site: np.ndarray | None,
    oos_uniform: np.ndarray | None,
    work: Workspace,
) -> dict[str, np.ndarray]:
    """What happens to each incident of a chunk under one handling: the operating hours lost,
    and the quantities it bills (float64 per incident). Nothing it returns is in a buffer
    another handling writes: its results are in ``work``'s buffers named after ``key`` (the
    handling's) or freshly made, its temporaries in shared ones.

    Work on calendar C starts ``W`` C-hours after detection D and ends ``H`` C-hours later:
    ``E = B_C^-1(B_C(D) + W + H)``; the operating hours lost are ``B_org(E) - B_org(T)``.
    Work on the organisation's own calendar needs no calendar arithmetic (the business is
    closed from T to D when they differ): ``B_org(E) - B_org(T) = W + H``. An incident that is
    no outage (``outage`` false: a service request) loses no hours, so unless its bill needs
    the moments of emergency work, no calendar is worked out at all (``"lost"`` is None).
    """
    after_hours = handling.after_hours
    size = fix.size
    wait = None
    if outage or after_hours or handling.has_sla:
        _, sigma, median = handling.response
        wait = work.get("wait", size, np.float64)
        if sigma == 0.0:
            wait.fill(median)
        else:
            np.multiply(z(sigma), np.float64(median), out=wait)  # exp(mu + sigma Z), mu = ln median
    repair = fix
    if handling.fix_time_factor != 1.0:
        repair = np.multiply(
            fix, handling.fix_time_factor, out=work.get("repair", size, np.float64)
        )
    monitored = handling.monitoring
    begun = ended = ended_org = lost = None
    if outage or after_hours:  # else nothing is lost, and the bill needs no moments
        hours, org = handling.work_hours, moments.org
        which = "start" if monitored or not moments.detect_at_opening else "detected"
        if hours == ALWAYS:  # first: an emergency's bill needs its moments, even on a 24/7 business
            begun = moments.detected(monitored) + wait
            ended = begun + repair
            if org == ALWAYS:  # noticed at once and every hour counts: exactly W + H
                lost = wait + repair if outage else None
            else:
                ended_org = calendar.hours_before(ended, *org)
                lost = ended_org - moments.before("start", org) if outage else None
        elif hours == org:
            lost = np.add(wait, repair, out=work.get(f"lost {key}", size, np.float64))
        else:  # E = B_C^-1(B_C(D) + W + H), taken straight to the organisation's hours
            ended_on_clock = np.add(
                moments.before(which, hours), wait, out=work.get("ended", size, np.float64)
            )
            ended_on_clock += repair
            if org == ALWAYS:
                lost = calendar.time_after(ended_on_clock, *hours) - moments.start
            else:
                lost = calendar.convert(
                    ended_on_clock,
                    hours,
                    org,
                    out=work.get(f"lost {key}", size, np.float64),
                    period=work.get("period", size, np.float64),
                )
                lost -= moments.before("start", org)
    outcome = {"lost": lost}
    if handling.kind == "pay_per_incident":
        remote_minimum, onsite_minimum = handling.minimum_hours
        billable = np.maximum(
            repair, remote_minimum, out=work.get(f"billable {key}", size, np.float64)
        )
        if on_site is not None:  # the few visits, by index
            billable[on_site] = np.maximum(repair[on_site], onsite_minimum)
        if handling.increment_hours > 0:  # rounded up, but 1.1 / 0.1 = 11.000000000000002 is 11
            billable /= handling.increment_hours
            billable -= _ROUNDING
            np.ceil(billable, out=billable)
            billable *= handling.increment_hours
        after = None
        service = handling.service_hours
        if after_hours:  # worked round the clock: its moments are known
            inside = (
                ended_org if service == moments.org else calendar.hours_before(ended, *service)
            ) - calendar.hours_before(begun, *service)
            after = np.maximum(1.0 - inside / repair, 0.0)
            after *= billable
            billable = billable - after
        outcome["billable"] = billable
        if after is not None:
            outcome["after"] = after
    elif handling.kind == "in_house":  # no bill: the technician's hours are counted
        hours_worked = work.get(f"work {key}", size, np.float64)
        hours_worked[...] = repair
        outcome["work"] = hours_worked
    else:
        if handling.out_of_scope_share > 0:
            billed = np.flatnonzero(oos_uniform < handling.out_of_scope_share)
            hours = np.maximum(repair[billed], handling.out_of_scope_minimum)
            outcome["out_of_scope"] = (billed, hours)
        if handling.sla_hours != float("inf"):
            outcome["late"] = np.flatnonzero(wait > handling.sla_hours)
    return outcome


def _months_beyond(used: np.ndarray, available: np.ndarray | float) -> np.ndarray:
    """Each month's share of a year's hours beyond ``available``, from the hours ``used`` by
    month ``(trials, 12)``: the months after the hours run out carry the bill, in order."""
    total = np.cumsum(used, axis=1)
    beyond = total - np.minimum(total, np.reshape(available, (-1, 1)))
    monthly = np.diff(beyond, axis=1, prepend=0.0)
    last = beyond[:, -1:]
    return np.divide(monthly, last, out=np.zeros_like(monthly), where=last > 0)


def _incident_bills(
    outcome: dict[str, np.ndarray],
    rates: tuple,
    onsite: np.ndarray | None,
    size: int,
    labour_apart: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Each incident's bill under one option's prices, for the monthly spend: ``(labour,
    bills)``, the labour at the option's rates left out of ``bills`` when ``labour_apart`` (a
    block option's, priced against the block at year end)."""
    remote, on_site, multiplier, trip, out_of_scope = rates
    bills = np.zeros(size)
    labour = np.zeros(size)
    billable = outcome.get("billable")
    if billable is not None:
        rate = np.full(size, remote) if onsite is None else np.where(onsite, on_site, remote)
        hours = billable + multiplier * outcome["after"] if "after" in outcome else billable
        labour += rate * hours
        if not labour_apart:
            bills += labour
        if onsite is not None:
            bills += trip * onsite
    if "out_of_scope" in outcome:
        index, hours = outcome["out_of_scope"]
        bills[index] += out_of_scope * hours
    return labour, bills


def _add_security(
    params: EngineParameters, n: int, rng: Streams, factor: float, sums: dict
) -> None:
    """One year's security losses for every option, as thinnings of one event stream.

    Events arrive at the organisation's rate times the highest security factor; an option
    keeps an event when its uniform falls below (its factor / the highest). So an option with
    a lower factor sees a subset of another's events, with the same losses. Events are drawn
    for runs of trials holding at most :data:`CHUNK_INCIDENTS` of them (a trial's events are
    never split), so memory stays bounded whatever the rate; the draws do not depend on it.
    """
    if params.security_rate == 0:
        return
    counts = rng["counts"].poisson(params.security_rate, size=n)
    ends = np.cumsum(counts)
    first = 0
    while first < n:
        done = int(ends[first - 1]) if first else 0
        last = max(int(np.searchsorted(ends, done + CHUNK_INCIDENTS, side="right")), first + 1)
        in_run = counts[first:last]
        events = int(in_run.sum())
        trial = np.repeat(np.arange(last - first), in_run)
        loss = np.empty(events)
        _draw_money(rng["loss"], params.security_loss, loss)
        loss *= factor
        keep = rng["keep"].random(events)
        for option, share in zip(params.options, params.security_keep, strict=True):
            if share > 0:
                kept = np.bincount(trial, loss * (keep < share), minlength=last - first)
                sums[option]["security"][first:last] += kept
        first = last
