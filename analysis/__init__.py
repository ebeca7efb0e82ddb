"""itcost: should a business pay for IT support per incident, on a managed contract, or a mix?

The public API: load a scenario, simulate it, read the results.

>>> import analysis
>>> result = analysis.simulate(analysis.load_scenario("small-office"), trials=5_000, seed=1)
>>> result.summary()["schema"]
'itcost.summary/1'
"""

import importlib
from typing import Any

from analysis._version import __version__
from analysis.engine import BLOCK_TRIALS, simulate
from analysis.overrides import apply_overrides
from analysis.presets import load_scenario, preset_descriptions, preset_names, references
from analysis.result import COLUMNS, Result, describe
from analysis.scenario import Scenario, ScenarioError, Spec
from analysis.scenario_io import dump_scenario, load_scenario_file, load_scenario_text

#: The decision analytics, imported on first use: they bring pandas, scipy and SALib, which
#: would slow every start of the command line.
_LAZY = {
    "Breakeven": "analysis.break_even",
    "breakeven": "analysis.break_even",
    "budget_risk": "analysis.budget",
    "sobol": "analysis.sensitivity",
    "sweep": "analysis.sweeps",
    "tornado": "analysis.sensitivity",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")


__all__ = [
    "BLOCK_TRIALS",
    "COLUMNS",
    "Breakeven",
    "Result",
    "Scenario",
    "ScenarioError",
    "Spec",
    "__version__",
    "apply_overrides",
    "breakeven",
    "budget_risk",
    "describe",
    "dump_scenario",
    "load_scenario",
    "load_scenario_file",
    "load_scenario_text",
    "preset_descriptions",
    "preset_names",
    "references",
    "simulate",
    "sobol",
    "sweep",
    "tornado",
]
