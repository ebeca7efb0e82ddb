"""Every settable scenario field, with the label, unit, kind and default that front ends show.

The single source of labels and help texts for ``itcost fields``, the reports and the app.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from analysis.scenario.model import Scenario, Spec
from analysis.scenario.paths import unwrap

#: Defaults that the scenario model fills in from other fields.
_DERIVED_DEFAULTS = {
    "organisation.devices": "employees",
    "managed.incident_reduction.<tier>": "0",
    "hybrid.security_rate_per_year": "by the tiers covered",
    "budget.annual_it_spend": "the managed annual fee",
    "budget.seasonality": "even",
}


@dataclass(frozen=True)
class FieldDoc:
    """One settable scenario field, as front ends label it.

    ``kind`` is ``"count"`` (a whole number), ``"share"`` (0-1), ``"spec"`` (a number or
    ``{median, p90}``), ``"number"`` or ``"text"``. ``default`` is ``"required"``,
    ``"required in the section"`` or ``"default: ..."``.
    """

    path: str  # dotted; "<tier>" stands for each tier name
    title: str  # a short label ("Break-fix hourly rate")
    description: str  # what it means, with its unit in parentheses
    kind: str
    default: str

    @property
    def unit(self) -> str:
        """The unit in the description's last parentheses (``"money per hour"``), or ``""``."""
        text = self.description.split("; a number or")[0]
        return text[text.rfind("(") + 1 : -1] if text.endswith(")") else ""


def scenario_fields() -> list[FieldDoc]:
    """Every settable scenario field, in the scenario's order, with its label, unit and kind.

    The single source of labels and help texts for the CLI, the reports and the app.

    Examples
    --------
    >>> field = {f.path: f for f in scenario_fields()}["break_fix.hourly_rate"]
    >>> field.title, field.unit, field.kind
    ('Break-fix hourly rate', 'money per hour', 'number')
    """
    fields: list[FieldDoc] = []

    def walk(model: type[BaseModel], prefix: str, optional_section: bool) -> None:
        for name, info in model.model_fields.items():
            path = f"{prefix}{name}"
            inner, keyed = unwrap(info.annotation)
            if keyed:
                path += ".<tier>"
            if inner is not None and inner is not Spec:
                walk(inner, f"{path}.", optional_section or info.default is None)
                continue
            if info.is_required():
                default = "required in the section" if optional_section else "required"
            elif path in _DERIVED_DEFAULTS:
                default = f"default: {_DERIVED_DEFAULTS[path]}"
            else:
                default = f"default: {info.get_default(call_default_factory=True)!r}"
            description = info.description or ""
            if inner is Spec:
                description += "; a number or {median: M, p90: Q}"
            title = info.title or name.replace("_", " ").capitalize()
            fields.append(FieldDoc(path, title, description, _kind(info, inner), default))

    walk(Scenario, "", optional_section=False)
    return fields


def _kind(info: Any, inner: type[BaseModel] | None) -> str:
    if inner is Spec:
        return "spec"
    annotation = info.annotation
    if typing.get_origin(annotation) is dict:  # a share per tier
        annotation = typing.get_args(annotation)[1]
    if annotation in (int, int | None):
        return "count"
    if annotation is str:
        return "text"
    bounds: dict[str, Any] = {}
    for bound in [*info.metadata, *getattr(annotation, "__metadata__", ())]:
        for part in getattr(bound, "metadata", [bound]):  # a Field() inside Annotated
            bounds.update(
                {name: getattr(part, name) for name in ("ge", "le") if hasattr(part, name)}
            )
    return "share" if bounds == {"ge": 0, "le": 1} else "number"


def field_reference() -> list[tuple[str, str, str]]:
    """Every settable scenario field: ``(dotted path, description with unit, default)``.

    Tier names appear as ``<tier>``. The last item is ``"required"``, ``"required in the
    section"`` (inside the optional ``parts`` and ``security``) or ``"default: ..."``.

    Examples
    --------
    >>> row = ("break_fix.callout_fee", "trip charge per incident (money)", "default: 0.0")
    >>> row in field_reference()
    True
    """
    return [(field.path, field.description, field.default) for field in scenario_fields()]
