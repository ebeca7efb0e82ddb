"""``itcost upgrade``: rewrite a format-1 scenario file as format 2."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.errors import ArgumentError
from analysis.files import write_text_atomic
from analysis.scenario.upgrade import upgrade_file


def add_commands(commands: argparse._SubParsersAction) -> None:
    upgrade = commands.add_parser(
        "upgrade",
        help="rewrite a format-1 scenario file as format 2",
        description="Rewrite a scenario file of format 1 (break_fix, managed and hybrid "
        "sections) as format 2 (named options), with a comment beside every field whose value "
        "was assumed (calendars, visits, emergency tiers): review the lines marked ASSUMED. "
        "Prints the new file, or writes it to OUT; FILE itself is replaced only when OUT names "
        "it (-o FILE), since the old file is the record of what was upgraded.",
    )
    upgrade.add_argument("file", metavar="FILE", help="a format-1 scenario YAML file")
    upgrade.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="write the format-2 file here (replacing it atomically if it exists; -o FILE "
        "upgrades FILE in place) instead of printing it",
    )
    upgrade.set_defaults(handler=_upgrade, flags={"output": "--output"})


def _upgrade(args: argparse.Namespace) -> int:
    text = upgrade_file(args.file)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    output = Path(args.output)
    try:
        write_text_atomic(output, text)
    except OSError as error:
        reason = error.strerror or str(error)
        raise ArgumentError("output", f"cannot write {output}: {reason}") from None
    print(f"wrote {output} (scenario format 2): review the lines marked ASSUMED")
    return 0
