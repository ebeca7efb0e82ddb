"""analysis.present.plots: figures for any number of options, names as text."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis import load_scenario, simulate
from analysis.present import plots

HOSTILE = "<b>Acme</b> %{y} <a href='http://e.com'>x</a>"
FOURTH = {
    "options.acme-msp": {
        "kind": "managed", "title": HOSTILE, "covers": "all",
        "fees": {"per_user_monthly": 120}, "response_hours": {"default": 2},
    }
}  # fmt: skip


@pytest.fixture(scope="module")
def result():
    scenario = load_scenario("server-office").with_overrides(FOURTH)
    return simulate(scenario, trials=2_000, seed=9, monthly=True)


def _text(figure) -> str:
    return json.dumps(figure.to_plotly_json(), default=str)


@pytest.mark.parametrize(
    "chart",
    [plots.totals_by_option, plots.prob_cheapest, plots.cost_distribution,
     plots.savings_distributions, plots.loss_exceedance, plots.downtime_hours,
     plots.monthly_spend],
)  # fmt: skip
def test_names_are_text_in_every_figure(result, chart):
    text = _text(chart(result))
    assert "<b>Acme" not in text and "<a href" not in text
    assert "&lt;b&gt;Acme&lt;/b&gt;" in text


def test_one_series_per_option(result):
    assert len(plots.cost_distribution(result).data) == 4
    assert len(plots.savings_distributions(result).data) == 3  # every option but the baseline
    bars = plots.prob_cheapest(result).data[0]
    assert sum(bars.x) == pytest.approx(1.0)
    assert len(set(plots.colours(result.options).values())) == 4


def test_totals_stack_it_spend_first_with_the_means_of_the_result(result):
    figure = plots.totals_by_option(result)
    spend, downtime, security = figure.data[:3]
    assert spend.name == "IT spend"
    for index, option in enumerate(result.options):
        assert spend.y[index] == pytest.approx(np.mean(result.column(option, "it_spend")))
        assert downtime.y[index] == pytest.approx(np.mean(result.column(option, "downtime")))
        assert security.y[index] == pytest.approx(np.mean(result.column(option, "security")))


def test_monthly_spend_needs_months():
    plain = simulate(load_scenario("server-office"), trials=500, seed=1)
    with pytest.raises(ValueError, match="monthly=True"):
        plots.monthly_spend(plain)


def test_decision_charts_from_their_tables(result):
    tornado = pd.DataFrame({"label": ["Fee <b>", "Rates"], "low": [0.5, 0.5], "high": [1.5, 1.5],
                            "savings_low": [900.0, 100.0], "savings_high": [-500.0, 300.0],
                            "base": [200.0, 200.0], "swing": [1400.0, 200.0]})  # fmt: skip
    figure = plots.tornado(tornado, "USD", HOSTILE)
    assert list(figure.data[0].x) == [-100.0, 700.0]  # changes from the base, last row first
    assert "<b>" not in _text(figure)
    sobol = pd.DataFrame({"label": ["a", "b"], "S1": [0.5, 0.2], "S1_conf": [0.1, 0.1],
                          "ST": [0.6, 0.3], "ST_conf": [0.1, 0.1]})  # fmt: skip
    assert len(plots.sobol_indices(sobol).data) == 2
    scenario = result.scenario
    sweep = pd.DataFrame({"value": [100.0, 200.0]})
    for option in scenario.option_names:
        sweep[f"prob_cheapest.{option}"] = [0.25, 0.25]
        if option != scenario.baseline_name:
            for key in ("mean", "low", "high", "se"):
                sweep[f"savings.{option}.{key}"] = [100.0, -100.0]
    figure = plots.sweep_curves(sweep, "options.managed.fees.per_user_monthly", scenario,
                                {"managed": 150.0, "hybrid": None})  # fmt: skip
    names = [trace.name for trace in figure.data if trace.name]
    assert len([n for n in names if n.endswith("chance cheapest")]) == 4
    assert len([n for n in names if n.endswith("expected saving")]) == 3
    assert "<b>Acme" not in _text(figure)
