"""Tables for people: the rows of the report's and the app's tables.

Rows are plain tuples of text; :func:`markdown_table` escapes every cell, so names and values
from a scenario (option titles included) are shown as they are, never read as markup. Every
table of options puts IT spend (what the business pays) first, then the estimated losses
(downtime, security), then the total.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from analysis.engine.result import Result
from analysis.present.formatting import escape as _escape
from analysis.present.formatting import money, share_text, signed_money
from analysis.present.narrative import DecisionSummary, decision_summary, option_title
from analysis.scenario.model import Calendar, Scenario, Spec
from analysis.scenario.presets import references


def markdown_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """A Markdown table with every cell, the header's too, escaped."""
    lines = ["| " + " | ".join(_escape(str(cell)) for cell in header) + " |",
             "|" + "---|" * len(header)]  # fmt: skip
    lines += ["| " + " | ".join(_escape(str(cell)) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


# -- the options side by side ------------------------------------------------------------------


def options_table(
    result: Result, decision: DecisionSummary | None = None
) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Every option side by side, from the lowest expected total: (header, rows).

    Columns: rank, option, IT spend, downtime, security, total (means), then against the
    baseline the saving on IT spend and on the total (baseline minus option), P(cheaper than
    the baseline) and P(cheapest). The baseline's own comparison cells say "baseline".
    """
    decision = decision or decision_summary(result)
    currency, base = decision.currency, decision.titles[decision.baseline]
    header = (
        "Rank", "Option", "IT spend", "Downtime", "Security", "Total",
        f"IT-spend saving vs {base}", f"Total saving vs {base}",
        f"P(cheaper than {base})", "P(cheapest)",
    )  # fmt: skip
    rows = []
    for rank, option in enumerate(decision.ranking(), start=1):
        means = [money(decision.mean(option, q), currency)
                 for q in ("it_spend", "downtime", "security", "total")]  # fmt: skip
        if option == decision.baseline:
            versus = ["baseline", "baseline", "-"]
        else:
            item = decision.comparison(option)
            versus = [
                signed_money(item.it_spend_savings["mean"], currency),
                signed_money(item.savings["mean"], currency),
                share_text(item.prob_cheaper),
            ]
        rows.append((str(rank), decision.titles[option], *means, *versus,
                     share_text(decision.prob_cheapest[option])))  # fmt: skip
    return header, rows


def options_markdown(result: Result, decision: DecisionSummary | None = None) -> str:
    """:func:`options_table` as Markdown."""
    return markdown_table(*options_table(result, decision))


# -- inputs and sources ------------------------------------------------------------------------


def inputs_table(scenario: Scenario) -> list[tuple[str, str, str]]:
    """The scenario's inputs as (meaning with unit, value, dotted path for --set) rows.

    Paths are format 2's (``options.break-fix.rates.remote``); labels are the model's field
    titles, prefixed with the tier or option they belong to; shares are shown as percentages
    and "money" as the scenario's currency. Calendars are one row (``Mon-Fri 8-18``).
    """
    rows: list[tuple[str, str, str]] = []

    def walk(node: Any, path: str, owner: str, keyed: str) -> None:
        if isinstance(node, BaseModel) and not isinstance(node, (Spec, Calendar)):
            for name, info in type(node).model_fields.items():
                value = getattr(node, name)
                if value is None or name == "schema_":
                    continue
                here = f"{path}.{info.alias or name}" if path else info.alias or name
                if here in {"name", "description", "currency"}:
                    continue
                label = _label(info, scenario.currency)
                if isinstance(value, dict):
                    for key, item in value.items():
                        if isinstance(item, BaseModel) and not isinstance(item, (Spec, Calendar)):
                            walk(item, f"{here}.{key}", key, "")  # a tier or an option
                        else:
                            rows.append((_owned(owner, f"{label} ({key})"),
                                         _value_text(item, info), f"{here}.{key}"))  # fmt: skip
                elif isinstance(value, BaseModel) and not isinstance(value, (Spec, Calendar)):
                    walk(value, here, owner, label)
                else:
                    full = f"{keyed}: {label}" if keyed else label
                    rows.append((_owned(owner, full), _value_text(value, info), here))

    walk(scenario, "", "", "")
    baseline = ("Baseline", scenario.baseline_name, "baseline")
    return [row for row in rows if row[2] != "baseline"] + [baseline]


def _owned(owner: str, label: str) -> str:
    return f"{owner}: {label}" if owner else label[:1].upper() + label[1:]


def _label(info: Any, currency: str) -> str:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    unit = str(extra.get("unit", ""))
    title = info.title or ""
    if unit and unit != "0-1" and unit not in title.lower():  # not "per year (per year)"
        title += f" ({unit.replace('money', currency)})"
    return title


def _value_text(value: Any, info: Any = None) -> str:
    extra = info.json_schema_extra if info is not None and isinstance(info.json_schema_extra,
                                                                       dict) else {}  # fmt: skip
    if isinstance(value, Calendar):
        return value.text
    if isinstance(value, Spec):
        if value.is_constant:
            return f"{value.median:,g}"
        return f"median {value.median:,g}, p90 {value.p90:,g}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and extra.get("unit") == "0-1":
        return f"{value:.0%}"
    if isinstance(value, list):  # tiers covered, emergency tiers, monthly weights
        return ", ".join(_value_text(item) for item in value) or "none"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() and abs(value) >= 1e4 else f"{value:,g}"
    return str(value)


def sources_table() -> list[tuple[str, str]]:
    """(source, figure) for each published reference of data/references.yaml.

    Our own assumptions (publisher ``itcost``) are summed up in the method text instead.
    """
    rows = []
    for entry in references():
        if entry.get("publisher") == "itcost":
            continue
        source = f"{entry['title']}. {entry['publisher']}, {entry['year']}."
        if entry.get("url"):
            source += f" {entry['url']}"
        rows.append((source, " ".join(str(entry.get("figure", "")).split())))
    return rows


# -- decision analytics ------------------------------------------------------------------------


def breakeven_rows(table: Any, currency: str) -> list[tuple[str, ...]]:
    """(option, input, now, break-even with its standard error, what it means) rows of
    :func:`analysis.decision.breakeven.breakeven_table`; a table without an ``option`` column
    leaves it empty."""

    def shown(value: float, is_money: bool, digits: str = ".3g") -> str:
        return money(value, currency) if is_money else f"x{value:{digits}}"

    rows = []
    for row in table.itertuples():
        parameter = str(getattr(row, "parameter", ""))
        is_money = bool(getattr(row, "is_money", "rate" not in parameter.rsplit(".", 1)[-1]
                                or "rates" in parameter))  # fmt: skip
        flip_value = getattr(row, "break_even", None)
        if flip_value is None or flip_value != flip_value:  # None, or NaN in pandas
            flip = "none in range"
        else:
            flip = shown(flip_value, is_money)
            stderr = getattr(row, "stderr", None)
            if stderr is not None and stderr == stderr and stderr > 0:
                flip += f" (± {shown(stderr, is_money, '.2g').lstrip('x')})"
        note = str(getattr(row, "note", ""))
        option = str(getattr(row, "option", ""))
        label = str(getattr(row, "input", getattr(row, "label", parameter)))
        rows.append((option, label, shown(row.now, is_money), flip, note[:1].upper() + note[1:]))
    return rows


def budget_rows(table: Any, currency: str, scenario: Scenario) -> list[tuple[str, ...]]:
    """Rows of :func:`analysis.decision.breakdowns.budget_table`, one per option: (option,
    mean month, month-to-month spread, worst month), and the chance a year exceeds the budget
    only when the scenario gives one (there is no default budget)."""
    has_budget = scenario.budget is not None and scenario.budget.annual_it_spend is not None
    rows = []
    for row in table.itertuples():
        option = str(row.Index)
        cells = [option_title(scenario, option) if option in scenario.options else option,
                 money(row.monthly_mean, currency), money(row.monthly_std, currency),
                 money(row.worst_month_p95, currency)]  # fmt: skip
        if has_budget:
            probability = getattr(row, "prob_over_budget", None)
            ok = probability is not None and probability == probability
            cells.append(share_text(probability) if ok else "-")
        rows.append(tuple(cells))
    return rows


def budget_header(scenario: Scenario) -> tuple[str, ...]:
    """The header of :func:`budget_rows` for ``scenario``."""
    header = ("Option", "Mean month", "Month-to-month spread (sd)", "Worst month (P95)")
    if scenario.budget is not None and scenario.budget.annual_it_spend is not None:
        budget = money(scenario.budget.annual_it_spend, scenario.currency)
        header += (f"Chance a year's IT spend exceeds {budget}",)
    return header


def tier_rows(table: Any, currency: str, scenario: Scenario) -> list[tuple[str, ...]]:
    """(tier, option, incidents, lost operating hours, lost person-hours, downtime) rows of
    :func:`analysis.decision.breakdowns.tier_breakdown`: a table indexed by tier with
    (option, quantity) columns. Means per simulated period; downtime is an estimated loss."""
    options = list(dict.fromkeys(table.columns.get_level_values(0)))
    rows = []
    for tier in table.index:
        for option in options:
            part = table[option].loc[tier]
            title = option_title(scenario, option) if option in scenario.options else str(option)
            rows.append((str(tier), title, f"{part['incidents']:,.1f}",
                         f"{part['lost_hours']:,.0f}", f"{part['lost_person_hours']:,.0f}",
                         money(part["downtime"], currency)))  # fmt: skip
    return rows


TIER_HEADER = ("Tier", "Option", "Incidents", "Lost operating hours", "Lost person-hours",
               "Downtime (estimated)")  # fmt: skip
