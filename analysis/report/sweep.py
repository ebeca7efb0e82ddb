"""The sweep notebook's words and table: where each alternative breaks even with the baseline,
and the swept numbers, for any number of options."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from analysis.decision import breakeven, sweeps
from analysis.errors import ItcostError
from analysis.present.formatting import escape, share_text
from analysis.scenario.model import Scenario

if TYPE_CHECKING:
    import pandas as pd

    from analysis.report.parameters import SweepParameters


def _title(scenario: Scenario, option: str) -> str:
    return scenario.options[option].title or option


def breakeven_lines(
    table: pd.DataFrame, params: SweepParameters
) -> tuple[str, dict[str, float | None]]:
    """Each alternative's break-even value of the swept parameter (Markdown), and the values
    for the chart.

    A price parameter's break-even is exact (the sweep reprices one simulation); another is
    solved on the same seed where the swept curve crosses zero, with its Monte Carlo standard
    error, else interpolated between two swept values.
    """
    scenario = params.scenario
    base = escape(_title(scenario, scenario.baseline_name))
    lines, points = [], {}
    for option in table.attrs.get("alternatives", [o for o in scenario.option_names
                                                   if o != scenario.baseline_name]):  # fmt: skip
        name = escape(_title(scenario, option))
        point = sweeps.crossing(table, option)
        exact = (table.attrs.get("breakeven") or {}).get(option)
        if point is None:
            lines.append(f"- **{name}**: its expected saving against {base} does not cross zero "
                         "in the swept range.")  # fmt: skip
        elif exact is not None and point == exact:
            lines.append(f"- **{name}**: breaks even with {base} at **{point:,.4g}** (exact, on "
                         "the same simulated incidents).")  # fmt: skip
        else:
            solved = _solve(scenario, params, option)
            if solved is not None and solved.found:
                point = solved.value
                error = "unknown" if solved.stderr is None else f"{solved.stderr:,.2g}"
                lines.append(f"- **{name}**: breaks even with {base} at **{point:,.4g}** (Monte "
                             f"Carlo standard error {error}).")  # fmt: skip
            else:
                lines.append(f"- **{name}**: breaks even with {base} at about **{point:,.4g}**, "
                             "between two swept values (interpolated).")  # fmt: skip
        points[option] = point
    return "\n".join(lines), points


def _solve(scenario: Scenario, params: SweepParameters, option: str) -> Any:
    try:
        return breakeven.breakeven(scenario, params.parameter, option=option,
                                   trials=params.trials, seed=params.seed)  # fmt: skip
    except ItcostError:  # not solvable by the root finder: the interpolation stands
        return None


def sweep_rows(
    table: pd.DataFrame, scenario: Scenario
) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """(header, rows) of the swept numbers: the value, then per alternative its expected saving
    against the baseline ± its standard error and P(cheaper), then each option's P(cheapest)."""
    options = [o for o in scenario.option_names if f"prob_cheapest.{o}" in table]
    alternatives = [o for o in options if f"savings.{o}.mean" in table]
    header: list[str] = [table.attrs.get("parameter", "value")]
    for option in alternatives:
        title = _title(scenario, option)
        header += [f"{title}: expected saving", f"{title}: P(cheaper)"]
    header += [f"{_title(scenario, option)}: P(cheapest)" for option in options]
    rows = []
    for _, row in table.iterrows():
        cells = [f"{row['value']:,.4g}"]
        for option in alternatives:
            cells += [f"{row[f'savings.{option}.mean']:,.0f} ± {row[f'savings.{option}.se']:,.0f}",
                      share_text(row[f"prob_cheaper.{option}"])]  # fmt: skip
        cells += [share_text(row[f"prob_cheapest.{option}"]) for option in options]
        rows.append(tuple(cells))
    return tuple(header), rows
