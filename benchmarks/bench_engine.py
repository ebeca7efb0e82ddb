"""Benchmark the engine: wall time, incidents per second, peak memory, and the ratio to a floor.

The floor is the time numpy needs just to draw two standard normals per simulated incident into
a reused buffer: no engine can draw its incidents' repair and response times faster than that.
Targets on a 2-core machine: ratio <= 3 and peak RSS <= 600 MB for 1,000,000 small-office trials.

Run with ``make bench`` or ``python benchmarks/bench_engine.py [--trials N] [--scenario NAME]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np

import analysis
from analysis.engine import CHUNK_INCIDENTS


def floor_seconds(incidents: int, seed: int = 0) -> float:
    """Seconds to draw ``2 * incidents`` standard normals into a reused buffer."""
    rng = np.random.Generator(np.random.PCG64(seed))
    buffer = np.empty(CHUNK_INCIDENTS)
    draws = 2 * incidents
    start = time.perf_counter()
    for _ in range(draws // buffer.size):
        rng.standard_normal(out=buffer)
    rng.standard_normal(out=buffer[: draws % buffer.size])
    return time.perf_counter() - start


def best_of(repeats: int, run) -> tuple[float, object]:
    """The fastest of ``repeats`` runs (seconds) and the last run's value."""
    best, value = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        value = run()
        best = min(best, time.perf_counter() - start)
    return best, value


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=1_000_000)
    parser.add_argument("--scenario", default="small-office")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure; best is kept")
    args = parser.parse_args()

    scenario = analysis.load_scenario(args.scenario)
    cores = os.cpu_count() or 1
    print(
        f"scenario {args.scenario}, {args.trials:,} trials, {cores} cores, numpy {np.__version__}"
    )
    timings = {}
    for threads in sorted({1, cores}):
        seconds, result = best_of(
            args.repeats, lambda t=threads: analysis.simulate(scenario, args.trials, threads=t)
        )
        timings[threads] = seconds
    incidents = int(result.columns["break_fix_incidents"].sum())
    floor = min(floor_seconds(incidents) for _ in range(args.repeats))
    rss = peak_rss_mb()

    print(f"simulated incidents          {incidents:,}")
    print(f"floor (2 normals/incident)   {floor:.3f} s")
    for threads, seconds in timings.items():
        print(
            f"engine, {threads} thread{'s' if threads > 1 else ' '}         {seconds:.3f} s   "
            f"{incidents / seconds / 1e6:.1f} M incidents/s   ratio to floor {seconds / floor:.2f}"
        )
    print(f"peak RSS                     {rss:.0f} MB")
    best = min(timings.values())
    verdict = "meets" if best / floor <= 3 and rss <= 600 else "MISSES"
    print(f"{verdict} targets: ratio {best / floor:.2f} (<= 3), peak RSS {rss:.0f} MB (<= 600)")


if __name__ == "__main__":
    main()
