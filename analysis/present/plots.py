"""Plotly figures of a simulation result, for any number of options. Functions return figures;
they never show them.

Histograms are binned with numpy before they reach plotly, so a figure carries a few hundred
numbers however many trials were run (reports stay small and open quickly). IT spend (what the
business pays) and estimated losses (downtime, security) are drawn apart. Every name a user
gave (an option's title) goes through :func:`~analysis.present.formatting.plot_text`: plotly
shows it as text, never as markup.

Examples
--------
>>> from analysis import load_scenario, simulate
>>> result = simulate(load_scenario("server-office"), trials=2_000, seed=1)
>>> [trace.name for trace in totals_by_option(result).data][:3]
['IT spend', 'Downtime (estimated)', 'Security (estimated)']
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.engine.result import Result
from analysis.present.formatting import (
    money_axis_format,
    money_template,
    plot_text,
    simulated_periods,
)
from analysis.scenario.model import Scenario

#: Option colours, in the scenario's order (ColorBrewer Dark2), the same on every chart.
PALETTE = ("#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666")
#: The parts of a total, IT spend first: cash, then the two estimated losses.
COMPONENTS = {"it_spend": "IT spend", "downtime": "Downtime (estimated)",
              "security": "Security (estimated)"}  # fmt: skip
COMPONENT_COLOURS = ("#4c72b0", "#c44e52", "#8c8c8c")
_BINS = 60
#: The hover box's side label: the trace's own (escaped) name, never text pasted in.
_WHO = "<extra>%{fullData.name}</extra>"


#: The parts of plotly_white's layout that these charts use: not its colour scales, maps,
#: polar, ternary or 3-D axes.
_LAYOUT_KEPT = ("annotationdefaults", "autotypenumbers", "colorway", "font", "hoverlabel",
                "hovermode", "paper_bgcolor", "plot_bgcolor", "shapedefaults", "title", "xaxis",
                "yaxis")  # fmt: skip


def _light_template() -> go.layout.Template:
    """plotly's "plotly_white" look, kept to the layout parts and the trace types drawn here:
    the full template styles every trace type and axis kind plotly has, and validating it on
    each figure cost about 20 ms, a sixth of the calculator's redraw. A trace of another type
    drawn here needs its entry added, or it loses the look."""
    import plotly.io as pio

    white = pio.templates["plotly_white"]
    layout = {key: value for key, value in white.layout.to_plotly_json().items()
              if key in _LAYOUT_KEPT}  # fmt: skip
    return go.layout.Template(
        layout=layout, data={"bar": white.data.bar, "scatter": white.data.scatter}
    )


_TEMPLATE = _light_template()


def colours(options: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Each option's colour: the palette in the scenario's order, repeated past eight."""
    return {option: PALETTE[i % len(PALETTE)] for i, option in enumerate(options)}


def label(scenario: Scenario, option: str) -> str:
    """An option's title, safe in a plotly string."""
    return plot_text(scenario.options[option].title or option)


def _period(result: Result) -> str:
    years = result.scenario.horizon.years
    return "Annual" if years == 1 else f"{years}-year"


def _simulated(result: Result) -> str:
    return f"Share of simulated {simulated_periods(result.scenario.horizon.years)}"


def _common_layout(title: str, x_title: str, y_title: str) -> dict[str, Any]:
    """The layout every chart here shares: its title, axis titles, look, legend and size."""
    return {
        "title": {"text": title},
        "xaxis": {"title": {"text": x_title}},
        "yaxis": {"title": {"text": y_title}},
        "template": _TEMPLATE,
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        "margin": {"t": 90},
        "height": 420,
    }


def _figure(
    data: list[dict[str, Any]], title: str, x_title: str, y_title: str, **layout: Any
) -> go.Figure:
    """A chart of ``data`` (plotly's trace dicts) with the common layout, and ``layout``'s
    settings on top, made and validated in one step. A setting that is a dict is merged one
    level deep (an axis's tick settings beside its title; a nested one replaces). A
    go.Figure grown one call at a time validates as it goes: 14 ms a chart against 4 ms, a
    quarter of the Calculator's redraw."""
    merged = _common_layout(title, x_title, y_title)
    for key, value in layout.items():
        shared = merged.get(key)
        merged[key] = {**shared, **value} if isinstance(shared, dict) else value
    return go.Figure({"data": data, "layout": merged})


def _layout(figure: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    """The common layout on a figure made a call at a time."""
    figure.update_layout(_common_layout(title, x_title, y_title))
    return figure


def _histogram(values: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bin centres and the share of all trials in each bin; values outside are left out (the
    titles say so) rather than piled into the end bins, where they would look like a cluster."""
    counts, _ = np.histogram(values, bins=edges)
    return (edges[:-1] + edges[1:]) / 2, counts / values.size


def _overlaid(
    columns: dict[str, np.ndarray], names: dict[str, str], palette: dict[str, str],
    low: float | None, unit: str,
) -> list[dict[str, Any]]:  # fmt: skip
    """Each series' distribution as a bar trace, all on the same bins: from ``low`` (or the
    0.5th percentile) to the 99.5th percentile; drawn with :data:`_OVERLAID`."""
    if low is None:
        low = min(np.percentile(c, 0.5) for c in columns.values())
    high = max(np.percentile(c, 99.5) for c in columns.values())
    if not high > low:
        high = low + 1.0
    edges = np.linspace(low, high, _BINS + 1)
    data = []
    for key, values in columns.items():
        centres, shares = _histogram(values, edges)
        data.append({
            "type": "bar", "x": centres, "y": shares, "name": names[key],
            "marker": {"color": palette[key]}, "opacity": 0.6, "width": edges[1] - edges[0],
            "hovertemplate": "%{x:,.0f}" + unit + ": %{y:.1%} of trials" + _WHO,
        })  # fmt: skip
    return data


#: The layout of :func:`_overlaid`'s traces: bars over each other, shares of trials up the side.
_OVERLAID = {"barmode": "overlay", "bargap": 0, "yaxis": {"tickformat": ".0%"}}
#: A vertical line at x = 0, the height of the plot.
_ZERO_LINE = {"type": "line", "x0": 0, "x1": 0, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
              "line": {"color": "black", "width": 1.5}}  # fmt: skip


def _option_columns(result: Result, quantity: str) -> dict[str, np.ndarray]:
    return {option: result.column(option, quantity) for option in result.options}


def _names(result: Result) -> dict[str, str]:
    return {option: label(result.scenario, option) for option in result.options}


# -- one result --------------------------------------------------------------------------------


def totals_by_option(result: Result) -> go.Figure:
    """Each option's expected total, stacked: IT spend (cash) at the bottom, then the estimated
    downtime and security losses, so the cash difference reads first."""
    names = list(_names(result).values())
    currency = result.scenario.currency
    amount = money_template(currency, "%{y:,.0f}")
    data = []
    for (component, text), colour in zip(COMPONENTS.items(), COMPONENT_COLOURS, strict=True):
        means = [float(np.mean(result.column(option, component))) for option in result.options]
        data.append({
            "type": "bar", "x": names, "y": means, "name": text, "texttemplate": amount,
            "textposition": "inside",
            "marker": {"color": colour, "pattern": {"shape": "" if component == "it_spend"
                                                    else "/"}},
            "hovertemplate": "%{x}, " + text + ": " + amount + "<extra></extra>",
        })  # fmt: skip
    totals = [float(np.mean(result.column(option, "total"))) for option in result.options]
    data.append({
        "type": "scatter", "x": names, "y": totals, "mode": "text",
        "texttemplate": "total " + amount, "textposition": "top center", "showlegend": False,
        "hoverinfo": "skip",
    })  # fmt: skip
    return _figure(
        data,
        "Expected cost by option: IT spend (cash) and estimated losses",
        "",
        f"Mean {_period(result).lower()} cost",
        barmode="stack",
        # Labels that do not fit their segment are hidden, not spilled over the chart's edge.
        uniformtext={"minsize": 10, "mode": "hide"},
        yaxis={**money_axis_format(currency), "rangemode": "tozero"},
    )


def prob_cheapest(result: Result) -> go.Figure:
    """The share of simulated horizons in which each option has the lowest total."""
    shares = result.prob_cheapest()
    palette = colours(result.options)
    names = _names(result)
    bars = {
        "type": "bar",
        "x": [shares[option] for option in result.options],
        "y": [names[option] for option in result.options],
        "orientation": "h",
        "marker": {"color": [palette[option] for option in result.options]},
        "texttemplate": "%{x:.1%}",
        "textposition": "auto",
        "hovertemplate": "%{y}: cheapest in %{x:.1%}<extra></extra>",
        "showlegend": False,
    }
    return _figure(
        [bars],
        "How often is each option the cheapest in total?",
        _simulated(result),
        "",
        xaxis={"tickformat": ".0%", "range": [0, 1]},
        yaxis={"autorange": "reversed"},
        height=max(260, 60 * len(result.options) + 140),
    )


def cost_distribution(result: Result) -> go.Figure:
    """Overlaid distributions of every option's total cost."""
    data = _overlaid(_option_columns(result, "total"), _names(result), colours(result.options),
                     None, "")  # fmt: skip
    return _figure(
        data,
        f"{_period(result)} total cost of each option",
        f"{_period(result)} total cost (IT spend + estimated losses); middle 99% shown",
        _simulated(result),
        **_OVERLAID,
        xaxis=money_axis_format(result.scenario.currency),
    )


def savings_distributions(result: Result) -> go.Figure:
    """Each alternative's saving against the baseline (baseline total minus its total), trial
    by trial, overlaid; right of zero the alternative costs less."""
    alternatives = result.alternatives
    palette = colours(result.options)
    names = _names(result)
    columns = {option: result.savings(option) for option in alternatives}
    low = min(min(np.percentile(c, 0.5) for c in columns.values()), 0.0)
    base = label(result.scenario, result.baseline)
    return _figure(
        _overlaid(columns, names, palette, low, ""),
        f"Saving against {base}, simulation by simulation (right of zero: cheaper)",
        f"{_period(result)} saving: {base} total minus the option's; middle 99% shown",
        _simulated(result),
        **_OVERLAID,
        xaxis=money_axis_format(result.scenario.currency),
        shapes=[_ZERO_LINE],
    )


def loss_exceedance(result: Result) -> go.Figure:
    """For each amount, the probability that an option's total cost exceeds it."""
    # Down to 1 in 2,000: the bottom of the y axis, so no curve runs off the chart.
    probabilities = np.concatenate([np.linspace(0, 0.9, 91), 1 - np.geomspace(0.1, 5e-4, 120)])
    palette, names = colours(result.options), _names(result)
    data = [
        {
            "type": "scatter", "name": names[option], "mode": "lines",
            "x": np.percentile(result.column(option, "total"), probabilities * 100),
            "y": 1 - probabilities, "line": {"color": palette[option], "width": 2.5},
            "hovertemplate": "%{x:,.0f}: exceeded in %{y:.2%}<extra>%{fullData.name}</extra>",
        }
        for option in result.options
    ]  # fmt: skip
    return _figure(
        data,
        "Loss exceedance: how likely is a total cost above this?",
        f"{_period(result)} total cost",
        "Probability of exceeding (log scale)",
        xaxis=money_axis_format(result.scenario.currency),
        yaxis={"type": "log", "tickformat": ".1%", "range": [-3.3, 0.05]},
    )


def downtime_hours(result: Result) -> go.Figure:
    """Overlaid distributions of every option's lost operating hours."""
    data = _overlaid(_option_columns(result, "downtime_hours"), _names(result),
                     colours(result.options), 0.0, " h")  # fmt: skip
    return _figure(
        data,
        "Lost operating hours of each option",
        f"{_period(result)} operating hours lost, summed over incidents; up to the 99.5th "
        "percentile shown",
        _simulated(result),
        **_OVERLAID,
    )


def monthly_spend(result: Result) -> go.Figure:
    """Each option's IT spend by month of the first year: the median and the 5-95% band."""
    if result.monthly is None:
        raise ValueError("monthly_spend needs simulate(..., monthly=True)")
    months = np.arange(1, 13)
    figure = go.Figure()
    amount = money_template(result.scenario.currency, "%{y:,.0f}")
    palette, names = colours(result.options), _names(result)
    for option in result.options:
        name, colour = names[option], palette[option]
        low, middle, high = np.percentile(result.monthly[option][:, :12], [5, 50, 95], axis=0)
        _band(figure, months, low, high, colour, legendgroup=option,
              name=f"{name}: 90% of months",
              hovertemplate="month %{x}: P5 " + amount + _WHO)  # fmt: skip
        figure.add_scatter(
            x=months, y=middle, mode="lines+markers", line={"color": colour, "width": 2.5},
            name=f"{name}: median", legendgroup=option,
            hovertemplate="month %{x}: median " + amount + _WHO,
        )  # fmt: skip
    figure.update_xaxes(tickvals=months, ticktext=[f"{m}" for m in months])
    figure.update_yaxes(**money_axis_format(result.scenario.currency), rangemode="tozero")
    return _layout(
        figure,
        "IT spend month by month: how predictable is each option?",
        "Month of the first year",
        "IT spend in the month (bills, fees, parts)",
    )


def _band(figure: go.Figure, x: Any, low: Any, high: Any, colour: str, **lower: Any) -> None:
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


def tier_costs(table: pd.DataFrame, scenario: Scenario) -> go.Figure:
    """Expected downtime losses of each tier, the options side by side.

    ``table`` is :func:`analysis.decision.breakdowns.tier_breakdown`'s: one row per tier,
    (option, quantity) columns with ``downtime`` and ``incidents``.
    """
    figure = go.Figure()
    currency = scenario.currency
    amount = money_template(currency, "%{y:,.0f}")
    options = list(dict.fromkeys(table.columns.get_level_values(0)))
    palette = colours(scenario.option_names)
    for option in options:
        part = table[option]
        figure.add_bar(
            x=[plot_text(str(tier)) for tier in table.index],
            y=part["downtime"],
            name=label(scenario, option),
            marker_color=palette.get(option, PALETTE[-1]),
            customdata=np.column_stack([part["incidents"], part["lost_hours"]]),
            texttemplate=amount,
            textposition="auto",
            hovertemplate=(
                "%{x}: " + amount + " (%{customdata[0]:,.1f} incidents, "
                "%{customdata[1]:,.0f} lost operating hours)<extra>%{fullData.name}</extra>"
            ),
        )
    figure.update_layout(barmode="group")
    figure.update_yaxes(**money_axis_format(currency))
    return _layout(
        figure,
        "Estimated downtime by incident tier",
        "Incident tier",
        "Mean downtime losses per simulated period",
    )


def tornado(table: pd.DataFrame, currency: str, option_name: str = "") -> go.Figure:
    """Bars from the change in expected saving with each input low to with it high, largest
    swing on top. The bars are changes from the tornado's own base, so no figure on the chart
    can disagree with a summary of another simulation.

    ``table`` is :func:`analysis.decision.sensitivity.tornado`'s; ``option_name`` names the
    option whose saving it is (plain text).
    """
    rows = table.iloc[::-1]  # plotly draws the first category at the bottom
    base = rows["base"].to_numpy(dtype=float)
    amount = money_template(currency, "%{x:,.0f}")
    figure = go.Figure()
    labels = [plot_text(str(text)) for text in rows["label"]]
    for side, colour in (("low", "#8da0cb"), ("high", "#fc8d62")):
        factors = [f"{text} (x{factor:g})" for text, factor in zip(labels, rows[side],
                                                                     strict=True)]  # fmt: skip
        figure.add_bar(
            y=labels, x=rows[f"savings_{side}"].to_numpy(dtype=float) - base, orientation="h",
            name=f"input {side}", marker_color=colour, customdata=factors,
            hovertemplate="%{customdata}: expected saving changes by " + amount + "<extra></extra>",
        )  # fmt: skip
    figure.add_vline(x=0, line_color="black", line_width=1)
    figure.update_layout(barmode="overlay")
    figure.update_xaxes(**money_axis_format(currency))
    whose = f" with {plot_text(option_name)}" if option_name else ""
    figure = _layout(
        figure,
        "Which input matters most? Change in the expected saving",
        f"Change in the expected saving{whose} against the baseline, input low and high",
        "",
    )
    figure.update_layout(height=max(360, 34 * len(rows) + 140))
    return figure


def sobol_indices(table: pd.DataFrame) -> go.Figure:
    """First-order and total Sobol indices with their 95% intervals (``sensitivity.sobol``)."""
    rows = table.iloc[::-1]
    labels = [plot_text(str(text)) for text in rows["label"]]
    figure = go.Figure()
    for key, name, colour in (
        ("S1", "first order (alone)", "#66c2a5"),
        ("ST", "total (with interactions)", "#e78ac3"),
    ):
        figure.add_bar(
            y=labels, x=rows[key], error_x={"type": "data", "array": rows[f"{key}_conf"]},
            orientation="h", name=name, marker_color=colour,
            hovertemplate="%{y}: %{x:.2f}<extra>" + name + "</extra>",
        )  # fmt: skip
    figure.update_layout(barmode="group")
    figure.update_xaxes(range=[0, 1.05])
    figure = _layout(
        figure,
        "Share of the uncertainty in the expected saving due to each input (Sobol indices)",
        "Sobol index (share of variance), with 95% interval",
        "",
    )
    figure.update_layout(height=max(360, 40 * len(rows) + 140))
    return figure


def sweep_curves(
    table: pd.DataFrame,
    parameter: str,
    scenario: Scenario,
    breakevens: dict[str, float | None] | None = None,
) -> go.Figure:
    """Across a sweep: each alternative's expected saving against the baseline (with its 95%
    band), and below, each option's chance of being the cheapest.

    ``table`` is :func:`analysis.decision.sweeps.sweep`'s (columns ``savings.<o>.mean``,
    ``savings.<o>.low``, ``savings.<o>.high``, ``prob_cheapest.<o>``); ``breakevens`` marks
    each alternative's break-even value.
    """
    from plotly.subplots import make_subplots

    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    x = table["value"]
    options = [o for o in scenario.option_names if f"prob_cheapest.{o}" in table]
    palette = colours(scenario.option_names)
    currency = scenario.currency
    amount = money_template(currency, "%{y:,.0f}")
    for option in options:
        name, colour = label(scenario, option), palette[option]
        if f"savings.{option}.mean" in table:
            _band(figure, x, table[f"savings.{option}.low"], table[f"savings.{option}.high"],
                  colour, row=1, col=1)  # fmt: skip
            figure.add_scatter(
                x=x, y=table[f"savings.{option}.mean"], mode="lines+markers",
                name=f"{name}: expected saving", line={"color": colour, "width": 2.5},
                row=1, col=1,
                hovertemplate="%{x:,.4g}: " + amount + _WHO,
            )  # fmt: skip
        figure.add_scatter(
            x=x, y=table[f"prob_cheapest.{option}"], mode="lines+markers", row=2, col=1,
            name=f"{name}: chance cheapest", line={"color": colour, "dash": "dot"},
            hovertemplate="%{x:,.4g}: %{y:.1%}<extra>%{fullData.name}</extra>",
        )  # fmt: skip
    figure.add_hline(y=0, line_color="black", line_width=1, row=1, col=1)
    for option, value in (breakevens or {}).items():
        if value is not None and np.isfinite(value):
            figure.add_vline(
                x=value, line_color=palette.get(option, "black"), line_dash="dash",
                annotation_text=f"break-even {value:,.4g}", annotation_position="top",
            )  # fmt: skip
    base = label(scenario, scenario.baseline_name)
    figure.update_yaxes(**money_axis_format(currency), title_text=f"Saving vs {base}", row=1,
                        col=1)  # fmt: skip
    figure.update_yaxes(tickformat=".0%", range=[0, 1], title_text="Chance cheapest", row=2, col=1)
    figure.update_xaxes(title_text=plot_text(parameter), row=2, col=1)
    figure.update_layout(
        title={"text": f"Sweeping {plot_text(parameter)}: expected saving and chance cheapest"},
        template=_TEMPLATE,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        margin={"t": 130},
        height=660,
    )
    return figure
