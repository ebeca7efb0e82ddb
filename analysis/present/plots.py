"""Plotly figures of a simulation result. Functions return figures; they never show them.

Histograms are binned with numpy before they reach plotly, so a figure carries a few hundred
numbers however many trials were run (reports stay small and open quickly).

Examples
--------
>>> from analysis import load_scenario, simulate
>>> result = simulate(load_scenario("small-office"), trials=2_000, seed=1)
>>> cost_distribution(result).layout.title.text
'Annual total cost: break-fix and managed'
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.defaults import MODEL_NAMES
from analysis.engine.result import Result
from analysis.present.formatting import money_axis_format, money_template, simulated_periods

#: The two models' names and colours, the same on every chart.
MODELS = {
    "break_fix": (MODEL_NAMES["break_fix"], "#d95f02"),
    "managed": (MODEL_NAMES["managed"], "#1b9e77"),
}
HYBRID_COLOUR = "#7570b3"
#: Every model a result may hold: the two above and, with a hybrid contract, a third.
STYLES = {**MODELS, "hybrid": (MODEL_NAMES["hybrid"], HYBRID_COLOUR)}
COMPONENTS = {"support": "IT support", "downtime": "Downtime", "security": "Security incidents"}
COMPONENT_COLOURS = ("#4c72b0", "#c44e52", "#8c8c8c")  # unlike either model's colour
_BINS = 60
_TEMPLATE = "plotly_white"


def _period(result: Result) -> str:
    years = result.scenario.horizon.years
    return "Annual" if years == 1 else f"{years}-year"


def _names(result: Result) -> str:
    """``break-fix and managed``, or ``break-fix, managed and hybrid``."""
    names = [
        STYLES[model][0].lower().replace("managed services", "managed") for model in result.models
    ]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _simulated(result: Result) -> str:
    return f"Share of simulated {simulated_periods(result.scenario.horizon.years)}"


def _layout(figure: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    figure.update_layout(
        title={"text": title},
        xaxis_title=x_title,
        yaxis_title=y_title,
        template=_TEMPLATE,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        margin={"t": 90},
        height=420,
    )
    return figure


def _histogram(values: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bin centres and the share of all trials in each bin; values outside are left out (the
    titles say so) rather than piled into the end bins, where they would look like a cluster."""
    counts, _ = np.histogram(values, bins=edges)
    return (edges[:-1] + edges[1:]) / 2, counts / values.size


def _overlaid(result: Result, quantity: str, low: float | None, unit: str) -> go.Figure:
    """Each model's distribution of ``quantity``, overlaid on the same bins: from ``low`` (or
    the 0.5th percentile) to the 99.5th percentile."""
    columns = [result.columns[f"{model}_{quantity}"] for model in result.models]
    if low is None:
        low = min(np.percentile(c, 0.5) for c in columns)
    high = max(np.percentile(c, 99.5) for c in columns)
    edges = np.linspace(low, high, _BINS + 1)
    figure = go.Figure()
    styles = [STYLES[model] for model in result.models]
    for (name, colour), values in zip(styles, columns, strict=True):
        centres, shares = _histogram(values, edges)
        figure.add_bar(
            x=centres,
            y=shares,
            name=name,
            marker_color=colour,
            opacity=0.6,
            width=edges[1] - edges[0],
            hovertemplate="%{x:,.0f}" + unit + ": %{y:.1%} of trials<extra>" + name + "</extra>",
        )
    figure.update_layout(barmode="overlay", bargap=0)
    figure.update_yaxes(tickformat=".0%")
    return figure


def cost_distribution(result: Result) -> go.Figure:
    """Overlaid distributions of the total cost of every model."""
    figure = _overlaid(result, "total", None, "")
    figure.update_xaxes(**money_axis_format(result.scenario.currency))
    return _layout(
        figure,
        f"{_period(result)} total cost: {_names(result)}",
        f"{_period(result)} total cost (support + downtime + security); middle 99% shown",
        _simulated(result),
    )


def loss_exceedance(result: Result) -> go.Figure:
    """For each amount, the probability that the total cost exceeds it, for both models."""
    # Down to 1 in 2,000: the bottom of the y axis, so no curve runs off the chart.
    probabilities = np.concatenate([np.linspace(0, 0.9, 91), 1 - np.geomspace(0.1, 5e-4, 120)])
    figure = go.Figure()
    for model in result.models:
        name, colour = STYLES[model]
        amounts = np.percentile(result.columns[f"{model}_total"], probabilities * 100)
        figure.add_scatter(
            x=amounts,
            y=1 - probabilities,
            name=name,
            mode="lines",
            line={"color": colour, "width": 2.5},
            hovertemplate="%{x:,.0f}: exceeded in %{y:.2%} of years<extra>" + name + "</extra>",
        )
    figure.update_xaxes(**money_axis_format(result.scenario.currency))
    figure.update_yaxes(type="log", tickformat=".1%", range=[-3.3, 0.05])
    return _layout(
        figure,
        "Loss exceedance: how likely is a total cost above this?",
        f"{_period(result)} total cost",
        "Probability of exceeding (log scale)",
    )


def cost_breakdown(result: Result) -> go.Figure:
    """Mean cost of each model, stacked by component."""
    figure = go.Figure()
    names = [STYLES[model][0] for model in result.models]
    amount = money_template(result.scenario.currency, "%{y:,.0f}")
    for (component, label), colour in zip(COMPONENTS.items(), COMPONENT_COLOURS, strict=True):
        means = [result.columns[f"{model}_{component}"].mean() for model in result.models]
        figure.add_bar(
            x=names,
            y=means,
            name=label,
            marker_color=colour,
            texttemplate=amount,
            textposition="inside",
            hovertemplate="%{x}, " + label + ": " + amount + "<extra></extra>",
        )
    # Labels that do not fit their segment are hidden, not spilled over the chart's edge.
    figure.update_layout(barmode="stack", uniformtext={"minsize": 10, "mode": "hide"})
    figure.update_yaxes(**money_axis_format(result.scenario.currency))
    return _layout(
        figure,
        "Where the money goes: mean cost by component",
        "",
        f"Mean {_period(result).lower()} cost",
    )


def savings_distribution(result: Result) -> go.Figure:
    """Distribution of break-fix minus managed cost, with zero and the 90% interval marked."""
    savings = result.columns["savings"]
    p05, p95 = np.percentile(savings, [5, 95])
    low, high = np.percentile(savings, [0.5, 99.5])
    edges = np.linspace(min(low, 0), max(high, 0), _BINS + 1)
    centres, shares = _histogram(savings, edges)
    colours = np.where(centres > 0, MODELS["managed"][1], MODELS["break_fix"][1])
    figure = go.Figure(
        go.Bar(
            x=centres,
            y=shares,
            marker_color=colours,
            width=edges[1] - edges[0],
            showlegend=False,
            hovertemplate="%{x:,.0f}: %{y:.1%} of trials<extra></extra>",
        )
    )
    figure.add_vline(x=0, line_color="black", line_width=1.5)
    for value, label in ((p05, "P5"), (p95, "P95")):
        figure.add_vline(
            x=value,
            line_dash="dash",
            line_color="grey",
            annotation_text=label,
            annotation_position="top",
        )
    figure.update_layout(bargap=0)
    figure.update_xaxes(**money_axis_format(result.scenario.currency))
    figure.update_yaxes(tickformat=".0%")
    return _layout(
        figure,
        "Savings with managed services (right of zero: managed is cheaper)",
        f"{_period(result)} saving: break-fix cost minus managed cost; middle 99% shown",
        _simulated(result),
    )


def downtime_hours(result: Result) -> go.Figure:
    """Overlaid distributions of the outage hours of every model."""
    return _layout(
        _overlaid(result, "downtime_hours", 0.0, " h"),
        f"Downtime hours: {_names(result)}",
        f"{_period(result)} outage hours, summed over incidents (wait + repair); "
        "up to the 99.5th percentile shown",
        _simulated(result),
    )


def tier_costs(table: pd.DataFrame, currency: str) -> go.Figure:
    """Mean incident cost (support + downtime) of each tier, both models side by side.

    ``table`` is :func:`analysis.decision.breakdowns.tier_breakdown`'s; fixed fees, SLA credits and
    security events belong to no tier and are left out.
    """
    figure = go.Figure()
    amount = money_template(currency, "%{y:,.0f}")
    for model in dict.fromkeys(table.columns.get_level_values("model")):
        name, colour = STYLES[model]
        part = table[model]
        figure.add_bar(
            x=list(table.index),
            y=part["support"] + part["downtime"],
            name=name,
            marker_color=colour,
            customdata=np.column_stack([part["incidents"], part["downtime_hours"]]),
            texttemplate=amount,
            textposition="auto",
            hovertemplate=(
                "%{x}: " + amount + " (%{customdata[0]:,.1f} incidents, "
                "%{customdata[1]:,.0f} downtime hours)<extra>" + name + "</extra>"
            ),
        )
    figure.update_layout(barmode="group")
    figure.update_yaxes(**money_axis_format(currency))
    return _layout(
        figure,
        "Cost of incidents by tier: support bills plus downtime",
        "Incident tier",
        "Mean cost per simulated period",
    )


def monthly_spend(result: Result) -> go.Figure:
    """Each model's IT spend by month of the first year: the median and the 5-95% band."""
    if result.monthly is None:
        raise ValueError("monthly_spend needs simulate(..., monthly=True)")
    months = np.arange(1, 13)
    figure = go.Figure()
    amount = money_template(result.scenario.currency, "%{y:,.0f}")
    for model in result.models:
        name, colour = STYLES[model]
        low, middle, high = np.percentile(result.monthly[model][:, :12], [5, 50, 95], axis=0)
        _band(figure, months, low, high, colour, legendgroup=model,
              name=f"{name}: 90% of months",
              hovertemplate="month %{x}: P5 " + amount + "<extra>" + name + "</extra>")  # fmt: skip
        figure.add_scatter(
            x=months, y=middle, mode="lines+markers", line={"color": colour, "width": 2.5},
            name=f"{name}: median", legendgroup=model,
            hovertemplate="month %{x}: median " + amount + "<extra>" + name + "</extra>",
        )  # fmt: skip
    figure.update_xaxes(tickvals=months, ticktext=[f"{m}" for m in months])
    figure.update_yaxes(**money_axis_format(result.scenario.currency), rangemode="tozero")
    return _layout(
        figure,
        "IT spend month by month: how predictable is each model?",
        "Month of the first year",
        "IT spend in the month (bills, fees, parts)",
    )


def _band(figure: go.Figure, x, low, high, colour: str, **lower: object) -> None:
    """A shaded band between ``low`` and ``high``: an invisible upper edge, then the lower edge
    filled up to it. ``lower`` goes to the lower trace (a name and hover text for the legend;
    without a name the band stays out of the legend and the hover). ``row``/``col`` place it
    in a subplot."""
    place = {key: lower.pop(key) for key in ("row", "col") if key in lower}
    quiet = {} if "name" in lower else {"showlegend": False, "hoverinfo": "skip"}
    edge = {"mode": "lines", "line": {"width": 0}}
    figure.add_scatter(x=x, y=high, showlegend=False, hoverinfo="skip",
                       legendgroup=lower.get("legendgroup"), **edge, **place)  # fmt: skip
    figure.add_scatter(x=x, y=low, fill="tonexty", fillcolor=_translucent(colour), **edge,
                       **quiet, **lower, **place)  # fmt: skip


def _translucent(colour: str, alpha: float = 0.25) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"


# -- decision analytics ------------------------------------------------------------------------


def tornado(table: pd.DataFrame, currency: str) -> go.Figure:
    """Bars from the expected saving with each input low to with it high, largest swing on top.

    ``table`` is :func:`analysis.decision.sensitivity.tornado`'s.
    """
    rows = table.iloc[::-1]  # plotly draws the first category at the bottom
    base = float(rows["base"].iloc[0])
    amount = money_template(currency, "%{x:,.0f}")
    figure = go.Figure()
    for side, colour in (("low", "#8da0cb"), ("high", "#fc8d62")):
        labels = [
            f"{label} (x{factor:g})"
            for label, factor in zip(rows["label"], rows[side], strict=True)
        ]
        figure.add_bar(
            y=rows["label"],
            x=rows[f"savings_{side}"] - base,
            base=base,
            orientation="h",
            name=f"input {side}",
            marker_color=colour,
            customdata=labels,
            hovertemplate="%{customdata}: expected saving "
            + amount.replace("%{x", "%{base+x")
            + "<extra></extra>",
        )
    figure.add_vline(x=base, line_color="black", line_width=1)
    figure.add_vline(x=0, line_color="grey", line_dash="dot")
    figure.update_layout(barmode="overlay", height=max(360, 34 * len(rows) + 140))
    figure.update_xaxes(**money_axis_format(currency))
    figure = _layout(
        figure,
        "Which input matters most? Expected saving with each input low and high",
        "Expected saving with managed services (break-fix minus managed)",
        "",
    )
    figure.update_layout(height=max(360, 34 * len(rows) + 140))
    return figure


def sobol_indices(table: pd.DataFrame) -> go.Figure:
    """First-order and total Sobol indices with their 95% intervals (``sensitivity.sobol``)."""
    rows = table.iloc[::-1]
    figure = go.Figure()
    for key, name, colour in (
        ("S1", "first order (alone)", "#66c2a5"),
        ("ST", "total (with interactions)", "#e78ac3"),
    ):
        figure.add_bar(
            y=rows["label"],
            x=rows[key],
            error_x={"type": "data", "array": rows[f"{key}_conf"]},
            orientation="h",
            name=name,
            marker_color=colour,
            hovertemplate="%{y}: %{x:.2f}<extra>" + name + "</extra>",
        )
    figure.update_layout(barmode="group")
    figure.update_xaxes(range=[0, 1.05])
    figure = _layout(
        figure,
        "Share of the uncertainty in expected savings due to each input (Sobol indices)",
        "Sobol index (share of variance), with 95% interval",
        "",
    )
    figure.update_layout(height=max(360, 40 * len(rows) + 140))
    return figure


def sweep_curves(
    table: pd.DataFrame, parameter: str, currency: str, breakeven: float | None = None
) -> go.Figure:
    """Expected savings (with its 95% band) and the chance managed is cheaper across a sweep."""
    from plotly.subplots import make_subplots

    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    x = table["value"]
    series = [("savings", MODEL_NAMES["managed"], MODELS["managed"][1], "managed")]
    if "savings_hybrid_mean" in table:
        series.append(("savings_hybrid", MODEL_NAMES["hybrid"], HYBRID_COLOUR, "hybrid"))
    amount = money_template(currency, "%{y:,.0f}")
    for column, name, colour, model in series:
        mean, se = table[f"{column}_mean"], table[f"{column}_se"]
        _band(figure, x, mean - 1.96 * se, mean + 1.96 * se, colour, row=1, col=1)
        figure.add_scatter(
            x=x,
            y=mean,
            mode="lines+markers",
            name=f"{name}: expected saving",
            line={"color": colour, "width": 2.5},
            row=1,
            col=1,
            hovertemplate="%{x:,.4g}: " + amount + "<extra>" + name + "</extra>",
        )
        probability = table[f"prob_{model}_cheaper"]
        figure.add_scatter(
            x=x,
            y=probability,
            mode="lines+markers",
            row=2,
            col=1,
            name=f"{name}: chance cheaper",
            line={"color": colour, "dash": "dot"},
            hovertemplate="%{x:,.4g}: %{y:.1%}<extra>" + name + "</extra>",
        )
    if "prob_se" in table:
        p, se = table["prob_managed_cheaper"], table["prob_se"]
        low, high = np.clip(p - 1.96 * se, 0, 1), np.clip(p + 1.96 * se, 0, 1)
        _band(figure, x, low, high, MODELS["managed"][1], row=2, col=1)
    figure.add_hline(y=0, line_color="black", line_width=1, row=1, col=1)
    figure.add_hline(y=0.5, line_color="grey", line_dash="dot", row=2, col=1)
    if breakeven is not None:
        figure.add_vline(
            x=breakeven,
            line_color="black",
            line_dash="dash",
            annotation_text=f"break-even {breakeven:,.4g}",
            annotation_position="top",
        )
    figure.update_yaxes(**money_axis_format(currency), title_text="Expected saving", row=1, col=1)
    figure.update_yaxes(tickformat=".0%", range=[0, 1], title_text="Chance cheaper", row=2, col=1)
    figure.update_xaxes(title_text=parameter, row=2, col=1)
    figure.update_layout(
        title={"text": f"Sweeping {parameter}: expected saving and chance managed is cheaper"},
        template=_TEMPLATE,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        margin={"t": 110},
        height=620,
    )
    return figure
