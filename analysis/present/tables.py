"""Tables for people: the command line's comparison, and the rows of the report's tables.

Rows are plain tuples of text; :func:`markdown_table` escapes every cell, so names and values
from a scenario are shown as they are, never read as markup.
"""

from __future__ import annotations

from typing import Any

from analysis.defaults import MODEL_NAMES, SHORT_MODEL_NAMES
from analysis.engine.result import Result
from analysis.present.formatting import escape, money, share_text
from analysis.scenario.fields import scenario_fields
from analysis.scenario.model import Scenario
from analysis.scenario.paths import value_at
from analysis.scenario.presets import references


def markdown_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """A Markdown table with every cell escaped."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(escape(str(cell)) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def inputs_table(scenario: Scenario) -> list[tuple[str, str, str]]:
    """The scenario's inputs as (meaning with unit, value, field for --set) rows.

    Shares are shown as percentages and "money" as the scenario's currency.
    """
    data = scenario.to_dict()
    rows = []
    for field in scenario_fields():
        path = field.path
        if path in {"name", "description", "currency"}:
            continue
        share = field.kind == "share"
        meaning = (field.meaning if share else field.description).replace(
            "money", scenario.currency
        )
        tier_position = path.split(".").index("<tier>") if "<tier>" in path else None
        for concrete in _expand(path, scenario):
            value = value_at(data, concrete)
            if value is None:
                continue
            if tier_position is None:
                label = meaning[:1].upper() + meaning[1:]
            else:
                tier = concrete.split(".")[tier_position]
                label = f"{tier[:1].upper() + tier[1:]} incidents: {meaning}"
            text = f"{value:.0%}" if share and isinstance(value, float) else _value_text(value)
            rows.append((label, text, concrete))
    return rows


def _expand(path: str, scenario: Scenario) -> list[str]:
    if "<tier>" not in path:
        return [path]
    return [path.replace("<tier>", tier) for tier in scenario.incidents]


def _value_text(value: Any) -> str:
    if isinstance(value, list):  # tiers under a hybrid contract, or monthly weights
        return ", ".join(_value_text(item) for item in value) or "none"
    if isinstance(value, dict) and set(value) == {"median", "p90"}:
        return f"median {value['median']:,g}, p90 {value['p90']:,g}"
    if isinstance(value, float):
        return f"{value:,g}"
    return str(value)


def breakeven_rows(table: Any, currency: str) -> list[tuple[str, str, str, str]]:
    """(input, now, break-even with its standard error, what it means) rows of
    :func:`analysis.decision.breakeven.breakeven_table`."""

    def shown(value: float, is_money: bool, digits: str = ".3g") -> str:
        return money(value, currency) if is_money else f"x{value:{digits}}"

    rows = []
    for row in table.itertuples():
        is_money = row.parameter != "incidents.*.rate_per_year"
        if row.break_even is None or row.break_even != row.break_even:  # None, or NaN in pandas
            flip = "none in range"
        else:
            flip = shown(row.break_even, is_money)
            if row.stderr is not None and row.stderr == row.stderr:  # not None, not NaN
                flip += f" (± {shown(row.stderr, is_money, '.2g').lstrip('x')})"
        rows.append(
            (row.input, shown(row.now, is_money), flip, row.note[:1].upper() + row.note[1:])
        )
    return rows


def budget_rows(table: Any, currency: str) -> list[tuple[str, ...]]:
    """(model, monthly mean, monthly spread, worst month, chance over budget) rows of
    :func:`analysis.decision.breakdowns.budget_table`."""
    return [
        (MODEL_NAMES[row.Index], money(row.monthly_mean, currency),
         money(row.monthly_std, currency), money(row.worst_month_p95, currency),
         share_text(row.prob_over_budget))
        for row in table.itertuples()
    ]  # fmt: skip


def sources_table() -> list[tuple[str, str]]:
    """(source, figure) for each published reference of data/references.yaml.

    Our own assumptions (publisher ``itcost``) are summed up in the method text instead.
    """
    rows = []
    for entry in references():
        if entry["publisher"] == "itcost":
            continue
        source = f"{entry['title']}. {entry['publisher']}, {entry['year']}."
        if entry.get("url"):
            source += f" {entry['url']}"
        rows.append((source, " ".join(entry["figure"].split())))
    return rows


# -- the command line's comparison ------------------------------------------------------------

_ROWS = (
    ("IT support", "support", "money"),
    ("Downtime", "downtime", "money"),
    ("Security", "security", "money"),
    ("Total", "total", "money"),
    ("Incidents", "incidents", "count"),
    ("Downtime hours", "downtime_hours", "count"),
)


def format_table(result: Result) -> str:
    """The models side by side (two, or three with a hybrid contract), then the savings and the
    probability that each contract is cheaper than break-fix."""
    summary = result.summary()
    currency = summary["currency"]
    years = summary["years"]
    period = "amounts per year" if years == 1 else f"totals over {years} years"
    models = list(summary["models"])

    def cell(stats: dict[str, Any], key: str, kind: str) -> str:
        value = stats[key]
        return money(value, currency) if kind == "money" else f"{value:,.1f}"

    keys = ("mean", "p05", "p50", "p95")
    header = ["", *("Mean", "P5", "P50", "P95") * len(models)]
    rows = [
        [label, *(cell(summary["models"][m][q], k, kind) for m in models for k in keys)]
        for label, q, kind in _ROWS
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    spans = [slice(1 + 4 * i, 5 + 4 * i) for i in range(len(models))]

    def line(row: list[str]) -> str:
        groups = [
            "  ".join(v.rjust(w) for v, w in zip(row[span], widths[span], strict=True))
            for span in spans
        ]
        return "    ".join([row[0].ljust(widths[0]), *groups])

    titles = [
        f"{SHORT_MODEL_NAMES[m]:^{sum(widths[span]) + 3 * 2}}"
        for m, span in zip(models, spans, strict=True)
    ]
    title = (
        f"{summary['scenario']['name']}: {summary['trials']:,} trials, seed {summary['seed']}, "
        f"{years} year{'s' if years > 1 else ''}, {currency}, {period}"
    )
    lines = [
        title,
        "",
        "    ".join([" " * widths[0], *titles]).rstrip(),
        line(header),
        *(line(row) for row in rows),
        "",
    ]
    comparisons = [("managed", "savings", "prob_managed_cheaper")]
    if "hybrid" in models:
        comparisons.append(("hybrid", "savings_hybrid", "prob_hybrid_cheaper"))
    for model, key, probability in comparisons:
        savings = summary["comparison"][key]
        name = SHORT_MODEL_NAMES[model]
        lines += [
            f"Savings with {name.lower()} (break-fix minus {name.lower()}): mean "
            f"{money(savings['mean'], currency)}"
            f" ± {money(1.96 * savings['mean_se'], currency)} (95% confidence),"
            f" 90% of trials between {money(savings['p05'], currency)}"
            f" and {money(savings['p95'], currency)}.",
            f"{name} is cheaper in {share_text(summary['comparison'][probability])} of trials.",
        ]
    return "\n".join(lines)
