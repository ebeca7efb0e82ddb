"""Scenario format 1, kept only so that ``itcost upgrade`` can read old files.

Format 1 (itcost 0.1, up to commit 761fc85) described exactly two support models, ``break_fix``
and ``managed``, with an optional ``hybrid`` contract, and counted every hour as clock time.
Format 2 (:mod:`analysis.scenario.model`) replaced it; :mod:`analysis.scenario.upgrade` reads a
format-1 file through these classes, so a bad old file is refused with the same one-line
message (``organisation.employees: must be > 0``) as format 1 gave, and writes format 2.

These are the format-1 declarations and checks as they were, without what only a simulation
needed (canonical form, hash, overrides, lognormal parameters). Nothing else reads them.

Examples
--------
>>> from analysis.scenario.validation import validated
>>> data = {"name": "x", "organisation": {"employees": 1, "loaded_hourly_cost": 40,
...         "revenue_per_hour": 0, "productivity_loss": 0.5},
...         "incidents": {"only": {"rate_per_year": 1, "users_affected": 1,
...         "revenue_impact": 0, "fix_hours": 2}},
...         "break_fix": {"hourly_rate": 100, "response_hours": 4},
...         "managed": {"per_user_monthly": 100, "response_hours": 1}}
>>> validated(Scenario, data).managed_annual_fee
1200.0
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticUndefined

from analysis.errors import ScenarioError

# The pieces format 2 keeps unchanged: strict numbers, specs, money and shares, and the
# parts, SLA, horizon and budget sections (format 1's default budget is the upgrade's to write).
from analysis.scenario.model import (
    MAX_RATE,
    Budget,
    Horizon,
    Money,
    Parts,
    Share,
    Sla,
    Spec,
    _Model,
)

TierName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+$")]


def _field(
    default: Any = PydanticUndefined, *, description: str, unit: str = "", **options: Any
) -> Any:
    """A field with its unit after its description, as format 1 wrote them."""
    return Field(default, description=f"{description} ({unit})" if unit else description,
                 **options)  # fmt: skip


class Organisation(_Model):
    employees: int = Field(gt=0, le=1_000_000, description="people who depend on IT", title="Staff")
    devices: int | None = _field(
        None,
        ge=0,
        le=10_000_000,
        description="managed endpoints, for per-device pricing",
        title="Devices",
    )
    loaded_hourly_cost: Money = _field(
        description="wage plus overhead per employee-hour",
        unit="money per hour",
        title="Loaded hourly wage",
    )
    revenue_per_hour: Money = _field(
        description="revenue earned per business hour",
        unit="money per hour",
        title="Revenue per hour",
    )
    productivity_loss: Share = _field(
        description="share of an affected employee's output lost while systems are down",
        unit="0-1",
        title="Output lost while down",
    )

    @model_validator(mode="after")
    def _default_devices(self) -> Organisation:
        if self.devices is None:
            object.__setattr__(self, "devices", self.employees)
            # Derived, as if not given: a copy with other staff derives it again.
            self.__pydantic_fields_set__.discard("devices")
        return self


class Tier(_Model):
    rate_per_year: Annotated[float, Field(ge=0, le=MAX_RATE)] = _field(
        description="expected incidents under break-fix, without proactive care",
        unit="per year",
        title="Incidents per year",
    )
    dispersion: Annotated[float, Field(ge=0, le=100)] = Field(
        0.0,
        description="negative-binomial dispersion k: variance = rate + k * rate^2; 0 is Poisson",
        title="Dispersion",
    )
    users_affected: Share = _field(
        description="share of employees who cannot work", unit="0-1", title="Staff affected"
    )
    revenue_impact: Share = _field(
        description="share of revenue lost while it lasts", unit="0-1", title="Revenue lost"
    )
    fix_hours: Spec = _field(
        description="hands-on repair time per incident", unit="hours", title="Repair time"
    )


class BreakFix(_Model):
    hourly_rate: Money = _field(
        description="technician rate", unit="money per hour", title="Break-fix hourly rate"
    )
    minimum_hours: Annotated[float, Field(ge=0, le=1000)] = _field(
        0.0,
        description="billable hours per incident are at least this",
        unit="hours",
        title="Minimum billable hours",
    )
    callout_fee: Money = _field(
        0.0, description="trip charge per incident", unit="money", title="Call-out fee"
    )
    after_hours_share: Share = _field(
        0.0,
        description="share of incidents billed at the after-hours multiplier",
        unit="0-1",
        title="After-hours share",
    )
    after_hours_multiplier: float = _field(
        1.0,
        ge=1.0,
        le=10.0,
        description="rate multiplier for after-hours work",
        unit="x",
        title="After-hours multiplier",
    )
    response_hours: Spec = _field(
        description="wait until a technician starts", unit="hours", title="Break-fix response time"
    )


class Managed(_Model):
    per_user_monthly: Money = _field(
        description="contract fee per employee",
        unit="money per month",
        title="Managed fee per user",
    )
    per_device_monthly: Money = _field(
        0.0,
        description="contract fee per device",
        unit="money per month",
        title="Managed fee per device",
    )
    onboarding_fee: Money = _field(
        0.0, description="one-off fee in year 1", unit="money", title="Onboarding fee"
    )
    incident_reduction: dict[TierName, Share] = _field(
        default_factory=dict,
        description="share of each tier's incidents prevented by proactive care",
        unit="0-1",
        title="Incidents prevented",
    )
    response_hours: Spec = _field(
        description="wait until the provider starts", unit="hours", title="Managed response time"
    )
    fix_time_factor: float = _field(
        1.0,
        gt=0,
        le=10.0,
        description="multiplier on repair time from monitoring and documentation",
        unit="x",
        title="Repair time factor",
    )
    out_of_scope_share: Share = _field(
        0.0,
        description="share of remaining incidents billed outside the contract",
        unit="0-1",
        title="Out-of-scope share",
    )
    out_of_scope_rate: Money = _field(
        0.0,
        description="hourly rate for out-of-scope work",
        unit="money per hour",
        title="Out-of-scope hourly rate",
    )
    sla: Sla | None = Field(
        None, description="credits for late responses (optional)", title="Service-level agreement"
    )


class SecurityRates(_Model):
    break_fix: Annotated[float, Field(ge=0, le=100)] = Field(
        description="severe security events per year under break-fix",
        title="Events per year, break-fix",
    )
    managed: Annotated[float, Field(ge=0, le=100)] = Field(
        description="severe security events per year under managed care",
        title="Events per year, managed",
    )


class Security(_Model):
    rate_per_year: SecurityRates = Field(
        description="expected severe events per year, per model", title="Events per year"
    )
    loss: Spec = _field(description="loss per event", unit="money", title="Loss per event")


class Hybrid(_Model):
    """Managed care for some tiers, break-fix for the rest, on the same incidents."""

    managed_tiers: list[TierName] = Field(
        description="tiers the hybrid contract covers; the others are paid per incident",
        title="Tiers under contract",
    )
    per_user_monthly: Money = _field(
        description="hybrid contract fee per employee",
        unit="money per month",
        title="Hybrid fee per user",
    )
    per_device_monthly: Money = _field(
        0.0,
        description="hybrid contract fee per device",
        unit="money per month",
        title="Hybrid fee per device",
    )
    onboarding_fee: Money = _field(
        0.0, description="one-off hybrid fee in year 1", unit="money", title="Hybrid onboarding fee"
    )
    security_rate_per_year: Annotated[float, Field(ge=0, le=100)] | None = _field(
        None,
        description="severe security events per year under the hybrid contract; by default the "
        "managed rate if it covers every tier, else the break-fix rate",
        title="Hybrid security events per year",
    )

    @field_validator("managed_tiers")
    @classmethod
    def _no_repeats(cls, tiers: list[str]) -> list[str]:
        repeated = sorted({tier for tier in tiers if tiers.count(tier) > 1})
        if repeated:
            raise ValueError(f"lists {', '.join(repeated)} more than once")
        return tiers


class Scenario(_Model):
    """A complete format-1 scenario."""

    name: str = Field(
        min_length=1, description="scenario name shown in reports", title="Scenario name"
    )
    description: str = Field(
        "", description="one line describing the business", title="Description"
    )
    currency: str = Field(
        "USD",
        pattern=r"^[A-Z]{3}$",
        description="ISO 4217 code of every money amount",
        title="Currency",
    )
    organisation: Organisation
    incidents: dict[TierName, Tier] = Field(
        min_length=1,
        description="incident tiers by name; rates are for the break-fix world",
        title="Incident tiers",
    )
    break_fix: BreakFix
    managed: Managed
    parts: Parts | None = Field(
        None, description="hardware replaced during repairs (optional)", title="Hardware parts"
    )
    security: Security | None = Field(
        None, description="rare severe events (optional)", title="Security events"
    )
    horizon: Horizon = Field(default_factory=Horizon)
    hybrid: Hybrid | None = Field(
        None, description="managed care for some tiers only (optional)", title="Hybrid contract"
    )
    budget: Budget | None = Field(
        None, description="IT budget and seasonality (optional)", title="Budget"
    )

    @field_validator("incidents", mode="before")
    @classmethod
    def _incidents_is_mapping(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValueError("must be a mapping of tier names to tiers")
        return value

    @model_validator(mode="after")
    def _reduction_keys_are_tiers(self) -> Scenario:
        reduction = self.managed.incident_reduction
        for key in reduction:
            if key not in self.incidents:
                raise ScenarioError(
                    f"managed.incident_reduction.{key}",
                    f"not a tier name (tiers: {', '.join(self.incidents)})",
                )
        for key in self.hybrid.managed_tiers if self.hybrid else ():
            if key not in self.incidents:
                raise ScenarioError(
                    "hybrid.managed_tiers",
                    f"{key} is not a tier name (tiers: {', '.join(self.incidents)})",
                )
        rate = self.hybrid.security_rate_per_year if self.hybrid else None
        if rate is not None:
            if self.security is None:
                raise ScenarioError("hybrid.security_rate_per_year", "needs a security section")
            # Hybrid events are a thinning of the more frequent model's: the same events.
            highest = max(
                self.security.rate_per_year.break_fix, self.security.rate_per_year.managed
            )
            if rate > highest:
                raise ScenarioError(
                    "hybrid.security_rate_per_year",
                    f"must be at most the higher of the break-fix and managed rates "
                    f"({highest:g}), got {rate:g}",
                )
        return self

    # -- derived values -----------------------------------------------------------------------

    def reduction(self, tier: str) -> float:
        """Share of ``tier``'s incidents that managed care prevents (0 when not given)."""
        return self.managed.incident_reduction.get(tier, 0.0)

    @property
    def hybrid_security_rate(self) -> float:
        """Severe security events per year under the hybrid contract (0 without security)."""
        if self.security is None or self.hybrid is None:
            return 0.0
        if self.hybrid.security_rate_per_year is not None:
            return self.hybrid.security_rate_per_year
        rates = self.security.rate_per_year
        covers_all = set(self.hybrid.managed_tiers) == set(self.incidents)
        return rates.managed if covers_all else rates.break_fix

    @property
    def it_budget(self) -> float:
        """The yearly IT budget: ``budget.annual_it_spend``, else the managed annual fee."""
        given = self.budget.annual_it_spend if self.budget else None
        return self.managed_annual_fee if given is None else given

    @property
    def managed_annual_fee(self) -> float:
        """The managed contract's yearly fixed fee, without onboarding (money per year)."""
        return self.annual_fee(self.managed)

    def annual_fee(self, contract: Managed | Hybrid) -> float:
        """``12 * (per_user_monthly * employees + per_device_monthly * devices)``."""
        org = self.organisation
        return 12 * (
            contract.per_user_monthly * org.employees + contract.per_device_monthly * org.devices
        )
