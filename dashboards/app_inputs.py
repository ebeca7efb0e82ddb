"""The Calculator's inputs: one widget per scenario field, labelled from the scenario model.

Labels, units and help texts are the scenario model's own field titles and descriptions (the
same text as ``itcost fields``). Widgets show friendlier units than the file (percentages for
shares, incidents per month); only the values a user changed are applied to the scenario the
inputs started from, and the result is validated as a whole. An invalid value shows its
error under its own widget. Every option of the scenario gets its own inputs, whatever its
name and however many there are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import streamlit as st

import analysis
from analysis.scenario.fields import field_doc
from analysis.scenario.model import (
    COVERING,
    LOST_HOUR_VALUES,
    STARTS,
    BlockHours,
    InHouse,
    Managed,
    PayPerIncident,
)
from analysis.scenario.overrides import apply_overrides
from analysis.scenario.paths import value_at
from analysis.scenario.presets import field_sources, sources_for
from app_state import DEFAULT_PRESET, Inputs, default_trials, plain, work_problem

#: Optional sections of every scenario, each behind a switch (an option's SLA is added per
#: managed option: ``options.<name>.sla``).
SECTION_LABELS = {
    "parts": "Include hardware parts",
    "security": "Include security events",
    "budget": "Set an IT budget",
}
#: What each optional section is, for its switch's help.
SECTION_HELP = {
    "parts": "Hardware replaced during repairs, at the same cost under every option.",
    "security": "Rare severe events (ransomware, breaches); each option scales their rate by "
    "its security factor.",
    "budget": "A yearly IT budget to test each option's IT spend against on the Decide page. "
    "Without one, budget risk shows the monthly spread and the worst month only.",
    "sla": "Service-level credits: each covered incident answered later than promised earns a "
    "credit, capped per year at a share of the contract fee.",
}
#: Words for the choices of text fields.
LOST_HOUR_WORDS = dict(zip(LOST_HOUR_VALUES, ("wages of the people stopped", "revenue lost",
                                               "the larger of the two", "wages plus revenue"),
                           strict=True))  # fmt: skip
STARTS_WORDS = dict(zip(STARTS, ("during operating hours", "at any time"), strict=True))
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Doc:
    """A scenario field as a widget labels it: read from the model's field declaration."""

    path: str
    title: str
    description: str  # with its unit in parentheses, as the model writes it
    unit: str  # "money per hour", "hours", "0-1", "" for a pure number
    kind: str  # "count", "share", "spec", "number", "bool", "text"

    @property
    def percent(self) -> bool:
        return self.kind == "share" or self.unit in ("0-1", "fraction")


def field_info(scenario: analysis.Scenario, path: str) -> Doc:
    """The field at dotted ``path`` of ``scenario`` as a widget labels it (from
    :func:`analysis.scenario.fields.field_doc`): tiers and options by their names, an option's
    fields by its kind. Raises KeyError for a path that names none.

    An untitled word inside a titled section takes the section's title ("Minimum billable
    hours: remote").
    """
    doc = field_doc(path)
    parts = path.split(".")
    if doc.option_kinds and (
        len(parts) < 2
        or parts[1] not in scenario.options
        or scenario.options[parts[1]].kind not in doc.option_kinds
    ):
        raise KeyError(path)  # a field of another kind of option
    title = doc.title
    if doc.section and " " not in title:
        title = f"{doc.section}: {title.lower()}"
    return Doc(path, title, doc.description, doc.unit, _KINDS.get(doc.kind, doc.kind))


#: The app's names for the kinds of value :class:`~analysis.scenario.fields.FieldDoc` gives.
_KINDS = {"boolean": "bool"}


def unit_label(doc: Doc, currency: str) -> str:
    """The unit as a widget label shows it: ``USD/hour``, ``%``, ``hours``."""
    if doc.percent:
        return "%"
    names = {
        "x": "times",
        "money": currency,
        "money per hour": f"{currency}/hour",
        "money per month": f"{currency}/month",
        "money per year": f"{currency}/year",
        "hour": "hour of the day",
    }
    return names.get(doc.unit, doc.unit)


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
        self.base = base = state.base
        data = base.model_dump(mode="json", by_alias=True)
        for name, option in base.options.items():  # every covered tier, 0 when not given
            if isinstance(option, COVERING):
                data["options"][name]["prevention"] = {
                    tier: option.prevention.get(tier, 0.0)
                    for tier in base.incidents
                    if option.covers_tier(tier)
                }
        self.sections = [*SECTION_LABELS] + [
            f"options.{name}.sla" for name, o in base.options.items() if isinstance(o, Managed)
        ]
        # Values for a section the base lacks, once a user switches it on: the preset's, else
        # the default preset's, else a starting point of our own.
        preset = analysis.load_scenario(state.preset)
        fallbacks = [preset, analysis.load_scenario(DEFAULT_PRESET)]
        dumps = [scenario.model_dump(mode="json") for scenario in fallbacks]
        for section in self.sections:
            if value_at(data, section) is None:
                found = [value_at(dump, section) for dump in dumps]
                start = next((value for value in found if value), None)
                _put(data, section, start or _starting_point(section))
        self.data = data
        self.preset_data = preset.to_dict()
        self.base_data = base.to_dict()
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

    def doc(self, path: str) -> Doc:
        return field_info(self.base, path)

    def help(self, path: str) -> str:
        """The field's meaning with its unit, its path, and the preset's source for the value."""
        text = self.doc(path).description.replace("money", self.base.currency)
        text = text[:1].upper() + text[1:] + f". Scenario field: `{path}`."
        same = value_at(self.base_data, path) == value_at(self.preset_data, path)
        cited = sources_for(self.sources, path) if same else []
        if cited:
            text += f" Source: {', '.join(cited)} (see Assumptions & sources)."
        return text

    def label(self, path: str, prefix: str = "") -> str:
        """``Title (unit)``; with a prefix (a tier's name), ``Prefix: title (unit)``. Plain
        text: tier names are the user's."""
        doc = self.doc(path)
        title = doc.title
        if prefix:
            title = f"{plain(prefix)}: {title[:1].lower()}{title[1:]}"
        unit = unit_label(doc, self.base.currency)
        return f"{title} ({unit})" if unit else title

    def _record(self, path: str, value: Any, initial: Any) -> None:
        """Note the widget's value, a change when it differs, and a place for its error."""
        self.values[path] = value
        if value != initial:
            self.changes[path] = value
        self.slots[path] = st.empty()

    # -- widgets -----------------------------------------------------------------------------

    def number(
        self, path: str, prefix: str = "", per_month: str = "", unset: str = "", short: str = ""
    ) -> None:
        """A number input for a count, share, fraction or amount.

        ``per_month`` shows a yearly rate per month under that label; ``unset`` is the
        placeholder of an optional number that may be left empty (None); ``short`` is a label
        for a narrow column (the heading above says what it belongs to).
        """
        doc = self.doc(path)
        initial = self.initial(path)
        label = short or self.label(path, prefix)
        options: dict[str, Any] = {"min_value": 0.0, "format": "%.2f"}
        derived = path == "organisation.devices" and (
            "devices" not in self.base.organisation.model_fields_set
        )
        if derived:  # one per person until a user types a number: then that number, always
            options = {"min_value": 0, "step": 1, "format": "%d", "placeholder": "same as staff"}
            shown: Any = None
        elif unset:
            options = {"min_value": 0.0, "format": "%.2f", "placeholder": unset}
            shown = None if initial is None else float(initial)
        elif doc.kind == "count":
            options = {"min_value": 0, "step": 1, "format": "%d"}
            shown = int(initial)
        elif doc.percent:
            shown = initial * 100
            low = -50.0 if doc.unit == "fraction" else 0.0
            options = {"min_value": low, "max_value": 100.0, "step": 1.0, "format": "%.1f"}
        elif per_month:
            shown = initial / 12
            label = plain(per_month)
            options["step"] = _step(shown)
            options["format"] = "%.3f" if shown < 1 else "%.2f"
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
        elif doc.percent:
            value = _exact(entered / 100)
        elif per_month:
            value = _exact(entered * 12)
        else:
            value = entered
        self._record(path, value, initial)

    def spec(self, path: str, prefix: str = "", initial: Any = None) -> None:
        """Median and 90th percentile of a duration or amount, side by side.

        ``initial`` is the value shown when the base has none at ``path`` (a tier's response
        time that comes from ``default``).
        """
        own = self.initial(path)
        start = own if own is not None else initial
        label = self.label(path, prefix)
        entered = {}
        for column, part in zip(st.columns(2), ("median", "p90"), strict=True):
            shown = float(start[part])
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
            entered[part] = value if value != shown else start[part]
        self._record(path, entered, start)

    def choice(self, path: str, choices: dict[str, str], prefix: str = "") -> None:
        """A choice among the values of a text field, in words."""
        initial = self.initial(path)
        names = list(choices)
        value = st.selectbox(
            self.label(path, prefix),
            names,
            index=names.index(initial),
            format_func=choices.__getitem__,
            key=self.key(path),
            help=self.help(path),
            persist_state="session",
        )
        self._record(path, value, initial)

    def switch(self, path: str) -> None:
        """A toggle for a true/false field."""
        initial = bool(self.initial(path))
        value = st.toggle(
            self.label(path),
            value=initial,
            key=self.key(path),
            help=self.help(path),
            persist_state="session",
        )
        self._record(path, value, initial)

    def calendar(self, path: str) -> None:
        """A weekly calendar: days from Monday, opening and closing hours, side by side."""
        columns = st.columns(3)
        with columns[0]:
            self.number(f"{path}.days", short="Days a week")
        with columns[1]:
            self.number(f"{path}.open", short="Opens (hour)")
        with columns[2]:
            self.number(f"{path}.close", short="Closes (hour)")

    def text(self, path: str) -> None:
        initial = self.initial(path)
        value = st.text_input(
            plain(self.doc(path).title),
            value=initial,
            key=self.key(path),
            help=self.help(path),
            persist_state="session",
        )
        self._record(path, value, initial)

    def baseline(self) -> None:
        """The option the others are compared with: a change like any other."""
        path = "baseline"
        initial = self.base.baseline_name
        names = self.base.option_names
        titles = {name: f"{self.base.options[name].title} ({name})" for name in names}
        value = st.selectbox(
            "Compare every option with (baseline)",
            names,
            index=names.index(initial),
            format_func=titles.__getitem__,
            key=self.key(path),
            help="The option the savings, P(cheaper) and the verdict are measured against. "
            "Scenario field: `baseline`.",
            persist_state="session",
        )
        self.values[path] = value
        if value != initial:
            self.changes[path] = value
        self.slots[path] = st.empty()

    def section(self, name: str) -> bool:
        """A switch for an optional section; its fields follow only when it is on."""
        present = value_at(self.base_data, name) is not None
        last = name.rsplit(".", 1)[-1]
        label = SECTION_LABELS.get(name, "The contract has an SLA with credits")
        on = st.toggle(
            label,
            value=present,
            key=self.key(f"{name}.on"),
            help=SECTION_HELP[last],
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
        changes: dict[str, Any] = {}
        for section in self.sections:
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
        if problem := work_problem(scenario, self.state.chosen_trials or default_trials(scenario)):
            error = analysis.ScenarioError("incidents", problem)
            self.state.error = error
            top_slot.error(plain(f"Not applied: {problem}."), icon=":material/error:")
            return
        self.state.error = None
        self.state.scenario = scenario

    def error_text(self, error: analysis.ScenarioError) -> str:
        """``Title (path): reason``, one line, shown as plain text."""
        try:
            title: str | None = self.doc(error.field).title
        except (KeyError, IndexError):  # a section, or no field at all
            title = None
        name = f"{title} ({error.field})" if title else error.field or "Scenario"
        return plain(f"{name}: {error.reason}".splitlines()[0])

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


def _starting_point(section: str) -> dict[str, Any]:
    """Values for a section no preset has: a place to start from, to be changed."""
    if section.endswith(".sla"):
        return {"response_hours": 4.0, "credit_per_breach": 100.0, "max_credit_share": 0.1}
    if section == "parts":
        return {"probability": 0.05, "cost": {"median": 250.0, "p90": 900.0}}
    if section == "security":
        return {"rate_per_year": 0.015, "loss": {"median": 25_000.0, "p90": 150_000.0}}
    return {"annual_it_spend": None}  # budget: none until one is typed


def _rate_path(base: analysis.Scenario, tier: str) -> tuple[str, str]:
    """The tier's rate field as the base gives it, and its label per month."""
    if base.incidents[tier].rate_per_year is not None:
        return f"incidents.{tier}.rate_per_year", f"{tier.capitalize()} incidents per month"
    return (
        f"incidents.{tier}.rate_per_user_per_year",
        f"{tier.capitalize()} incidents per user per month",
    )


def _handled_tiers(base: analysis.Scenario, name: str) -> list[str]:
    """The tiers option ``name``'s own technicians handle (a hybrid's others go to its
    fallback)."""
    return [tier for tier in base.incidents if base.handler(name, tier) == name]


def _option_inputs(form: Form, name: str) -> None:
    """Every input of one option but its headline prices (those are under Prices)."""
    base = form.base
    option = base.options[name]
    where = f"options.{name}"
    form.text(f"{where}.title")
    if isinstance(option, PayPerIncident):
        for field in ("minimum_hours.remote", "minimum_hours.onsite", "increment_hours",
                      "trip_fee"):  # fmt: skip
            form.number(f"{where}.{field}")
        if option.emergency is not None:
            form.number(f"{where}.emergency.multiplier")
        if isinstance(option, BlockHours):
            form.switch(f"{where}.block.rollover")
    else:
        if isinstance(option, InHouse):
            form.number(f"{where}.tools_per_year")
        else:
            for field in ("per_device_monthly", "per_server_monthly", "per_site_monthly",
                          "minimum_monthly", "onboarding"):  # fmt: skip
                form.number(f"{where}.fees.{field}")
        if option.covers != "all":
            covered = ", ".join(option.covers) or "no tier"
            st.caption(plain(f"Covers {covered}; the rest go to {option.fallback}."))
        for tier in base.incidents:
            if option.covers_tier(tier):
                form.number(f"{where}.prevention.{tier}", prefix=tier.capitalize())
        form.number(f"{where}.fix_time_factor")
        form.switch(f"{where}.monitoring")
        if isinstance(option, Managed) and option.out_of_scope is not None:
            for field in ("share", "rate", "minimum_hours"):
                form.number(f"{where}.out_of_scope.{field}")
    st.markdown("*Response times* (in the hours its technicians work)")
    for tier in _handled_tiers(base, name):
        form.spec(
            f"{where}.response_hours.{tier}",
            prefix=tier.capitalize(),
            initial=option.response(tier).model_dump(),
        )
    st.markdown("*Service hours*")
    form.calendar(f"{where}.service_hours")
    form.number(f"{where}.security_factor")
    if isinstance(option, Managed) and form.section(f"{where}.sla"):
        for field in ("response_hours", "credit_per_breach", "max_credit_share"):
            form.number(f"{where}.sla.{field}")


def render(state: Inputs) -> None:
    """All the inputs: the few an owner knows up front, the rest in expanders."""
    form = Form(state)
    base = state.base
    tiers = list(base.incidents)
    top_slot = st.empty()

    st.markdown("**Your business**")
    form.number("organisation.employees")
    form.number("organisation.devices")
    form.number("organisation.servers")
    if base.organisation.annual_revenue is not None:
        form.number("organisation.annual_revenue")
    else:
        form.number("organisation.revenue_per_hour")
    form.number("organisation.loaded_hourly_cost")
    st.markdown("**Opening hours** (outages cost money only while you are open)")
    form.calendar("organisation.operating_hours")
    st.caption(f"Days count from Monday: 5 is {DAY_NAMES[0]}-{DAY_NAMES[4]}; 24/7 is 7, 0, 24.")
    st.markdown("**Incidents** (without proactive care)")
    for tier in tiers:
        path, per_month = _rate_path(base, tier)
        form.number(path, per_month=per_month)
    st.markdown("**Prices**")
    for name, option in base.options.items():
        title = option.title
        if isinstance(option, PayPerIncident):
            form.number(f"options.{name}.rates.remote", prefix=title)
            form.number(f"options.{name}.rates.onsite", prefix=title)
            if isinstance(option, BlockHours):
                form.number(f"options.{name}.block.hours_per_year", prefix=title)
                form.number(f"options.{name}.block.price_per_year", prefix=title)
        elif isinstance(option, InHouse):
            form.number(f"options.{name}.salary_per_year", prefix=title)
            form.number(f"options.{name}.hours_per_year", prefix=title)
        else:
            form.number(f"options.{name}.fees.per_user_monthly", prefix=title)
    form.baseline()

    with st.expander("Downtime impact and incident tiers"):
        form.choice("organisation.lost_hour_value", LOST_HOUR_WORDS)
        for tier in tiers:
            name = tier.capitalize()
            st.markdown(plain(f"{name} incidents"))
            for field in ("users_affected", "blocking", "revenue_impact", "onsite_share"):
                form.number(f"incidents.{tier}.{field}", prefix=name)
            form.spec(f"incidents.{tier}.fix_hours", prefix=name)
            form.choice(f"incidents.{tier}.starts", STARTS_WORDS, prefix=name)
            form.number(f"incidents.{tier}.dispersion", prefix=name)
    for name, option in base.options.items():
        with st.expander(plain(f"Option: {option.title} ({name})")):
            _option_inputs(form, name)
    with st.expander("Hardware parts, security events and budget"):
        if form.section("parts"):
            form.number("parts.probability")
            form.spec("parts.cost")
        if form.section("security"):
            form.number("security.rate_per_year")
            form.spec("security.loss")
        if form.section("budget"):
            form.number("budget.annual_it_spend", unset="no budget")
            if base.budget and base.budget.seasonality:
                st.caption("Incidents follow the file's monthly seasonality.")
    with st.expander("Horizon and scenario"):
        form.number("horizon.years")
        form.number("horizon.price_escalation")
        form.number("horizon.discount_rate")
        form.text("name")
        st.caption(
            f"Amounts are in {base.currency}; to use another currency, change `currency` in the "
            "scenario file and load it again. Which tiers a contract covers, and its fallback, "
            "are set in the file too."
        )
    form.finish(top_slot)
