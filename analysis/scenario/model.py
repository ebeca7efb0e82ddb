"""The scenario: one typed, validated, immutable description of a business and its support options.

Every front end (CLI, notebooks, Streamlit, batch) reads and writes this one format. Each
field's title, description and unit (written once, with :func:`_field`) are the single source
of labels for help texts and tooltips, read back from the model's JSON schema by
:mod:`analysis.scenario.fields`.

Examples
--------
>>> from analysis import load_scenario
>>> scenario = load_scenario("server-office")
>>> scenario.organisation.employees, scenario.option_names[0] == scenario.baseline_name
(10, True)
>>> bigger = scenario.with_overrides(["organisation.employees=12"])
>>> bigger.organisation.employees, bigger.sha256 != scenario.sha256
(12, True)
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticUndefined

from analysis.errors import ScenarioError
from analysis.portable_math import exact_log
from analysis.scenario.paths import OVERRIDES, parse_assignment, set_path
from analysis.scenario.validation import validated

#: 90th percentile of the standard normal: a lognormal's p90 is median * exp(Z90 * sigma).
Z90 = 1.2815515655446004

#: Upper bounds keep every result a finite number; they are far beyond any real business.
MAX_MONEY = 1e9
MAX_RATE = 1e5  # incidents per year in one tier
MAX_SPREAD = 1000.0  # p90 / median of a lognormal

Share = Annotated[float, Field(ge=0.0, le=1.0)]
Money = Annotated[float, Field(ge=0.0, le=MAX_MONEY)]


def _field(
    default: Any = PydanticUndefined,
    *,
    description: str,
    unit: str = "",
    default_text: str = "",
    **options: Any,
) -> Any:
    """A field with its unit written once: after its description, as editors show it, and as
    ``unit`` in the JSON schema, which front ends read (:mod:`analysis.scenario.fields`).

    ``default_text`` says in words what a default worked out from other fields is
    (``employees`` for devices).
    """
    extra = {key: value for key, value in (("unit", unit), ("default_text", default_text)) if value}
    return Field(
        default,
        description=f"{description} ({unit})" if unit else description,
        json_schema_extra=extra or None,
        **options,
    )


class _Model(BaseModel):
    # strict: `true` or "10" is not a number; an int is still accepted where a float is asked.
    model_config = ConfigDict(
        frozen=True, extra="forbid", validate_default=True, strict=True, allow_inf_nan=False
    )

    @model_validator(mode="before")
    @classmethod
    def _plain_numbers(cls, data: Any) -> Any:
        """numpy scalars (from sweeps, pandas rows) as Python numbers; 12.0 as 12 for counts;
        -0.0 as 0.0, so that the same scenario has one hash (and one link)."""
        if not isinstance(data, dict):
            return data
        plain = {}
        for key, value in data.items():
            if isinstance(value, np.generic):
                value = value.item()
            if isinstance(value, list):
                value = [_unsigned_zero(item) for item in value]
            value = _unsigned_zero(value)
            field = cls.model_fields.get(key)
            if (field is not None and field.annotation in (int, int | None)
                    and isinstance(value, float) and value.is_integer()):  # fmt: skip
                value = int(value)
            plain[key] = value
        return plain


def _unsigned_zero(value: Any) -> Any:
    """-0.0 as 0.0 (they are equal, but JSON writes them apart); anything else as it is."""
    return 0.0 if isinstance(value, float) and value == 0.0 else value


class Spec(_Model):
    """A positive duration or amount: a constant, or a lognormal given by its median and p90.

    In YAML, write a plain number for a constant or ``{median: M, p90: Q}`` with ``Q >= M > 0``.
    """

    median: float = Field(
        gt=0, le=MAX_MONEY, description="median (50th percentile)", title="median"
    )
    p90: float = Field(
        gt=0, description="90th percentile; equal to the median for a constant", title="p90"
    )

    @model_validator(mode="before")
    @classmethod
    def _constant_from_number(cls, data: Any) -> Any:
        if isinstance(data, bool):
            raise ValueError("must be a number or {median: M, p90: Q}")
        if isinstance(data, int | float):
            return {"median": data, "p90": data}
        return data

    @model_validator(mode="after")
    def _p90_not_below_median(self) -> Spec:
        if self.p90 < self.median:
            raise ValueError(f"p90 ({self.p90:g}) must be >= median ({self.median:g})")
        if self.p90 > MAX_SPREAD * self.median:
            raise ValueError(f"p90 ({self.p90:g}) must be at most {MAX_SPREAD:g} x the median")
        return self

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        """A plain number (a constant) or ``{median, p90}``, as the validator reads it."""
        mapping = dict(handler.resolve_ref_schema(handler(core_schema)))
        constant = {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_MONEY}
        return {"title": "Spec", "description": mapping.pop("description"),
                "anyOf": [constant, mapping]}  # fmt: skip

    @property
    def is_constant(self) -> bool:
        return self.p90 == self.median

    @property
    def mu(self) -> float:
        """Mean of the underlying normal, ``ln(median)``."""
        return exact_log(self.median)

    @property
    def sigma(self) -> float:
        """Standard deviation of the underlying normal, ``ln(p90 / median) / 1.2816``."""
        return (exact_log(self.p90) - exact_log(self.median)) / Z90

    @property
    def mean(self) -> float:
        """Expected value, ``median * exp(sigma**2 / 2)``."""
        return self.median * math.exp(self.sigma**2 / 2)


#: The scenario format this model reads, as the ``schema`` key of every file.
SCHEMA = "itcost.scenario/2"

Hours = Annotated[float, Field(ge=0.0, le=24.0)]
#: Names of tiers and options: they become column names and dotted paths, so no dots.
Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+$", max_length=64)]
TierName = Name
OptionName = Name

#: How an outage hour is valued, for ``organisation.lost_hour_value``.
LOST_HOUR_VALUES = ("wage", "revenue", "larger", "wage_plus_revenue")
#: When a tier's incidents start: within the organisation's operating hours, or at any time.
STARTS = ("operating", "any_time")


class Calendar(_Model):
    """A weekly calendar: hours ``[open, close)`` on the first ``days`` days, Monday first.

    ``{days: 5, open: 8, close: 18}`` is an office week; ``{days: 7, open: 0, close: 24}`` is
    round the clock.
    """

    days: int = Field(ge=1, le=7, description="days a week, counted from Monday", title="Days")
    open: Hours = _field(description="hour of the day it opens", unit="hour", title="Opens")
    close: Hours = _field(description="hour of the day it closes", unit="hour", title="Closes")

    @model_validator(mode="after")
    def _opens_before_closing(self) -> Calendar:
        if self.open >= self.close:
            raise ScenarioError(
                "close", f"must be later than open ({self.close:g} <= {self.open:g})"
            )
        return self

    @property
    def weekly_hours(self) -> float:
        return self.days * (self.close - self.open)

    @property
    def is_always(self) -> bool:
        """Round the clock: every hour of the week."""
        return self.weekly_hours == 168.0

    @property
    def text(self) -> str:
        """``Mon-Fri 8-18``, ``24/7``."""
        if self.is_always:
            return "24/7"
        names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        days = names[0] if self.days == 1 else f"{names[0]}-{names[self.days - 1]}"
        return f"{days} {self.open:g}-{self.close:g}"


def _office() -> Calendar:
    return Calendar(days=5, open=8, close=18)


def _calendar_field(description: str, title: str) -> Any:
    return _field(
        default_factory=_office,
        description=description,
        title=title,
        default_text="Mon-Fri 8-18",
    )


class Organisation(_Model):
    employees: int = Field(gt=0, le=1_000_000, description="people who depend on IT", title="Staff")
    devices: int | None = _field(
        None,
        ge=0,
        le=10_000_000,
        description="managed endpoints, for per-device fees",
        title="Devices",
        default_text="employees",
    )
    servers: int = Field(
        0, ge=0, le=100_000, description="on-premises servers, for per-server fees", title="Servers"
    )
    sites: int = Field(1, ge=1, le=100_000, description="offices or plants, for per-site fees",
                       title="Sites")  # fmt: skip
    loaded_hourly_cost: Money = _field(
        description="wage plus overhead per employee-hour",
        unit="money per hour",
        title="Loaded hourly wage",
    )
    annual_revenue: Money | None = _field(
        None,
        description="revenue per year, spread over the operating hours; or give revenue_per_hour",
        unit="money per year",
        title="Annual revenue",
        default_text="from revenue_per_hour",
    )
    revenue_per_hour: Money | None = _field(
        None,
        description="revenue per operating hour; or give annual_revenue",
        unit="money per hour",
        title="Revenue per operating hour",
        default_text="from annual_revenue",
    )
    lost_hour_value: Literal["wage", "revenue", "larger", "wage_plus_revenue"] = Field(
        "larger",
        description="how an outage hour is valued: the wages of the people stopped, the revenue "
        "lost, the larger of the two, or their sum",
        title="Value of a lost hour",
    )
    operating_hours: Calendar = _calendar_field(
        "when the business works; outages cost money only in these hours", "Operating hours"
    )

    @model_validator(mode="after")
    def _one_revenue_and_devices(self) -> Organisation:
        if (self.annual_revenue is None) == (self.revenue_per_hour is None):
            given = "both" if self.annual_revenue is not None else "neither"
            raise ScenarioError(
                "annual_revenue", f"give exactly one of annual_revenue and revenue_per_hour "
                f"({given} given)"
            )  # fmt: skip
        if self.devices is None:
            object.__setattr__(self, "devices", self.employees)
            # Derived, as if not given: a copy with other staff derives it again.
            self.__pydantic_fields_set__.discard("devices")
        return self

    @property
    def revenue_per_operating_hour(self) -> float:
        """``revenue_per_hour``, or ``annual_revenue / (52 * weekly operating hours)``."""
        if self.revenue_per_hour is not None:
            return self.revenue_per_hour
        return self.annual_revenue / (52 * self.operating_hours.weekly_hours)


class Tier(_Model):
    """One kind of incident. Rates are for the world without proactive care."""

    rate_per_year: Annotated[float, Field(ge=0, le=MAX_RATE)] | None = _field(
        None,
        description="expected incidents a year; or give rate_per_user_per_year",
        unit="per year",
        title="Incidents per year",
        default_text="from rate_per_user_per_year",
    )
    rate_per_user_per_year: Annotated[float, Field(ge=0, le=1000)] | None = _field(
        None,
        description="expected incidents a year per employee; or give rate_per_year",
        unit="per user per year",
        title="Incidents per user per year",
        default_text="from rate_per_year",
    )
    dispersion: Annotated[float, Field(ge=0, le=100)] = Field(
        0.0,
        description="negative-binomial dispersion k: variance = rate + k * rate^2; 0 is Poisson",
        title="Dispersion",
    )
    users_affected: Share = _field(
        description="share of employees affected while it lasts", unit="0-1", title="Staff affected"
    )
    blocking: Share = _field(
        1.0,
        description="share of an affected person's output lost while it lasts",
        unit="0-1",
        title="Work blocked",
    )
    revenue_impact: Share = _field(
        0.0, description="share of revenue lost while it lasts", unit="0-1", title="Revenue lost"
    )
    fix_hours: Spec = _field(
        description="hands-on repair time per incident", unit="hours", title="Repair time"
    )
    onsite_share: Share = _field(
        0.0,
        description="share of incidents that need a visit; the rest are fixed remotely",
        unit="0-1",
        title="On-site share",
    )
    starts: Literal["operating", "any_time"] = Field(
        "operating",
        description="when incidents start: during operating hours (noticed at work), or at any "
        "time (hardware, power, servers)",
        title="Starts",
    )

    @model_validator(mode="after")
    def _one_rate(self) -> Tier:
        if (self.rate_per_year is None) == (self.rate_per_user_per_year is None):
            given = "both" if self.rate_per_year is not None else "neither"
            raise ScenarioError(
                "rate_per_year",
                f"give exactly one of rate_per_year and rate_per_user_per_year ({given} given)",
            )
        return self


class Parts(_Model):
    probability: Share = _field(
        description="chance that a repair replaces hardware",
        unit="0-1",
        title="Repairs needing parts",
    )
    cost: Spec = _field(
        description="cost of the replaced hardware", unit="money", title="Parts cost"
    )


class Security(_Model):
    rate_per_year: Annotated[float, Field(ge=0, le=100)] = _field(
        description="severe security events a year with no managed security; each option "
        "scales it by its security_factor",
        unit="per year",
        title="Security events per year",
    )
    loss: Spec = _field(description="loss per event", unit="money", title="Loss per event")


class VisitHours(_Model):
    remote: Annotated[float, Field(ge=0, le=1000)] = _field(
        0.0, description="for remote work", unit="hours", title="Remote"
    )
    onsite: Annotated[float, Field(ge=0, le=1000)] = _field(
        0.0, description="for a visit", unit="hours", title="On site"
    )


class Rates(_Model):
    remote: Money = _field(
        description="per billable hour of remote work", unit="money per hour", title="Remote rate"
    )
    onsite: Money = _field(
        description="per billable hour on site", unit="money per hour", title="On-site rate"
    )


class ManagedEmergency(_Model):
    """Tiers worked round the clock, included in the fee."""

    tiers: list[TierName] = Field(
        default_factory=list, description="tiers worked round the clock", title="Emergency tiers"
    )

    @field_validator("tiers")
    @classmethod
    def _no_repeats(cls, tiers: list[str]) -> list[str]:
        return _unique(tiers)


class Emergency(ManagedEmergency):
    """Tiers worked round the clock; hours outside service hours cost ``multiplier`` x."""

    multiplier: float = _field(
        1.0,
        ge=1.0,
        le=10.0,
        description="rate multiplier for emergency hours outside service hours",
        unit="x",
        title="After-hours multiplier",
    )


def _unique(names: list[str]) -> list[str]:
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"lists {', '.join(repeated)} more than once")
    return names


#: The key of ``response_hours`` that serves every tier not named.
DEFAULT = "default"


def _response_field(who: str) -> Any:
    return _field(
        description=f"wait until {who} starts, per tier or `default`, in the hours it works",
        unit="hours",
        title="Response time",
    )


class _Option(_Model):
    title: str | None = Field(
        None, max_length=200, description="name shown in tables and reports", title="Title",
        json_schema_extra={"default_text": "the option's key"},
    )  # fmt: skip
    service_hours: Calendar = _calendar_field("when its technicians work", "Service hours")
    response_hours: dict[str, Spec] = _response_field("work")
    security_factor: Annotated[float, Field(ge=0, le=10)] = _field(
        1.0,
        description="multiplies the organisation's security event rate",
        unit="x",
        title="Security factor",
    )

    @field_validator("response_hours", mode="before")
    @classmethod
    def _response_is_mapping(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValueError("must be a mapping of tier names (or `default`) to times")
        return value

    def response(self, tier: str) -> Spec:
        """The response time for ``tier``: its own, else ``default``."""
        found = self.response_hours.get(tier)
        return found if found is not None else self.response_hours[DEFAULT]


class PayPerIncident(_Option):
    """Billed per incident at hourly rates: break-fix."""

    kind: Literal["pay_per_incident"] = Field(description="how it is paid", title="Kind")
    rates: Rates
    minimum_hours: VisitHours = _field(
        default_factory=VisitHours,
        description="billable hours per incident are at least this",
        unit="hours",
        title="Minimum billable hours",
    )
    increment_hours: Annotated[float, Field(ge=0, le=24)] = _field(
        0.0,
        description="billable time rounds up to a multiple of this; 0 bills exact time",
        unit="hours",
        title="Billing increment",
    )
    trip_fee: Money = _field(0.0, description="per on-site visit", unit="money", title="Trip fee")
    emergency: Emergency | None = Field(
        None, description="tiers worked round the clock at a premium (optional)",
        title="Emergency work",
    )  # fmt: skip

    @property
    def emergency_tiers(self) -> list[str]:
        return self.emergency.tiers if self.emergency else []


class Block(_Model):
    """A yearly allowance of prepaid hours."""

    hours_per_year: Annotated[float, Field(ge=0, le=100_000)] = _field(
        description="hours prepaid each year, counted in standard hours: an hour of emergency "
        "work outside service hours uses its multiplier's worth",
        unit="hours", title="Prepaid hours",
    )  # fmt: skip
    price_per_year: Money = _field(
        description="price of each year's block, paid monthly",
        unit="money per year", title="Block price",
    )  # fmt: skip
    rollover: bool = Field(
        False,
        description="unused hours carry to the next year of the horizon; else they expire at "
        "year end",
        title="Unused hours roll over",
    )


class BlockHours(PayPerIncident):
    """Pay per incident with a prepaid block of hours a year: the year's first
    ``block.hours_per_year`` billable hours are covered by ``block.price_per_year``, and the
    rest are billed at the option's rates."""

    kind: Literal["block_hours"] = Field(description="how it is paid", title="Kind")  # type: ignore[assignment]
    block: Block


class Fees(_Model):
    per_user_monthly: Money = _field(
        0.0, description="per employee", unit="money per month", title="Fee per user"
    )
    per_device_monthly: Money = _field(
        0.0, description="per device", unit="money per month", title="Fee per device"
    )
    per_server_monthly: Money = _field(
        0.0, description="per server", unit="money per month", title="Fee per server"
    )
    per_site_monthly: Money = _field(
        0.0, description="per site", unit="money per month", title="Fee per site"
    )
    minimum_monthly: Money = _field(
        0.0, description="the monthly fee is at least this", unit="money per month",
        title="Minimum monthly fee",
    )  # fmt: skip
    onboarding: Money = _field(
        0.0, description="one-off fee in year 1", unit="money", title="Onboarding fee"
    )

    def lines_monthly(self, org: Organisation) -> float:
        """The fee lines for ``org`` a month, before any monthly minimum."""
        return (
            self.per_user_monthly * org.employees
            + self.per_device_monthly * org.devices
            + self.per_server_monthly * org.servers
            + self.per_site_monthly * org.sites
        )


class OutOfScope(_Model):
    share: Share = _field(
        description="share of covered incidents billed outside the contract",
        unit="0-1",
        title="Out-of-scope share",
    )
    rate: Money = _field(
        description="hourly rate for out-of-scope work", unit="money per hour",
        title="Out-of-scope rate",
    )  # fmt: skip
    minimum_hours: Annotated[float, Field(ge=0, le=1000)] = _field(
        0.0, description="billable hours per out-of-scope incident are at least this",
        unit="hours", title="Out-of-scope minimum",
    )  # fmt: skip


class Sla(_Model):
    """A service-level agreement: credits for covered incidents answered late."""

    response_hours: float = _field(
        gt=0, le=1000, description="promised response time, in the hours the provider works on "
        "the tier: its service hours, or round the clock for emergency tiers",
        unit="hours", title="SLA response time",
    )  # fmt: skip
    credit_per_breach: Money = _field(
        description="credit for each incident answered later than promised",
        unit="money",
        title="Credit per breach",
    )
    max_credit_share: Share = _field(
        description="yearly credits are capped at this share of the year's contract fee",
        unit="0-1",
        title="Credit cap",
    )


_FALLBACK = ("the pay-per-incident option that handles the tiers not covered (and buys an "
             "in-house technician's hours beyond theirs)")  # fmt: skip
_EMERGENCY = "tiers worked round the clock, in the fee or the salary (optional)"


def _covers_field() -> Any:
    return Field(
        "all", description="tiers the contract covers: `all`, or a list; the rest go to the "
        "fallback", title="Tiers covered",
    )  # fmt: skip


def _prevention_field() -> Any:
    return _field(
        default_factory=dict,
        description="share of each covered tier's incidents prevented by proactive care",
        unit="0-1",
        title="Incidents prevented",
        default_text="0",
    )


def _fix_time_field() -> Any:
    return _field(
        1.0,
        gt=0,
        le=10.0,
        description="multiplier on repair time from monitoring and documentation",
        unit="x",
        title="Repair time factor",
    )


def _monitoring_field() -> Any:
    return Field(
        False,
        description="incidents that start at any time are seen when they start, not at opening",
        title="Monitoring",
    )


class _Covering(_Option):
    """What a managed contract and an in-house technician share: they cover some or all
    tiers themselves and leave the rest to a fallback (the fields are each kind's own, so
    that each keeps its order in files)."""

    @field_validator("covers", mode="before", check_fields=False)
    @classmethod
    def _all_or_a_list(cls, tiers: Any) -> Any:
        # Else pydantic names its union members in the field: `covers.literal['all']`.
        if tiers != "all" and not isinstance(tiers, list):
            raise ValueError(f"must be `all` or a list of tiers (got {tiers!r})")
        return tiers

    @field_validator("covers", check_fields=False)
    @classmethod
    def _no_repeats(cls, tiers: Any) -> Any:
        return tiers if tiers == "all" else _unique(tiers)

    @property
    def emergency_tiers(self) -> list[str]:
        return self.emergency.tiers if self.emergency else []

    def covers_tier(self, tier: str) -> bool:
        return self.covers == "all" or tier in self.covers


class Managed(_Covering):
    """A fixed monthly contract; tiers it does not cover go to a pay-per-incident fallback."""

    kind: Literal["managed"] = Field(description="how it is paid", title="Kind")
    fees: Fees
    covers: Literal["all"] | list[TierName] = _covers_field()
    fallback: OptionName | None = Field(None, description=_FALLBACK, title="Fallback")
    prevention: dict[TierName, Share] = _prevention_field()
    fix_time_factor: float = _fix_time_field()
    monitoring: bool = _monitoring_field()
    emergency: ManagedEmergency | None = Field(None, description=_EMERGENCY, title="Emergency work")
    out_of_scope: OutOfScope | None = Field(
        None, description="covered work billed extra (optional)", title="Out of scope"
    )
    sla: Sla | None = Field(
        None, description="credits for late responses (optional)", title="Service-level agreement"
    )


class InHouse(_Covering):
    """A technician of the business's own, on site in their service hours. The work of the
    tiers they cover beyond their yearly hours, and the tiers they do not cover, go to a
    pay-per-incident fallback."""

    kind: Literal["in_house"] = Field(description="how it is paid", title="Kind")
    salary_per_year: Money = _field(
        description="salary plus overhead (benefits, payroll taxes, equipment)",
        unit="money per year", title="Salary and overhead",
    )  # fmt: skip
    tools_per_year: Money = _field(
        0.0, description="software and monitoring the technician needs", unit="money per year",
        title="Tools",
    )  # fmt: skip
    hours_per_year: Annotated[float, Field(ge=0, le=8_760)] = _field(
        description="hours a year available for incident work; repair hours beyond them are "
        "bought from the fallback at its remote rate",
        unit="hours", title="Hours for incidents",
    )  # fmt: skip
    covers: Literal["all"] | list[TierName] = _covers_field()
    fallback: OptionName = Field(description=_FALLBACK, title="Fallback")
    prevention: dict[TierName, Share] = _prevention_field()
    fix_time_factor: float = _fix_time_field()
    monitoring: bool = _monitoring_field()
    emergency: ManagedEmergency | None = Field(None, description=_EMERGENCY, title="Emergency work")


#: Options that cover some or all tiers themselves and leave the rest to a fallback.
COVERING = _Covering

Option = Annotated[PayPerIncident | BlockHours | Managed | InHouse, Field(discriminator="kind")]
#: The kinds of option, by their ``kind`` key.
OPTION_KINDS = {
    "pay_per_incident": PayPerIncident,
    "block_hours": BlockHours,
    "managed": Managed,
    "in_house": InHouse,
}


class Horizon(_Model):
    years: int = Field(
        1, ge=1, le=50, description="years simulated; results are totals", title="Years"
    )
    price_escalation: float = _field(
        0.0,
        ge=-0.5,
        le=1.0,
        description="yearly growth of every price and loss, 0.03 for 3%",
        unit="fraction",
        title="Price escalation",
    )
    discount_rate: float = _field(
        0.0,
        ge=-0.5,
        le=1.0,
        description="yearly discount rate for present values",
        unit="fraction",
        title="Discount rate",
    )

    def year_factors(self) -> list[float]:
        """``g_y = ((1 + escalation) / (1 + discount))**(y - 1)`` for y = 1..years."""
        growth = (1 + self.price_escalation) / (1 + self.discount_rate)
        factors = [1.0]
        for _ in range(1, self.years):  # repeated products: the same bits on every platform
            factors.append(factors[-1] * growth)
        return factors


class Budget(_Model):
    """A yearly IT budget to test each option against, and when in the year incidents happen."""

    annual_it_spend: Money | None = _field(
        None,
        description="yearly IT spend to compare each option with; without it, budget risk shows "
        "the monthly spread and the worst month only",
        unit="money",
        title="Annual IT budget",
        default_text="none",
    )
    seasonality: list[Annotated[float, Field(ge=0, le=1e6)]] | None = _field(
        None,
        description="relative weights of incidents by month, 12 numbers from January; by "
        "default even",
        title="Seasonality",
        default_text="even",
    )

    @field_validator("seasonality")
    @classmethod
    def _twelve_months(cls, weights: list[float] | None) -> list[float] | None:
        if weights is not None and (len(weights) != 12 or sum(weights) <= 0):
            raise ValueError("must be 12 non-negative weights, not all zero")
        return weights


class Scenario(_Model):
    """A complete scenario (format 2). Immutable; build variants with :meth:`with_overrides`."""

    schema_: Literal["itcost.scenario/2"] = Field(
        alias="schema", description="the scenario format: itcost.scenario/2", title="Format"
    )
    name: str = Field(
        min_length=1, max_length=200, description="scenario name shown in reports",
        title="Scenario name",
    )  # fmt: skip
    description: str = Field(
        "", max_length=2000, description="one line describing the business", title="Description"
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
        description="incident tiers by name; rates are for the world without proactive care",
        title="Incident tiers",
    )
    parts: Parts | None = Field(
        None, description="hardware replaced during repairs (optional)", title="Hardware parts"
    )
    security: Security | None = Field(
        None, description="rare severe events (optional)", title="Security events"
    )
    options: dict[OptionName, Option] = Field(
        description="the support options compared, by name: two or more", title="Options"
    )
    baseline: OptionName | None = Field(
        None,
        description="the option the others are compared with",
        title="Baseline",
        json_schema_extra={"default_text": "the first option"},
    )
    horizon: Horizon = Field(default_factory=Horizon)
    budget: Budget | None = Field(
        None, description="IT budget and seasonality (optional)", title="Budget"
    )

    @model_validator(mode="before")
    @classmethod
    def _format_two(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("schema") != SCHEMA:
            given = data.get("schema")
            if (
                given is None
                and ("break_fix" in data or "managed" in data)
                and "options" not in data
            ):
                raise ScenarioError(
                    "schema", "this is a format-1 scenario; `itcost upgrade FILE` writes its "
                    "format-2 equivalent"
                )  # fmt: skip
            if given is not None:
                raise ScenarioError("schema", f"must be {SCHEMA} (got {given!r})")
        return data

    @field_validator("incidents", "options", mode="before")
    @classmethod
    def _is_mapping(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValueError("must be a mapping of names to sections")
        return value

    @field_validator("options")
    @classmethod
    def _two_or_more(cls, options: dict[str, Any]) -> dict[str, Any]:
        if len(options) < 2:
            raise ValueError(f"needs at least two options to compare (got {len(options)})")
        return options

    @model_validator(mode="after")
    def _names_refer(self) -> Scenario:
        tiers = list(self.incidents)
        known = f"tiers: {', '.join(tiers)}"

        def check_tier(field: str, tier: str) -> None:
            if tier not in self.incidents:
                raise ScenarioError(field, f"{tier!r} is not a tier ({known})")

        for tier in tiers:
            if self.tier_rate(tier) > MAX_RATE:
                raise ScenarioError(
                    f"incidents.{tier}.rate_per_user_per_year",
                    f"times {self.organisation.employees:,} employees gives "
                    f"{self.tier_rate(tier):,.0f} incidents a year; at most {MAX_RATE:,.0f}",
                )
        for name, option in self.options.items():
            where = f"options.{name}"
            if name == "savings":  # Result.trials has savings.<option> columns
                raise ScenarioError(where, "`savings` is reserved; give the option another name")
            if option.title is None:
                object.__setattr__(option, "title", name)
                option.__pydantic_fields_set__.discard("title")
            for key in option.response_hours:
                if key != DEFAULT:
                    check_tier(f"{where}.response_hours.{key}", key)
            for tier in option.emergency_tiers:
                check_tier(f"{where}.emergency.tiers", tier)
            handled = tiers
            if isinstance(option, COVERING):
                self._check_managed(name, option, check_tier)
                handled = [tier for tier in tiers if option.covers_tier(tier)]
                for field, named in (("response_hours", option.response_hours),
                                     ("emergency.tiers", option.emergency_tiers)):  # fmt: skip
                    for tier in named:
                        if tier != DEFAULT and not option.covers_tier(tier):
                            raise ScenarioError(
                                f"{where}.{field}",
                                f"{tier!r} is not covered: its fallback "
                                f"{option.fallback!r} handles it",
                            )
            if DEFAULT not in option.response_hours:
                missing = [tier for tier in handled if tier not in option.response_hours]
                if missing:
                    raise ScenarioError(
                        f"{where}.response_hours",
                        f"needs `default` or a time for every tier it handles (missing: "
                        f"{', '.join(missing)})",
                    )
        if self.baseline is None:  # the first option, as if given: a dump reads back equal
            object.__setattr__(self, "baseline", next(iter(self.options)))
            self.__pydantic_fields_set__.discard("baseline")
        elif self.baseline not in self.options:
            raise ScenarioError(
                "baseline", f"{self.baseline!r} is not an option (options: "
                f"{', '.join(self.options)})"
            )  # fmt: skip
        return self

    def _check_managed(self, name: str, option: Managed | InHouse, check_tier: Any) -> None:
        where = f"options.{name}"
        if option.covers != "all":
            for tier in option.covers:
                check_tier(f"{where}.covers", tier)
        for tier in option.prevention:
            check_tier(f"{where}.prevention.{tier}", tier)
            if not option.covers_tier(tier):
                raise ScenarioError(
                    f"{where}.prevention.{tier}", "prevents only tiers the option covers"
                )
        uncovered = [tier for tier in self.incidents if not option.covers_tier(tier)]
        if option.fallback is None:
            if uncovered:
                raise ScenarioError(
                    f"{where}.fallback",
                    f"required: tiers {', '.join(uncovered)} are not covered",
                )
            return
        fallback = self.options.get(option.fallback)
        if fallback is None:
            raise ScenarioError(
                f"{where}.fallback",
                f"{option.fallback!r} is not an option (options: {', '.join(self.options)})",
            )
        if fallback.kind != "pay_per_incident":  # a block's hours are for its own work
            raise ScenarioError(
                f"{where}.fallback",
                f"{option.fallback!r} is {fallback.kind}; a fallback must be pay_per_incident",
            )
        if not uncovered and isinstance(option, Managed):  # fees sized for part of the tiers
            raise ScenarioError(
                f"{where}.fallback",
                "is never used: the option covers every tier (list the tiers it covers, or "
                "remove the fallback)",
            )

    # -- derived values -----------------------------------------------------------------------

    @property
    def option_names(self) -> list[str]:
        """The options in the order the file gives them."""
        return list(self.options)

    @property
    def baseline_name(self) -> str:
        """The option the others are compared with: ``baseline``, else the first."""
        return self.baseline if self.baseline is not None else next(iter(self.options))

    def tier_rate(self, tier: str) -> float:
        """Expected incidents a year of ``tier``: ``rate_per_year``, or per user x employees."""
        spec = self.incidents[tier]
        if spec.rate_per_year is not None:
            return spec.rate_per_year
        return spec.rate_per_user_per_year * self.organisation.employees

    @property
    def incidents_per_trial(self) -> float:
        """Expected incidents of one simulated trial: every tier over the whole horizon, before
        any option prevents some (what a simulation's work grows with)."""
        return self.horizon.years * sum(self.tier_rate(tier) for tier in self.incidents)

    def wage_rate(self, tier: str) -> float:
        """Wages lost per operating hour of a ``tier`` outage."""
        org, spec = self.organisation, self.incidents[tier]
        return org.employees * spec.users_affected * spec.blocking * org.loaded_hourly_cost

    def revenue_rate(self, tier: str) -> float:
        """Revenue lost per operating hour of a ``tier`` outage."""
        return self.organisation.revenue_per_operating_hour * self.incidents[tier].revenue_impact

    def impact_rate(self, tier: str) -> float:
        """Money lost per operating hour of a ``tier`` outage: ``c_t`` of the model, the wage
        and revenue rates combined as ``organisation.lost_hour_value`` says."""
        wage, revenue = self.wage_rate(tier), self.revenue_rate(tier)
        how = self.organisation.lost_hour_value
        if how == "wage":
            return wage
        if how == "revenue":
            return revenue
        return wage + revenue if how == "wage_plus_revenue" else max(wage, revenue)

    def annual_fee(self, option: str) -> float:
        """``option``'s yearly fixed fee without onboarding: a block's price; an in-house
        technician's salary and tools; 0 for pay per incident; for a managed contract
        ``12 * max(per_user * employees + per_device * devices + per_server * servers
        + per_site * sites, minimum_monthly)``.
        """
        spec = self.options[option]
        if isinstance(spec, BlockHours):
            return spec.block.price_per_year
        if isinstance(spec, InHouse):
            return spec.salary_per_year + spec.tools_per_year
        if not isinstance(spec, Managed):
            return 0.0
        return 12 * max(self.fee_lines_monthly(option), spec.fees.minimum_monthly)

    def fee_lines_monthly(self, option: str) -> float:
        """What a managed ``option``'s fee lines come to a month, before its monthly minimum:
        ``per_user * employees + per_device * devices + per_server * servers + per_site *
        sites``."""
        return self.options[option].fees.lines_monthly(self.organisation)

    def prevented(self, option: str, tier: str) -> float:
        """The share of ``tier``'s incidents ``option`` prevents: its ``prevention`` for the
        tier if it is a managed contract, else 0."""
        spec = self.options[option]
        return spec.prevention.get(tier, 0.0) if isinstance(spec, COVERING) else 0.0

    def handler(self, option: str, tier: str) -> str:
        """The option whose technicians handle ``tier`` under ``option``: itself, or the
        fallback of a managed option that does not cover the tier."""
        spec = self.options[option]
        if isinstance(spec, COVERING) and not spec.covers_tier(tier):
            return spec.fallback
        return option

    # -- canonical form -----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The scenario as plain data, defaults filled in and constants written as numbers."""
        data = self.model_dump(mode="json", by_alias=True)
        data["baseline"] = self.baseline_name
        for option in data["options"].values():
            if isinstance(option.get("covers"), list):  # a set: the order does not matter
                option["covers"] = sorted(option["covers"])
        return _collapse_constants(data)

    def canonical_json(self) -> str:
        """Key-sorted, whitespace-free JSON of :meth:`to_dict`: equal scenarios give equal text."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), allow_nan=False)

    @property
    def sha256(self) -> str:
        """SHA-256 of :meth:`canonical_json`: key order, whitespace and defaults leave it alone."""
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()

    def with_overrides(self, assignments: Iterable[str] | Mapping[str, Any]) -> Scenario:
        """A new scenario with each dotted path set to its value, validated as a whole.

        Parameters
        ----------
        assignments
            ``"path=value"`` strings (values read as YAML: ``40`` is a number, ``{median: 2,
            p90: 6}`` a spec, ``null`` removes an optional section) or a mapping of paths to
            values.

        Raises
        ------
        ScenarioError
            Through argument ``"overrides"``: a path that names no field, or a value the
            scenario rejects.
        """
        if isinstance(assignments, Mapping):
            pairs = list(assignments.items())
        else:
            pairs = [parse_assignment(text) for text in assignments]
        if not pairs:
            return self
        # Only what was given: derived defaults (devices = employees) are derived again.
        data = self.model_dump(mode="json", exclude_unset=True, by_alias=True)
        data["schema"] = SCHEMA
        for path, value in pairs:
            set_path(Scenario, data, path, value)
            _drop_partner(data, path, value)
        return validated(Scenario, data, argument=OVERRIDES)


#: Fields given as exactly one of a pair: setting one by path replaces the other.
_PARTNERS = {
    "rate_per_year": "rate_per_user_per_year",
    "rate_per_user_per_year": "rate_per_year",
    "annual_revenue": "revenue_per_hour",
    "revenue_per_hour": "annual_revenue",
}


def _drop_partner(data: dict[str, Any], path: str, value: Any) -> None:
    """After ``path`` was set to ``value`` in ``data``: if it is one of a pair of fields that
    exclude each other (a rate per year or per user, annual or hourly revenue), drop the other,
    so ``incidents.minor.rate_per_year=40`` works on a tier given per user."""
    *parents, key = path.split(".")
    partner = _PARTNERS.get(key)
    if partner is None or value is None:
        return
    node: Any = data
    for part in parents:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node.pop(partner, None)


def _collapse_constants(data: Any) -> Any:
    if isinstance(data, dict):
        if set(data) == {"median", "p90"} and data["median"] == data["p90"]:
            return data["median"]
        return {key: _collapse_constants(value) for key, value in data.items()}
    return data
