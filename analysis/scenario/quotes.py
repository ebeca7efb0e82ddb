"""A scenario's options as a list of quotes: add one from a template, duplicate, rename or
delete one, and choose the baseline. Each function returns a new, validated scenario.

The templates are starting points built from the figures the presets cite (see
``data/references.yaml``): a consultant replaces them with the quote in hand. They name the
scenario's own tiers: "urgent" tiers are those that stop at least half the staff
(``users_affected >= 0.5``), which a contract answers round the clock; tiers with no outage
(service requests) are never prevented.

Examples
--------
>>> from analysis import load_scenario
>>> scenario = add_option(load_scenario("server-office"), "in-house")
>>> scenario.option_names, scenario.options["in-house"].fallback
(['break-fix', 'managed', 'hybrid', 'in-house'], 'break-fix')
>>> delete_option(scenario, "hybrid").option_names
['break-fix', 'managed', 'in-house']
"""

from __future__ import annotations

import copy
from typing import Any

from analysis.errors import ScenarioError
from analysis.scenario.model import Fees, Scenario
from analysis.scenario.validation import validated

#: A scenario holds two to six quotes on the quotes page.
MIN_OPTIONS, MAX_OPTIONS = 2, 6

#: The templates, by key, with what the page calls them.
TEMPLATES = {
    "break-fix": "Break-fix shop, pay per incident",
    "msp-per-user": "Managed services, priced per user",
    "msp-per-device": "Managed services, priced per device",
    "hybrid": "Hybrid: urgent systems managed, the rest break-fix",
    "block-hours": "Block of prepaid hours from a break-fix shop",
    "in-house": "A technician of your own",
}

_OFFICE = {"days": 5, "open": 8.5, "close": 17}  # an MSP's service desk (safepoint-sla-2025)
_SHOP = {"days": 5, "open": 9, "close": 17.5}  # a break-fix shop's day (hoc-break-fix-2026)


def _urgent(scenario: Scenario) -> list[str]:
    outages = _outages(scenario)
    return [name for name, tier in scenario.incidents.items()
            if tier.users_affected >= 0.5 and name in outages]  # fmt: skip


def _outages(scenario: Scenario) -> list[str]:
    return [
        name
        for name, tier in scenario.incidents.items()
        if tier.users_affected * tier.blocking > 0 or tier.revenue_impact > 0
    ]


def _first_shop(scenario: Scenario) -> str | None:
    """The first plain pay-per-incident option: a fallback."""
    return next((n for n, o in scenario.options.items() if o.kind == "pay_per_incident"), None)


def _shop(scenario: Scenario) -> dict[str, Any]:
    """A break-fix rate card (iknowtech-rates-2023, maconindex-pricing-2026, hoc-break-fix-2026,
    adelyte-hourly-2026), urgent tiers called out round the clock at time and a half."""
    urgent = _urgent(scenario)
    response: dict[str, Any] = {"default": {"median": 4, "p90": 16}}
    response.update({tier: {"median": 3, "p90": 12} for tier in urgent})
    option: dict[str, Any] = {
        "kind": "pay_per_incident",
        "title": TEMPLATES["break-fix"],
        "rates": {"remote": 140, "onsite": 150},
        "minimum_hours": {"remote": 0.5, "onsite": 1},
        "increment_hours": 0.25,
        "trip_fee": 50,
        "service_hours": dict(_SHOP),
        "response_hours": response,
    }
    if urgent:
        option["emergency"] = {"tiers": urgent, "multiplier": 1.5}
    return option


def _msp(scenario: Scenario, covered: list[str] | None = None) -> dict[str, Any]:
    """A managed contract's terms (smarterit-sla-2026, safepoint-sla-2025, itcost-prevention,
    itcost-scope, itcost-security), over ``covered`` tiers (default: all)."""
    tiers = list(scenario.incidents) if covered is None else covered
    urgent = [tier for tier in _urgent(scenario) if tier in tiers]
    outages = _outages(scenario)
    response: dict[str, Any] = {"default": {"median": 2, "p90": 8}}
    response.update({tier: {"median": 0.5, "p90": 2} for tier in urgent})
    option: dict[str, Any] = {
        "kind": "managed",
        "fees": {},
        "prevention": {t: (0.5 if t in urgent else 0.3) for t in tiers if t in outages},
        "fix_time_factor": 0.8,
        "monitoring": True,
        "service_hours": dict(_OFFICE),
        "response_hours": response,
        "out_of_scope": {"share": 0.05, "rate": 175, "minimum_hours": 0.25},
        "security_factor": 0.6,
    }
    if urgent:
        option["emergency"] = {"tiers": urgent}
    return option


def template_option(scenario: Scenario, template: str) -> dict[str, Any]:
    """The option ``template`` makes for ``scenario``, as plain data.

    Raises
    ------
    ScenarioError
        ``template`` is not one of :data:`TEMPLATES`, or needs what the scenario lacks (a hybrid
        needs urgent tiers and a pay-per-incident option to fall back on).
    """
    org = scenario.organisation
    if template == "break-fix":
        return _shop(scenario)
    if template in ("msp-per-user", "msp-per-device"):
        option = _msp(scenario)
        lines = {"per_server_monthly": 185, "per_site_monthly": 250}  # technoir-msp-pricing-2026
        if template == "msp-per-user":  # the market average's bottom (pharallax-msp-benchmark-2026)
            lines["per_user_monthly"] = 150
        else:  # $50-100 a workstation a month (micro-it-pricing-2026)
            lines["per_device_monthly"] = 75
        monthly = Fees.model_validate(lines).lines_monthly(org)
        option["fees"] = {**lines, "onboarding": round(1.4 * monthly)}  # technoir: 1.4 x a month
        option["title"] = TEMPLATES[template]
        return option
    if template == "hybrid":
        urgent, shop = _urgent(scenario), _first_shop(scenario)
        if not urgent or shop is None:
            raise ScenarioError(
                "options", "a hybrid needs tiers that stop half the staff or more, and a "
                "pay-per-incident option to hand the rest to"
            )  # fmt: skip
        if len(urgent) == len(scenario.incidents):
            raise ScenarioError("options", "a hybrid needs some tiers it does not cover")
        option = _msp(scenario, urgent)
        lines = {"per_server_monthly": 185, "per_site_monthly": 250}
        monthly = Fees.model_validate(lines).lines_monthly(org)
        option["fees"] = {**lines, "onboarding": round(1.4 * monthly)}
        option.update(covers=urgent, fallback=shop, title=TEMPLATES["hybrid"],
                      security_factor=0.8)  # fmt: skip
        return option
    if template == "block-hours":
        option = _shop(scenario)  # the same shop's card, 40 hours prepaid at 20% off
        option.update(kind="block_hours", title=TEMPLATES["block-hours"])
        option["block"] = {"hours_per_year": 40, "price_per_year": 40 * 112, "rollover": True}
        response = {"default": {"median": 2, "p90": 8}}  # contract customers first (itcost-block)
        response.update({t: {"median": 3, "p90": 12} for t in _urgent(scenario)})
        option["response_hours"] = response
        return option
    if template == "in-house":
        shop = _first_shop(scenario)
        if shop is None:
            raise ScenarioError(
                "options", "a technician of your own needs a pay-per-incident option to buy "
                "the hours beyond theirs from"
            )  # fmt: skip
        urgent, outages = _urgent(scenario), _outages(scenario)
        return {  # itcost-in-house, bls-ooh-computer-2023, bls-ecec-dec2024
            "kind": "in_house",
            "title": TEMPLATES["in-house"],
            "salary_per_year": 78_750,
            "tools_per_year": 3_400,
            "hours_per_year": 1_100,
            "fallback": shop,
            "prevention": {t: (0.3 if t in urgent else 0.2) for t in outages},
            "fix_time_factor": 0.9,
            "monitoring": True,
            "service_hours": {"days": 5, "open": 8, "close": 17},
            "response_hours": {"default": {"median": 0.5, "p90": 2}},
            "security_factor": 0.8,
        }
    raise ScenarioError("template", f"no such template {template!r} (templates: "
                        f"{', '.join(TEMPLATES)})")  # fmt: skip


def _data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as given (fields left to their defaults stay so: devices that follow the
    staff keep following them)."""
    return scenario.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _with_options(scenario: Scenario, options: dict[str, Any], baseline: str) -> Scenario:
    data = _data(scenario)
    data["options"] = options
    data["baseline"] = baseline
    return validated(Scenario, data, "quotes")


def _free_name(scenario: Scenario, stem: str) -> str:
    stem = stem[:58]  # room for "-NN" within the 64 characters of a name
    name, number = stem, 2
    while name in scenario.options or name == "savings":
        name, number = f"{stem}-{number}", number + 1
    return name


def _room(scenario: Scenario) -> None:
    if len(scenario.options) >= MAX_OPTIONS:
        raise ScenarioError("options", f"at most {MAX_OPTIONS} quotes side by side")


def add_option(scenario: Scenario, template: str, name: str | None = None) -> Scenario:
    """``scenario`` with one more option, made from ``template`` (named after it, or
    ``name``)."""
    _room(scenario)
    option = template_option(scenario, template)
    name = _free_name(scenario, name or template)
    options = {**_data(scenario)["options"], name: option}
    return _with_options(scenario, options, scenario.baseline_name)


def duplicate_option(scenario: Scenario, option: str) -> Scenario:
    """``scenario`` with a copy of ``option`` after it ("..., copy"), to edit as another
    quote."""
    _room(scenario)
    _known(scenario, option)
    options = _data(scenario)["options"]
    copied = copy.deepcopy(options[option])
    copied["title"] = f"{scenario.options[option].title}, copy"[:200]
    name = _free_name(scenario, f"{option[:53]}-copy")
    ordered: dict[str, Any] = {}
    for key, value in options.items():
        ordered[key] = value
        if key == option:
            ordered[name] = copied
    return _with_options(scenario, ordered, scenario.baseline_name)


def rename_option(scenario: Scenario, option: str, title: str) -> Scenario:
    """``scenario`` with ``option`` shown as ``title`` (its key stays: links and columns
    keep working)."""
    _known(scenario, option)
    title = " ".join(title.split())
    if not title:
        raise ScenarioError(f"options.{option}.title", "must not be empty")
    return scenario.with_overrides({f"options.{option}.title": title})


def delete_option(scenario: Scenario, option: str) -> Scenario:
    """``scenario`` without ``option``; the baseline moves to the first option left when it
    was the one deleted.

    Raises
    ------
    ScenarioError
        Two options are the fewest; another option falls back on this one.
    """
    _known(scenario, option)
    if len(scenario.options) <= MIN_OPTIONS:
        raise ScenarioError("options", f"at least {MIN_OPTIONS} options are compared")
    users = [name for name, spec in scenario.options.items()
             if getattr(spec, "fallback", None) == option]  # fmt: skip
    if users:
        titles = ", ".join(scenario.options[name].title for name in users)
        raise ScenarioError(
            f"options.{option}", f"{titles} falls back on it: delete or change that first"
        )
    options = {k: v for k, v in _data(scenario)["options"].items() if k != option}
    baseline = scenario.baseline_name
    if baseline == option:
        baseline = next(iter(options))
    return _with_options(scenario, options, baseline)


def set_baseline(scenario: Scenario, option: str) -> Scenario:
    """``scenario`` compared with ``option``."""
    _known(scenario, option)
    return scenario.with_overrides({"baseline": option})


def _known(scenario: Scenario, option: str) -> None:
    if option not in scenario.options:
        raise ScenarioError(
            "options", f"{option!r} is not an option (options: {', '.join(scenario.options)})"
        )
