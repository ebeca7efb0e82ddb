"""What a result means for the decision: the verdict in words, the break-even fee, tier by tier.

Shared by the report and the app, so that both say the same thing about the same numbers.

Examples
--------
>>> from analysis import load_scenario, simulate
>>> result = simulate(load_scenario("small-office"), trials=5_000, seed=1)
>>> verdict(result).startswith("**Managed services are expected to cost less")
True
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from analysis.engine import simulate
from analysis.formatting import money, share_text, simulated_periods
from analysis.result import Result
from analysis.scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd

#: Quantities of :func:`tier_breakdown`, per model: means per simulated horizon.
TIER_QUANTITIES = ("incidents", "downtime_hours", "support", "downtime")


def fee_sensitivity(scenario: Scenario) -> float:
    """How much the managed cost grows per unit of the per-user monthly fee, in every trial:
    ``12 * employees * sum of g_y`` (money per horizon per unit of fee)."""
    return 12 * scenario.organisation.employees * sum(scenario.horizon.year_factors())


def breakeven_fee(result: Result) -> float:
    """The managed per-user monthly fee at which expected savings are zero (negative when
    break-fix is cheaper even at no fee; ``inf`` when managed stays cheaper at any fee the
    search covers).

    Savings fall by :func:`fee_sensitivity` per unit of fee in every trial, exactly, on the
    same draws: one run gives the answer without root finding. With SLA credits (capped at a
    share of the fee) it is solved by :func:`analysis.breakeven` on the result's seed.

    Examples
    --------
    >>> from analysis import load_scenario, simulate
    >>> result = simulate(load_scenario("small-office"), trials=5_000, seed=1)
    >>> fee = breakeven_fee(result)
    >>> again = simulate(result.scenario.with_overrides({"managed.per_user_monthly": fee}),
    ...                  trials=5_000, seed=1)
    >>> bool(abs(again.columns["savings"].mean()) < 1e-6)
    True
    """
    from analysis.break_even import breakeven, fee_is_linear

    scenario = result.scenario
    if fee_is_linear(scenario):
        mean_savings = float(result.columns["savings"].mean())
        return scenario.managed.per_user_monthly + mean_savings / fee_sensitivity(scenario)
    # SLA credits are capped at a share of the fee: solved on the same draws instead.
    answer = breakeven(scenario, "managed.per_user_monthly", result.n_trials, result.seed)
    if answer.found:
        return answer.value
    return math.inf if answer.cheaper == "managed" else -1.0


def _money(amount: float, currency: str) -> str:
    # A bare "$" starts mathematics in Jupyter's and Streamlit's Markdown.
    return money(amount, currency).replace("$", r"\$")


def verdict(result: Result) -> str:
    """The answer in two or three plain sentences (Markdown): which model is expected to cost
    less, by how much and how surely, and at what fee the answer would flip."""
    summary = result.summary()
    scenario, currency = result.scenario, summary["currency"]
    years = scenario.horizon.years
    per = "a year" if years == 1 else f"over {years} years"
    many = simulated_periods(years)
    savings = summary["comparison"]["savings"]
    cheaper = summary["comparison"]["prob_managed_cheaper"]
    interval = f"{_money(savings['p05'], currency)} and {_money(savings['p95'], currency)}"
    if savings["mean"] > 0:
        head = "**Managed services are expected to cost less"
        amount = f"They save {_money(savings['mean'], currency)} {per} on average"
    else:
        head = "**Break-fix (paying per incident) is expected to cost less"
        amount = f"Managed services would cost {_money(-savings['mean'], currency)} more {per}"
        amount += " on average"
    head += ", but only narrowly.**" if 0.4 < cheaper < 0.6 else ".**"
    sentences = [
        head,
        f"{amount}; in 90% of simulated {many} the saving lies between {interval}.",
        f"Managed services are cheaper in {share_text(cheaper)} of "
        f"{summary['trials']:,} simulated {many}.",
    ]
    fee, flip = scenario.managed.per_user_monthly, breakeven_fee(result)
    quoted = f"(now {_money(fee, currency)})"
    if savings["mean"] > 0 and math.isinf(flip):
        sentences.append(
            f"Managed services stay cheaper on average even at 20 times the fee {quoted}."
        )
    elif savings["mean"] > 0:
        sentences.append(
            f"Managed services stay cheaper on average up to a fee of about "
            f"{_money(flip, currency)} per user per month {quoted}."
        )
    elif flip > 0:
        sentences.append(
            f"They would become cheaper on average below a fee of about "
            f"{_money(flip, currency)} per user per month {quoted}."
        )
    else:
        sentences.append("Even at no fee at all, managed services would not pay for themselves.")
    return " ".join(sentences)


def tier_breakdown(scenario: Scenario, trials: int, seed: int) -> pd.DataFrame:
    """Mean incidents, downtime hours, support and downtime cost of each tier, per model.

    Each tier draws from its own random streams (keyed by its name), so simulating a tier on
    its own, without fixed fees, SLA credits or security events, reproduces exactly its share
    of ``simulate(scenario, trials, seed)``: the tiers add up to the incident-driven part of
    the whole. Under a hybrid contract a tier costs what it costs under the model that serves
    it. O(one simulation) time.

    Returns
    -------
    pandas.DataFrame
        One row per tier (in the scenario's order), columns ``(model, quantity)`` for the
        models ``break_fix``, ``managed`` (and ``hybrid``) and :data:`TIER_QUANTITIES`; means
        per simulated horizon, money in the scenario's currency.

    Examples
    --------
    >>> from analysis import load_scenario
    >>> table = tier_breakdown(load_scenario("small-office"), trials=2_000, seed=1)
    >>> list(table.index), bool(table[("break_fix", "incidents")].sum() > 30)
    (['critical', 'major', 'minor'], True)
    """
    import pandas as pd  # here, not at the top: the command line starts faster

    no_fees = {"per_user_monthly": 0.0, "per_device_monthly": 0.0, "onboarding_fee": 0.0}
    rows = {}
    for tier, spec in scenario.incidents.items():
        managed = scenario.managed.model_copy(
            update={**no_fees, "incident_reduction": {tier: scenario.reduction(tier)}}
        )
        alone = scenario.model_copy(
            update={
                "incidents": {tier: spec},
                "managed": managed,
                "security": None,
                "hybrid": None,
            }
        )
        columns = simulate(alone, trials=trials, seed=seed).columns
        rows[tier] = {
            (model, quantity): float(columns[f"{model}_{quantity}"].mean())
            for model in ("break_fix", "managed")
            for quantity in TIER_QUANTITIES
        }
        if scenario.hybrid is not None:
            serves = "managed" if tier in scenario.hybrid.managed_tiers else "break_fix"
            rows[tier].update({("hybrid", q): rows[tier][(serves, q)] for q in TIER_QUANTITIES})
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.columns = pd.MultiIndex.from_tuples(table.columns, names=["model", "quantity"])
    return table


#: The model in plain words (Markdown), for the report and the app.
METHOD = """\
- **Monte Carlo simulation.** We simulate many possible years of IT incidents for the
  business. In each, incidents of each severity arrive at random at the rates given; each has
  a wait for a technician, a repair time, sometimes a hardware part.
- **Same incidents, two ways to pay.** Both options are costed on the same simulated
  incidents. Under managed services, proactive care prevents a share of them, the provider
  responds sooner and repairs go faster; the contract fee is fixed per user (and device).
  Under break-fix, each incident is billed by the hour, with a minimum, a call-out fee and an
  after-hours rate.
- **Downtime costs money.** While systems are down, affected staff lose part of their
  output (at their loaded hourly cost) and part of the revenue stops.
- **Rare security events** (ransomware, breaches) happen at a lower rate under managed care.
- **What is not modelled.** Staff time spent finding a technician, reputational harm beyond
  the stated security losses, and strategic IT advice that a managed provider may include.
  Downtime is counted in elapsed hours, so outages over nights and weekends are counted in
  full.
"""


#: The inputs whose break-even the report and the app show: (dotted path, what it is).
BREAKEVEN_INPUTS = (
    ("managed.per_user_monthly", "Managed fee per user (per month)"),
    ("incidents.*.rate_per_year", "Incident rates (multiple of today's)"),
    ("break_fix.hourly_rate", "Break-fix hourly rate"),
    ("organisation.revenue_per_hour", "Revenue per hour"),
)


def breakeven_table(scenario: Scenario, trials: int, seed: int) -> pd.DataFrame:
    """The break-even of each of :data:`BREAKEVEN_INPUTS`.

    Parameters
    ----------
    scenario
        The scenario.
    trials, seed
        Each run's trials and the seed they all share (see :func:`analysis.breakeven`).

    Returns
    -------
    pandas.DataFrame
        One row per input: ``input`` (in words), ``parameter`` (its path), ``now``,
        ``break_even`` (None when there is none in range), ``stderr`` and ``note``.
    """
    import pandas as pd  # here, not at the top: the command line starts faster

    from analysis.break_even import breakeven

    rows = []
    for path, label in BREAKEVEN_INPUTS:
        answer = breakeven(scenario, path, trials=trials, seed=seed)
        rows.append({"input": label, "parameter": path, "now": answer.current,
                     "break_even": answer.value, "stderr": answer.stderr,
                     "note": answer.note})  # fmt: skip
    return pd.DataFrame(rows)


def budget_table(result: Result) -> pd.DataFrame:
    """:func:`analysis.budget.budget_risk` as a table.

    Parameters
    ----------
    result
        A result simulated with ``monthly=True``.

    Returns
    -------
    pandas.DataFrame
        One row per model (named for people), columns ``monthly_mean``, ``monthly_std``,
        ``worst_month_p95``, ``annual_mean`` and ``prob_over_budget``.
    """
    import pandas as pd  # here, not at the top: the command line starts faster

    from analysis.budget import budget_risk

    names = {"break_fix": "Break-fix", "managed": "Managed services", "hybrid": "Hybrid"}
    risk = budget_risk(result)
    table = pd.DataFrame.from_dict(risk, orient="index")
    table.index = [names[model] for model in table.index]
    return table[["monthly_mean", "monthly_std", "worst_month_p95", "annual_mean",
                  "prob_over_budget"]]  # fmt: skip


def hybrid_summary(result: Result) -> str | None:
    """One sentence on the hybrid contract (Markdown), or None without one."""
    scenario = result.scenario
    if scenario.hybrid is None:
        return None
    summary = result.summary()
    currency, years = summary["currency"], scenario.horizon.years
    per = "a year" if years == 1 else f"over {years} years"
    hybrid = summary["models"]["hybrid"]["total"]["mean"]
    savings = summary["comparison"]["savings_hybrid"]["mean"]
    cheaper = summary["comparison"]["prob_hybrid_cheaper"]
    tiers = ", ".join(scenario.hybrid.managed_tiers) or "no tier"
    versus = (f"saves {_money(savings, currency)}" if savings > 0
              else f"costs {_money(-savings, currency)} more")  # fmt: skip
    return (
        f"**Hybrid** (managed care for {tiers}, break-fix for the rest): expected cost "
        f"{_money(hybrid, currency)} {per}; against break-fix it {versus} on average and is "
        f"cheaper in {share_text(cheaper)} of simulated {simulated_periods(years)}."
    )
