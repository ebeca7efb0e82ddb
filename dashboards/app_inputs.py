"""The Calculator's inputs: one widget per scenario field, labelled from the scenario model.

Labels, units and help texts come from :func:`analysis.scenario.fields.scenario_fields` (the
same text as ``itcost fields``). Widgets show friendlier units than the file (percentages for
shares, incidents per month); only the values a user changed are applied to the scenario the
inputs started from, and the result is validated as a whole. An invalid value shows its
error under its own widget.
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

import analysis
from analysis.scenario.fields import FieldDoc, field_doc
from analysis.scenario.overrides import apply_overrides
from analysis.scenario.paths import value_at
from analysis.scenario.presets import field_sources, sources_for
from app_state import DEFAULT_PRESET, Inputs, plain

#: Optional sections of the scenario, each behind a switch.
SECTION_LABELS = {
    "parts": "Include hardware parts",
    "security": "Include security events",
    "managed.sla": "The contract has an SLA with credits",
    "hybrid": "Compare a hybrid contract too",
    "budget": "Set an IT budget",
}
OPTIONAL_SECTIONS = tuple(SECTION_LABELS)


def unit_label(field: FieldDoc, currency: str) -> str:
    """The unit as a widget label shows it: ``USD/hour``, ``%``, ``hours``."""
    unit = field.unit
    if field.kind == "share" or unit == "fraction":
        return "%"
    names = {
        "x": "times",
        "money": currency,
        "money per hour": f"{currency}/hour",
        "money per month": f"{currency}/month",
    }
    return names.get(unit, unit)


def _step(value: float) -> float:
    """A step for the +/- buttons: about a tenth of the value's order of magnitude."""
    if value <= 0:
        return 1.0
    return max(10.0 ** (math.floor(math.log10(value)) - 1), 0.01)


def _exact(value: float) -> float:
    """A converted widget value without binary noise: 33.3 % is 0.333, not 0.33299999999999996."""
    return float(f"{value:.12g}")


class Form:
    """Renders input widgets and collects the changes made to ``state.base``.

    Widgets start from the base's values; ``changes`` collects, by dotted path, only the values
    a user changed, and :meth:`finish` applies them to the base and validates the result.
    """

    def __init__(self, state: Inputs):
        self.state = state
        self.base = state.base
        data = state.base.model_dump(mode="json")
        data["managed"]["incident_reduction"] = {
            tier: state.base.reduction(tier) for tier in state.base.incidents
        }
        # Values for a section the base lacks, once a user switches it on: the preset's, else
        # the default preset's, else a starting point of our own.
        preset = analysis.load_scenario(state.preset)
        fallbacks = [preset, analysis.load_scenario(DEFAULT_PRESET)]
        fallbacks = [scenario.model_dump(mode="json") for scenario in fallbacks]
        for section in OPTIONAL_SECTIONS:
            if value_at(data, section) is None:
                found = [value_at(dump, section) for dump in fallbacks]
                start = next((value for value in found if value), None)
                _put(data, section, start or _starting_point(section, state.base))
        self.data = data
        self.preset_data = preset.to_dict()
        self.base_data = state.base.to_dict()
        self.sources = field_sources(state.preset)
        self.changes: dict[str, Any] = {}
        self.values: dict[str, Any] = {}
        self.slots: dict[str, Any] = {}
        self.sections_off: set[str] = set()
        self.sections_shown: set[str] = set()

    # -- helpers -----------------------------------------------------------------------------

    def key(self, path: str) -> str:
        """The widget's key: new for every base, so that each base starts its widgets afresh."""
        return f"in{self.state.generation}:{path}"

    def initial(self, path: str) -> Any:
        """The base's value at ``path`` (a spec as ``{median, p90}``)."""
        return value_at(self.data, path)

    def help(self, path: str) -> str:
        """The field's meaning with its unit, its path, and the preset's source for the value."""
        field = field_doc(path)
        text = field.description.replace("money", self.base.currency)
        text = text[:1].upper() + text[1:] + f". Scenario field: `{path}`."
        same = value_at(self.base_data, path) == value_at(self.preset_data, path)
        cited = sources_for(self.sources, path) if same else []
        if cited:
            text += f" Source: {', '.join(cited)} (see Assumptions & sources)."
        return text

    def label(self, path: str, prefix: str = "") -> str:
        """``Title (unit)``; for a tier's field, ``Tier: title (unit)``."""
        field = field_doc(path)
        title = (
            field.title if not prefix else f"{prefix}: {field.title[:1].lower()}{field.title[1:]}"
        )
        unit = unit_label(field, self.base.currency)
        return f"{title} ({unit})" if unit else title

    def _record(self, path: str, value: Any, initial: Any) -> None:
        """Note the widget's value, a change when it differs, and a place for its error."""
        self.values[path] = value
        if value != initial:
            self.changes[path] = value
        self.slots[path] = st.empty()

    # -- widgets -----------------------------------------------------------------------------

    def number(self, path: str, prefix: str = "", per_month: bool = False, unset: str = "") -> None:
        """A number input for a count, share, fraction or amount (a rate as per month).

        ``unset`` is the placeholder of an optional number that may be left empty (None).
        """
        field = field_doc(path)
        initial = self.initial(path)
        percent = field.kind == "share" or field.unit == "fraction"
        label = self.label(path, prefix)
        options: dict[str, Any] = {"min_value": 0.0, "format": "%.2f"}
        derived = path == "organisation.devices" and (
            "devices" not in self.base.organisation.model_fields_set
        )
        if derived:  # one per person until a user types a number: then that number, always
            options = {"min_value": 0, "step": 1, "format": "%d", "placeholder": "same as staff"}
            shown = None
        elif unset:
            options = {"min_value": 0.0, "format": "%.2f", "placeholder": unset}
            shown = None if initial is None else float(initial)
        elif field.kind == "count":
            options = {"min_value": 0, "step": 1, "format": "%d"}
            shown: Any = int(initial)
        elif percent:
            shown = initial * 100
            low = 100 * field.minimum if field.unit == "fraction" else 0.0
            options = {"min_value": low, "max_value": 100.0, "step": 1.0, "format": "%.1f"}
        elif per_month:
            shown = initial / 12
            label = f"{prefix} incidents per month"
            options["step"] = _step(shown)
        else:
            shown = float(initial)
            options["step"] = _step(shown)
        entered = st.number_input(
            label,
            value=shown,
            key=self.key(path),
            help=self.help(path),
            persist_state="session",
            **options,
        )
        if derived:
            value = initial if entered is None else entered
            if entered is not None:
                self.changes[path] = entered  # even if it equals today's derived number
        elif unset or entered == shown:
            value = entered if unset else initial
        elif percent:
            value = _exact(entered / 100)
        elif per_month:
            value = _exact(entered * 12)
        else:
            value = entered
        self._record(path, value, initial)

    def spec(self, path: str, prefix: str = "") -> None:
        """Median and 90th percentile of a duration or amount, side by side."""
        initial = self.initial(path)
        label = self.label(path, prefix)
        entered = {}
        for column, part in zip(st.columns(2), ("median", "p90"), strict=True):
            shown = float(initial[part])
            with column:
                value = st.number_input(
                    label.replace(" (", f", {part} (", 1) if "(" in label else f"{label}, {part}",
                    value=shown,
                    min_value=0.0,
                    step=_step(shown),
                    format="%.2f",
                    key=self.key(f"{path}.{part}"),
                    help=self.help(path) + " Half of the cases take less than the median; "
                    "one in ten more than the p90 (equal values: a constant).",
                    persist_state="session",
                )
            entered[part] = value if value != shown else initial[part]
        self._record(path, entered, initial)

    def tiers(self, path: str) -> None:
        """A choice of incident tiers (the tiers under a hybrid contract)."""
        initial = self.initial(path)
        options = list(self.base.incidents)
        chosen = st.multiselect(
            self.label(path),
            options,
            default=[tier for tier in initial if tier in options],
            key=self.key(path),
            help=self.help(path),
            persist_state="session",
        )
        value = initial if sorted(chosen) == sorted(initial) else chosen
        self._record(path, value, initial)

    def text(self, path: str) -> None:
        initial = self.initial(path)
        value = st.text_input(
            field_doc(path).title,
            value=initial,
            key=self.key(path),
            help=self.help(path),
            persist_state="session",
        )
        self._record(path, value, initial)

    def section(self, name: str) -> bool:
        """A switch for an optional section; its fields follow only when it is on."""
        present = value_at(self.base_data, name) is not None
        description = FIELD_SECTIONS[name]
        on = st.toggle(
            SECTION_LABELS[name],
            value=present,
            key=self.key(f"{name}.on"),
            help=description[:1].upper() + description[1:] + ".",
            persist_state="session",
        )
        if not on:
            self.sections_off.add(name)
        self.sections_shown.add(name)
        self.slots[name] = st.empty()
        return on

    # -- the result --------------------------------------------------------------------------

    def finish(self, top_slot: Any) -> None:
        """Apply the changes to the base; record the valid scenario or show the error in place."""
        changes = {}
        for section in OPTIONAL_SECTIONS:
            present = value_at(self.base_data, section) is not None
            if section in self.sections_off:
                if present:
                    changes[section] = None  # removes the section
            elif not present and section in self.sections_shown:
                # Switched on: the section as a whole, from its widgets.
                changes[section] = _nest(self.values, section)
        for path, value in self.changes.items():
            if any(path.startswith(f"{section}.") for section in changes):
                continue  # the section was switched off, or on as a whole
            changes[path] = value
        try:
            scenario = apply_overrides(self.base, changes) if changes else self.base
        except analysis.ScenarioError as error:
            self.state.error = error
            self._slot_for(error.field, top_slot).error(
                self.error_text(error), icon=":material/error:"
            )
            return
        self.state.error = None
        self.state.scenario = scenario

    def error_text(self, error: analysis.ScenarioError) -> str:
        """``Title (path): reason``, one line, shown as plain text."""
        try:
            field: FieldDoc | None = field_doc(error.field)
        except KeyError:  # a section, or no field at all
            field = None
        name = f"{field.title} ({error.field})" if field else error.field or "Scenario"
        return plain(f"{name}: {error.reason}")

    def _slot_for(self, path: str, top_slot: Any) -> Any:
        """Where the error of ``path`` goes: under its widget; else under the widget of the
        nearest field holding it (a spec's median and p90 share one place); else under the first
        widget inside it (a section); else above every input."""
        if path in self.slots:
            return self.slots[path]
        holders = [p for p in self.slots if path.startswith(p + ".")]
        if holders:
            return self.slots[max(holders, key=len)]
        inside = [p for p in self.slots if p.startswith(path + ".")]
        return self.slots[inside[0]] if inside and path else top_slot


def _nest(values: dict[str, Any], section: str) -> dict[str, Any]:
    """The values under ``section`` (a dotted path) as a nested mapping."""
    nested: dict[str, Any] = {}
    for path, value in values.items():
        if not path.startswith(f"{section}."):
            continue
        parts = path[len(section) + 1 :].split(".")
        node = nested
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return nested


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data[part]
    data[last] = value


def _starting_point(section: str, base: analysis.Scenario) -> dict[str, Any]:
    """Values for a section no preset has: a place to start from, to be changed."""
    if section == "managed.sla":
        return {"response_hours": 4.0, "credit_per_breach": 100.0, "max_credit_share": 0.1}
    if section == "hybrid":  # the most severe tier under contract, at 40% of the managed fee
        severest = max(base.incidents, key=base.impact_rate)
        fee = _exact(0.4 * base.managed.per_user_monthly)
        return {"managed_tiers": [severest], "per_user_monthly": fee, "per_device_monthly": 0.0,
                "onboarding_fee": 0.0, "security_rate_per_year": None}  # fmt: skip
    return {"annual_it_spend": None, "seasonality": None}  # budget


#: What each optional section is, for its switch's help.
FIELD_SECTIONS = {
    "parts": "Hardware replaced during repairs, at the same cost under every model.",
    "security": "Rare severe events (ransomware, breaches), less frequent under managed care.",
    "managed.sla": "Service-level credits: each managed incident answered later than promised "
    "earns a credit, capped per year at a share of the contract fee.",
    "hybrid": "A third option: managed care for the tiers you choose, break-fix for the rest, "
    "on the same incidents. Its results appear next to the other two.",
    "budget": "A yearly IT budget for the budget-risk figures on the Decide page (default: "
    "the managed contract's annual fee).",
}


def render(state: Inputs) -> None:
    """All the inputs: the few an owner knows up front, the rest in expanders."""
    form = Form(state)
    base = state.base
    tiers = list(base.incidents)
    top_slot = st.empty()

    st.markdown("**Your business**")
    form.number("organisation.employees")
    form.number("organisation.devices")
    form.number("organisation.revenue_per_hour")
    form.number("organisation.loaded_hourly_cost")
    st.markdown("**Incidents per month** (without proactive care)")
    for tier in tiers:
        form.number(f"incidents.{tier}.rate_per_year", prefix=tier.capitalize(), per_month=True)
    st.markdown("**Prices**")
    form.number("break_fix.hourly_rate")
    form.number("managed.per_user_monthly")

    with st.expander("Downtime impact and incident tiers"):
        form.number("organisation.productivity_loss")
        for tier in tiers:
            name = tier.capitalize()
            st.markdown(f"*{name} incidents*")
            form.number(f"incidents.{tier}.users_affected", prefix=name)
            form.number(f"incidents.{tier}.revenue_impact", prefix=name)
            form.spec(f"incidents.{tier}.fix_hours", prefix=name)
            form.number(f"incidents.{tier}.dispersion", prefix=name)
    with st.expander("Break-fix terms"):
        for name in ("minimum_hours", "callout_fee", "after_hours_share", "after_hours_multiplier"):
            form.number(f"break_fix.{name}")
        form.spec("break_fix.response_hours")
    with st.expander("Managed contract"):
        form.number("managed.per_device_monthly")
        form.number("managed.onboarding_fee")
        for tier in tiers:
            form.number(f"managed.incident_reduction.{tier}", prefix=tier.capitalize())
        form.spec("managed.response_hours")
        for name in ("fix_time_factor", "out_of_scope_share", "out_of_scope_rate"):
            form.number(f"managed.{name}")
    with st.expander("Hardware parts and security events"):
        if form.section("parts"):
            form.number("parts.probability")
            form.spec("parts.cost")
        if form.section("security"):
            form.number("security.rate_per_year.break_fix")
            form.number("security.rate_per_year.managed")
            form.spec("security.loss")
    with st.expander("Hybrid contract, SLA credits and budget"):
        if form.section("hybrid"):
            form.tiers("hybrid.managed_tiers")
            for name in ("per_user_monthly", "per_device_monthly", "onboarding_fee"):
                form.number(f"hybrid.{name}")
            form.number("hybrid.security_rate_per_year", unset="by the tiers covered")
        if form.section("managed.sla"):
            for name in ("response_hours", "credit_per_breach", "max_credit_share"):
                form.number(f"managed.sla.{name}")
        if form.section("budget"):
            form.number("budget.annual_it_spend", unset="the managed annual fee")
            if base.budget and base.budget.seasonality:
                st.caption("Incidents follow the file's monthly seasonality.")
    with st.expander("Horizon and scenario"):
        form.number("horizon.years")
        form.number("horizon.price_escalation")
        form.number("horizon.discount_rate")
        form.text("name")
        st.caption(
            f"Amounts are in {base.currency}; to use another currency, change `currency` in the "
            "scenario file and load it again."
        )
    form.finish(top_slot)
