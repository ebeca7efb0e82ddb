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
from dataclasses import dataclass
from typing import Any

from analysis.decision.breakeven import breakeven_fee
from analysis.engine.result import Result
from analysis.present.formatting import escape, share_text, simulated_periods
from analysis.present.formatting import money_markdown as _money
from analysis.scenario.model import Scenario


@dataclass(frozen=True)
class DecisionSummary:
    """The numbers every verdict text tells, worked out once: the app's verdict and the
    report's recommendation read the same summary, so they cannot disagree.

    ``flip`` says how the answer depends on the managed fee: ``"any_fee"`` (managed stays
    cheaper even at :data:`~analysis.decision.breakeven.SEARCH_FACTOR` times the fee),
    ``"up_to"`` (managed is cheaper up to ``flip_fee``), ``"below"`` (managed would be cheaper
    below ``flip_fee``) or ``"no_fee"`` (break-fix is cheaper even at no fee).
    """

    summary: dict[str, Any]  # Result.summary()
    managed_wins: bool  # expected savings > 0
    narrow: bool  # P(managed cheaper) between 40% and 60%
    fee: float  # the quoted managed fee per user per month
    flip_fee: float  # the fee at which expected savings are zero
    flip: str
    per: str  # "a year" or "over 3 years"
    periods: str  # "years" or "3-year horizons"

    @property
    def savings(self) -> dict[str, float]:
        return self.summary["comparison"]["savings"]

    @property
    def prob_managed_cheaper(self) -> float:
        return self.summary["comparison"]["prob_managed_cheaper"]


def decision_summary(result: Result) -> DecisionSummary:
    """:class:`DecisionSummary` of ``result`` (one break-even of the fee, exact from the result
    unless SLA credits apply)."""
    summary = result.summary()
    years = result.scenario.horizon.years
    savings = summary["comparison"]["savings"]["mean"]
    cheaper = summary["comparison"]["prob_managed_cheaper"]
    flip_fee = breakeven_fee(result)
    if savings > 0:
        flip = "any_fee" if math.isinf(flip_fee) else "up_to"
    else:
        flip = "below" if flip_fee > 0 else "no_fee"
    return DecisionSummary(
        summary=summary,
        managed_wins=savings > 0,
        narrow=0.4 < cheaper < 0.6,
        fee=result.scenario.managed.per_user_monthly,
        flip_fee=flip_fee,
        flip=flip,
        per="a year" if years == 1 else f"over {years} years",
        periods=simulated_periods(years),
    )


def verdict(result: Result) -> str:
    """The answer in two or three plain sentences (Markdown): which model is expected to cost
    less, by how much and how surely, and at what fee the answer would flip."""
    decision = decision_summary(result)
    currency, savings, per = decision.summary["currency"], decision.savings, decision.per
    interval = f"{_money(savings['p05'], currency)} and {_money(savings['p95'], currency)}"
    if decision.managed_wins:
        head = "**Managed services are expected to cost less"
        amount = f"They save {_money(savings['mean'], currency)} {per} on average"
    else:
        head = "**Break-fix (paying per incident) is expected to cost less"
        amount = f"Managed services would cost {_money(-savings['mean'], currency)} more {per}"
        amount += " on average"
    head += ", but only narrowly.**" if decision.narrow else ".**"
    many = decision.periods
    quoted = f"(now {_money(decision.fee, currency)})"
    flip = _money(decision.flip_fee, currency)
    flips = {
        "any_fee": f"Managed services stay cheaper on average even at 20 times the fee {quoted}.",
        "up_to": f"Managed services stay cheaper on average up to a fee of about {flip} per user "
        f"per month {quoted}.",
        "below": f"They would become cheaper on average below a fee of about {flip} per user per "
        f"month {quoted}.",
        "no_fee": "Even at no fee at all, managed services would not pay for themselves.",
    }
    return " ".join([
        head,
        f"{amount}; in 90% of simulated {many} the saving lies between {interval}.",
        f"Managed services are cheaper in {share_text(decision.prob_managed_cheaper)} of "
        f"{decision.summary['trials']:,} simulated {many}.",
        flips[decision.flip],
    ])  # fmt: skip


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
    decision = decision_summary(result)
    summary, scenario = decision.summary, result.scenario
    currency, savings, per, many = (
        summary["currency"],
        decision.savings,
        decision.per,
        decision.periods,
    )
    bf, ms = summary["models"]["break_fix"], summary["models"]["managed"]
    winner = (
        "**Managed services**" if decision.managed_wins else "**Break-fix** (paying per incident)"
    )
    verdict = f"{winner} are expected to cost less"
    if decision.narrow:
        verdict += ", but only narrowly: the two options are close"
    fee, flip = _money(decision.fee, currency), _money(decision.flip_fee, currency)
    flips = {
        "any_fee": "managed services stay the cheaper option on average even at 20 times the "
        f"quoted fee ({fee}).",
        "up_to": "managed services stay the cheaper option on average up to a fee of about "
        f"**{flip} per user per month** (quoted: {fee}).",
        "below": "managed services would become the cheaper option on average at a fee below "
        f"about **{flip} per user per month** (quoted: {fee}).",
        "no_fee": "even at no fee at all, managed services would not pay for themselves here.",
    }
    difference = (
        f"- **Expected saving with managed services**: {_money(savings['mean'], currency)}"
        if decision.managed_wins
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
            f"- **Managed services are cheaper in {share_text(decision.prob_managed_cheaper)}** "
            f"of {summary['trials']:,} simulated {many}.",
            f"- **Downtime** is {downtime_share:.0%} of the expected break-fix cost. Outages add "
            f"up to {bf['downtime_hours']['mean']:,.0f} hours {per} with break-fix and "
            f"{ms['downtime_hours']['mean']:,.0f} with managed services, counted incident by "
            "incident (most are minor and stop only one or two people) and in elapsed hours, "
            "nights included.",
            f"- **When the answer would flip**: {flips[decision.flip]}",
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
