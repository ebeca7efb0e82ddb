"""The Monte Carlo core: incidents, waits, repairs, bills, downtime and security events.

Both support models are simulated from the same random draws (common random numbers): managed
incidents are the break-fix incidents that proactive care did not prevent, with the same repair
time and the same standard-normal response draw. Their difference is therefore measured far more
precisely than either total.

Reproducibility: trials run in fixed blocks of :data:`BLOCK_TRIALS`. Block ``b`` draws only from
generators seeded by ``SeedSequence(seed, spawn_key=(b,))`` (the ``b``-th child of
``SeedSequence(seed).spawn``), one independent stream per random quantity. Results are
bit-identical for a seed whatever the number of threads, and a run of ``k * BLOCK_TRIALS`` trials
is a prefix of any longer run. Because each quantity has its own stream, changing a parameter that
does not change incident counts (a fee, a share, a duration) leaves every other draw unchanged.

Cost: O(trials * years * (tiers + expected incidents per trial-year)) time. Memory is bounded
by the block: incidents are processed in chunks of about :data:`CHUNK_INCIDENTS`, which keep
the working arrays in cache, and per-trial results (13 float64 columns) are the only arrays
that grow with the trial count.
"""

from __future__ import annotations

import itertools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from analysis.result import COLUMNS, Result
from analysis.scenario import Scenario

#: Trials per reproducibility block: each block has its own seed, derived from (seed, block).
BLOCK_TRIALS = 65_536
#: Incidents processed together; sized so the working arrays stay in the CPU's cache.
CHUNK_INCIDENTS = 32_768
#: One independent generator per random quantity, in this order, for every block.
STREAMS = (
    "counts",
    "frailty",
    "fix",
    "response",
    "prevent",
    "after_hours",
    "out_of_scope",
    "parts",
    "security",
)


@dataclass(frozen=True)
class _LogNormal:
    mu: float
    sigma: float


@dataclass(frozen=True)
class _TierParams:
    rate: float
    dispersion: float
    fix: _LogNormal
    reduction: float
    impact_rate: float  # money per outage hour, c_t


@dataclass(frozen=True)
class _Params:
    """The scenario reduced to the numbers the engine needs."""

    tiers: tuple[_TierParams, ...]
    year_factors: np.ndarray  # g_y, shape (years,)
    hourly_rate: float
    minimum_hours: float
    callout_fee: float
    after_hours_share: float
    after_hours_multiplier: float
    response_break_fix: _LogNormal
    response_managed: _LogNormal
    fix_time_factor: float
    out_of_scope_share: float
    out_of_scope_rate: float
    managed_fees: np.ndarray  # fixed managed fees per year, before g_y, shape (years,)
    parts_probability: float
    parts_cost: _LogNormal
    security_break_fix: float
    security_managed: float
    security_loss: _LogNormal

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> _Params:
        def lognormal(spec) -> _LogNormal:
            return _LogNormal(spec.mu, spec.sigma)

        bf, ms = scenario.break_fix, scenario.managed
        tiers = tuple(
            _TierParams(
                rate=tier.rate_per_year,
                dispersion=tier.dispersion,
                fix=lognormal(tier.fix_hours),
                reduction=ms.incident_reduction[name],
                impact_rate=scenario.impact_rate(name),
            )
            for name, tier in scenario.incidents.items()
        )
        fees = np.full(scenario.horizon.years, scenario.managed_annual_fee)
        fees[0] += ms.onboarding_fee
        parts, security = scenario.parts, scenario.security
        unit = _LogNormal(0.0, 0.0)
        return cls(
            tiers=tiers,
            year_factors=np.asarray(scenario.horizon.year_factors()),
            hourly_rate=bf.hourly_rate,
            minimum_hours=bf.minimum_hours,
            callout_fee=bf.callout_fee,
            after_hours_share=bf.after_hours_share,
            after_hours_multiplier=bf.after_hours_multiplier,
            response_break_fix=lognormal(bf.response_hours),
            response_managed=lognormal(ms.response_hours),
            fix_time_factor=ms.fix_time_factor,
            out_of_scope_share=ms.out_of_scope_share,
            out_of_scope_rate=ms.out_of_scope_rate,
            managed_fees=fees,
            parts_probability=parts.probability if parts else 0.0,
            parts_cost=lognormal(parts.cost) if parts else unit,
            security_break_fix=security.rate_per_year.break_fix if security else 0.0,
            security_managed=security.rate_per_year.managed if security else 0.0,
            security_loss=lognormal(security.loss) if security else unit,
        )


def simulate(
    scenario: Scenario, trials: int = 100_000, seed: int = 2026, threads: int | None = None
) -> Result:
    """Simulate ``trials`` independent horizons of both support models.

    Parameters
    ----------
    scenario
        The validated scenario (see :func:`analysis.load_scenario`).
    trials
        Number of Monte Carlo trials (>= 1). Each trial is one horizon of ``horizon.years``.
    seed
        Non-negative integer seed; with ``trials`` it fixes every draw.
    threads
        Worker threads across blocks (default: the machine's cores, at most one per block).
        Results do not depend on it.

    Returns
    -------
    Result
        Per-trial totals (``Result.trials``) and their statistics (``Result.summary()``).

    Examples
    --------
    >>> from analysis import load_scenario, simulate
    >>> result = simulate(load_scenario("small-office"), trials=10_000, seed=1)
    >>> 0.0 <= result.summary()["comparison"]["prob_managed_cheaper"] <= 1.0
    True
    """
    if isinstance(trials, bool) or not isinstance(trials, int | np.integer) or trials < 1:
        raise ValueError(f"trials: must be a whole number >= 1 (got {trials!r})")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed: must be a whole number >= 0 (got {seed!r})")
    params = _Params.from_scenario(scenario)
    columns = {name: np.empty(trials) for name in COLUMNS}
    n_blocks = -(-trials // BLOCK_TRIALS)

    def run(block: int) -> None:
        start = block * BLOCK_TRIALS
        stop = min(start + BLOCK_TRIALS, trials)
        _simulate_block(params, stop - start, _block_streams(seed, block), columns, start)

    workers = min(threads or os.cpu_count() or 1, n_blocks)
    if workers == 1:
        for block in range(n_blocks):
            run(block)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(run, range(n_blocks)))
    return Result(scenario=scenario, seed=int(seed), columns=columns)


def _block_streams(seed: int, block: int) -> dict[str, np.random.Generator]:
    """One generator per random quantity, depending only on (seed, block)."""
    block_seed = np.random.SeedSequence(seed, spawn_key=(block,))
    children = block_seed.spawn(len(STREAMS))
    return {
        name: np.random.Generator(np.random.PCG64(child))
        for name, child in zip(STREAMS, children, strict=True)
    }


def _simulate_block(
    params: _Params,
    n: int,
    rng: dict[str, np.random.Generator],
    out: dict[str, np.ndarray],
    offset: int,
) -> None:
    """Simulate ``n`` trials and write their per-trial totals into ``out[...][offset:offset+n]``."""
    years = len(params.year_factors)
    cells = n * years  # one cell per (trial, year), trial-major
    # Per (trial, year) sums, in money before g_y or in hours/counts.
    bf_support = np.zeros(cells)
    ms_support = np.zeros(cells)
    bf_downtime = np.zeros(cells)
    ms_downtime = np.zeros(cells)
    bf_hours = np.zeros(cells)
    ms_hours = np.zeros(cells)
    bf_count = np.zeros(cells)
    ms_count = np.zeros(cells)

    for tier in params.tiers:
        counts = _incident_counts(tier, cells, rng)
        sums = _tier_sums(params, tier, counts, rng)
        bf_support += params.hourly_rate * sums.billable_hours
        bf_support += params.callout_fee * counts
        bf_support += sums.parts_break_fix
        ms_support += params.out_of_scope_rate * sums.out_of_scope_hours
        ms_support += sums.parts_managed
        bf_downtime += tier.impact_rate * sums.break_fix_hours
        ms_downtime += tier.impact_rate * sums.managed_hours
        bf_hours += sums.break_fix_hours
        ms_hours += sums.managed_hours
        bf_count += counts
        ms_count += sums.managed_count

    bf_security, ms_security = _security_losses(params, cells, rng["security"])
    factors = params.year_factors

    def total(per_cell: np.ndarray, factor: np.ndarray | None = factors) -> np.ndarray:
        table = per_cell.reshape(n, years)
        return table.sum(axis=1) if factor is None else table @ factor

    part = slice(offset, offset + n)
    out["break_fix_support"][part] = total(bf_support)
    out["break_fix_downtime"][part] = total(bf_downtime)
    out["break_fix_security"][part] = total(bf_security)
    out["managed_support"][part] = total(ms_support) + params.managed_fees @ factors
    out["managed_downtime"][part] = total(ms_downtime)
    out["managed_security"][part] = total(ms_security)
    for model in ("break_fix", "managed"):
        out[f"{model}_total"][part] = (
            out[f"{model}_support"][part]
            + out[f"{model}_downtime"][part]
            + out[f"{model}_security"][part]
        )
    out["break_fix_incidents"][part] = total(bf_count, None)
    out["managed_incidents"][part] = total(ms_count, None)
    out["break_fix_downtime_hours"][part] = total(bf_hours, None)
    out["managed_downtime_hours"][part] = total(ms_hours, None)
    out["savings"][part] = out["break_fix_total"][part] - out["managed_total"][part]


def _incident_counts(
    tier: _TierParams, cells: int, rng: dict[str, np.random.Generator]
) -> np.ndarray:
    """Break-fix incident counts per cell: Poisson, or negative binomial via a Gamma rate."""
    if tier.dispersion > 0 and tier.rate > 0:
        shape = 1.0 / tier.dispersion
        rates = rng["frailty"].gamma(shape, tier.rate / shape, size=cells)
        return rng["counts"].poisson(rates)
    return rng["counts"].poisson(tier.rate, size=cells)


@dataclass
class _TierSums:
    """Per-cell sums over one tier's incidents."""

    billable_hours: np.ndarray  # break-fix hours billed, after minimum and after-hours multiplier
    break_fix_hours: np.ndarray  # break-fix downtime hours (wait + repair)
    parts_break_fix: np.ndarray
    managed_count: np.ndarray
    managed_hours: np.ndarray  # managed downtime hours of surviving incidents
    out_of_scope_hours: np.ndarray  # managed repair hours billed out of scope
    parts_managed: np.ndarray


def _tier_sums(
    params: _Params, tier: _TierParams, counts: np.ndarray, rng: dict[str, np.random.Generator]
) -> _TierSums:
    """Draw one tier's incidents chunk by chunk and sum them per cell.

    Incidents are laid out cell by cell, so a chunk is a run of whole cells and the sums are
    ``bincount`` over local cell indices. O(incidents) time, O(CHUNK_INCIDENTS) extra memory.
    """
    cells = counts.size
    sums = _TierSums(*(np.zeros(cells) for _ in range(7)))
    ends = np.cumsum(counts)
    total = int(ends[-1]) if cells else 0
    if total == 0:
        return sums
    # Cell boundaries so that each chunk holds about CHUNK_INCIDENTS incidents.
    cuts = np.searchsorted(ends, np.arange(CHUNK_INCIDENTS, total, CHUNK_INCIDENTS)) + 1
    bounds = np.unique(np.concatenate(([0], cuts, [cells])))
    for first, last in itertools.pairwise(bounds):
        _chunk_sums(params, tier, counts[first:last], rng, sums, first)
    return sums


def _chunk_sums(
    params: _Params,
    tier: _TierParams,
    counts: np.ndarray,
    rng: dict[str, np.random.Generator],
    sums: _TierSums,
    first: int,
) -> None:
    """Draw the incidents of a run of whole cells and add their sums to ``sums``.

    Durations are computed in float32 (seven significant digits, far finer than any Monte Carlo
    error) because numpy's float32 ``exp`` is SIMD-vectorised and about four times faster than
    float64's; normals are drawn and every sum accumulates in float64.
    """
    n_cells = counts.size
    ends = np.cumsum(counts)
    size = int(ends[-1])
    if size == 0:
        return
    cell = np.repeat(np.arange(n_cells), counts)
    part = slice(first, first + n_cells)

    def add(target: np.ndarray, weights: np.ndarray, index: np.ndarray = cell) -> None:
        target[part] += np.bincount(index, weights, minlength=n_cells)

    # Repair hours H, shared by both models.
    fix_hours = _lognormal(rng["fix"], tier.fix, size)
    # One standard normal per incident drives the response wait of every model.
    z_response = rng["response"].standard_normal(size).astype(np.float32)
    wait_bf = _scaled_exp(z_response, params.response_break_fix)
    wait_ms = _scaled_exp(z_response, params.response_managed, in_place=True)

    # Break-fix: bill max(H, minimum) hours, at the after-hours multiplier for a share of them.
    billable = np.maximum(fix_hours, np.float32(params.minimum_hours))
    if params.after_hours_share > 0:
        after_hours = rng["after_hours"].random(size, dtype=np.float32) < params.after_hours_share
        np.multiply(
            billable, np.float32(params.after_hours_multiplier), out=billable, where=after_hours
        )
    add(sums.billable_hours, billable)
    wait_bf += fix_hours
    add(sums.break_fix_hours, wait_bf)

    # Managed: the same incidents, each prevented with probability `reduction`; repairs are
    # `fix_time_factor` times as long.
    survives = None
    if any(t.reduction > 0 for t in params.tiers):
        survives = rng["prevent"].random(size, dtype=np.float32) >= np.float32(tier.reduction)
    repair_ms = fix_hours  # fix_hours is not needed any more: scale it in place
    repair_ms *= np.float32(params.fix_time_factor)
    wait_ms += repair_ms
    if survives is None:
        sums.managed_count[part] += counts
    else:
        wait_ms *= survives
        # Survivors per cell from a running count: cheaper than a bincount of booleans.
        running = np.zeros(size + 1, dtype=np.int32)  # running[i]: survivors among the first i
        np.cumsum(survives.view(np.int8), dtype=np.int32, out=running[1:])
        sums.managed_count[part] += np.diff(running[ends], prepend=0)
    add(sums.managed_hours, wait_ms)
    if params.out_of_scope_share > 0:
        billed = rng["out_of_scope"].random(size, dtype=np.float32) < params.out_of_scope_share
        if survives is not None:
            billed &= survives
        which = np.flatnonzero(billed)  # a small share: sum only those
        add(sums.out_of_scope_hours, repair_ms[which], cell[which])

    # Parts: the same hardware cost wherever the incident exists.
    if params.parts_probability > 0:
        replaced = rng["parts"].random(size, dtype=np.float32) < params.parts_probability
        which = np.flatnonzero(replaced)
        cost = _lognormal(rng["parts"], params.parts_cost, which.size, np.float64)
        add(sums.parts_break_fix, cost, cell[which])
        if survives is not None:
            kept = survives[which]
            cost, which = cost[kept], which[kept]
        add(sums.parts_managed, cost, cell[which])


def _security_losses(
    params: _Params, cells: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Security losses per cell for break-fix and managed, as thinnings of one event stream.

    Events arrive at the larger of the two rates; each model keeps an event when its uniform
    falls below (its rate / that rate). So the model with the lower rate sees a subset of the
    other's events, with the same losses (common random numbers), as in DESIGN.
    """
    bf_rate, ms_rate = params.security_break_fix, params.security_managed
    top = max(bf_rate, ms_rate)
    if top == 0:
        return np.zeros(cells), np.zeros(cells)
    counts = rng.poisson(top, size=cells)
    events = int(counts.sum())
    cell = np.repeat(np.arange(cells), counts)
    loss = _lognormal(rng, params.security_loss, events, np.float64)
    keep = rng.random(events)
    return (
        np.bincount(cell, loss * (keep < bf_rate / top), minlength=cells),
        np.bincount(cell, loss * (keep < ms_rate / top), minlength=cells),
    )


def _lognormal(
    rng: np.random.Generator, spec: _LogNormal, size: int, dtype: type = np.float32
) -> np.ndarray:
    """``size`` draws of ``exp(mu + sigma * Z)``; a constant still consumes its normals."""
    return _scaled_exp(rng.standard_normal(size).astype(dtype, copy=False), spec, in_place=True)


def _scaled_exp(z: np.ndarray, spec: _LogNormal, in_place: bool = False) -> np.ndarray:
    """``exp(mu + sigma * z)`` in the dtype of ``z``, overwriting ``z`` when ``in_place``."""
    values = np.multiply(z, z.dtype.type(spec.sigma), out=z if in_place else None)
    values += z.dtype.type(spec.mu)
    return np.exp(values, out=values)
