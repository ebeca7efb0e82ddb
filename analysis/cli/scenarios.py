"""``itcost presets``, ``validate``, ``fields``, ``schema`` and ``show``: scenarios and their
files."""

from __future__ import annotations

import argparse

from analysis.cli.arguments import add_scenario_arguments, resolve
from analysis.scenario.fields import field_reference, schema_text
from analysis.scenario.io import dump_scenario
from analysis.scenario.presets import preset_descriptions


def add_commands(commands: argparse._SubParsersAction) -> None:
    listing = commands.add_parser(
        "presets",
        help="list the built-in scenario presets",
        description="List the built-in scenario presets with a one-line description each.",
    )
    listing.set_defaults(handler=_presets)

    check = commands.add_parser(
        "validate",
        help="check a scenario file and print its hash",
        description="Validate a scenario (file or preset); print its name and sha256, or the "
        "first problem found (exit status 2).",
    )
    add_scenario_arguments(check)
    check.set_defaults(handler=_validate)

    fields = commands.add_parser(
        "fields",
        help="list every scenario field with its unit and default",
        description="List every scenario field that a YAML file or --set can give: its dotted "
        "path, what it means with its unit, and its default. The sections parts, security, "
        "managed.sla, hybrid and budget are optional as a whole.",
    )
    fields.set_defaults(handler=_fields)

    schema = commands.add_parser(
        "schema",
        help="print the JSON schema of scenario files, for editors",
        description="Print the JSON schema (draft 2020-12) of scenario files: titles, units, "
        "bounds and defaults of every field. Editors that read JSON schemas check a scenario "
        "file against it as it is typed; the presets point to data/scenario.schema.json.",
    )
    schema.set_defaults(handler=_schema)

    show = commands.add_parser(
        "show",
        help="print a scenario as YAML, with defaults and overrides applied",
        description="Print the fully resolved scenario as YAML: a starting point for your own file "
        "(itcost show small-office > acme.yaml).",
    )
    add_scenario_arguments(show)
    show.set_defaults(handler=_show)


def _presets(args: argparse.Namespace) -> int:
    descriptions = preset_descriptions()
    width = max(map(len, descriptions))
    for name, description in descriptions.items():
        print(f"{name:<{width}}  {description}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    scenario = resolve(args)
    tiers = ", ".join(scenario.incidents)
    print(
        f"ok: {scenario.name}: {len(scenario.incidents)} tiers ({tiers}), sha256 {scenario.sha256}"
    )
    return 0


def _fields(args: argparse.Namespace) -> int:
    rows = field_reference()
    width = max(len(path) for path, _, _ in rows)
    for path, description, default in rows:
        print(f"{path:<{width}}  {description} [{default}]")
    return 0


def _schema(args: argparse.Namespace) -> int:
    print(schema_text(), end="")
    return 0


def _show(args: argparse.Namespace) -> int:
    print(dump_scenario(resolve(args)), end="")
    return 0
