"""Write figures.json: the format-1 engine's means for the fixtures in this folder.

Run in a worktree of the last format-1 commit, as figures.json's ``comment`` says. Nothing
happens on import (pytest imports every module under tests/ for its doctests).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

COMMIT = "761fc852106f5aa5d7afc0db488e1c2ebec08e85"
TRIALS = 20_000
SEED = 2026
QUANTITIES = ("support", "incidents", "downtime", "downtime_hours", "security", "total")
#: "preset": the file as it is. "no_after_hours": break_fix.after_hours_share=0, the variant
#: whose break-fix billing format 2 can reproduce (format 2 has no share of after-hours incidents).
VARIANTS = {"preset": [], "no_after_hours": ["break_fix.after_hours_share=0"]}


def main() -> None:
    from analysis import load_scenario, simulate  # the format-1 package of the worktree

    here = Path(__file__).resolve().parent
    command = (
        f"git -C /work/main worktree add --detach /tmp/f1-old {COMMIT[:7]} && cd /tmp/f1-old && "
        "PYTHONPATH=/tmp/f1-old /work/main/.venv/bin/python "
        "/work/main/tests/data/format1/old_figures.py > /work/main/tests/data/format1/figures.json"
    )
    figures: dict = {
        "comment": (
            f"Means and their standard errors (mean_se = std / sqrt(trials)) from the format-1 "
            f"engine at commit {COMMIT}, trials={TRIALS}, seed={SEED}, per fixture, variant and "
            f"model (format-1 names: support is IT spend). Made by: {command}"
        ),
        "commit": COMMIT,
        "trials": TRIALS,
        "seed": SEED,
        "scenarios": {},
    }
    for path in sorted(here.glob("*.yaml")):
        base = load_scenario(str(path))
        variants = {}
        for variant, overrides in VARIANTS.items():
            summary = simulate(base.with_overrides(overrides), trials=TRIALS, seed=SEED).summary()
            variants[variant] = {
                model: {
                    quantity: {
                        "mean": stats[quantity]["mean"],
                        "mean_se": stats[quantity]["mean_se"],
                    }
                    for quantity in QUANTITIES
                }
                for model, stats in summary["models"].items()
            }
        figures["scenarios"][path.stem] = variants
    json.dump(figures, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
