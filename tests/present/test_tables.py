"""analysis.present.tables: the report's and the app's tables, for any number of options, IT
spend first."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import load_scenario, simulate
from analysis.present.formatting import money, share_text
from analysis.present.narrative import decision_summary
from analysis.present.tables import (
    TIER_HEADER,
    breakeven_rows,
    budget_header,
    budget_rows,
    inputs_table,
    markdown_table,
    options_table,
    tier_rows,
)
from analysis.scenario.paths import value_at

#: A fourth option: a second managed quote, to show nothing assumes two or three.
FOURTH = {
    "options.acme-msp": {
        "kind": "managed", "title": "Acme MSP quote", "covers": "all",
        "fees": {"per_user_monthly": 120, "per_server_monthly": 150},
        "prevention": {"critical": 0.4}, "response_hours": {"default": {"median": 3, "p90": 10}},
    }
}  # fmt: skip


@pytest.fixture(scope="module")
def four_options():
    scenario = load_scenario("server-office").with_overrides(FOURTH)
    return simulate(scenario, trials=3_000, seed=5)


def test_markdown_tables_show_cells_as_text():
    text = markdown_table(("Name", "<b>"), [("[x](http://e.com)", "| pipe"), ("$5", "*a*")])
    assert text.splitlines() == [
        "| Name | &lt;b&gt; |", "|---|---|",
        "| \\[x\\]\\(http\\:\\/\\/e.com\\) | \\| pipe |", "| \\$5 | \\*a\\* |",
    ]  # fmt: skip


def _leaves(data, prefix=""):
    """Every leaf of scenario.to_dict(): a spec or a calendar counts as one."""
    if isinstance(data, dict) and not ({"median", "p90"} == set(data) or
                                       {"days", "open", "close"} == set(data)):  # fmt: skip
        for key, value in data.items():
            yield from _leaves(value, f"{prefix}{key}.")
    elif data is not None:  # unset optional fields are not inputs
        yield prefix[:-1]


def test_the_inputs_table_has_every_value_of_the_scenario_once_with_its_unit(four_options):
    scenario = four_options.scenario
    rows = inputs_table(scenario)
    paths = [path for _, _, path in rows]
    assert len(paths) == len(set(paths))
    expected = {p for p in _leaves(scenario.to_dict()) if p not in
                {"schema", "name", "description", "currency"}}  # fmt: skip
    assert set(paths) == expected
    data = scenario.to_dict()
    for path in paths:
        value_at(data, path)  # a real dotted path of format 2
    labels = {path: label for label, _, path in rows}
    values = {path: value for _, value, path in rows}
    assert labels["options.break-fix.rates.remote"].startswith("break-fix: ")
    assert "(USD per hour)" in labels["options.break-fix.rates.remote"]
    assert labels["incidents.critical.users_affected"].startswith("critical: ")
    assert values["incidents.critical.users_affected"] == "100%"  # a share as a percentage
    assert values["organisation.operating_hours"] == "Mon-Fri 8-18"
    assert values["options.acme-msp.title"] == "Acme MSP quote"
    assert values["baseline"] == "break-fix"


def test_the_options_table_ranks_every_option_it_spend_first(four_options):
    header, rows = options_table(four_options)
    assert header[2:6] == ("IT spend", "Downtime", "Security", "Total")
    summary = four_options.summary()
    currency = summary["currency"]
    assert len(rows) == 4
    totals = [summary["options"][o]["total"]["mean"] for o in four_options.options]
    assert [row[5] for row in rows] == [money(t, currency) for t in sorted(totals)]
    decision = decision_summary(four_options, breakeven_fees={})
    by_title = {row[1]: row for row in rows}
    for option in four_options.options:
        row = by_title[decision.titles[option]]
        stats = summary["options"][option]
        quantities = ("it_spend", "downtime", "security", "total")
        assert row[2:6] == tuple(money(stats[q]["mean"], currency) for q in quantities)
        assert row[9] == share_text(summary["comparison"]["prob_cheapest"][option])
        if option == summary["baseline"]:
            assert row[6:9] == ("baseline", "baseline", "-")
        else:
            assert row[8] == share_text(summary["comparison"]["prob_cheaper"][option])


def test_budget_rows_show_a_chance_over_budget_only_with_a_budget():
    scenario = load_scenario("server-office")
    frame = pd.DataFrame(
        {"monthly_mean": [1000.0, 2300.0, 1300.0], "monthly_std": [800.0, 10.0, 300.0],
         "worst_month_p95": [2500.0, 2310.0, 1900.0]},
        index=pd.Index(scenario.option_names, name="option"),
    )  # fmt: skip
    assert len(budget_header(scenario)) == 4
    rows = budget_rows(frame, "USD", scenario)
    assert [row[0] for row in rows] == [scenario.options[o].title for o in scenario.option_names]
    assert all(len(row) == 4 and row[1].startswith("$") for row in rows)
    budgeted = scenario.with_overrides({"budget.annual_it_spend": 20000})
    frame["prob_over_budget"] = [0.3, 0.0, 0.1]
    assert budget_header(budgeted)[-1] == "Chance a year's IT spend exceeds $20,000"
    assert [row[4] for row in budget_rows(frame, "USD", budgeted)] == ["30.0%", "0.0%", "10.0%"]


def test_tier_rows_name_every_option():
    scenario = load_scenario("server-office")
    columns = pd.MultiIndex.from_product([scenario.option_names, ["incidents", "lost_hours",
                                          "downtime", "lost_person_hours"]])  # fmt: skip
    frame = pd.DataFrame(1.0, index=list(scenario.incidents), columns=columns)
    rows = tier_rows(frame, "USD", scenario)
    assert len(rows) == len(scenario.incidents) * len(scenario.option_names)
    assert len(rows[0]) == len(TIER_HEADER)
    assert rows[0][:2] == ("critical", scenario.options["break-fix"].title)


def test_breakeven_rows_show_the_fee_and_its_error():
    frame = pd.DataFrame([
        {"option": "managed", "parameter": "options.managed.fees.per_user_monthly",
         "input": "Fee per user", "now": 150.0, "break_even": 95.5, "stderr": 2.0,
         "note": "cheaper below"},
        {"option": "hybrid", "parameter": "incidents.*.rate", "input": "Incident rates",
         "now": 1.0, "break_even": None, "stderr": None, "note": "none"},
    ])  # fmt: skip
    rows = breakeven_rows(frame, "USD")
    assert rows[0] == ("managed", "Fee per user", "$150", "$96 (± $2)", "Cheaper below")
    assert rows[1][2:4] == ("x1", "none in range")
