"""analysis.present.tables: the report's tables and the command line's comparison."""

from __future__ import annotations

from analysis import load_scenario, simulate
from analysis.decision.breakdowns import budget_table
from analysis.present.tables import budget_rows, format_table, inputs_table, markdown_table
from analysis.scenario.fields import scenario_fields
from analysis.scenario.paths import value_at


def test_markdown_tables_show_cells_as_text():
    text = markdown_table(("Name", "Value"), [("[x](http://e.com)", "| pipe"), ("$5", "*a*")])
    assert text.splitlines() == [
        "| Name | Value |", "|---|---|",
        "| \\[x\\]\\(http://e.com\\) | \\| pipe |", "| \\$5 | \\*a\\* |",
    ]  # fmt: skip


def test_the_inputs_table_has_every_value_of_the_scenario_once_with_its_unit():
    scenario = load_scenario("manufacturer")
    rows = inputs_table(scenario)
    paths = [path for _, _, path in rows]
    data = scenario.to_dict()
    expected = [
        field.path.replace("<tier>", tier)
        for field in scenario_fields()
        if field.path not in {"name", "description", "currency"}
        for tier in (scenario.incidents if "<tier>" in field.path else ["-"])
    ]
    assert paths == [path for path in expected if value_at(data, path) is not None]
    labels = {path: label for label, _, path in rows}
    assert labels["break_fix.hourly_rate"] == "Technician rate (USD per hour)"
    # A share is shown as a percentage, and its "(0-1)" left out.
    assert labels["incidents.critical.users_affected"] == (
        "Critical incidents: share of employees who cannot work"
    )
    assert dict((path, value) for _, value, path in rows)["incidents.critical.users_affected"] == (
        "100%"
    )


def test_budget_rows_name_the_models():
    scenario = load_scenario("small-office").with_overrides(
        {"hybrid": {"managed_tiers": ["critical"], "per_user_monthly": 40}}
    )
    rows = budget_rows(budget_table(simulate(scenario, 1_000, 1, monthly=True)), "USD")
    assert [row[0] for row in rows] == ["Break-fix", "Managed services", "Hybrid"]
    assert all(row[1].startswith("$") and row[4].endswith("%") for row in rows)


def test_the_table_shows_a_third_model_with_a_hybrid_contract():
    scenario = load_scenario("small-office").with_overrides(
        {"hybrid": {"managed_tiers": ["critical"], "per_user_monthly": 40}}
    )
    table = format_table(simulate(scenario, trials=2_000, seed=1))
    header = table.splitlines()[2].split()
    assert header == ["Break-fix", "Managed", "Hybrid"]
    assert "Savings with hybrid (break-fix minus hybrid): mean" in table
    assert "Hybrid is cheaper in" in table
