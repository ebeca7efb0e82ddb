"""Simulation results: per-trial columns and the summary statistics of the public JSON contract.

Examples
--------
>>> from analysis import load_scenario, simulate
>>> result = simulate(load_scenario("small-office"), trials=2_000, seed=7)
>>> list(result.trials.columns) == list(COLUMNS)
True
>>> sorted(result.summary()["comparison"])
['prob_managed_cheaper', 'savings']
"""

from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from analysis._version import __version__
from analysis.scenario.model import Scenario

if TYPE_CHECKING:
    import pandas as pd

SCHEMA = "itcost.summary/1"
MODELS = ("break_fix", "managed")
#: Per-model quantities, in the order of ``Result.trials`` columns.
QUANTITIES = ("total", "support", "downtime", "security", "incidents", "downtime_hours")
COLUMNS = (*(f"{model}_{quantity}" for model in MODELS for quantity in QUANTITIES), "savings")
#: The columns a hybrid contract adds, after COLUMNS: its six quantities and break-fix minus it.
HYBRID_COLUMNS = (*(f"hybrid_{quantity}" for quantity in QUANTITIES), "savings_hybrid")
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
    """The outcome of :func:`analysis.simulate`: one row of totals per trial, in trial order."""

    scenario: Scenario
    seed: int
    columns: dict[str, np.ndarray]
    #: Each model's IT spend (support) per trial and month, ``(trials, 12 * years)``, when
    #: simulated with ``monthly=True``; else None.
    monthly: dict[str, np.ndarray] | None = None

    @property
    def n_trials(self) -> int:
        return len(self.columns["savings"])

    @property
    def models(self) -> tuple[str, ...]:
        """The models simulated: break-fix, managed and, when the scenario has one, hybrid."""
        return (*MODELS, "hybrid") if "hybrid_total" in self.columns else MODELS

    @cached_property
    def trials(self) -> pd.DataFrame:
        """One row per trial: the six quantities of each model, then ``savings``; with a hybrid
        contract, its six quantities and ``savings_hybrid`` follow."""
        import pandas as pd  # imported here: the command line starts faster without it

        names = COLUMNS + (HYBRID_COLUMNS if "hybrid_total" in self.columns else ())
        frame = pd.DataFrame({name: self.columns[name] for name in names})
        frame.index.name = "trial"
        return frame

    def summary(self) -> dict[str, Any]:
        """The summary JSON of the public contract (schema ``itcost.summary/1``) as a dict.

        Computed once; each call returns a fresh copy that the caller may change.
        """
        return copy.deepcopy(self._summary)

    @cached_property
    def _summary(self) -> dict[str, Any]:
        savings = self.columns["savings"]
        comparison = {
            "savings": describe(savings),
            "prob_managed_cheaper": float(np.mean(savings > 0)),
        }
        if "hybrid" in self.models:
            comparison["savings_hybrid"] = describe(self.columns["savings_hybrid"])
            comparison["prob_hybrid_cheaper"] = float(np.mean(self.columns["savings_hybrid"] > 0))
        return {
            "schema": SCHEMA,
            "scenario": {"name": self.scenario.name, "sha256": self.scenario.sha256},
            "trials": self.n_trials,
            "seed": self.seed,
            "years": self.scenario.horizon.years,
            "currency": self.scenario.currency,
            "version": __version__,
            "models": {
                model: {q: describe(self.columns[f"{model}_{q}"]) for q in QUANTITIES}
                for model in self.models
            },
            "comparison": comparison,
        }

    def to_json(self, indent: int | None = 2) -> str:
        """:meth:`summary` as JSON text."""
        return json.dumps(self.summary(), indent=indent, allow_nan=False)
