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
parameter: str = "options.managed.fees.per_user_monthly"  # dotted field; a * path: x every value
values: str = "50:400:15"  # LO:HI:STEPS, evenly spaced values of the parameter
trials: int = 20_000  # Monte Carlo trials per value (more: narrower bands, slower)
seed: int = 2026  # random seed, the same for every value (common random numbers)
overrides: dict = {}  # dotted keys to values, as --set: {"options.break-fix.rates.onsite": 175}
output_dir: str = ""  # folder for scenario.yaml and sweep.csv; empty: none

# %%
# Check every parameter before any work: a bad one stops here with one line naming it.
from analysis.report.parameters import SWEEP_PARAMETERS, refuse_unknown_parameters

refuse_unknown_parameters(globals(), SWEEP_PARAMETERS)  # a misspelt `-p trails 1000`, say
import shlex

from IPython.display import Markdown, display

from analysis.decision.sweeps import sweep
from analysis.present.formatting import escape
from analysis.present.plots import sweep_curves
from analysis.present.tables import markdown_table
from analysis.report.notebook import Chart, PlotlyScript, footer
from analysis.report.parameters import check_sweep_parameters, write_sweep_outputs
from analysis.report.sweep import breakeven_lines, sweep_rows

params = check_sweep_parameters(scenario, parameter, values, trials, seed, overrides, output_dir)
table = sweep(params.scenario, params.parameter, params.values, params.trials, params.seed)
write_sweep_outputs(params, table)
display(PlotlyScript())  # plotly.js, embedded once: the exported page works offline

# %%
name = escape(params.scenario.name)
display(Markdown(f"# Sweep of `{params.parameter}`\n\n**{name}** · {params.trials:,} trials per "
                 f"value · amounts in {params.scenario.currency}"))  # fmt: skip

# %% [markdown]
# Each point simulates the scenario with the swept value and the same random seed, so the
# curves show the effect of this input alone. The bands are 95% intervals of each point's
# Monte Carlo estimate. An alternative breaks even with the baseline where its expected saving
# crosses zero.

# %%
text, points = breakeven_lines(table, params)
display(Markdown(text))
Chart(sweep_curves(table, params.parameter, params.scenario, points))

# %% [markdown]
# ## The numbers

# %%
display(Markdown(markdown_table(*sweep_rows(table, params.scenario))))

# %%
command = shlex.join(["itcost", "sweep", "scenario.yaml", "--parameter", params.parameter,
                      "--range", values, "--trials", str(params.trials), "--seed",
                      str(params.seed)])  # fmt: skip
runs = f"{params.trials:,} trials per value"
display(Markdown(footer(params.scenario, params.seed, runs, command, "sweep")))
