"""The app's session: which scenario the inputs start from, the last valid scenario, the link.

Every page reads the same :class:`Inputs` from ``st.session_state``. The Calculator page's
widgets start from ``Inputs.base``; each valid change becomes ``Inputs.scenario``, and an
invalid one is kept as ``Inputs.error`` while the results stay those of the last valid
scenario. A link carries the preset and the fields that differ from it as ``--set``-style
query parameters (``?preset=law-firm&options.break-fix.rates.onsite=160&baseline=managed``),
so it reproduces the view.

Results: a change that touches prices only (rates, fees, wages, revenue) is priced again on the
quantities of the last simulation (:meth:`analysis.Result.reprice`), exactly and without
simulating again; anything else simulates. Every figure a page shows comes from the one result
that :func:`result` returns for the inputs as they stand.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st

import analysis
from analysis.decision import sensitivity
from analysis.decision.inputs import applicable_inputs
from analysis.defaults import (
    APP_CACHE_BYTES,
    APP_INCIDENTS,
    APP_MAX_INCIDENTS,
    APP_MIN_TRIALS,
    APP_TRIALS,
    DECISION_TRIALS,
)
from analysis.defaults import SEED as DEFAULT_SEED
from analysis.engine import core
from analysis.present.formatting import one_line
from analysis.scenario.overrides import format_value, scenario_diff

DEFAULT_PRESET = "server-office"
#: Trial counts offered; the default depends on the scenario (:func:`default_trials`).
TRIAL_CHOICES = (APP_MIN_TRIALS, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000)
#: The largest seed a browser's number box holds exactly (2**53 - 1).
MAX_SEED = 2**53 - 1
#: Query parameters that are not scenario fields.
LINK_SETTINGS = ("preset", "trials", "seed")

_KEY = "itcost_inputs"


@dataclass
class Inputs:
    """What the app is showing, for this browser session."""

    preset: str  # the preset that links are written against
    base: analysis.Scenario  # what the Calculator's widgets start from
    origin: str  # where ``base`` came from, in words
    scenario: analysis.Scenario  # the last valid scenario: every result is for this one
    #: Trials the user (or the link) chose; None: the scenario's default (:func:`default_trials`).
    chosen_trials: int | None = None
    seed: int = DEFAULT_SEED
    generation: int = 0  # bumped when ``base`` changes, so that every widget starts afresh
    error: analysis.ScenarioError | None = None  # of the inputs as they stand, if invalid
    messages: list[tuple[str, str]] = field(default_factory=list)  # (kind, text), shown once
    #: The last result simulated (not repriced) in this session: a price-only change is
    #: priced again on its quantities.
    simulated: analysis.Result | None = None
    #: The last simulation's sums tier by tier: a change to some tiers simulates only those.
    #: At most TierSums.max_bytes a session (about 5 MB at 10,000 trials), beside the cache.
    tier_sums: core.TierSums = field(default_factory=core.TierSums)

    @property
    def trials(self) -> int:
        """Trials of every simulation shown: the chosen count, or the scenario's default."""
        return self.chosen_trials or default_trials(self.scenario)

    def choose_trials(self, trials: int) -> None:
        """Choose a trial count; the scenario's default is kept as "the default", so that it
        follows the scenario (and the link leaves it out)."""
        self.chosen_trials = None if trials == default_trials(self.scenario) else trials

    def start_from(self, base: analysis.Scenario, origin: str) -> None:
        """Make ``base`` the starting point of every input (a preset, an upload)."""
        self.base = self.scenario = base
        self.origin = origin
        self.error = None
        self.generation += 1


def default_trials(scenario: analysis.Scenario) -> int:
    """The app's trial count for ``scenario`` unless one is chosen: APP_TRIALS, or the most
    whole thousands that simulate at most APP_INCIDENTS incidents, never under APP_MIN_TRIALS
    (see :mod:`analysis.defaults`): 10,000 for most presets, 5,000 for law-firm (385 incidents
    a year) and 4,000 for accounting-firm and manufacturer (460 and 498)."""
    per_trial = scenario.incidents_per_trial
    if APP_TRIALS * per_trial <= APP_INCIDENTS:
        return APP_TRIALS
    return max(int(APP_INCIDENTS / per_trial) // 1_000 * 1_000, APP_MIN_TRIALS)


def work_problem(scenario: analysis.Scenario, trials: int) -> str | None:
    """Why a run of ``scenario`` at ``trials`` is too large for the app, or None: more than
    APP_MAX_INCIDENTS expected incidents would hold the session for many seconds."""
    incidents = scenario.incidents_per_trial * trials
    if incidents <= APP_MAX_INCIDENTS:
        return None
    return (
        f"{trials:,} simulated years of this scenario are about {incidents:,.0f} incidents, "
        f"more than the calculator's {APP_MAX_INCIDENTS:,} a run; lower the incident rates, "
        "the horizon or the trials, or run `itcost simulate` in a terminal"
    )


def inputs() -> Inputs:
    """This session's inputs, created from the page's link on first use."""
    if _KEY not in st.session_state:
        st.session_state[_KEY] = _from_link(st.query_params.to_dict())
    return st.session_state[_KEY]


def _from_link(params: dict[str, str]) -> Inputs:
    """Inputs from query parameters; a bad parameter is reported and left out."""
    messages: list[tuple[str, str]] = []
    preset = params.get("preset", DEFAULT_PRESET)
    base = None
    if preset in analysis.preset_names():  # a name, never a path: links come from anyone
        try:
            base = analysis.load_scenario(preset)
        except analysis.ScenarioError as error:
            problem = f"Link: preset: {preset} cannot be read ({error.reason})"
    else:
        problem = f"Link: preset: no such preset {preset!r}"
    if base is None:
        messages.append(("error", f"{problem}; showing {DEFAULT_PRESET} instead."))
        preset = DEFAULT_PRESET
        base = analysis.load_scenario(preset)
    settings: dict[str, int | None] = {"trials": None, "seed": DEFAULT_SEED}
    # A link may ask for any precision on the slider's scale, not for a tiny or huge run.
    limits = {"trials": (min(TRIAL_CHOICES), max(TRIAL_CHOICES)), "seed": (0, MAX_SEED)}
    for name, (lowest, highest) in limits.items():
        if name not in params:
            continue
        text = params[name]
        # ASCII digits only, and few: "²" is a digit to str.isdigit() but not to int(), and
        # int() refuses over 4,300 digits.
        if text.isascii() and text.isdigit() and len(text) <= 20 and lowest <= int(text) <= highest:
            settings[name] = int(text)
        else:
            problem = f"Link: {name}: must be a whole number from {lowest:,} to {highest:,}"
            using = "the default" if settings[name] is None else f"{settings[name]:,}"
            messages.append(("error", f"{problem} (got {text!r}); using {using}."))
    changes = {key: value for key, value in params.items() if key not in LINK_SETTINGS}
    scenario = base
    if changes:
        try:
            scenario = base.with_overrides([f"{key}={value}" for key, value in changes.items()])
        except analysis.ScenarioError as error:
            problem = f"Link: {error.field}: {error.reason}"
            messages.append(("error", f"{problem}. Showing {preset} without the link's changes."))
    # A run the app refuses: first the link's trials go, then its changes.
    if settings["trials"] is not None and (problem := work_problem(scenario, settings["trials"])):
        messages.append(("error", f"Link: trials: {problem}; using the default."))
        settings["trials"] = None
    if scenario is not base and (problem := work_problem(scenario, default_trials(scenario))):
        messages.append(("error", f"Link: {problem}. Showing {preset} without the link's changes."))
        scenario = base
    origin = f"preset {preset}" + (" with the link's changes" if scenario is not base else "")
    state = Inputs(preset, scenario, origin, scenario, seed=settings["seed"], messages=messages)
    if settings["trials"] is not None:
        state.choose_trials(settings["trials"])
    return state


def link_params(state: Inputs) -> dict[str, str]:
    """The query parameters that reproduce ``state``: only what differs from the defaults."""
    params = {"preset": state.preset}
    if state.trials != default_trials(state.scenario):
        params["trials"] = str(state.trials)
    if state.seed != DEFAULT_SEED:
        params["seed"] = str(state.seed)
    preset = analysis.load_scenario(state.preset)
    for path, value in scenario_diff(preset, state.scenario).items():
        params[path] = format_value(value)
    return params


def sync_link(state: Inputs) -> None:
    """Write the link of ``state`` into the address bar, when it changed."""
    params = link_params(state)
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


def show_messages(state: Inputs) -> None:
    """Show, once, what became of the link or of an uploaded file."""
    for kind, text in state.messages:
        getattr(st, kind)(plain(text))
    state.messages.clear()


def plain(text: str) -> str:
    """Text shown as itself in Streamlit's Markdown: names and file names come from links and
    uploads, and must not become links, images (fetched from anywhere), headings or
    mathematics. Every ASCII punctuation mark is escaped; line breaks and runs of white space
    become one space (a newline then ``===`` would make a heading, an indented line a code
    block), and control characters become U+FFFD."""
    text = one_line(text)  # a space at an end stays: texts are joined
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


# -- results, cached by what determines them ----------------------------------------------------

#: Streamlit hashes cache arguments through these: a scenario is known by its sha256, a result
#: by what it was simulated from (without them it would hash every array of a result). A
#: repriced result is known by its own scenario: it has exactly the figures a simulation of
#: that scenario would have.
HASH_FUNCS = {
    analysis.Scenario: lambda scenario: scenario.sha256,
    analysis.Result: lambda result: (
        result.scenario.sha256,
        result.n_trials,
        result.seed,
        result.monthly is not None,
    ),
}


class MemoryCache:
    """Values shared by every session of the server, known by a key: bounded by the memory
    they hold (:attr:`max_bytes`, as ``size`` measures each), not by their number. Least
    recently used out first, each kept at most :attr:`ttl` seconds; a value larger than the
    whole bound is returned but not kept. Values are shared, not copied: nothing may change
    one. Unlike ``st.cache_data``, what makes a value may show progress on the page.
    """

    def __init__(self, max_bytes: int, ttl: float) -> None:
        self.max_bytes, self.ttl = max_bytes, ttl
        self._entries: OrderedDict[tuple, tuple[float, int, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, make: Callable[[], Any], size: Callable[[Any], int]) -> Any:
        with self._lock:
            self._expire()
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found[2]
        made = make()  # outside the lock: other sessions go on
        nbytes = size(made)
        with self._lock:
            if nbytes <= self.max_bytes and key not in self._entries:
                self._entries[key] = (time.monotonic(), nbytes, made)
                while self.nbytes > self.max_bytes:
                    self._entries.popitem(last=False)
        return made

    @property
    def nbytes(self) -> int:
        """The memory the kept values hold."""
        return sum(size for _, size, _ in self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _expire(self) -> None:
        now = time.monotonic()
        for key in [k for k, (made, _, _) in self._entries.items() if now - made > self.ttl]:
            del self._entries[key]


class ResultCache(MemoryCache):
    """Results, known by their scenario's sha256, the trials and the seed; each counts twice
    :attr:`analysis.Result.nbytes` (with the trials table a page may make from it), or once
    without ``tables`` (month-by-month results, of which no page makes one)."""

    def __init__(self, make: Callable[..., analysis.Result], max_bytes: int, ttl: float,
                 spinner: str, tables: bool = True) -> None:  # fmt: skip
        super().__init__(max_bytes, ttl)
        self._make, self._spinner = make, spinner
        self._factor = 2 if tables else 1

    def __call__(self, scenario: analysis.Scenario, trials: int, seed: int,
                 _tiers: core.TierSums | None = None) -> analysis.Result:  # fmt: skip
        def make() -> analysis.Result:
            with st.spinner(self._spinner):
                return self._make(scenario, trials, seed, _tiers)

        key = (scenario.sha256, int(trials), int(seed))
        return self.get(key, make, lambda result: self._factor * result.nbytes)


def _simulated(scenario: analysis.Scenario, trials: int, seed: int,
               tiers: core.TierSums | None) -> analysis.Result:  # fmt: skip
    # Through the module: a test counts the simulations by patching core.simulate. The
    # session's tier sums (not part of the cache key: the result does not depend on them)
    # spare the tiers a change leaves alone.
    return core.simulate(scenario, trials=trials, seed=seed, tier_sums=tiers)


def _simulated_monthly(scenario: analysis.Scenario, trials: int, seed: int,
                       tiers: core.TierSums | None) -> analysis.Result:  # fmt: skip
    return core.simulate(scenario, trials=trials, seed=seed, monthly=True)


#: Results of every session, at most APP_CACHE_BYTES in all (a preset's result at its default
#: trials is 1 to 5 MB), and month-by-month ones apart, at most two of MONTHLY_FIGURES.
_simulate = ResultCache(_simulated, APP_CACHE_BYTES, 3600.0, "Simulating...")


def result(state: Inputs) -> analysis.Result:
    """The result of the last valid scenario: every figure a page shows comes from it.

    A scenario that changes only prices against the session's last simulation (same trials and
    seed) is priced again on its quantities, without simulating (a few milliseconds: not
    worth a cache entry); any other is simulated, cached by its sha256, trials and seed.
    """
    scenario, last = state.scenario, state.simulated
    if (
        last is not None
        and last.n_trials == state.trials
        and last.seed == state.seed
        and last.can_reprice(scenario)
    ):
        if last.scenario.sha256 == scenario.sha256:
            return last
        return last.reprice(scenario)
    if problem := work_problem(scenario, state.trials):
        raise analysis.ArgumentError("trials", problem)
    state.simulated = _simulate(scenario, state.trials, state.seed, state.tier_sums)
    return state.simulated


#: Budget risk keeps twelve figures per trial, year and option: at most MONTHLY_TRIALS trials,
#: and at most MONTHLY_FIGURES figures (about 100 MB) in one cached result, so that a long
#: horizon cannot fill the server's memory (50 years of three options at 100,000 trials were
#: 1.4 GB an entry).
MONTHLY_TRIALS = 100_000
MONTHLY_FIGURES = 12_000_000


def decision_trials(state: Inputs) -> int:
    """Trials of each run of a break-even or tornado: at most
    :data:`analysis.defaults.DECISION_TRIALS`, as in the client report."""
    return min(state.trials, DECISION_TRIALS)


#: Two month-by-month results of MONTHLY_FIGURES figures (96 MB each), with their columns.
MONTHLY_CACHE_BYTES = 256 * 2**20
_monthly = ResultCache(
    _simulated_monthly, MONTHLY_CACHE_BYTES, 3600.0, "Simulating month by month...", tables=False
)


def monthly_trials(state: Inputs) -> int:
    """Trials of the month-by-month simulation: the session's, within MONTHLY_TRIALS and
    MONTHLY_FIGURES (never under 1,000)."""
    scenario = state.scenario
    per_trial = 12 * scenario.horizon.years * len(scenario.options)
    return max(1_000, min(state.trials, MONTHLY_TRIALS, MONTHLY_FIGURES // per_trial))


def monthly_result(state: Inputs) -> analysis.Result:
    """The simulation with monthly IT spend, for budget risk (cached; the page says how many
    simulated years it holds)."""
    trials = monthly_trials(state)
    if problem := work_problem(state.scenario, trials):
        raise analysis.ArgumentError("trials", problem)
    return _monthly(state.scenario, trials, state.seed)


# -- decision analytics, cached by what determines them -----------------------------------------


# Break-evens of fees are exact from the result itself (repricing, no new simulation).
@st.cache_data(
    max_entries=16, ttl="1h", show_spinner="Solving for each break-even...", hash_funcs=HASH_FUNCS
)
def _breakeven_table(result: analysis.Result) -> pd.DataFrame:
    from analysis.decision.breakeven import breakeven_table

    return breakeven_table(result)


def breakeven_table(result: analysis.Result) -> pd.DataFrame:
    """:func:`analysis.decision.breakeven.breakeven_table` of ``result`` (cached): the fee of
    every managed option at which it costs the same as the baseline."""
    return _breakeven_table(result)


#: Tornado and Sobol tables of every session (a few kB each), at most 16 MB in all.
_tables = MemoryCache(16 * 2**20, 3600.0)


def _table_bytes(table: pd.DataFrame) -> int:
    return int(table.memory_usage(index=True, deep=True).sum())


def tornado(state: Inputs) -> pd.DataFrame:
    """:func:`analysis.decision.sensitivity.tornado` of the last valid scenario (cached), at
    :func:`decision_trials` trials."""
    scenario, trials, seed = state.scenario, decision_trials(state), state.seed
    runs = sensitivity.tornado_runs(scenario, applicable_inputs(scenario))
    with stages("Moving each input low and high", runs * trials):
        return _tables.get(
            ("tornado", scenario.sha256, trials, seed),
            lambda: sensitivity.tornado(scenario, trials=trials, seed=seed),
            _table_bytes,
        )


@contextlib.contextmanager
def stages(what: str, trials: int) -> Iterator[None]:
    """An ``st.progress`` bar over the simulations run inside (``trials`` in all, or 0 when
    not known: then it counts them), gone when they are done. Each simulated block of trials
    is a Streamlit call, so a tab closed meanwhile stops the work there."""
    bar = st.empty()
    done = [0]

    def simulated(block: int) -> None:
        done[0] += block
        share = min(done[0] / trials, 1.0) if trials else 0.0
        bar.progress(share, text=f"{what}: {done[0]:,} simulated years" + (
            f" of {trials:,}" if trials else ""))  # fmt: skip

    try:
        with core.progress_to(simulated):
            yield
    finally:
        bar.empty()


def sobol(state: Inputs, samples: int, trials: int) -> tuple[tuple[str, int], pd.DataFrame]:
    """Sobol indices of the last valid scenario, with what they were computed for (cached)."""
    scenario, seed = state.scenario, state.seed
    names = len(applicable_inputs(scenario))  # about: the best alternative's may differ
    with stages("Computing Sobol indices", sensitivity.sobol_runs(samples, names) * trials):
        table = _tables.get(
            ("sobol", scenario.sha256, samples, trials, seed),
            lambda: sensitivity.sobol(scenario, samples=samples, trials=trials, seed=seed),
            _table_bytes,
        )
    return (scenario.sha256, seed), table


@st.cache_data(max_entries=8, ttl="1h", show_spinner=False, hash_funcs=HASH_FUNCS)
def _tiers(result: analysis.Result) -> pd.DataFrame:
    from analysis.decision.breakdowns import tier_breakdown

    return tier_breakdown(result)


def tiers(result: analysis.Result) -> pd.DataFrame:
    """:func:`analysis.decision.breakdowns.tier_breakdown` of ``result`` (cached)."""
    return _tiers(result)
