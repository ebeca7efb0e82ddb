"""Simulation results: per-trial quantities and money, and the summary of the public contract.

Examples
--------
>>> from analysis import load_scenario, simulate
>>> result = simulate(load_scenario("server-office"), trials=2_000, seed=7)
>>> result.options == tuple(load_scenario("server-office").option_names)
True
>>> sorted(result.summary()["comparison"])
['best', 'it_spend_savings', 'prob_cheaper', 'prob_cheapest', 'savings']
"""

from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from analysis._version import __version__
from analysis.engine.inputs import EngineParameters
from analysis.engine.pages import ordinary_pages
from analysis.engine.pricing import MONEY, Quantities, price
from analysis.errors import ArgumentError
from analysis.scenario.model import Scenario

if TYPE_CHECKING:
    import pandas as pd

SCHEMA = "itcost.summary/2"
#: Per-option quantities, in the order of ``Result.trials`` columns.
QUANTITIES = (*MONEY, "incidents", "downtime_hours")
#: Keys of every STATS object in the summary.
STAT_KEYS = ("mean", "std", "mean_se", "p05", "p50", "p95", "p99", "cvar95")


def describe(values: np.ndarray) -> dict[str, float]:
    """Summary statistics of one per-trial column.

    ``std`` is the sample standard deviation (0 for a single trial), ``mean_se = std / sqrt(n)``,
    percentiles interpolate linearly, and ``cvar95`` is the mean of the highest 5% of the values
    (at least one value). O(n) time.
    """
    values = np.asarray(values, dtype=float)
    n = values.size
    std = float(values.std(ddof=1)) if n > 1 else 0.0
    tail = max(1, math.ceil(0.05 * n))
    statistics = (
        values.mean(),
        std,
        std / math.sqrt(n),
        *np.percentile(values, [5, 50, 95, 99]),
        np.partition(values, n - tail)[n - tail :].mean(),
    )
    return dict(zip(STAT_KEYS, map(float, statistics), strict=True))


@dataclass(frozen=True, eq=False)
class Result:
    """The outcome of :func:`analysis.simulate`: per-trial quantities, and their money."""

    scenario: Scenario
    seed: int
    parameters: EngineParameters
    quantities: Quantities
    columns: dict[str, np.ndarray]
    #: Each option's IT spend per trial and month, ``(trials, 12 * years)``, when simulated
    #: with ``monthly=True``; else None.
    monthly: dict[str, np.ndarray] | None = field(default=None)

    @classmethod
    def from_quantities(
        cls,
        scenario: Scenario,
        seed: int,
        params: EngineParameters,
        quantities: Quantities,
        monthly: dict[str, np.ndarray] | None = None,
    ) -> Result:
        """Price ``quantities`` with ``scenario``'s prices."""
        columns = price(scenario, params, quantities)
        for option in params.options:
            columns[f"{option}.incidents"] = quantities[option]["incidents"]
            columns[f"{option}.downtime_hours"] = quantities[option]["downtime_hours"]
        baseline = columns[f"{scenario.baseline_name}.total"]
        for option in params.options:
            if option != scenario.baseline_name:
                columns[f"savings.{option}"] = baseline - columns[f"{option}.total"]
        return cls(scenario, seed, params, quantities, columns, monthly)

    def reprice(self, scenario: Scenario) -> Result:
        """This result's quantities priced with ``scenario``'s prices: exactly what
        :func:`analysis.simulate` would give for it with this seed and trial count.

        Raises
        ------
        ArgumentError
            ``scenario`` changes more than prices (rates of incidents, durations, shares,
            calendars, options): it needs a new simulation.
        """
        params = EngineParameters.from_scenario(scenario)
        if params != self.parameters:
            raise ArgumentError(
                "scenario",
                "changes what happens (incidents, durations, shares, calendars or options), "
                "not only prices: simulate it again",
            )
        with ordinary_pages():  # fresh price columns, as a simulation's (analysis.engine.pages)
            return Result.from_quantities(scenario, self.seed, params, self.quantities)

    def can_reprice(self, scenario: Scenario) -> bool:
        """Whether :meth:`reprice` accepts ``scenario``: it changes prices only."""
        return EngineParameters.from_scenario(scenario) == self.parameters

    @property
    def nbytes(self) -> int:
        """The memory its arrays hold, each counted once (a price column may be a quantity),
        with the trials table when it has been made: what a cache of results bounds."""
        arrays = {id(a): a for a in self.columns.values()}
        for option in self.quantities.values():
            arrays.update({id(a): a for a in option.values()})
        for spend in (self.monthly or {}).values():
            arrays[id(spend)] = spend
        table = self.__dict__.get("trials")
        frame = int(table.memory_usage(index=True).sum()) if table is not None else 0
        return sum(int(a.nbytes) for a in arrays.values()) + frame

    @property
    def n_trials(self) -> int:
        return len(self.columns[f"{self.baseline}.total"])

    @property
    def options(self) -> tuple[str, ...]:
        """The options simulated, in the scenario's order."""
        return self.parameters.options

    @property
    def baseline(self) -> str:
        """The option the others are compared with."""
        return self.scenario.baseline_name

    @property
    def alternatives(self) -> tuple[str, ...]:
        """Every option but the baseline, in the scenario's order."""
        return tuple(option for option in self.options if option != self.baseline)

    def column(self, option: str, quantity: str) -> np.ndarray:
        """The per-trial values of ``option``'s ``quantity`` (it_spend, total, ...)."""
        return self.columns[f"{option}.{quantity}"]

    def savings(self, option: str, quantity: str = "total") -> np.ndarray:
        """Baseline minus ``option``, per trial, of ``quantity`` (positive: it costs less)."""
        return self.column(self.baseline, quantity) - self.column(option, quantity)

    @cached_property
    def cheapest(self) -> np.ndarray:
        """Per trial, the index (into :attr:`options`) of the option with the lowest total;
        ties go to the earlier option."""
        totals = np.stack([self.column(option, "total") for option in self.options])
        return np.argmin(totals, axis=0)

    def prob_cheapest(self) -> dict[str, float]:
        """The share of trials in which each option has the lowest total."""
        counts = np.bincount(self.cheapest, minlength=len(self.options))
        return {
            option: float(c) / self.n_trials for option, c in zip(self.options, counts, strict=True)
        }

    @property
    def best(self) -> str:
        """The option with the lowest mean total (the first of equals)."""
        means = [float(np.mean(self.column(option, "total"))) for option in self.options]
        return self.options[int(np.argmin(means))]

    @cached_property
    def trials(self) -> pd.DataFrame:
        """One row per trial: each option's six columns (``<option>.it_spend``, ...), then
        ``savings.<option>`` for every option but the baseline."""
        import pandas as pd  # imported here: the command line starts faster without it

        names = [f"{o}.{q}" for o in self.options for q in QUANTITIES]
        names += [f"savings.{option}" for option in self.alternatives]
        frame = pd.DataFrame({name: self.columns[name] for name in names})
        frame.index.name = "trial"
        return frame

    def summary(self) -> dict[str, Any]:
        """The summary JSON of the public contract (schema ``itcost.summary/2``) as a dict.

        Computed once; each call returns a fresh copy that the caller may change.
        """
        return copy.deepcopy(self._summary)

    @cached_property
    def _summary(self) -> dict[str, Any]:
        options = {}
        for option in self.options:
            spec = self.scenario.options[option]
            options[option] = {
                "kind": spec.kind,
                "title": spec.title,
                **{q: describe(self.column(option, q)) for q in QUANTITIES},
            }
        alternatives = self.alternatives
        comparison = {
            "savings": {o: describe(self.savings(o)) for o in alternatives},
            "it_spend_savings": {o: describe(self.savings(o, "it_spend")) for o in alternatives},
            "prob_cheaper": {o: float(np.mean(self.savings(o) > 0)) for o in alternatives},
            "prob_cheapest": self.prob_cheapest(),
            "best": self.best,
        }
        return {
            "schema": SCHEMA,
            "scenario": {"name": self.scenario.name, "sha256": self.scenario.sha256},
            "trials": self.n_trials,
            "seed": self.seed,
            "years": self.scenario.horizon.years,
            "currency": self.scenario.currency,
            "version": __version__,
            "baseline": self.baseline,
            "options": options,
            "comparison": comparison,
        }

    def to_json(self, indent: int | None = 2) -> str:
        """:meth:`summary` as JSON text."""
        return json.dumps(self.summary(), indent=indent, allow_nan=False)
