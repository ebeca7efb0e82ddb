"""The options of one result ranked by expected total, as ``itcost compare`` shows them.

One row per option, from the lowest expected total: what it costs in IT spend (what you pay),
its estimated losses (downtime and security: what you lose), the total, the chance that it is
the cheapest, and for a managed quote the fee per user per month at which its expected total
would equal the baseline's (exact on the same simulated incidents, by repricing). Every figure
comes from the one :class:`~analysis.present.narrative.DecisionSummary` the verdicts read.

Examples
--------
>>> from analysis import load_scenario, simulate
>>> rows = ranking(simulate(load_scenario("cloud-office"), trials=2_000, seed=1))
>>> [row.option for row in rows], rows[0].rank
(['block', 'break-fix', 'managed'], 1)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from analysis.engine.result import Result
from analysis.present.narrative import DecisionSummary, decision_summary
from analysis.scenario.model import Managed

#: The ``schema`` of :func:`ranking_json`.
SCHEMA = "itcost.compare/1"


@dataclass(frozen=True)
class Ranked:
    """One option's place in the ranking. Money is the mean over the simulated horizons (a
    year, or the whole horizon for several years)."""

    rank: int  # 1 for the lowest expected total
    option: str
    title: str
    kind: str  # pay_per_incident, block_hours, managed or in_house
    baseline: bool
    it_spend: float
    downtime: float  # estimated
    security: float  # estimated
    losses: float  # downtime + security
    total: float
    total_stderr: float  # Monte Carlo standard error of the mean total
    prob_cheapest: float
    #: Against the baseline (None for the baseline itself): its mean total less this one's,
    #: and the chance that this one costs less.
    savings: float | None
    prob_cheaper: float | None
    #: A managed quote's fee per user per month, and the fee at which its expected total
    #: equals the baseline's (None: not managed, the baseline, or no break-even in range).
    fee_per_user_monthly: float | None
    breakeven_fee_per_user_monthly: float | None


def ranking(result: Result, decision: DecisionSummary | None = None) -> list[Ranked]:
    """Every option of ``result`` from the lowest expected total to the highest."""
    decision = decision or decision_summary(result)
    scenario, options = result.scenario, decision.summary["options"]
    rows = []
    for rank, option in enumerate(decision.ranking(), start=1):
        spec = scenario.options[option]
        figures = options[option]
        versus = None if option == decision.baseline else decision.comparison(option)
        rows.append(
            Ranked(
                rank=rank,
                option=option,
                title=decision.titles[option],
                kind=spec.kind,
                baseline=option == decision.baseline,
                it_spend=decision.mean(option, "it_spend"),
                downtime=decision.mean(option, "downtime"),
                security=decision.mean(option, "security"),
                losses=decision.losses(option),
                total=decision.mean(option, "total"),
                total_stderr=figures["total"]["mean_se"],
                prob_cheapest=decision.prob_cheapest[option],
                savings=versus.savings["mean"] if versus else None,
                prob_cheaper=versus.prob_cheaper if versus else None,
                fee_per_user_monthly=(
                    spec.fees.per_user_monthly if isinstance(spec, Managed) else None
                ),
                breakeven_fee_per_user_monthly=versus.breakeven_fee if versus else None,
            )
        )
    return rows


def ranking_json(result: Result, decision: DecisionSummary | None = None) -> dict[str, Any]:
    """The ranking as plain data (``itcost compare --json``), schema :data:`SCHEMA`."""
    decision = decision or decision_summary(result)
    summary = decision.summary
    return {
        "schema": SCHEMA,
        "scenario": summary["scenario"],
        "trials": summary["trials"],
        "seed": summary["seed"],
        "years": summary["years"],
        "currency": summary["currency"],
        "version": summary["version"],
        "baseline": decision.baseline,
        "best": decision.best,
        "ranking": [asdict(row) for row in ranking(result, decision)],
    }
