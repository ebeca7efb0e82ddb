"""``itcost upgrade``: a scenario file of format 1 rewritten as format 2, assumptions as comments.

Format 1 had two support models (``break_fix`` and ``managed``, and an optional ``hybrid``) and
counted every hour as clock time. Format 2 has named options of a kind, calendars for the
business and for each option's technicians, and per-tier visits. What format 1 said is carried
over as it was meant; what format 2 needs and format 1 never said (the calendars, when incidents
start, which tiers get round-the-clock work) is filled in and marked ``ASSUMED`` in a comment
next to the field, for the user to review. The result is checked against the format-2 model
before it is returned.

Figures differ from format 1's even where nothing is assumed wrongly: an outage now costs money
only in operating hours and technicians work only their service hours, where format 1 counted
clock hours. With a 24/7 organisation and service calendar, the upgraded file means what the
format-1 file meant, except for format 1's share of incidents billed at an after-hours premium
(see :meth:`_Upgrade._emergency`); the tests check that the figures then agree.

Examples
--------
>>> old = '''
... name: Tiny office
... organisation: {employees: 4, loaded_hourly_cost: 40, revenue_per_hour: 300,
...                productivity_loss: 0.5}
... incidents:
...   outage: {rate_per_year: 2, users_affected: 1.0, revenue_impact: 0.5, fix_hours: 3}
... break_fix: {hourly_rate: 120, callout_fee: 40, response_hours: {median: 4, p90: 12}}
... managed: {per_user_monthly: 90, response_hours: 1, incident_reduction: {outage: 0.4}}
... '''
>>> from analysis.scenario.yaml import parse_yaml
>>> new = parse_yaml(upgrade_text(old))
>>> new["schema"], list(new["options"]), new["baseline"]
('itcost.scenario/2', ['break-fix', 'managed'], 'break-fix')
>>> new["options"]["break-fix"]["rates"], new["incidents"]["outage"]["blocking"]
({'remote': 120, 'onsite': 120}, 0.5)
"""

from __future__ import annotations

import os
import textwrap
from typing import Any

from ruamel.yaml.comments import CommentedMap

from analysis._version import __version__
from analysis.errors import ScenarioError
from analysis.scenario import format1
from analysis.scenario.io import read_scenario_text, scenario_from_data
from analysis.scenario.model import SCHEMA
from analysis.scenario.validation import validated
from analysis.scenario.yaml import dump_commented_yaml, flow_list, flow_map, parse_yaml

#: The option names and titles that format 1's models become.
BREAK_FIX, MANAGED, HYBRID = "break-fix", "managed", "hybrid"
_TITLES = {BREAK_FIX: "Break-fix", MANAGED: "Managed services", HYBRID: "Hybrid"}
#: Format 1 had no calendar; an office week is the assumption written in its place.
OFFICE_HOURS = {"days": 5, "open": 8, "close": 18}
#: Comments that would make a line longer than this go on the lines above their field.
_WIDTH = 100
#: Format 1's names of the models, as its security rates and comments name them.
_FORMAT1_NAMES = {BREAK_FIX: "break_fix", MANAGED: "managed", HYBRID: "hybrid"}


def upgrade_text(text: str, source: str | None = None) -> str:
    """Format-1 scenario YAML ``text`` as format-2 YAML text, with comments.

    Parameters
    ----------
    text
        A format-1 scenario file's text.
    source
        Where the text came from (a file path), for error messages.

    Returns
    -------
    str
        Format-2 YAML: a header comment, then every field with the assumptions made for it
        as comments (``ASSUMED: ...``).

    Raises
    ------
    ScenarioError
        One line: text that is not YAML; a file that is already format 2 (field ``schema``);
        or the first problem of a format-1 file, named as format 1 named it.
    """
    data = parse_yaml(text, source)
    if not isinstance(data, dict):
        raise ScenarioError("", "a scenario must be a YAML mapping of keys to values", source)
    if data.get("schema") == SCHEMA or ("schema" not in data and "options" in data):
        raise ScenarioError("schema", "already format 2: nothing to upgrade", source)
    if "schema" in data:
        given = data["schema"]
        raise ScenarioError(
            "schema", f"not a format-1 scenario, which has no schema key (got {given!r})", source
        )
    old = validated(format1.Scenario, data, source)
    upgraded = _Upgrade(old).scenario()
    result = dump_commented_yaml(upgraded)
    try:  # a format-1 file that format 2 cannot say is refused here, not by the next command
        scenario_from_data(parse_yaml(result))
    except ScenarioError as error:
        reason = f"has no format-2 equivalent: format 2 refuses it: {error.reason}"
        raise ScenarioError(error.field, reason, source) from None
    return result


def upgrade_file(path: str | os.PathLike[str]) -> str:
    """The format-2 text of the format-1 scenario file at ``path`` (see :func:`upgrade_text`).

    Raises
    ------
    ScenarioError
        As :func:`upgrade_text`, naming ``path``; or a file that cannot be read.
    """
    return upgrade_text(read_scenario_text(path), str(path))


def _number(value: float) -> float | int:
    """A whole float as an int (``150`` rather than ``150.0``), as people write numbers."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def _ratio(numerator: float, denominator: float) -> float | int:
    """``numerator / denominator`` to 12 significant digits (0.375, not 0.37499999999999994)."""
    return _number(float(f"{numerator / denominator:.12g}"))


def _spec(spec: format1.Spec) -> Any:
    """A spec as format 2 writes it: a plain number for a constant, else on one line."""
    if spec.is_constant:
        return _number(spec.median)
    return flow_map(median=_number(spec.median), p90=_number(spec.p90))


def _note(mapping: CommentedMap, key: str, text: str, indent: int) -> None:
    """``text`` as a comment next to ``key`` of ``mapping`` (whose keys are ``indent`` spaces
    in): at the end of its line, two spaces after the value, when the line stays within
    :data:`_WIDTH` characters; else on the lines just above it."""
    line = dump_commented_yaml(CommentedMap([(key, mapping[key])])).rstrip("\n")
    column = indent + len(line) + 2
    if "\n" not in line and column + len(text) + 2 <= _WIDTH:
        mapping.yaml_add_eol_comment(text, key, column=column)
        return
    lines = textwrap.wrap(text, width=_WIDTH - indent - 2, break_on_hyphens=False)
    mapping.yaml_set_comment_before_after_key(key, before="\n".join(lines), indent=indent)


class _Upgrade:
    """The format-2 sections of one format-1 scenario, as commented mappings."""

    def __init__(self, old: format1.Scenario):
        self.old = old
        self.tiers = list(old.incidents)
        self.emergency_tiers = _emergency_tiers(old)
        security = old.security
        self.security_rates: dict[str, float] = {}
        if security is not None:
            self.security_rates = {
                BREAK_FIX: security.rate_per_year.break_fix,
                MANAGED: security.rate_per_year.managed,
            }
            if old.hybrid is not None:
                self.security_rates[HYBRID] = old.hybrid_security_rate

    def scenario(self) -> CommentedMap:
        old = self.old
        data = CommentedMap()
        data["schema"] = SCHEMA
        data["name"] = old.name
        if old.description:
            data["description"] = old.description
        data["currency"] = old.currency
        data["organisation"] = self.organisation()
        data["incidents"] = self.incidents()
        if old.parts is not None:
            data["parts"] = CommentedMap(
                probability=_number(old.parts.probability), cost=_spec(old.parts.cost)
            )
        if old.security is not None:
            data["security"] = self.security()
        options = CommentedMap()
        options[BREAK_FIX] = self.break_fix()
        options[MANAGED] = self.managed()
        if old.hybrid is not None:
            options[HYBRID] = self.hybrid()
        data["options"] = options
        data["baseline"] = BREAK_FIX
        _note(data, "baseline", "format 1 compared every model with break-fix", 0)
        horizon = old.horizon
        data["horizon"] = flow_map(
            years=horizon.years,
            price_escalation=_number(horizon.price_escalation),
            discount_rate=_number(horizon.discount_rate),
        )
        if old.budget is not None:
            data["budget"] = self.budget()
        data.yaml_set_start_comment(
            f"Upgraded from scenario format 1 by itcost upgrade {__version__}; review the "
            "ASSUMED lines.\nFormat 1 counted every hour as clock time; format 2 counts outages "
            "in operating hours and\ntechnicians' work in their service hours, so its figures "
            "differ from format 1's."
        )
        return data

    def organisation(self) -> CommentedMap:
        org = self.old.organisation
        data = CommentedMap()
        data["employees"] = org.employees
        if "devices" in org.model_fields_set:
            data["devices"] = org.devices
        data["loaded_hourly_cost"] = _number(org.loaded_hourly_cost)
        data["revenue_per_hour"] = _number(org.revenue_per_hour)
        data["lost_hour_value"] = "wage_plus_revenue"
        _note(data, "lost_hour_value", "format 1 added lost wages and lost revenue", 2)
        data["operating_hours"] = flow_map(**OFFICE_HOURS)
        _note(
            data,
            "operating_hours",
            "ASSUMED: an office week, Monday to Friday 8-18. Format 1 had no calendar and "
            "counted every hour of an outage, nights and weekends too; format 2 counts only "
            "operating hours. Give the business's own hours (24/7 is {days: 7, open: 0, "
            "close: 24}).",
            2,
        )
        return data

    def incidents(self) -> CommentedMap:
        loss = _number(self.old.organisation.productivity_loss)
        data = CommentedMap()
        for name, tier in self.old.incidents.items():
            spec = CommentedMap()
            spec["rate_per_year"] = _number(tier.rate_per_year)
            _note(spec, "rate_per_year", "kept; consider rate_per_user_per_year", 4)
            if "dispersion" in tier.model_fields_set:
                spec["dispersion"] = _number(tier.dispersion)
            spec["users_affected"] = _number(tier.users_affected)
            spec["blocking"] = loss
            _note(spec, "blocking", "format 1's organisation.productivity_loss", 4)
            spec["revenue_impact"] = _number(tier.revenue_impact)
            spec["fix_hours"] = _spec(tier.fix_hours)
            spec["onsite_share"] = 1
            _note(spec, "onsite_share", "ASSUMED: format 1 billed every incident as a visit", 4)
            spec["starts"] = "operating"
            _note(
                spec,
                "starts",
                "ASSUMED: noticed at work; any_time suits hardware, power, servers",
                4,
            )
            data[name] = spec
        return data

    def security(self) -> CommentedMap:
        security = self.old.security
        rates = security.rate_per_year
        data = CommentedMap()
        data["rate_per_year"] = _number(max(rates.break_fix, rates.managed))
        _note(
            data,
            "rate_per_year",
            f"the higher of format 1's rates (break_fix {rates.break_fix:g}, managed "
            f"{rates.managed:g}); each option's security_factor is its own format-1 rate over "
            "this one",
            2,
        )
        data["loss"] = _spec(security.loss)
        return data

    def _security_factor(self, data: CommentedMap, option: str, why: str = "") -> None:
        rates = self.security_rates
        top = max(rates.values(), default=0.0)
        if top == 0:  # no security section, or no events under any model: nothing to scale
            return
        data["security_factor"] = _ratio(rates[option], top)
        old_name = _FORMAT1_NAMES[option]
        why = why or f"format 1's {old_name} rate {rates[option]:g} / {top:g}"
        _note(data, "security_factor", why, 4)

    def break_fix(self) -> CommentedMap:
        old = self.old.break_fix
        data = CommentedMap()
        data["kind"] = "pay_per_incident"
        data["title"] = _TITLES[BREAK_FIX]
        rate = _number(old.hourly_rate)
        data["rates"] = flow_map(remote=rate, onsite=rate)
        _note(data, "rates", "format 1's hourly_rate, remote and on site alike", 4)
        if old.minimum_hours:
            minimum = _number(old.minimum_hours)
            data["minimum_hours"] = flow_map(remote=minimum, onsite=minimum)
            _note(data, "minimum_hours", "format 1's minimum_hours, remote and on site", 4)
        if old.callout_fee:
            data["trip_fee"] = _number(old.callout_fee)
            _note(
                data,
                "trip_fee",
                "format 1's callout_fee, charged on every incident; format 2 charges it per "
                "visit, and every tier's onsite_share is 1 to keep it so",
                4,
            )
        self._service_hours(data)
        emergency, why = self._emergency()
        if emergency is not None:
            data["emergency"] = emergency
        _note(data, "emergency" if emergency is not None else "service_hours", why, 4)
        data["response_hours"] = flow_map(default=_spec(old.response_hours))
        self._response_note(data)
        self._security_factor(data, BREAK_FIX)
        return data

    def _service_hours(self, data: CommentedMap) -> None:
        data["service_hours"] = flow_map(**OFFICE_HOURS)
        _note(
            data,
            "service_hours",
            "ASSUMED: the technicians work the office week of organisation.operating_hours; "
            "format 1 had them work round the clock",
            4,
        )

    def _response_note(self, data: CommentedMap) -> None:
        _note(
            data,
            "response_hours",
            "format 1's response_hours, which were clock hours; these are hours of "
            "service_hours (of the clock, for the emergency tiers)",
            4,
        )

    def _emergency(self) -> tuple[CommentedMap | None, str]:
        """Break-fix's emergency section, and the comment that says what it assumes.

        Format 1 billed a share of all incidents (``after_hours_share``) at
        ``after_hours_multiplier``, whenever they happened. Format 2 has no such share: an
        option's emergency tiers are worked round the clock, and their hours outside service
        hours are billed at the multiplier; the other tiers wait for service hours. The
        multiplier is kept, as a price, on the tiers most likely to be worked out of hours (the
        ones that stop everyone or lose the most revenue; see :func:`_emergency_tiers`).
        """
        old = self.old.break_fix
        share, multiplier = old.after_hours_share, old.after_hours_multiplier
        charged = share > 0 and multiplier > 1
        was = (
            f"format 1 billed a share {share:g} of all incidents at x{multiplier:g} after hours"
            if charged
            else "format 1 billed no after-hours premium"
        )
        if not self.emergency_tiers:
            return None, (
                f"ASSUMED: no tier is worked round the clock (no tier stops everyone or loses "
                f"revenue); {was}, which format 2 charges only on emergency tiers' hours outside "
                "service_hours, so no after-hours premium is billed"
            )
        tiers = ", ".join(self.emergency_tiers)
        section = flow_map(
            tiers=flow_list(list(self.emergency_tiers)),
            multiplier=_number(multiplier) if charged else 1,
        )
        why = (
            f"ASSUMED: {tiers} (everyone stopped, or the most revenue lost) worked round the "
            f"clock, the other tiers in service_hours. {was.capitalize()}; format 2 bills the "
            "multiplier on the emergency tiers' hours outside service_hours instead, so its "
            "after-hours billing differs."
        )
        return section, why

    def managed(self) -> CommentedMap:
        old = self.old.managed
        data = CommentedMap()
        data["kind"] = "managed"
        data["title"] = _TITLES[MANAGED]
        data["fees"] = flow_map(
            per_user_monthly=_number(old.per_user_monthly),
            per_device_monthly=_number(old.per_device_monthly),
            onboarding=_number(old.onboarding_fee),
        )
        data["covers"] = "all"
        self._care(data, covered=self.tiers)
        self._security_factor(data, MANAGED)
        return data

    def _care(self, data: CommentedMap, covered: list[str]) -> None:
        """Format 1's managed care (prevention, repair factor, waits, out of scope, SLA) on
        the ``covered`` tiers."""
        old = self.old.managed
        prevention = {
            tier: _number(share)
            for tier, share in old.incident_reduction.items()
            if tier in covered and share > 0
        }
        if prevention:
            data["prevention"] = flow_map(**prevention)
            _note(data, "prevention", "format 1's managed.incident_reduction", 4)
        data["fix_time_factor"] = _number(old.fix_time_factor)
        self._service_hours(data)
        emergency = [tier for tier in self.emergency_tiers if tier in covered]
        if emergency:
            data["emergency"] = flow_map(tiers=flow_list(emergency))
            _note(
                data,
                "emergency",
                "ASSUMED: the same tiers as break-fix's are worked round the clock, in the "
                "fee; format 1 counted every managed wait in clock hours",
                4,
            )
        data["response_hours"] = flow_map(default=_spec(old.response_hours))
        self._response_note(data)
        if old.out_of_scope_share > 0:
            data["out_of_scope"] = flow_map(
                share=_number(old.out_of_scope_share), rate=_number(old.out_of_scope_rate)
            )
            _note(
                data,
                "out_of_scope",
                "format 1's out_of_scope_share and out_of_scope_rate, on exact hours",
                4,
            )
        if old.sla is not None:
            data["sla"] = flow_map(
                response_hours=_number(old.sla.response_hours),
                credit_per_breach=_number(old.sla.credit_per_breach),
                max_credit_share=_number(old.sla.max_credit_share),
            )
            _note(data, "sla", "format 1's; its response_hours now count service hours", 4)

    def hybrid(self) -> CommentedMap:
        old = self.old.hybrid
        data = CommentedMap()
        data["kind"] = "managed"
        data["title"] = _TITLES[HYBRID]
        _note(
            data,
            "kind",
            "format 1's hybrid: the managed contract's care (prevention, repair factor, "
            "response, out of scope, SLA) on the tiers it covers",
            4,
        )
        data["fees"] = flow_map(
            per_user_monthly=_number(old.per_user_monthly),
            per_device_monthly=_number(old.per_device_monthly),
            onboarding=_number(old.onboarding_fee),
        )
        covered = [tier for tier in self.tiers if tier in old.managed_tiers]
        data["covers"] = flow_list(covered)
        _note(data, "covers", "format 1's hybrid.managed_tiers", 4)
        if len(covered) < len(self.tiers):  # a fallback for none would be refused as unused
            data["fallback"] = BREAK_FIX
            _note(data, "fallback", "the tiers not covered are billed as break-fix", 4)
        self._care(data, covered=covered)
        rates = self.security_rates
        if old.security_rate_per_year is not None or not rates:
            why = ""
        else:
            which = "managed" if set(covered) == set(self.tiers) else "break_fix"
            covers = "every tier" if which == "managed" else "only some tiers"
            why = (
                f"format 1's hybrid rate {rates[HYBRID]:g} (by default its {which} rate: the "
                f"contract covers {covers}) / {max(rates.values()):g}"
            )
        self._security_factor(data, HYBRID, why)
        return data

    def budget(self) -> CommentedMap:
        budget = self.old.budget
        data = CommentedMap()
        data["annual_it_spend"] = _number(self.old.it_budget)
        if budget.annual_it_spend is None:
            _note(
                data,
                "annual_it_spend",
                "format 1's default: the managed contract's annual fee (format 2 has no "
                "default budget)",
                2,
            )
        if budget.seasonality is not None:
            data["seasonality"] = flow_list([_number(weight) for weight in budget.seasonality])
        return data


def _emergency_tiers(old: format1.Scenario) -> list[str]:
    """The tiers that stop everyone (``users_affected`` 1) or lose the most revenue, in file
    order: those a break-fix shop is called to out of hours."""
    top = max(tier.revenue_impact for tier in old.incidents.values())
    return [
        name
        for name, tier in old.incidents.items()
        if tier.users_affected == 1 or (top > 0 and tier.revenue_impact == top)
    ]
