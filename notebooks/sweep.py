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
parameter: str = "managed.per_user_monthly"  # dotted field; incidents.*.rate_per_year: x every rate
values: str = "50:400:15"  # LO:HI:STEPS, evenly spaced values of the parameter
trials: int = 20_000  # Monte Carlo trials per value (more: narrower bands, slower)
seed: int = 2026  # random seed, the same for every value (common random numbers)
overrides: dict = {}  # dotted keys to values, as --set: {"break_fix.hourly_rate": 175}
output_dir: str = ""  # folder for scenario.yaml and sweep.csv; empty: none

# %%
# Check every parameter before any work: a bad one stops here with one line naming it.
import shlex

from IPython.display import Markdown, display

from analysis.decision.breakeven import PARAMETERS, breakeven
from analysis.decision.sweeps import crossing, sweep
from analysis.present.formatting import escape
from analysis.present.plots import sweep_curves
from analysis.present.tables import markdown_table
from analysis.report.notebook import Chart, PlotlyScript, footer
from analysis.report.parameters import check_sweep_parameters, write_sweep_outputs

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
# Monte Carlo estimate. The break-even is where expected savings cross zero.

# %%
solvable = params.parameter in PARAMETERS or (
    params.parameter.startswith("incidents.") and params.parameter.endswith(".rate_per_year")
)
point = crossing(table)
if solvable and point is not None:  # solved precisely on the same seed, with its uncertainty
    answer = breakeven(params.scenario, params.parameter, params.trials, params.seed)
    if answer.found:
        point = answer.value
        error = "unknown" if answer.stderr is None else f"{answer.stderr:,.2g}"
        text = f"**Break-even: {point:,.4g}** (Monte Carlo standard error {error}); {answer.note}."
    else:  # the solver searched another range: the swept curve still crosses zero here
        text = f"**Break-even: about {point:,.4g}**, between two swept values (interpolated)."
elif point is not None:
    text = f"**Break-even: about {point:,.4g}**, between two swept values (linear interpolation)."
else:
    text = "Expected savings do not cross zero in the swept range: no break-even there."
display(Markdown(text))
Chart(sweep_curves(table, params.parameter, params.scenario.currency, point))

# %% [markdown]
# ## The numbers

# %%
header = (params.parameter, "expected saving", "standard error", "chance managed is cheaper")
rows = [
    (f"{row.value:,.4g}", f"{row.savings_mean:,.0f}", f"{row.savings_se:,.0f}",
     f"{row.prob_managed_cheaper:.1%}")
    for row in table.itertuples()
]  # fmt: skip
display(Markdown(markdown_table(header, rows)))

# %%
command = shlex.join(["itcost", "sweep", "scenario.yaml", "--parameter", params.parameter,
                      "--range", values, "--trials", str(params.trials), "--seed",
                      str(params.seed)])  # fmt: skip
runs = f"{params.trials:,} trials per value"
display(Markdown(footer(params.scenario, params.seed, runs, command, "sweep")))
