"""What a result means for the decision, in words: the verdict, the report's summary, the method.

Shared by the report and the app, so that both say the same thing about the same numbers. Every
text is built from one :class:`DecisionSummary`, itself read from one :class:`Result`: a figure
said twice is the same figure. Each comparison states the difference in IT spend (what the
business pays) first, then the estimated losses avoided (downtime and security), then the total.
Every name a user gave (a client, a scenario, an option's title) is escaped: it is shown, never
read as markup.

Examples
--------
>>> from analysis import load_scenario, simulate
>>> result = simulate(load_scenario("micro-cloud-office"), trials=5_000, seed=1)
>>> decision_summary(result).best
'break-fix'
>>> verdict(result).startswith("**")
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis.engine.result import Result
from analysis.errors import ItcostError
from analysis.present.formatting import escape, per_text, share_text, simulated_periods
from analysis.present.formatting import money_markdown as _money
from analysis.scenario.model import Managed, Scenario

#: Below this chance of being cheapest, the best option is said to lead "only narrowly".
NARROW = 0.6


def option_title(scenario: Scenario, option: str) -> str:
    """The option's title as people read it: its ``title``, else its name (plain text, on one
    line: a line break in a title would break a table row or start a heading)."""
    return " ".join((scenario.options[option].title or option).split())


@dataclass(frozen=True)
class Comparison:
    """One option against the baseline, as means over the simulated horizons (money of the
    horizon: a year, or the whole horizon for several years)."""

    option: str
    title: str
    it_spend_difference: float  # option minus baseline IT spend (positive: it pays more)
    downtime_avoided: float  # baseline minus option downtime losses (estimated)
    security_avoided: float  # baseline minus option security losses (estimated)
    savings: dict[str, float]  # STATS of baseline minus option total
    it_spend_savings: dict[str, float]  # STATS of baseline minus option IT spend
    prob_cheaper: float  # P(option total < baseline total)
    prob_cheapest: float  # P(option has the lowest total of all options)
    fee: float | None  # a managed option's quoted fee per user per month, else None
    breakeven_fee: float | None  # per user per month at equal expected totals (None: unknown)

    @property
    def losses_avoided(self) -> float:
        """Estimated losses avoided: downtime plus security (negative: more losses)."""
        return self.downtime_avoided + self.security_avoided

    @property
    def saves(self) -> bool:
        """Expected total below the baseline's."""
        return self.savings["mean"] > 0


@dataclass(frozen=True)
class DecisionSummary:
    """The numbers every verdict text tells, worked out once from one result: the app's
    verdict, the report's summary and its guard rails read the same summary, so they cannot
    disagree."""

    summary: dict[str, Any]  # Result.summary()
    titles: dict[str, str]  # option -> title, in the scenario's order
    baseline: str
    best: str  # the lowest expected total
    cheapest_in_cash: str  # the lowest expected IT spend
    comparisons: tuple[Comparison, ...]  # every option but the baseline, in scenario order
    prob_cheapest: dict[str, float]
    narrow: bool  # the best is cheapest in fewer than NARROW of the simulated horizons
    per: str  # "a year" or "over 3 years"
    periods: str  # "years" or "3-year horizons"

    @property
    def currency(self) -> str:
        return self.summary["currency"]

    @property
    def options(self) -> list[str]:
        return list(self.titles)

    def mean(self, option: str, quantity: str) -> float:
        """Expected ``quantity`` (it_spend, downtime, security, total, ...) of ``option``."""
        return self.summary["options"][option][quantity]["mean"]

    def losses(self, option: str) -> float:
        """Expected estimated losses of ``option``: downtime plus security."""
        return self.mean(option, "downtime") + self.mean(option, "security")

    def comparison(self, option: str) -> Comparison:
        for item in self.comparisons:
            if item.option == option:
                return item
        raise KeyError(option)

    def ranking(self) -> list[str]:
        """The options from the lowest expected total to the highest."""
        return sorted(self.titles, key=lambda option: self.mean(option, "total"))


def decision_summary(
    result: Result, breakeven_fees: Mapping[str, float | None] | None = None
) -> DecisionSummary:
    """:class:`DecisionSummary` of ``result``.

    Parameters
    ----------
    result
        One simulation: every figure of the summary comes from it.
    breakeven_fees
        Per managed option, the fee per user per month at which its expected total equals the
        baseline's. By default worked out from ``result`` itself (exactly, on the same
        simulated incidents) with :mod:`analysis.decision.breakeven`.
    """
    scenario = result.scenario
    summary = result.summary()
    comparison = summary["comparison"]
    options, baseline = summary["options"], summary["baseline"]
    if breakeven_fees is None:
        breakeven_fees = result_breakeven_fees(result)
    titles = {option: option_title(scenario, option) for option in options}
    comparisons = []
    for option in result.alternatives:
        spec = scenario.options[option]
        mine, theirs = options[option], options[baseline]
        comparisons.append(
            Comparison(
                option=option,
                title=titles[option],
                it_spend_difference=mine["it_spend"]["mean"] - theirs["it_spend"]["mean"],
                downtime_avoided=theirs["downtime"]["mean"] - mine["downtime"]["mean"],
                security_avoided=theirs["security"]["mean"] - mine["security"]["mean"],
                savings=comparison["savings"][option],
                it_spend_savings=comparison["it_spend_savings"][option],
                prob_cheaper=comparison["prob_cheaper"][option],
                prob_cheapest=comparison["prob_cheapest"][option],
                fee=spec.fees.per_user_monthly if isinstance(spec, Managed) else None,
                breakeven_fee=breakeven_fees.get(option),
            )
        )
    cash = min(options, key=lambda option: options[option]["it_spend"]["mean"])
    best = comparison["best"]
    years = summary["years"]
    return DecisionSummary(
        summary=summary,
        titles=titles,
        baseline=baseline,
        best=best,
        cheapest_in_cash=cash,
        comparisons=tuple(comparisons),
        prob_cheapest=comparison["prob_cheapest"],
        narrow=comparison["prob_cheapest"][best] < NARROW,
        per=per_text(years),
        periods=simulated_periods(years),
    )


def result_breakeven_fees(result: Result) -> dict[str, float | None]:
    """Each managed alternative's break-even fee per user per month, from ``result`` itself:
    :func:`analysis.decision.breakeven.breakeven_fee`, exact on the same simulated incidents
    (by repricing). An option without a fee, or one that never breaks even, gives None."""
    from analysis.decision.breakeven import breakeven_fee

    fees: dict[str, float | None] = {}
    for option in result.alternatives:
        fees[option] = None
        if isinstance(result.scenario.options[option], Managed):
            try:
                answer = breakeven_fee(result, option)
            except ItcostError:  # no fee to solve for here
                continue
            if answer.found and answer.value is not None and np.isfinite(answer.value):
                fees[option] = float(answer.value)
    return fees


# -- the texts ---------------------------------------------------------------------------------


def _name(decision: DecisionSummary, option: str) -> str:
    return escape(decision.titles[option])


def headline(decision: DecisionSummary) -> str:
    """The answer in one bold sentence (Markdown): the option expected to cost least in total,
    and whether it is also the cheapest in cash."""
    best, cash = decision.best, decision.cheapest_in_cash
    if best == cash:
        text = f"**{_name(decision, best)} is expected to be cheapest in cash and in total"
    else:
        text = (
            f"**{_name(decision, cash)} is expected to be cheapest in cash, but "
            f"{_name(decision, best)} is expected to be cheapest in total, once estimated "
            "losses are counted"
        )
    if decision.narrow:
        text += f" (narrowly: cheapest in {share_text(decision.prob_cheapest[best])} of simulated "
        text += f"{decision.periods})"
    return text + ".**"


def comparison_text(decision: DecisionSummary, item: Comparison) -> str:
    """One option against the baseline (Markdown): the IT-spend difference first, then the
    estimated losses avoided, then the total, with the chances of being cheaper and cheapest."""
    currency, per = decision.currency, decision.per
    name, base = _name(decision, item.option), _name(decision, decision.baseline)
    spend = item.it_spend_difference
    spend_text = (
        f"{_money(spend, currency)} more" if round(spend) > 0
        else f"{_money(-spend, currency)} less" if round(spend) < 0 else "the same"
    )  # fmt: skip
    losses = item.losses_avoided
    losses_text = (
        f"{_money(losses, currency)}" if losses >= 0 else f"none ({_money(-losses, currency)} more)"
    )
    savings = item.savings
    total_text = (
        f"{_money(savings['mean'], currency)} less" if round(savings["mean"]) > 0
        else f"{_money(-savings['mean'], currency)} more" if round(savings["mean"]) < 0
        else "the same"
    )  # fmt: skip
    interval = f"{_money(savings['p05'], currency)} to {_money(savings['p95'], currency)}"
    return (
        f"**{name}** against {base}: IT spend {spend_text} {per}; estimated losses avoided "
        f"{losses_text} (downtime {_money(item.downtime_avoided, currency)}, security "
        f"{_money(item.security_avoided, currency)}); in total {total_text} {per} (saving in 90% "
        f"of simulated {decision.periods}: {interval}). Cheaper than {base} in "
        f"{share_text(item.prob_cheaper)} of simulated {decision.periods}, cheapest of all in "
        f"{share_text(item.prob_cheapest)}."
    )


def fee_text(decision: DecisionSummary, item: Comparison) -> str | None:
    """Where a managed option's fee per user per month would flip its comparison with the
    baseline (Markdown), or None when unknown."""
    if item.fee is None or item.breakeven_fee is None:
        return None
    currency = decision.currency
    name, base = _name(decision, item.option), _name(decision, decision.baseline)
    quoted = f"(quoted: {_money(item.fee, currency)})"
    flip = _money(item.breakeven_fee, currency)
    if item.breakeven_fee <= 0:
        return f"Even at no per-user fee, {name} would not cost less than {base} in total."
    if item.saves:
        return (
            f"{name} stays cheaper than {base} in total up to about {flip} per user per month "
            f"{quoted}."
        )
    return (
        f"{name} would cost less than {base} in total below about {flip} per user per month "
        f"{quoted}."
    )


def verdict(result: Result, decision: DecisionSummary | None = None) -> str:
    """The answer in plain sentences (Markdown): the headline, then each option against the
    baseline, IT spend first."""
    decision = decision or decision_summary(result)
    parts = [headline(decision)]
    for item in decision.comparisons:
        parts.append(comparison_text(decision, item))
        flip = fee_text(decision, item)
        if flip:
            parts.append(flip)
    return "\n\n".join(parts)


def title(scenario: Scenario, client_name: str, prepared_by: str = "") -> str:
    """The report's heading and who it is for (Markdown)."""
    prepared = f" by {escape(prepared_by)}" if prepared_by else ""
    names = [escape(option_title(scenario, option)) for option in scenario.option_names]
    return (
        "# IT support: which way to pay?\n\n"
        f"**Prepared for {escape(client_name)}**{prepared} · "
        f"{scenario.organisation.employees} staff · amounts in {scenario.currency}\n\n"
        f"Options compared: {', '.join(names)}"
    )


def executive_summary(
    result: Result, client_name: str, decision: DecisionSummary | None = None
) -> str:
    """The recommendation and its key figures in plain words (Markdown): the blocks of
    :func:`executive_summary_parts` one after the other."""
    return "\n".join(executive_summary_parts(result, client_name, decision))


def executive_summary_parts(
    result: Result, client_name: str, decision: DecisionSummary | None = None
) -> list[str]:
    """The executive summary in blocks (Markdown) that a printed page may keep whole: the
    recommendation with every option's IT spend, losses and total; each option against the
    baseline; where the answer would flip (when known)."""
    decision = decision or decision_summary(result)
    scenario, currency, per = result.scenario, decision.currency, decision.per

    def value(option: str, quantity: str) -> float:
        return decision.losses(option) if quantity == "losses" else decision.mean(option, quantity)

    def each(quantity: str) -> str:
        return ", ".join(
            f"{_name(decision, option)} {_money(value(option, quantity), currency)}"
            for option in decision.options
        )

    cheapest = ", ".join(
        f"{_name(decision, option)} {share_text(decision.prob_cheapest[option])}"
        for option in decision.options
    )
    lines = [
        f"### Recommendation for {escape(client_name)}",
        "",
        f"{headline(decision)}",
        "",
        f"Modelled as: {escape(scenario.name)}; baseline {_name(decision, decision.baseline)}.",
        "",
        f"- **Expected IT spend {per}** (what you pay): {each('it_spend')}.",
        f"- **Expected estimated losses {per}** (downtime and security): {each('losses')}.",
        f"- **Expected total {per}**: {each('total')}.",
        f"- **Cheapest in total** in {decision.summary['trials']:,} simulated "
        f"{decision.periods}: {cheapest}.",
    ]
    parts = ["\n".join(lines)]
    parts.append("\n".join(f"- {comparison_text(decision, item)}" for item in decision.comparisons))
    flips = [text for item in decision.comparisons if (text := fee_text(decision, item))]
    if flips:
        parts.append("- **When the answer would flip**: " + " ".join(flips))
    return parts


#: The model in plain words (Markdown), for the report and the app.
METHOD = """\
- **Monte Carlo simulation.** We simulate many possible years of IT incidents for the
  business. In each, incidents of each tier arrive at random at the rates given (per user
  where the source gives them per user); each has a start time, a wait for a technician, a
  repair time, sometimes a hardware part.
- **Same incidents, every option.** All options are costed on the same simulated incidents.
  A managed contract prevents a share of them, may respond sooner and repair faster, and is
  paid by fixed fees (per user, device, server, site); a pay-per-incident technician bills
  each visit by the hour, with minimums, increments and trip fees (a prepaid block covers
  each year's first hours); a hybrid contract covers some tiers and hands the rest to a
  pay-per-incident technician; a technician of the business's own is paid a salary, and the
  repair hours beyond their year's are bought from a pay-per-incident technician.
- **Calendars.** Technicians work their own service hours (emergency tiers round the clock).
  Outages cost money only during the business's operating hours: nights and weekends are not
  charged as business time.
- **What you pay and what you lose are kept apart.** IT spend (fees, bills, parts) is cash.
  Downtime (staff who cannot work, revenue that stops) and security losses are estimates;
  the total adds them up. Read the IT-spend comparison first.
- **Rare security events** (ransomware, fraud) happen at a base rate, lower under options with
  managed security.
- **What is not modelled.** Staff time spent finding a technician or fixing things themselves,
  reputational harm beyond the stated security losses, and strategic IT advice that a managed
  provider may include.
"""


def tornado_text(table: Any, currency: str, option_name: str = "") -> str:
    """The inputs that move the expected saving most, in words (Markdown).

    ``table`` is :func:`analysis.decision.sensitivity.tornado`'s: rows in order of swing, with
    ``label`` and ``swing`` columns. ``option_name`` names the option whose saving it is.
    """
    top = table.head(3)
    items = [f"{escape(_lower_first(str(row.label)))} ({_money(row.swing, currency)})"
             for row in top.itertuples()]  # fmt: skip
    if not items:
        return "No input moves the expected saving."
    listed = items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"
    whose = f" with {escape(option_name)}" if option_name else ""
    return (
        f"The expected saving{whose} moves most with {listed} between the low and the high "
        "value: these are the figures to check first."
    )


def _lower_first(label: str) -> str:
    """A label inside a sentence: its first letter lower case unless the word is an acronym
    or a name's capitals (``MSP``, ``IBM``); the rest as written, titles included."""
    word = label.split(" ", 1)[0]
    if len(word) > 1 and word[1:2].isupper():
        return label
    return label[:1].lower() + label[1:]
