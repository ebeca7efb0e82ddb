"""The table ``itcost simulate`` prints: every option side by side, then what each changes.

Columns are the scenario's options in file order, headed by their titles (shown as text).
Rows put what you pay (IT spend) before what you lose (estimated downtime and security
losses), then the total; each amount is the mean, with the 90% range of the trials (P5 to P95)
on the line below. Then the savings against the baseline, on IT spend and on the total (mean ±
the 95% confidence half-width), the chance of costing less than the baseline and the chance of
being the cheapest. The verdict lines under the table state, for each option against the
baseline, the difference in IT spend first, then the losses avoided, then the total.

Examples
--------
>>> from analysis import load_scenario, simulate
>>> text = format_table(simulate(load_scenario("server-office"), trials=2_000, seed=1))
>>> text.splitlines()[0]
'Server office (10 staff): 2,000 trials, seed 1, 1 year, USD, amounts per year'
"""

from __future__ import annotations

import textwrap

from analysis.engine.result import Result
from analysis.present.formatting import money, share_text
from analysis.present.narrative import DecisionSummary, decision_summary

#: (label, quantity, kind) of the per-option rows, under their group headings.
_GROUPS = (
    ("What you pay", (("IT spend", "it_spend", "money"),)),
    (
        "What you lose (estimated)",
        (("Downtime", "downtime", "money"), ("Security", "security", "money")),
    ),
    (None, (("Total", "total", "money"),)),
    (
        None,
        (
            ("Incidents", "incidents", "count"),
            ("Lost operating hours", "downtime_hours", "count"),
        ),
    ),
)
#: The widest a column's title may make it; longer titles wrap onto more lines.
_TITLE_WIDTH = 24
_GAP = "   "
_NONE = "-"


def title_line(summary: dict) -> str:
    """The first line of a comparison: scenario, trials, seed, horizon, currency, period."""
    years = summary["years"]
    period = "amounts per year" if years == 1 else f"totals over {years} years"
    return (
        f"{summary['scenario']['name']}: {summary['trials']:,} trials, seed {summary['seed']}, "
        f"{years} year{'s' if years > 1 else ''}, {summary['currency']}, {period}"
    )


def format_table(result: Result) -> str:
    """``result`` as the command line's comparison: the table, then one verdict per option.

    Parameters
    ----------
    result
        A simulation of any number of options (two or more).

    Returns
    -------
    str
        Plain text, lines of about ``26 + 27 x options`` characters (titles wrap).
    """
    summary = result.summary()
    currency = summary["currency"]
    baseline = summary["baseline"]
    options = list(summary["options"])
    stats = summary["options"]
    comparison = summary["comparison"]

    def amount(value: float, kind: str) -> str:
        return money(value, currency) if kind == "money" else f"{value:,.1f}"

    def spread(values: dict[str, float], kind: str) -> str:
        return f"{amount(values['p05'], kind)} to {amount(values['p95'], kind)}"

    def saving(values: dict[str, float] | None) -> str:
        if values is None:
            return _NONE
        return f"{money(values['mean'], currency)} ± {money(1.96 * values['mean_se'], currency)}"

    # Rows: (label, cells); a label of None is a blank line, cells of None a heading.
    rows: list[tuple[str | None, list[str] | None]] = []
    for heading, lines in _GROUPS:
        if heading:
            rows.append((heading, None))
        indent = "  " if heading else ""
        for label, quantity, kind in lines:
            rows.append(
                (indent + label, [amount(stats[o][quantity]["mean"], kind) for o in options])
            )
            rows.append(("", [spread(stats[o][quantity], kind) for o in options]))
    rows.append((None, None))
    baseline_title = stats[baseline]["title"]
    rows.append((f"Against the baseline ({baseline_title})", None))
    for label, key in (("IT-spend saving", "it_spend_savings"), ("Total saving", "savings")):
        found = comparison[key]
        rows.append((f"  {label}", [saving(found.get(o)) for o in options]))
        rows.append(("", [spread(found[o], "money") if o in found else "" for o in options]))
    rows.append(
        (
            "  Chance it costs less",
            [
                share_text(comparison["prob_cheaper"][o]) if o != baseline else _NONE
                for o in options
            ],
        )
    )
    rows.append(
        ("Chance it is the cheapest", [share_text(comparison["prob_cheapest"][o]) for o in options])
    )

    label_width = max(len(label) for label, cells in rows if label and cells is not None)
    cell_widths = [
        max(len(cells[i]) for _, cells in rows if cells is not None) for i in range(len(options))
    ]
    names = [f"{o}, baseline" if o == baseline else o for o in options]
    titles = [
        textwrap.wrap(stats[o]["title"], max(width, _TITLE_WIDTH)) or [""]
        for o, width in zip(options, cell_widths, strict=True)
    ]
    widths = [
        max(width, len(name), *map(len, lines))
        for width, name, lines in zip(cell_widths, names, titles, strict=True)
    ]

    def line(label: str, cells: list[str]) -> str:
        text = label.ljust(label_width)
        for cell, width in zip(cells, widths, strict=True):
            text += _GAP + cell.rjust(width)
        return text.rstrip()

    height = max(map(len, titles))  # titles sit on their last line, above the names
    header = [
        line("", [lines[i - height + len(lines)] if i >= height - len(lines) else ""
                  for lines in titles])
        for i in range(height)
    ]  # fmt: skip
    header.append(line("", names))
    out = [
        title_line(summary),
        "Each amount is the mean, with the 90% range of the trials (P5 to P95) beneath it; a "
        "saving is",
        "the baseline's cost minus the option's (negative: the option costs more), ± its 95% "
        "confidence.",
        "",
        *header,
    ]
    for label, cells in rows:
        if label is None:
            out.append("")
        elif cells is None:
            out.append(label)
        else:
            out.append(line(label, cells))
    out.append("")
    out += verdicts(decision_summary(result, breakeven_fees={}))
    return "\n".join(out)


def verdicts(decision: DecisionSummary, width: int = 100) -> list[str]:
    """Lines of at most ``width`` characters: for each option against the baseline, the
    IT-spend difference first, then the estimated losses avoided, then the total; and which
    options have the lowest expected IT spend and total.

    ``decision`` is :func:`analysis.present.narrative.decision_summary` of the result, the
    one summary behind every verdict (here worded for a terminal, as plain text).
    """
    currency, per = decision.currency, decision.per
    titles = decision.titles
    base_title = titles[decision.baseline]

    def amount(value: float) -> str:
        return money(abs(value), currency)

    paragraphs = []
    for item in decision.comparisons:
        it_spend = -item.it_spend_difference  # positive: it pays less
        losses = item.losses_avoided
        total = item.savings
        if round(it_spend) == 0:
            paid = f"pays the same in IT spend {per}"
        else:
            more = "less" if it_spend > 0 else "more"
            paid = f"pays {amount(it_spend)} {more} in IT spend {per}"
        if round(losses) == 0:
            lost = "has the same estimated downtime and security losses"
        elif losses > 0:
            lost = f"avoids an estimated {amount(losses)} of downtime and security losses"
        else:
            lost = f"adds an estimated {amount(losses)} of downtime and security losses"
        if round(total["mean"]) == 0:
            whole = f"costs the same in total {per}"
        else:
            more = "less" if total["mean"] > 0 else "more"
            whole = f"costs {amount(total['mean'])} {more} in total {per}"
        half_width = money(1.96 * total["mean_se"], currency)
        paragraphs.append(
            f"{titles[item.option]} against {base_title}: {paid}, {lost}, and {whole} "
            f"(± {half_width}, 95% confidence); it costs less in "
            f"{share_text(item.prob_cheaper)} of trials."
        )
    best = decision.best
    paragraphs.append(
        f"Lowest expected IT spend: {titles[decision.cheapest_in_cash]}. Lowest expected total: "
        f"{titles[best]}, the cheapest in {share_text(decision.prob_cheapest[best])} of trials."
    )
    return [line for text in paragraphs for line in textwrap.wrap(text, width)]
