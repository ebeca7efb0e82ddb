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
scenario: str = "server-office"  # preset name (itcost presets) or path to a scenario YAML file
client_name: str = "Example client"  # shown on the report; plain text, never markup
prepared_by: str = ""  # consultant or firm named on the report (optional)
trials: int = 100_000  # Monte Carlo trials (more: smoother figures, slower)
seed: int = 2026  # random seed: the same seed and trials give the same numbers
overrides: dict = {}  # dotted paths to values, as --set: {"options.managed.title": "Acme"}
output_dir: str = ""  # folder for scenario.yaml, summary.json and trials.parquet; empty: none

# %%
# Check every parameter before any work: a bad one stops here with one line naming it.
from analysis.report.parameters import REPORT_PARAMETERS, refuse_unknown_parameters

refuse_unknown_parameters(globals(), REPORT_PARAMETERS)  # a misspelt `-p trails 1000`, say
from IPython.display import Markdown, display

from analysis import simulate
from analysis.defaults import DECISION_TRIALS
from analysis.present import guard_rails, narrative, plots, tables
from analysis.report import sections
from analysis.report.notebook import Chart, PlotlyScript, report_footer
from analysis.report.parameters import check_report_parameters, write_report_outputs

params = check_report_parameters(
    scenario, client_name, prepared_by, trials, seed, overrides, output_dir
)
# One simulation behind every figure shown together: the summary, the tables, the guard rails,
# the break-even fees, the tiers and the budget all read this result.
result = simulate(params.scenario, trials=params.trials, seed=params.seed, monthly=True)
decision = narrative.decision_summary(result)
currency = params.scenario.currency
# The tornado runs the model again for each input: fewer trials each, same seed.
decision_trials = min(params.trials, DECISION_TRIALS)
write_report_outputs(params, result)
display(PlotlyScript())  # plotly.js, embedded once: the exported report works offline

# %%
display(Markdown(narrative.title(params.scenario, params.client_name, params.prepared_by)))

# %% [markdown]
# ## Executive summary

# %%
for part in narrative.executive_summary_parts(result, params.client_name, decision):
    display(Markdown(part))  # blocks a printed page keeps whole

# %% [markdown]
# ## The options side by side
#
# Expected amounts per simulated period, from the lowest expected total. IT spend is what you
# pay (fees, bills, parts); downtime and security are estimated losses. Savings are the
# baseline's amount minus the option's: positive means the option costs less.

# %%
display(Markdown(tables.options_markdown(result, decision)))
Chart(plots.totals_by_option(result))

# %%
Chart(plots.prob_cheapest(result))

# %% [markdown]
# ## Reading the comparison honestly
#
# A total adds cash to estimates. These notes say where the estimates carry the answer.

# %%
display(Markdown(sections.guard_rail_notes(guard_rails.guard_rails(result, decision))))

# %% [markdown]
# ## The saving, simulation by simulation
#
# Each alternative's saving against the baseline in each simulation, all costed on the same
# incidents. Right of zero, the alternative costs less.

# %%
Chart(plots.savings_distributions(result))

# %% [markdown]
# ## How bad can it get?
#
# The chance that the total cost exceeds a given amount. The further right a curve reaches at
# the bottom, the larger the rare, expensive years (a ransomware attack, a long outage).

# %%
Chart(plots.loss_exceedance(result))

# %% [markdown]
# ## When would the answer flip?
#
# For each managed option, the fee per user per month at which its expected total equals the
# baseline's, the other inputs as they are. Solved exactly on the same simulated incidents.

# %%
display(Markdown(sections.breakeven_section(result)))

# %% [markdown]
# ## Questions to ask each provider
#
# What to settle with each provider before signing, from what drives this comparison: the
# response time of the tier that decides it, what is billed outside a contract, minimums and
# onboarding, and where a quoted fee stands against its break-even.

# %%
display(Markdown(sections.questions_section(result, decision)))

# %% [markdown]
# ## Which input matters most?
#
# Each bar moves one input to half and to one and a half times its value, the others as they
# are, and shows how the expected saving of the best alternative against the baseline
# changes. The longest bars are the inputs whose true value matters most to the decision.

# %%
swings = sections.tornado_table(result, decision_trials)
if swings is None:
    display(Markdown("No alternative to the baseline: nothing to compare."))
else:
    display(Markdown(sections.tornado_section(swings, decision, decision_trials)))
    display(Chart(plots.tornado(swings, currency, decision.titles[swings.attrs["option"]])))

# %% [markdown]
# ## Where the losses come from
#
# Each incident tier's expected incidents, lost operating hours and estimated downtime under
# each option.

# %%
tiers = sections.tier_table(result)
tier_rows = tables.tier_rows(tiers, currency, params.scenario)
display(Markdown(tables.markdown_table(tables.TIER_HEADER, tier_rows)))
Chart(plots.tier_costs(tiers, params.scenario))

# %% [markdown]
# ## How predictable is the IT bill?
#
# IT spend month by month (bills, contract fees, parts; not downtime or security losses). A
# contract costs about the same every month; paying per incident swings with what breaks.

# %%
display(Markdown(sections.budget_section(result)))
Chart(plots.monthly_spend(result))

# %% [markdown]
# ## Your inputs
#
# Every figure the simulation used, with the dotted path to change it (`--set`). Durations and
# amounts given as a median and a 90th percentile (p90) vary from incident to incident: half
# are below the median, one in ten above the p90.

# %%
display(
    Markdown(
        tables.markdown_table(
            ("Input and unit", "Value", "Field (for --set)"), tables.inputs_table(params.scenario)
        )
    )
)

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
