"""The notebooks' parameters, checked in their first cell, and the files a run writes.

papermill passes parameters as plain values; each notebook's second cell hands them to a
check here, so that a bad one stops the run at once with one line naming it: an
:class:`~analysis.errors.ArgumentError` for a plain parameter (``trials: must be ...``), a
:class:`~analysis.errors.ScenarioError` from ``scenario`` or ``overrides`` for the scenario.

Examples
--------
>>> check_report_parameters("server-office", "Acme", "", 1000, 1, {}, "").trials
1000
>>> check_sweep_parameters("server-office", "options.break-fix.rates.onsite", "100:200:3",
...                        1000, 1, {}, "").values.tolist()
[100.0, 150.0, 200.0]
"""

from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from analysis.decision.sweeps import check_values, parse_range
from analysis.engine.core import check_arguments
from analysis.engine.result import Result
from analysis.errors import ArgumentError, ScenarioError
from analysis.files import check_output_folder, write_atomic, write_text_atomic
from analysis.scenario.io import dump_scenario
from analysis.scenario.model import Scenario
from analysis.scenario.presets import load_scenario

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class ReportParameters:
    """The report notebook's parameters, checked."""

    scenario: Scenario
    client_name: str
    prepared_by: str
    trials: int
    seed: int
    output_dir: Path | None


@dataclass(frozen=True)
class SweepParameters:
    """The sweep notebook's parameters, checked."""

    scenario: Scenario
    parameter: str
    values: np.ndarray
    trials: int
    seed: int
    output_dir: Path | None


#: The parameters of each notebook, in the order of its parameters cell (a test keeps them
#: equal to the cells).
REPORT_PARAMETERS = ("scenario", "client_name", "prepared_by", "trials", "seed", "overrides",
                     "output_dir")  # fmt: skip
SWEEP_PARAMETERS = ("scenario", "parameter", "values", "trials", "seed", "overrides",
                    "output_dir")  # fmt: skip


def refuse_unknown_parameters(namespace: dict[str, Any], known: tuple[str, ...]) -> None:
    """Raise a one-line :class:`ArgumentError` for a parameter that papermill injected and
    the notebook does not have (``-p trails 1000`` would otherwise be ignored with a warning,
    and the report made at 100,000 trials).

    Call it first in the cell after the parameters. papermill runs its cell of parameters
    (its source starts ``# Parameters``) just before this one, so the kernel's input history
    (``In``) holds it: every name it assigns must be a parameter, or papermill's own
    ``PAPERMILL_*`` paths. Run interactively (no such cell), nothing is checked.
    """
    history = namespace.get("In")
    if not isinstance(history, list) or len(history) < 2:
        return
    injected = history[-2]
    if not isinstance(injected, str) or not injected.startswith("# Parameters"):
        return
    try:
        tree = ast.parse(injected)
    except SyntaxError:
        return
    names = [target.id for node in tree.body if isinstance(node, ast.Assign | ast.AnnAssign)
             for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
             if isinstance(target, ast.Name)]  # fmt: skip
    unknown = [n for n in names if n not in known and not n.startswith("PAPERMILL_")]
    if unknown:
        name = unknown[0]
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ArgumentError(
            name, f"not a parameter of this notebook{hint}; its parameters: {', '.join(known)}"
        )


def check_report_parameters(
    scenario: str,
    client_name: str,
    prepared_by: str,
    trials: int,
    seed: int,
    overrides: dict[str, Any],
    output_dir: str,
) -> ReportParameters:
    """Validate the report notebook's parameters; a bad one raises a one-line error."""
    _check_types(client_name=(client_name, str), prepared_by=(prepared_by, str))
    if not client_name.strip():
        raise ArgumentError("client_name", "must not be empty")
    resolved, folder = _check_common(scenario, trials, seed, overrides, output_dir)
    return ReportParameters(
        resolved, client_name.strip(), prepared_by.strip(), trials, seed, folder
    )


def check_sweep_parameters(
    scenario: str,
    parameter: str,
    values: str,
    trials: int,
    seed: int,
    overrides: dict[str, Any],
    output_dir: str,
) -> SweepParameters:
    """Validate the sweep notebook's parameters; a bad one raises a one-line error."""
    _check_types(parameter=(parameter, str), values=(values, str))
    resolved, folder = _check_common(scenario, trials, seed, overrides, output_dir)
    grid = parse_range(values)
    check_values(resolved, parameter, grid)
    return SweepParameters(resolved, parameter, grid, trials, seed, folder)


def _check_types(**given: tuple[Any, type]) -> None:
    for name, (value, kind) in given.items():
        if not isinstance(value, kind):
            raise ArgumentError(name, f"must be {kind.__name__} (got {value!r})")


def _check_common(
    scenario: str, trials: int, seed: int, overrides: dict[str, Any], output_dir: str
) -> tuple[Scenario, Path | None]:
    """The parameters every notebook has: the scenario with its overrides, and the folder."""
    _check_types(
        scenario=(scenario, str), overrides=(overrides, dict), output_dir=(output_dir, str)
    )
    check_arguments(trials, seed)
    try:
        base = load_scenario(scenario)
    except ScenarioError as error:  # named after the parameter it came through, with its value
        reason = error.reason if error.field else f"{error.reason} (got {scenario!r})"
        raise ScenarioError(error.field, reason, error.source, argument="scenario") from None
    if output_dir:
        check_output_folder(output_dir, "output_dir")
    return base.with_overrides(overrides), Path(output_dir) if output_dir else None


def write_report_outputs(params: ReportParameters, result: Result) -> None:
    """Write scenario.yaml, summary.json and trials.parquet into ``params.output_dir``."""
    folder = params.output_dir
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    dump_scenario(params.scenario, folder / "scenario.yaml")
    # Exactly what `itcost simulate --json` prints for the same inputs.
    write_text_atomic(folder / "summary.json", result.to_json() + "\n")
    write_atomic(folder / "trials.parquet", result.trials.to_parquet)


def write_sweep_outputs(params: SweepParameters, table: pd.DataFrame) -> None:
    """Write scenario.yaml and sweep.csv into ``params.output_dir`` (when given)."""
    folder = params.output_dir
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    dump_scenario(params.scenario, folder / "scenario.yaml")
    write_text_atomic(folder / "sweep.csv", table.to_csv(index=False))
