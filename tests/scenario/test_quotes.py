"""Quotes side by side (analysis.scenario.quotes): templates, duplicate, rename, delete,
baseline."""

from __future__ import annotations

import pytest

from analysis import ScenarioError, load_scenario, preset_names, simulate
from analysis.scenario.quotes import (
    MAX_OPTIONS,
    TEMPLATES,
    add_option,
    delete_option,
    duplicate_option,
    rename_option,
    set_baseline,
    template_option,
)


@pytest.mark.parametrize("preset", preset_names())
@pytest.mark.parametrize("template", list(TEMPLATES))
def test_every_template_makes_a_valid_option_for_every_preset(preset, template):
    """A hybrid needs tiers that stop half the staff and some it does not cover; every other
    template fits every preset, and the result simulates."""
    scenario = load_scenario(preset)
    try:
        added = add_option(scenario, template)
    except ScenarioError as error:
        assert template == "hybrid" and "hybrid needs" in error.reason
        return
    name = added.option_names[-1]
    assert name.startswith(template) and added.options[name].title == TEMPLATES[template]
    assert added.baseline_name == scenario.baseline_name
    summary = simulate(added, trials=500, seed=1).summary()
    assert summary["options"][name]["it_spend"]["mean"] > 0


def test_templates_use_the_scenarios_own_tiers():
    scenario = load_scenario("server-office")
    msp = template_option(scenario, "msp-per-user")
    assert set(msp["prevention"]) == {"critical", "major", "minor"}  # requests: no outage
    assert msp["emergency"] == {"tiers": ["critical"]}  # the tier that stops everyone
    org = scenario.organisation
    assert msp["fees"]["onboarding"] == round(1.4 * (150 * org.employees + 185 * org.servers
                                                      + 250 * org.sites))  # fmt: skip
    hybrid = template_option(scenario, "hybrid")
    assert hybrid["covers"] == ["critical"] and hybrid["fallback"] == "break-fix"


def test_a_second_quote_from_the_same_template_gets_its_own_name():
    scenario = add_option(add_option(load_scenario("cloud-office"), "msp-per-user"), "msp-per-user")
    assert scenario.option_names[-2:] == ["msp-per-user", "msp-per-user-2"]


def test_six_quotes_at_most_and_two_at_least():
    scenario = load_scenario("server-office")  # three
    for template in ("break-fix", "in-house", "msp-per-device"):
        scenario = add_option(scenario, template)
    assert len(scenario.options) == MAX_OPTIONS
    with pytest.raises(ScenarioError, match="at most 6 quotes"):
        add_option(scenario, "block-hours")
    with pytest.raises(ScenarioError, match="at most 6 quotes"):
        duplicate_option(scenario, "managed")
    two = delete_option(load_scenario("cloud-office"), "block")
    with pytest.raises(ScenarioError, match="at least 2 options"):
        delete_option(two, "managed")


def test_duplicate_rename_and_delete_keep_the_scenario_consistent():
    scenario = load_scenario("server-office")
    copied = duplicate_option(scenario, "managed")
    assert copied.option_names == ["break-fix", "managed", "managed-copy", "hybrid"]
    assert copied.options["managed-copy"].title == "Managed services, all inclusive, copy"
    renamed = rename_option(copied, "managed-copy", "  Acme   MSP\nquote ")
    assert renamed.options["managed-copy"].title == "Acme MSP quote"
    with pytest.raises(ScenarioError, match="must not be empty"):
        rename_option(copied, "managed", "   ")
    with pytest.raises(ScenarioError, match=r"Hybrid.*falls back on it"):
        delete_option(renamed, "break-fix")  # the hybrid's fallback
    moved = delete_option(set_baseline(renamed, "managed"), "managed")
    assert moved.baseline_name == "break-fix" and "managed" not in moved.options
    with pytest.raises(ScenarioError, match="'nope' is not an option"):
        set_baseline(scenario, "nope")


def test_a_copy_differs_only_in_its_name_until_edited():
    """Common random numbers: a duplicated quote has its original's figures, trial by trial."""
    scenario = duplicate_option(load_scenario("server-office"), "managed")
    result = simulate(scenario, trials=2_000, seed=4)
    for quantity in ("it_spend", "downtime", "security", "total"):
        assert (result.column("managed", quantity) == result.column("managed-copy", quantity)).all()
