"""analysis.present.narrative: the verdict in words."""

from __future__ import annotations

from analysis import load_scenario, simulate
from analysis.present.narrative import verdict

TRIALS, SEED = 4_000, 11


def test_verdict_names_the_cheaper_model_and_the_flip():
    scenario = load_scenario("small-office")
    managed_wins = verdict(simulate(scenario, trials=TRIALS, seed=SEED))
    assert managed_wins.startswith("**Managed services are expected to cost less.**")
    assert "stay cheaper on average up to a fee of about \\$" in managed_wins
    expensive = scenario.with_overrides({"managed.per_user_monthly": 900})
    break_fix_wins = verdict(simulate(expensive, trials=TRIALS, seed=SEED))
    assert break_fix_wins.startswith("**Break-fix (paying per incident) is expected to cost less")
    assert "would become cheaper on average below a fee of about" in break_fix_wins
    assert "$" not in break_fix_wins.replace("\\$", "")  # every dollar escaped for Markdown
