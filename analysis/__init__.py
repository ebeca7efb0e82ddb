"""itcost: should a business pay for IT support per incident, on a managed contract, or a mix?

The public API: load a scenario, simulate it, read the results. The decision analytics
(break-even, sensitivity, sweeps, budget risk) are imported on first use.

>>> import analysis
>>> result = analysis.simulate(analysis.load_scenario("server-office"), trials=5_000, seed=1)
>>> result.summary()["schema"]
'itcost.summary/2'
>>> analysis.breakeven_fee(result, "managed").method  # exact, from the same draws
'exact'
"""

import importlib
from typing import Any

from analysis._version import __version__
from analysis.engine.core import BLOCK_TRIALS, simulate
from analysis.engine.result import Result, describe
from analysis.errors import ArgumentError, ItcostError, ScenarioError, ToolMissingError
from analysis.scenario.io import dump_scenario, load_scenario_file, load_scenario_text
from analysis.scenario.model import Scenario, Spec
from analysis.scenario.overrides import apply_overrides
from analysis.scenario.presets import load_scenario, preset_descriptions, preset_names, references

#: The decision analytics, imported on first use: they bring pandas, scipy and SALib, which
#: would slow every start of the command line.
_LAZY = {
    "Breakeven": "analysis.decision.breakeven",
    "breakeven": "analysis.decision.breakeven",
    "breakeven_fee": "analysis.decision.breakeven",
    "breakeven_table": "analysis.decision.breakeven",
    "budget_risk": "analysis.decision.breakdowns",
    "implied_lost_hours": "analysis.decision.breakdowns",
    "sobol": "analysis.decision.sensitivity",
    "sweep": "analysis.decision.sweeps",
    "tier_breakdown": "analysis.decision.breakdowns",
    "tornado": "analysis.decision.sensitivity",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")


__all__ = [
    "BLOCK_TRIALS",
    "ArgumentError",
    "Breakeven",
    "ItcostError",
    "Result",
    "Scenario",
    "ScenarioError",
    "Spec",
    "ToolMissingError",
    "__version__",
    "apply_overrides",
    "breakeven",
    "breakeven_fee",
    "breakeven_table",
    "budget_risk",
    "describe",
    "dump_scenario",
    "implied_lost_hours",
    "load_scenario",
    "load_scenario_file",
    "load_scenario_text",
    "preset_descriptions",
    "preset_names",
    "references",
    "simulate",
    "sobol",
    "sweep",
    "tier_breakdown",
    "tornado",
]
