"""The Monte Carlo core: incidents, waits, repairs, bills, downtime and security events.

Both support models are simulated from the same random draws (common random numbers): managed
incidents are the break-fix incidents that proactive care did not prevent, with the same repair
time and the same standard-normal response draw. Their difference is therefore measured far more
precisely than either total.

Reproducibility: trials run in fixed blocks of :data:`BLOCK_TRIALS`, each seeded by
(seed, block) as :mod:`analysis.engine.streams` describes. Results are bit-identical for a seed
whatever the number of threads or the machine, and a run of ``k * BLOCK_TRIALS`` trials is a
prefix of any longer run.

Cost: O(trials * years * (tiers + expected incidents per trial-year)) time. Within a block,
incidents are drawn year by year and tier by tier in chunks of exactly :data:`CHUNK_INCIDENTS`
(whatever the counts, so memory is bounded and the working arrays stay in cache); per-trial
results (13 float64 columns) are the only arrays that grow with the trial count.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from analysis import defaults
from analysis.engine.inputs import EngineParameters, TierParameters
from analysis.engine.result import COLUMNS, HYBRID_COLUMNS, Result
from analysis.engine.streams import Streams, lognormal, security_streams, tier_streams
from analysis.errors import ArgumentError
from analysis.portable_math import Workspace, scaled_exp
from analysis.scenario.model import Scenario

#: Trials per reproducibility block: each block has its own seed, derived from (seed, block).
BLOCK_TRIALS = 65_536
#: Incidents drawn together; it trades Python overhead against cache use. The draws do not
#: depend on it (every stream is consumed in the same order); money sums may differ in their
#: last bits, since a trial split across two chunks is summed in two parts.
CHUNK_INCIDENTS = 131072
#: Per-trial sums kept for each model while a block runs.
_SUMMED = ("support", "downtime", "security", "incidents", "downtime_hours")
#: Bytes per trial that a run keeps: the result columns and, briefly, their DataFrame copy.
_BYTES_PER_TRIAL = 2 * 8 * (len(COLUMNS) + len(HYBRID_COLUMNS))


def simulate(
    scenario: Scenario,
    trials: int = defaults.TRIALS,
    seed: int = defaults.SEED,
    threads: int | None = None,
    monthly: bool = False,
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
        Worker threads across blocks (default: the cores this process may use, at most one per
        block). Results do not depend on it.
    monthly
        Also keep each model's IT spend month by month (``Result.monthly``; see
        :mod:`analysis.decision.breakdowns`). Each incident falls in a month drawn from its
        own stream (``budget.seasonality``, else evenly), so every other result is unchanged.

    Returns
    -------
    Result
        Per-trial totals (``Result.trials``) and their statistics (``Result.summary()``).

    Raises
    ------
    ArgumentError
        ``trials``, ``seed`` or ``threads`` out of range, naming the argument; or more trials
        than this machine's memory holds.

    Examples
    --------
    >>> from analysis import load_scenario, simulate
    >>> result = simulate(load_scenario("small-office"), trials=10_000, seed=1)
    >>> 0.0 <= result.summary()["comparison"]["prob_managed_cheaper"] <= 1.0
    True
    """
    params = EngineParameters.from_scenario(scenario)
    month_count = 12 * len(params.year_factors) * len(params.models) if monthly else 0
    check_arguments(trials, seed, threads, month_count)
    names = COLUMNS + (HYBRID_COLUMNS if params.hybrid else ())
    columns = {name: np.empty(trials) for name in names}
    months = (
        {model: np.empty((trials, 12 * len(params.year_factors))) for model in params.models}
        if monthly
        else None
    )
    n_blocks = -(-trials // BLOCK_TRIALS)

    def run(block: int) -> None:
        start = block * BLOCK_TRIALS
        stop = min(start + BLOCK_TRIALS, trials)
        _simulate_block(params, stop - start, int(seed), block, columns, start, months)

    workers = min(threads or _available_cores(), n_blocks)
    if workers == 1:
        for block in range(n_blocks):
            run(block)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(run, range(n_blocks)))
    return Result(scenario=scenario, seed=int(seed), columns=columns, monthly=months)


def check_arguments(
    trials: int, seed: int, threads: int | None = None, months_per_trial: int = 0
) -> None:
    """Raise :class:`ArgumentError` for arguments :func:`simulate` would reject.

    Front ends call it before slow preparations (a report's kernel start, say).
    ``months_per_trial`` is the number of monthly figures kept per trial, if any.
    """
    _check_whole("trials", trials, minimum=1)
    _check_whole("seed", seed, minimum=0)
    if threads is not None:
        _check_whole("threads", threads, minimum=1)
    _check_memory(trials, months_per_trial)


def _check_whole(name: str, value: object, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ArgumentError(name, f"must be a whole number >= {minimum} (got {value!r})")


def _available_cores() -> int:
    """Cores this process may run on (a container's share, not the host's), where known."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _check_memory(trials: int, months_per_trial: int = 0) -> None:
    needed = trials * (_BYTES_PER_TRIAL + 8 * months_per_trial)
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


def _simulate_block(
    params: EngineParameters,
    n: int,
    seed: int,
    block: int,
    out: dict,
    offset: int,
    months: dict[str, np.ndarray] | None = None,
) -> None:
    """Simulate ``n`` trials of block ``block`` into ``out[...][offset:offset+n]`` (and the
    monthly IT spend into ``months[model][offset:offset+n]`` when given)."""
    models = params.models
    sums = {f"{model}_{quantity}": np.zeros(n) for model in models for quantity in _SUMMED}
    streams = {tier.name: tier_streams(seed, block, tier.name) for tier in params.tiers}
    security = security_streams(seed, block)
    work = Workspace()
    for year, factor in enumerate(params.year_factors):
        breaches = {model: np.zeros(n) for model in models[1:]}  # late responses this year
        spend = {model: np.zeros((n, 12)) for model in models} if months is not None else None
        for tier in params.tiers:
            counts = _incident_counts(tier, n, streams[tier.name])
            _add_incidents(
                params, tier, counts, streams[tier.name], factor, sums, breaches, spend, work
            )
        _add_security(params, n, security, factor, sums)
        if params.sla_credit > 0:
            for model, cap in zip(models[1:], params.sla_caps, strict=False):
                credits = np.minimum(params.sla_credit * breaches[model], cap)
                sums[f"{model}_support"] -= factor * credits
                if spend is not None:  # credited on the year's last invoice
                    spend[model][:, 11] -= factor * credits
        if spend is not None:
            contracts = zip(models[1:], params.monthly_fees, params.onboarding_fees, strict=False)
            for model, fee, onboarding in contracts:
                spend[model] += factor * fee
                if year == 0:
                    spend[model][:, 0] += onboarding
            for model in models:
                months[model][offset : offset + n, 12 * year : 12 * (year + 1)] = spend[model]

    part = slice(offset, offset + n)
    sums["managed_support"] += params.managed_fees_present_value
    if params.hybrid:
        sums["hybrid_support"] += params.hybrid_fees_present_value
    for model in models:
        for quantity in _SUMMED:
            out[f"{model}_{quantity}"][part] = sums[f"{model}_{quantity}"]
        out[f"{model}_total"][part] = (
            sums[f"{model}_support"] + sums[f"{model}_downtime"] + sums[f"{model}_security"]
        )
    out["savings"][part] = out["break_fix_total"][part] - out["managed_total"][part]
    if params.hybrid:
        out["savings_hybrid"][part] = out["break_fix_total"][part] - out["hybrid_total"][part]


def _incident_counts(tier: TierParameters, n: int, rng: Streams) -> np.ndarray:
    """Break-fix incident counts per trial: Poisson, or negative binomial via a Gamma rate."""
    if tier.dispersion > 0 and tier.rate > 0:
        shape = 1.0 / tier.dispersion
        rates = rng["frailty"].gamma(shape, tier.rate / shape, size=n)
        return rng["counts"].poisson(rates)
    return rng["counts"].poisson(tier.rate, size=n)


def _add_incidents(
    params: EngineParameters,
    tier: TierParameters,
    counts: np.ndarray,
    rng: Streams,
    factor: float,
    sums: dict[str, np.ndarray],
    breaches: dict[str, np.ndarray],
    spend: dict[str, np.ndarray] | None,
    work: Workspace,
) -> None:
    """Draw one tier-year's incidents in fixed-size chunks and add them to the per-trial sums.

    Incidents are laid out trial by trial; a chunk may start or end inside a trial.
    """
    ends = np.cumsum(counts)
    total = int(ends[-1]) if counts.size else 0
    for start in range(0, total, CHUNK_INCIDENTS):
        stop = min(start + CHUNK_INCIDENTS, total)
        first = int(np.searchsorted(ends, start, side="right"))  # trial holding incident start
        last = int(np.searchsorted(ends, stop - 1, side="right")) + 1
        in_chunk = np.diff(np.minimum(ends[first:last], stop) - start, prepend=0)
        _add_chunk(params, tier, in_chunk, first, rng, factor, sums, breaches, spend, work)


def _add_chunk(
    params: EngineParameters,
    tier: TierParameters,
    counts: np.ndarray,
    first: int,
    rng: Streams,
    factor: float,
    sums: dict[str, np.ndarray],
    breaches: dict[str, np.ndarray],
    spend: dict[str, np.ndarray] | None,
    work: Workspace,
) -> None:
    """Draw ``counts.sum()`` incidents of trials ``first, first + 1, ...`` and add them up.

    Every money amount is multiplied by ``factor``, the year's g_y. O(incidents) time; the
    incident-sized arrays are ``work``'s reused buffers. A hybrid contract treats the tier as
    managed care does or as break-fix does: the same per-trial sums go to either model.
    """
    size = int(counts.sum())
    trials = counts.size
    part = slice(first, first + trials)
    hybrid = ("hybrid",) if params.hybrid else ()
    as_break_fix = ("break_fix", *(() if tier.hybrid_managed else hybrid))
    as_managed = ("managed", *(hybrid if tier.hybrid_managed else ()))

    def add(quantity: str, values: np.ndarray | float, models: tuple[str, ...]) -> None:
        for model in models:
            sums[f"{model}_{quantity}"][part] += values

    def buffer(name: str, dtype: type = np.float32) -> np.ndarray:
        return work.get(name, size, dtype)

    # The chunk-local trial of each incident (np.repeat, into a reused buffer): a running count
    # of the trial starts passed so far.
    trial = buffer("trial", np.intp)
    trial[:] = 0
    ends = np.cumsum(counts)  # one past each trial's last incident
    starts = ends[:-1]
    np.add.at(trial, starts[starts < size], 1)
    np.cumsum(trial, out=trial)

    if spend is not None:  # the month of each incident, for budget risk: trial * 12 + month
        uniforms = rng["month"].random(size)
        trial_month = np.searchsorted(params.month_cdf, uniforms, side="right")
        trial_month += 12 * trial

    def add_monthly(values: np.ndarray, models: tuple[str, ...], which=None) -> None:
        """Add per-incident amounts (of incidents ``which``, else all) to each month."""
        if spend is None:
            return
        index = trial_month if which is None else trial_month[which]
        by_month = np.bincount(index, values, minlength=12 * trials).reshape(trials, 12)
        for model in models:
            spend[model][part] += by_month

    def per_trial(weights: np.ndarray, index: np.ndarray = trial) -> np.ndarray:
        if weights.dtype != np.float64 and weights.size == size:
            # bincount sums in float64: cast into a reused buffer rather than a fresh array.
            converted = buffer("weights", np.float64)
            np.copyto(converted, weights)
            weights = converted
        return np.bincount(index, weights, minlength=trials)

    def flags(stream: str, share: float) -> np.ndarray:
        uniforms = rng[stream].random(out=buffer("uniforms"), dtype=np.float32)
        return np.less(uniforms, np.float32(share), out=buffer(stream, np.bool_))

    # Repair hours H and the response normal Z, shared by both models.
    fix_hours = lognormal(rng["fix"], buffer("fix_hours"), *tier.fix, work)
    z_response = rng["response"].standard_normal(out=buffer("wait_ms"), dtype=np.float32)
    wait_bf = scaled_exp(z_response, *params.response_break_fix, buffer("wait_bf"), work)
    wait_ms = scaled_exp(z_response, *params.response_managed, z_response, work)

    # Break-fix: bill max(H, minimum) hours, at the after-hours multiplier for a share of them.
    billable = np.maximum(fix_hours, np.float32(params.minimum_hours), out=buffer("billable"))
    if params.after_hours_share > 0:
        # Only a share of incidents: sum their hours and bill the extra (multiplier - 1).
        which = np.flatnonzero(flags("after_hours", params.after_hours_share))
        extra = (params.after_hours_multiplier - 1) * per_trial(billable[which], trial[which])
    else:
        which, extra = None, 0.0
    if spend is not None:
        bills = billable.astype(np.float64)
        if which is not None:
            bills[which] *= params.after_hours_multiplier
        bills *= params.hourly_rate
        bills += params.callout_fee
        add_monthly(factor * bills, as_break_fix)
    add(
        "support",
        factor * (params.hourly_rate * (per_trial(billable) + extra) + params.callout_fee * counts),
        as_break_fix,
    )
    add("incidents", counts, as_break_fix)
    wait_bf += fix_hours
    hours = per_trial(wait_bf)
    add("downtime_hours", hours, as_break_fix)
    add("downtime", (factor * tier.impact_rate) * hours, as_break_fix)

    # Managed: the same incidents, each prevented with probability `reduction`; repairs take
    # `fix_time_factor` times as long.
    survives = None
    if tier.reduction > 0:  # the tier's own stream: skipping it shifts no other draw
        survives = ~flags("prevent", tier.reduction)  # prevented when the uniform < reduction

    def count_per_trial(which: np.ndarray) -> np.ndarray:
        """How many incidents of each trial are flagged: from a running count, much cheaper
        than a bincount of booleans."""
        running = work.get("running", size + 1, np.int32)  # running[i]: among the first i
        running[0] = 0
        np.cumsum(which.view(np.int8), dtype=np.int32, out=running[1:])
        return np.diff(running[ends], prepend=0)

    if params.sla_credit > 0:  # a response later than the SLA promises earns a credit
        late = np.greater(wait_ms, np.float32(params.sla_hours), out=buffer("late", np.bool_))
        if survives is not None:
            late &= survives
        for model in as_managed:
            breaches[model][part] += count_per_trial(late)
    repair_ms = fix_hours  # H is not needed for itself any more: scale it in place
    repair_ms *= np.float32(params.fix_time_factor)
    wait_ms += repair_ms
    if survives is None:
        add("incidents", counts, as_managed)
    else:
        wait_ms *= survives
        add("incidents", count_per_trial(survives), as_managed)
    hours = per_trial(wait_ms)
    add("downtime_hours", hours, as_managed)
    add("downtime", (factor * tier.impact_rate) * hours, as_managed)
    if params.out_of_scope_share > 0:
        billed = flags("out_of_scope", params.out_of_scope_share)
        if survives is not None:
            billed &= survives
        which = np.flatnonzero(billed)  # a small share: sum only those
        add(
            "support",
            (factor * params.out_of_scope_rate) * per_trial(repair_ms[which], trial[which]),
            as_managed,
        )
        hours = repair_ms[which].astype(np.float64)  # float32 times a float stays float32
        add_monthly((factor * params.out_of_scope_rate) * hours, as_managed, which)

    # Parts: the same hardware cost wherever the incident exists.
    if params.parts_probability > 0:
        which = np.flatnonzero(flags("parts", params.parts_probability))
        cost = lognormal(rng["parts_cost"], np.empty(which.size), *params.parts_cost)
        add("support", factor * per_trial(cost, trial[which]), as_break_fix)
        add_monthly(factor * cost, as_break_fix, which)
        if survives is not None:
            kept = survives[which]
            cost, which = cost[kept], which[kept]
        add("support", factor * per_trial(cost, trial[which]), as_managed)
        add_monthly(factor * cost, as_managed, which)


def _add_security(
    params: EngineParameters, n: int, rng: Streams, factor: float, sums: dict[str, np.ndarray]
) -> None:
    """One year's security losses for both models, as thinnings of one event stream.

    Events arrive at the larger of the two rates; each model keeps an event when its uniform
    falls below (its rate / that rate). So the model with the lower rate sees a subset of the
    other's events, with the same losses (common random numbers), as in DESIGN.
    """
    rates = {"break_fix": params.security_break_fix, "managed": params.security_managed}
    if params.hybrid:
        rates["hybrid"] = params.security_hybrid
    top = max(rates.values())
    if top == 0:
        return
    counts = rng["counts"].poisson(top, size=n)
    events = int(counts.sum())
    trial = np.repeat(np.arange(n), counts)
    loss = lognormal(rng["loss"], np.empty(events), *params.security_loss)
    loss *= factor
    keep = rng["keep"].random(events)
    for model, rate in rates.items():
        sums[f"{model}_security"] += np.bincount(trial, loss * (keep < rate / top), minlength=n)
