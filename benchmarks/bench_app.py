"""Benchmark the calculator: a recompute at the app's default trial count, and a price change.

The default trial count depends on the scenario (``app_state.default_trials``): 10,000, or
for a scenario of more than 200 incidents a simulated year the most whole thousands within 2
million incidents (5,000 for law-firm, 4,000 for accounting-firm and manufacturer).

For every preset, each figure the best of ``--repeats`` runs (the least disturbed by other
processes), with a new input value every time so that nothing comes from a cache:

- simulate: the engine alone, for comparison;
- recompute: what the app does after an input that changes what happens, the repair time of
  the tier with the most incidents: simulate through the app's cache (:func:`app_state.result`,
  which simulates again only the tiers a change touches), then everything the Calculator shows
  from that one result: the summary, the decision summary, the cards' figures, the verdict,
  the options table, the guard rails and its two charts (serialised);
- every tier: the same after a change that every tier feels (the closing time), so that the
  whole scenario is simulated again;
- reprice: the same after a change of prices only (the loaded hourly wage): the app prices the
  last simulation's quantities again (``Result.reprice``) and simulates nothing; shown as the
  repricing itself and with the texts and charts;
- block or technician: a price change whose spend is not linear in the quantities (the hours of
  a block, or of an in-house technician), repriced from the per-trial yearly hours;
- page: the whole Calculator script as Streamlit runs it after that price change (AppTest:
  every widget, the cards and the plotly figures); the engine's ``simulate`` is counted and
  must not be called.

Targets: recompute (one tier and every tier) under 0.3 s and reprice under 0.05 s for every
preset. Printed figures, not a timed test: the script exits 1 on a miss, or when a price change
simulates. Run with ``make bench`` or ``python benchmarks/bench_app.py [--trials N]
[--repeats R]`` (``--trials``: the same count for every preset instead of each one's default).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import analysis
from analysis.defaults import SEED
from analysis.engine import core
from analysis.files import app_path

RECOMPUTE_TARGET = 0.3
REPRICE_TARGET = 0.05


def _app_modules() -> tuple:
    """The app's own modules, imported as `streamlit run` finds them."""
    folder = str(Path(app_path()).parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    warnings.filterwarnings("ignore")
    import streamlit  # noqa: F401 - creates its loggers

    quiet()
    import app_results
    import app_state

    quiet()
    return app_state, app_results


def quiet() -> None:
    """Silence Streamlit's warnings: st.cache_data outside a running app says on every call
    that it has no runtime and no script context."""
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)


def shown_figures(result: analysis.Result) -> None:
    """Everything the Calculator works out from a result, as it does."""
    from analysis.present import guard_rails, narrative, plots, tables

    summary = narrative.decision_summary(result)
    narrative.verdict(result, summary)
    tables.options_table(result, summary)
    guard_rails.guard_rails(result, summary)
    plots.totals_by_option(result).to_json()
    plots.cost_distribution(result).to_json()


def best(repeats: int, run: Callable[[int], float]) -> float:
    return min(run(step) for step in range(repeats))


def slower_repairs(scenario: analysis.Scenario, step: int) -> analysis.Scenario:
    """An event change: the busiest tier's repair time a little longer (that tier simulated
    again)."""
    tier = max(scenario.incidents, key=scenario.tier_rate)
    spec = scenario.incidents[tier].fix_hours
    factor = 1 + (step + 1) / 1000
    fix = {"median": spec.median * factor, "p90": spec.p90 * factor}
    return scenario.with_overrides({f"incidents.{tier}.fix_hours": fix})


def earlier_closing(scenario: analysis.Scenario, step: int) -> analysis.Scenario:
    """An event change every tier feels: the business closes a minute or so earlier."""
    close = scenario.organisation.operating_hours.close - (step + 1) / 64
    return scenario.with_overrides({"organisation.operating_hours.close": close})


def dearer_hours(scenario: analysis.Scenario, step: int) -> analysis.Scenario:
    """A price change: the loaded hourly wage a little higher (repriced)."""
    wage = scenario.organisation.loaded_hourly_cost + step + 1
    return scenario.with_overrides({"organisation.loaded_hourly_cost": wage})


def nonlinear_prices(scenario: analysis.Scenario, step: int) -> analysis.Scenario | None:
    """A price change of a block of hours or an in-house technician (their hours a year), whose
    spend is not linear in the quantities; None when the scenario has neither."""
    for name, option in scenario.options.items():
        if option.kind == "block_hours":
            hours = option.block.hours_per_year + step + 1
            return scenario.with_overrides({f"options.{name}.block.hours_per_year": hours})
        if option.kind == "in_house":
            hours = max(option.hours_per_year - 10 * (step + 1), 0)
            return scenario.with_overrides({f"options.{name}.hours_per_year": hours})
    return None


def measure(preset: str, trials: int | None, repeats: int) -> dict[str, float]:
    """The figures of ``preset`` at ``trials`` (None: the app's default for it)."""
    app_state, _ = _app_modules()
    scenario = analysis.load_scenario(preset)
    state = app_state.Inputs(preset, scenario, preset, scenario, seed=SEED)
    if trials is not None:
        state.choose_trials(trials)
    trials = state.trials

    def recompute(change: Callable, step: int) -> float:
        state.scenario = change(scenario, step)
        start = time.perf_counter()
        result = app_state.result(state)
        shown_figures(result)
        return time.perf_counter() - start

    def engine(step: int) -> float:
        changed = slower_repairs(scenario, repeats + step)
        start = time.perf_counter()
        core.simulate(changed, trials=trials, seed=SEED)
        return time.perf_counter() - start

    figures = {"trials": trials, "simulate": best(repeats, engine)}
    app_state.result(state)  # the session's first simulation, which the next ones build on
    figures["recompute"] = best(repeats, lambda step: recompute(slower_repairs, step))
    figures["every_tier"] = best(repeats, lambda step: recompute(earlier_closing, step))
    state.scenario = scenario
    simulated = app_state.result(state)
    calls = []
    simulate = core.simulate
    core.simulate = lambda *a, **k: calls.append(a) or simulate(*a, **k)
    try:

        def reprice(step: int) -> float:
            state.scenario = dearer_hours(scenario, step)
            start = time.perf_counter()
            result = app_state.result(state)
            result.summary()
            return time.perf_counter() - start

        def reprice_shown(step: int) -> float:
            state.scenario = dearer_hours(scenario, repeats + step)
            start = time.perf_counter()
            shown_figures(app_state.result(state))
            return time.perf_counter() - start

        figures["reprice"] = best(repeats, reprice)

        def nonlinear(step: int) -> float:
            state.scenario = nonlinear_prices(scenario, step)
            start = time.perf_counter()
            app_state.result(state).summary()
            return time.perf_counter() - start

        has_nonlinear = nonlinear_prices(scenario, 0) is not None
        figures["nonlinear"] = best(repeats, nonlinear) if has_nonlinear else None
        figures["reprice_shown"] = best(repeats, reprice_shown)
        figures["page"] = page_reruns(preset, trials, repeats)
    finally:
        core.simulate = simulate
    assert state.simulated is simulated
    figures["simulations"] = len(calls)
    return figures


def page_reruns(preset: str, trials: int, repeats: int) -> float:
    """Best time of a Calculator rerun after the loaded hourly wage changed."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(app_path()), default_timeout=120)
    app.query_params.update({"preset": preset, "trials": str(trials)})
    app.run()
    generation = app.session_state["itcost_inputs"].generation
    path = f"in{generation}:organisation.loaded_hourly_cost"
    fastest = float("inf")
    for step in range(repeats):
        wage = app.number_input(key=path)
        wage.set_value(wage.value + 1.0 + step)
        start = time.perf_counter()
        app.run()
        fastest = min(fastest, time.perf_counter() - start)
        if app.exception:
            raise SystemExit(f"{preset}: the app failed: {app.exception[0].value}")
    return fastest


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    precision = "each preset's default trials" if args.trials is None else f"{args.trials:,} trials"
    print(f"Calculator at {precision} (best of {args.repeats}); targets: recompute "
          f"< {RECOMPUTE_TARGET} s after a change to one tier or to every tier, reprice < "
          f"{REPRICE_TARGET} s, no simulation on a price change")  # fmt: skip
    print(f"{'':<44} {'recompute':>10} {'every':>7} {'':>8} {'block or':>10}")
    print(f"{'preset':<20} {'options':>7} {'trials':>6} {'simulate':>9} {'one tier':>10} "
          f"{'tier':>7} {'reprice':>8} {'technician':>10} {'+texts,charts':>14} "
          f"{'page rerun':>11} {'simulated':>10}")  # fmt: skip
    _app_modules()
    shown_figures(analysis.simulate(analysis.load_scenario("server-office"), trials=1_000))
    missed = []
    for preset in analysis.preset_names():
        try:
            scenario = analysis.load_scenario(preset)
        except analysis.ScenarioError as error:
            print(f"{preset:<20} skipped: {error.reason}")
            continue
        figures = measure(preset, args.trials, args.repeats)
        print(f"{preset:<20} {len(scenario.options):>7} {figures['trials']:>6,} "
              f"{figures['simulate']:>8.3f}s "
              f"{figures['recompute']:>9.3f}s {figures['every_tier']:>6.3f}s "
              f"{figures['reprice']:>7.3f}s {_seconds(figures['nonlinear']):>10} "
              f"{figures['reprice_shown']:>13.3f}s "
              f"{figures['page']:>10.3f}s {figures['simulations']:>10}")  # fmt: skip
        if figures["recompute"] >= RECOMPUTE_TARGET:
            missed.append(f"{preset} recompute")
        if figures["every_tier"] >= RECOMPUTE_TARGET:
            missed.append(f"{preset} recompute of every tier")
        if figures["reprice"] >= REPRICE_TARGET:
            missed.append(f"{preset} reprice")
        if figures["nonlinear"] is not None and figures["nonlinear"] >= REPRICE_TARGET:
            missed.append(f"{preset} reprice of a block or a technician")
        if figures["simulations"]:
            missed.append(f"{preset} simulated on a price change")
    print("targets met" if not missed else "MISSED: " + ", ".join(missed))
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
