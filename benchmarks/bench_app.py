"""Benchmark the calculator: how long a full recompute takes at the app's default trial count.

For every preset, two figures, each the best of ``--repeats`` runs (the least disturbed by
other processes), with a new input value every time so that nothing comes from the cache:

- engine and charts: simulate, summarise, the verdict and the Calculator's two figures;
- page rerun: the whole Calculator script as Streamlit runs it after an input changed
  (AppTest: every widget, the simulation, the cards and the plotly figures serialised).

The target is a page rerun under 0.5 s for every preset; the script exits 1 on a miss.
Run with ``make bench`` or ``python benchmarks/bench_app.py [--trials N] [--repeats R]``.
"""

from __future__ import annotations

import argparse
import sys
import time

import analysis
from analysis.defaults import APP_TRIALS, SEED
from analysis.files import app_path
from analysis.present import plots
from analysis.present.narrative import verdict

TARGET_SECONDS = 0.5


def engine_and_charts(scenario: analysis.Scenario, trials: int) -> float:
    start = time.perf_counter()
    result = analysis.simulate(scenario, trials=trials, seed=SEED)
    result.summary()
    verdict(result)
    plots.cost_distribution(result).to_json()
    plots.cost_breakdown(result).to_json()
    return time.perf_counter() - start


def page_reruns(preset: str, trials: int, repeats: int) -> float:
    """Best time of a Calculator rerun after the break-fix rate changed."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(app_path()), default_timeout=120)
    app.query_params.update({"preset": preset, "trials": str(trials)})
    app.run()
    generation = app.session_state["itcost_inputs"].generation
    rate = app.number_input(key=f"in{generation}:break_fix.hourly_rate")
    best = float("inf")
    for step in range(repeats):
        rate.set_value(rate.value + 1.0 + step)
        start = time.perf_counter()
        app.run()
        best = min(best, time.perf_counter() - start)
        if app.exception:
            raise SystemExit(f"{preset}: the app failed: {app.exception[0].value}")
        rate = app.number_input(key=f"in{generation}:break_fix.hourly_rate")
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=APP_TRIALS)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    print(f"Calculator recompute at {args.trials:,} trials (best of {args.repeats}); "
          f"target: page rerun < {TARGET_SECONDS} s")  # fmt: skip
    print(f"{'preset':<16} {'incidents':>10} {'engine+charts':>14} {'page rerun':>11}")
    engine_and_charts(analysis.load_scenario("small-office"), 1_000)  # imports, warm caches
    worst = 0.0
    for preset in analysis.preset_names():
        scenario = analysis.load_scenario(preset)
        incidents = args.trials * sum(t.rate_per_year for t in scenario.incidents.values())
        engine = min(
            engine_and_charts(
                scenario.with_overrides({"break_fix.hourly_rate": 100 + step}), args.trials
            )
            for step in range(args.repeats)
        )
        page = page_reruns(preset, args.trials, args.repeats)
        worst = max(worst, page)
        print(f"{preset:<16} {incidents / 1e6:>9.2f}M {engine:>13.3f}s {page:>10.3f}s")
    verdict_text = "met" if worst < TARGET_SECONDS else "MISSED"
    print(f"slowest page rerun: {worst:.3f} s: target {verdict_text}")
    return 0 if worst < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
