"""What a result means for the decision, in words: the verdict, the report's summary, the method.

Shared by the report and the app, so that both say the same thing about the same numbers.
Every name a user gave (a client, a scenario) is escaped: it is shown, never read as markup.

Examples
--------
>>> from analysis import load_scenario, simulate
>>> result = simulate(load_scenario("small-office"), trials=5_000, seed=1)
>>> verdict(result).startswith("**Managed services are expected to cost less")
True
"""

from __future__ import annotations

import math
from typing import Any

from analysis.decision.breakeven import breakeven_fee
from analysis.engine.result import Result
from analysis.present.formatting import escape, share_text, simulated_periods
from analysis.present.formatting import money_markdown as _money
from analysis.scenario.model import Scenario


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


def title(scenario: Scenario, client_name: str, prepared_by: str = "") -> str:
    """The report's heading and who it is for (Markdown)."""
    prepared = f" by {escape(prepared_by)}" if prepared_by else ""
    return (
        "# IT support: break-fix or managed services?\n\n"
        f"**Prepared for {escape(client_name)}**{prepared} · "
        f"{scenario.organisation.employees} staff · amounts in {scenario.currency}"
    )


def executive_summary(result: Result, client_name: str) -> str:
    """The recommendation and its key figures in plain words (Markdown)."""
    summary = result.summary()
    scenario, currency = result.scenario, summary["currency"]
    many = simulated_periods(scenario.horizon.years)
    per = "a year" if scenario.horizon.years == 1 else f"over {scenario.horizon.years} years"
    bf, ms = summary["models"]["break_fix"], summary["models"]["managed"]
    savings = summary["comparison"]["savings"]
    cheaper = summary["comparison"]["prob_managed_cheaper"]
    managed_wins = savings["mean"] > 0
    winner = "**Managed services**" if managed_wins else "**Break-fix** (paying per incident)"
    verdict = f"{winner} are expected to cost less"
    if 0.4 < cheaper < 0.6:
        verdict += ", but only narrowly: the two options are close"
    fee, flip = scenario.managed.per_user_monthly, breakeven_fee(result)
    if managed_wins and math.isinf(flip):
        flip_text = (
            "managed services stay the cheaper option on average even at 20 times the quoted "
            f"fee ({_money(fee, currency)})."
        )
    elif managed_wins:
        flip_text = (
            f"managed services stay the cheaper option on average up to a fee of about "
            f"**{_money(flip, currency)} per user per month** "
            f"(quoted: {_money(fee, currency)})."
        )
    elif flip > 0:
        flip_text = (
            f"managed services would become the cheaper option on average at a fee "
            f"below about **{_money(flip, currency)} per user per month** "
            f"(quoted: {_money(fee, currency)})."
        )
    else:
        flip_text = "even at no fee at all, managed services would not pay for themselves here."
    difference = (
        f"- **Expected saving with managed services**: {_money(savings['mean'], currency)}"
        if managed_wins
        else f"- **Expected extra cost of managed services**: {_money(-savings['mean'], currency)}"
    )
    downtime_share = bf["downtime"]["mean"] / bf["total"]["mean"] if bf["total"]["mean"] else 0
    return "\n".join(
        [
            f"### Recommendation for {escape(client_name)}",
            "",
            f"{verdict} for {escape(client_name)} (modelled as: {escape(scenario.name)}).",
            "",
            f"- **Expected cost {per}**: break-fix {_money(bf['total']['mean'], currency)}, "
            f"managed services {_money(ms['total']['mean'], currency)}.",
            f"{difference} (in 90% of simulated {many} the saving lies between "
            f"{_money(savings['p05'], currency)} and {_money(savings['p95'], currency)}).",
            f"- **Managed services are cheaper in {share_text(cheaper)}** of "
            f"{summary['trials']:,} simulated {many}.",
            f"- **Downtime** is {downtime_share:.0%} of the expected break-fix cost. Outages add "
            f"up to {bf['downtime_hours']['mean']:,.0f} hours {per} with break-fix and "
            f"{ms['downtime_hours']['mean']:,.0f} with managed services, counted incident by "
            "incident (most are minor and stop only one or two people) and in elapsed hours, "
            "nights included.",
            f"- **When the answer would flip**: {flip_text}",
        ]
    )


def tornado_text(table: Any, currency: str) -> str:
    """The inputs that move expected savings most, in words (Markdown)."""
    top = table.head(3)
    items = [f"{row.label.lower()} ({_money(row.swing, currency)})" for row in top.itertuples()]
    return (
        "Expected savings move most with " + ", ".join(items[:-1]) + f" and {items[-1]}"
        " between the low and the high value: these are the figures to check first."
    )
