"""``itcost presets``, ``validate``, ``fields``, ``schema`` and ``show``: scenarios and their
files.

``itcost presets --table`` is the README's table of the presets: for each preset and option,
the expected IT spend, estimated losses, total and the chance of being the cheapest.
"""

from __future__ import annotations

import argparse

from analysis.cli.arguments import (
    add_sampling_arguments,
    add_scenario_arguments,
    check_work,
    resolve,
)
from analysis.cli.progress import simulating
from analysis.engine.core import simulate
from analysis.present.formatting import money, share_text
from analysis.present.tables import markdown_table
from analysis.scenario.fields import field_reference, schema_text
from analysis.scenario.io import dump_scenario
from analysis.scenario.presets import load_scenario, preset_descriptions, preset_names

#: The columns of ``itcost presets --table``.
TABLE_HEADER = (
    "preset",
    "option",
    "title",
    "IT spend",
    "estimated losses",
    "total",
    "chance cheapest",
)


def add_commands(commands: argparse._SubParsersAction) -> None:
    listing = commands.add_parser(
        "presets",
        help="list the built-in scenario presets",
        description="List the built-in scenario presets with a one-line description each. With "
        "--table, simulate every preset and print a Markdown table instead: for each preset and "
        "option, the expected IT spend (what you pay), estimated losses (downtime and "
        "security), total, and the chance of being the cheapest (the README's table).",
    )
    listing.add_argument(
        "--table",
        action="store_true",
        help="simulate every preset and print the Markdown table of its options",
    )
    add_sampling_arguments(
        listing,
        trials_help="Monte Carlo trials per preset, with --table",
        seed_help="random seed, with --table",
    )
    listing.set_defaults(handler=_presets)

    check = commands.add_parser(
        "validate",
        help="check a scenario file and print its hash",
        description="Validate a scenario (file or preset); print its name, tiers, options, "
        "baseline and sha256, or the first problem found (exit status 2). A format-1 file is "
        "refused with a pointer to 'itcost upgrade'.",
    )
    add_scenario_arguments(check)
    check.set_defaults(handler=_validate)

    fields = commands.add_parser(
        "fields",
        help="list every scenario field with its unit and default",
        description="List every scenario field that a YAML file or --set can give: its dotted "
        "path, what it means with its unit, and its default. <tier> stands for a tier's name "
        "and <option> for an option's name (options.<option>.fees.per_user_monthly); an "
        "option's fields depend on its kind (pay_per_incident, block_hours, managed or "
        "in_house). The sections parts, security and budget, and an option's emergency, "
        "out_of_scope and sla, are optional as a whole.",
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
        "(itcost show server-office > acme.yaml).",
    )
    add_scenario_arguments(show)
    show.set_defaults(handler=_show)


def _presets(args: argparse.Namespace) -> int:
    if args.table:
        names = preset_names()  # every preset's incidents, in one table's work
        check_work(args, sum(load_scenario(name).incidents_per_trial for name in names))
        with simulating("presets: simulated trials", len(names) * args.trials):
            rows = [row for name in names for row in preset_rows(name, args.trials, args.seed)]
        print(markdown_table(TABLE_HEADER, rows))
        return 0
    descriptions = preset_descriptions()
    width = max(map(len, descriptions))
    for name, description in descriptions.items():
        print(f"{name:<{width}}  {description}")
    return 0


def preset_rows(name: str, trials: int, seed: int) -> list[tuple[str, ...]]:
    """Rows of ``itcost presets --table`` for preset ``name``, one per option in file order:
    (preset, option name, its title, IT spend, estimated losses, total, chance cheapest),
    means over ``trials`` trials; the baseline's name is followed by ", baseline"."""
    scenario = load_scenario(name)
    summary = simulate(scenario, trials=trials, seed=seed).summary()
    currency = summary["currency"]
    rows = []
    for option, stats in summary["options"].items():
        role = ", baseline" if option == summary["baseline"] else ""
        losses = stats["downtime"]["mean"] + stats["security"]["mean"]
        rows.append(
            (
                name,
                option + role,
                stats["title"],
                money(stats["it_spend"]["mean"], currency),
                money(losses, currency),
                money(stats["total"]["mean"], currency),
                share_text(summary["comparison"]["prob_cheapest"][option]),
            )
        )
    return rows


def _validate(args: argparse.Namespace) -> int:
    scenario = resolve(args)
    tiers = ", ".join(scenario.incidents)
    options = ", ".join(scenario.option_names)
    print(
        f"ok: {scenario.name}: {len(scenario.incidents)} tiers ({tiers}), "
        f"{len(scenario.options)} options ({options}; baseline {scenario.baseline_name}), "
        f"sha256 {scenario.sha256}"
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
