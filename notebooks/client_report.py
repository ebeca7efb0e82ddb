# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
scenario: str = "small-office"  # preset name (itcost presets) or path to a scenario YAML file
client_name: str = "Example client"  # shown on the report; plain text, never markup
prepared_by: str = ""  # consultant or firm named on the report (optional)
trials: int = 100_000  # Monte Carlo trials (more: smoother figures, slower)
seed: int = 2026  # random seed: the same seed and trials give the same numbers
overrides: dict = {}  # dotted keys to values, as --set: {"managed.per_user_monthly": 140}
output_dir: str = ""  # folder for scenario.yaml, summary.json and trials.parquet; empty: none

# %%
# Check every parameter before any work: a bad one stops here with one line naming it.
from IPython.display import Markdown, display

from analysis import simulate, tornado
from analysis.decision.breakdowns import budget_table
from analysis.decision.breakeven import breakeven_table
from analysis.defaults import DECISION_TRIALS
from analysis.present import narrative, tables
from analysis.present.formatting import escape, money
from analysis.present.plots import (
    cost_breakdown,
    cost_distribution,
    loss_exceedance,
    monthly_spend,
    savings_distribution,
)
from analysis.present.plots import tornado as tornado_chart
from analysis.report.notebook import Chart, PlotlyScript, report_footer
from analysis.report.parameters import check_report_parameters, write_report_outputs

params = check_report_parameters(
    scenario, client_name, prepared_by, trials, seed, overrides, output_dir
)
result = simulate(params.scenario, trials=params.trials, seed=params.seed, monthly=True)
currency = params.scenario.currency
# Break-even and sensitivity run the model dozens of times: fewer trials each, same seed.
decision_trials = min(params.trials, DECISION_TRIALS)
write_report_outputs(params, result)
display(PlotlyScript())  # plotly.js, embedded once: the exported report works offline

# %%
display(Markdown(narrative.title(params.scenario, params.client_name, params.prepared_by)))

# %% [markdown]
# ## Executive summary

# %%
display(Markdown(narrative.executive_summary(result, params.client_name)))
hybrid = narrative.hybrid_summary(result)
if hybrid:
    display(Markdown(f"- {hybrid}"))

# %% [markdown]
# ## Your inputs
#
# Every figure the simulation used. Durations and amounts given as a median and a 90th
# percentile (p90) vary from incident to incident: half are below the median, one in ten above
# the p90.

# %%
display(
    Markdown(
        tables.markdown_table(
            ("Input and unit", "Value", "Field (for --set)"), tables.inputs_table(params.scenario)
        )
    )
)

# %% [markdown]
# ## How the total cost is spread
#
# Each bar is the share of simulations with a total cost in that range. Break-fix costs
# swing with the number and severity of incidents; a managed contract is mostly a fixed fee.

# %%
Chart(cost_distribution(result))

# %% [markdown]
# ## How bad can it get?
#
# The chance that the total cost exceeds a given amount. The further right a curve reaches at
# the bottom, the larger the rare, expensive years (a ransomware attack, a long outage).

# %%
Chart(loss_exceedance(result))

# %% [markdown]
# ## Where the money goes

# %%
Chart(cost_breakdown(result))

# %% [markdown]
# ## The saving, simulation by simulation
#
# Break-fix cost minus managed cost in each simulation, both driven by the same incidents.
# Bars right of zero are the cases in which managed services cost less.

# %%
Chart(savings_distribution(result))

# %% [markdown]
# ## When would the answer flip?
#
# The value of each input at which both options are expected to cost the same, the others as
# they are. Each is solved on the same simulated incidents; ± is its Monte Carlo standard error.

# %%
flips = breakeven_table(params.scenario, decision_trials, params.seed)
display(Markdown(tables.markdown_table(("Input", "Now", "Break-even", "What it means"),
                                       tables.breakeven_rows(flips, currency))))  # fmt: skip

# %% [markdown]
# ## Which input matters most?
#
# Each bar moves one input to half and to one and a half times its value, the others as they
# are, and shows the expected saving at both ends. The longest bars are the inputs whose true
# value matters most to the decision.

# %%
swings = tornado(params.scenario, trials=decision_trials, seed=params.seed)
display(Markdown(narrative.tornado_text(swings, currency)))
Chart(tornado_chart(swings, currency))

# %% [markdown]
# ## How predictable is the IT bill?
#
# IT spend month by month (bills, contract fees, parts; not downtime or security losses). A
# contract costs about the same every month; paying per incident swings with what breaks. The
# budget to compare with is the managed contract's annual fee unless the scenario gives one.

# %%
budget = budget_table(result)
display(Markdown(tables.markdown_table(
    ("Model", "Mean month", "Month-to-month spread (sd)", "Worst month (P95)",
     f"Chance a year exceeds {escape(money(params.scenario.it_budget, currency))}"),
    tables.budget_rows(budget, currency),
)))  # fmt: skip
Chart(monthly_spend(result))

# %% [markdown]
# ## Method and assumptions

# %%
display(Markdown(narrative.METHOD))

# %% [markdown]
# ### Sources of the default figures
#
# The published figures behind the presets' defaults. The other defaults (incident rates,
# prevention shares, response and repair times) are our stated assumptions, each with its
# reasoning in the tool's `data/references.yaml`; where you know your own figures, use them.

# %%
display(Markdown(tables.markdown_table(("Source", "Figure"), tables.sources_table())))

# %%
display(Markdown(report_footer(params)))
