"""The scenario reduced to the plain numbers the engine needs, computed once per simulation."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.scenario.model import Scenario, Spec

#: ``(mu, sigma)`` of a lognormal: ``exp(mu + sigma * Z)``.
LogNormal = tuple[float, float]
_UNIT: LogNormal = (0.0, 0.0)


def _lognormal(spec: Spec) -> LogNormal:
    return (spec.mu, spec.sigma)


@dataclass(frozen=True)
class TierParameters:
    name: str
    rate: float  # break-fix incidents per year
    dispersion: float  # negative-binomial k; 0 for Poisson
    fix: LogNormal  # repair hours
    reduction: float  # share prevented under managed care
    impact_rate: float  # money per outage hour, c_t
    hybrid_managed: bool  # covered by the hybrid contract (managed care) rather than break-fix


@dataclass(frozen=True)
class EngineParameters:
    tiers: tuple[TierParameters, ...]
    year_factors: tuple[float, ...]  # g_y for y = 1..years
    hourly_rate: float
    minimum_hours: float
    callout_fee: float
    after_hours_share: float
    after_hours_multiplier: float
    response_break_fix: LogNormal
    response_managed: LogNormal
    fix_time_factor: float
    out_of_scope_share: float
    out_of_scope_rate: float
    managed_fees_present_value: float  # sum over years of g_y * (fees + onboarding in year 1)
    parts_probability: float
    parts_cost: LogNormal
    security_break_fix: float
    security_managed: float
    security_loss: LogNormal
    hybrid: bool  # the scenario has a hybrid contract: a third model is simulated
    hybrid_fees_present_value: float
    security_hybrid: float
    sla_hours: float  # a managed response later than this is a breach; inf without an SLA
    sla_credit: float  # money per breach
    sla_caps: tuple[float, float]  # yearly credit caps of the managed and hybrid contracts
    monthly_fees: tuple[float, float]  # contract fee per month of the managed and hybrid models
    onboarding_fees: tuple[float, float]  # in the first month, of the managed and hybrid models
    month_cdf: tuple[float, ...]  # cumulative share of incidents by month (12 values, last 1)

    @property
    def models(self) -> tuple[str, ...]:
        return ("break_fix", "managed", "hybrid") if self.hybrid else ("break_fix", "managed")

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> EngineParameters:
        bf, ms = scenario.break_fix, scenario.managed
        factors = tuple(scenario.horizon.year_factors())
        yearly_fees = [scenario.managed_annual_fee] * len(factors)
        yearly_fees[0] += ms.onboarding_fee
        parts, security = scenario.parts, scenario.security
        hybrid, sla = scenario.hybrid, ms.sla
        weights = scenario.budget.seasonality if scenario.budget else None
        weights = weights or [1.0] * 12
        cumulative = [sum(weights[: month + 1]) / sum(weights) for month in range(12)]
        cumulative[-1] = 1.0  # exactly: a uniform draw below 1 always finds its month
        covered = set(hybrid.managed_tiers) if hybrid else set()
        hybrid_fees = [scenario.hybrid_annual_fee] * len(factors)
        hybrid_fees[0] += hybrid.onboarding_fee if hybrid else 0.0
        return cls(
            tiers=tuple(
                TierParameters(
                    name=name,
                    rate=tier.rate_per_year,
                    dispersion=tier.dispersion,
                    fix=_lognormal(tier.fix_hours),
                    reduction=scenario.reduction(name),
                    impact_rate=scenario.impact_rate(name),
                    hybrid_managed=name in covered,
                )
                # In name order: tier order in the file changes neither the hash nor the bits.
                for name, tier in sorted(scenario.incidents.items())
            ),
            year_factors=factors,
            hourly_rate=bf.hourly_rate,
            minimum_hours=bf.minimum_hours,
            callout_fee=bf.callout_fee,
            after_hours_share=bf.after_hours_share,
            after_hours_multiplier=bf.after_hours_multiplier,
            response_break_fix=_lognormal(bf.response_hours),
            response_managed=_lognormal(ms.response_hours),
            fix_time_factor=ms.fix_time_factor,
            out_of_scope_share=ms.out_of_scope_share,
            out_of_scope_rate=ms.out_of_scope_rate,
            # A plain Python sum in year order: the same bits on every machine (no BLAS).
            managed_fees_present_value=sum(
                g * fee for g, fee in zip(factors, yearly_fees, strict=True)
            ),
            parts_probability=parts.probability if parts else 0.0,
            parts_cost=_lognormal(parts.cost) if parts else _UNIT,
            security_break_fix=security.rate_per_year.break_fix if security else 0.0,
            security_managed=security.rate_per_year.managed if security else 0.0,
            security_loss=_lognormal(security.loss) if security else _UNIT,
            hybrid=hybrid is not None,
            hybrid_fees_present_value=sum(
                g * fee for g, fee in zip(factors, hybrid_fees, strict=True)
            ),
            security_hybrid=scenario.hybrid_security_rate,
            sla_hours=sla.response_hours if sla else float("inf"),
            sla_credit=sla.credit_per_breach if sla else 0.0,
            monthly_fees=(scenario.managed_annual_fee / 12, scenario.hybrid_annual_fee / 12),
            onboarding_fees=(ms.onboarding_fee, hybrid.onboarding_fee if hybrid else 0.0),
            month_cdf=tuple(cumulative),
            sla_caps=(
                (
                    sla.max_credit_share * scenario.managed_annual_fee,
                    sla.max_credit_share * scenario.hybrid_annual_fee,
                )
                if sla
                else (0.0, 0.0)
            ),
        )
