"""Scenario YAML: YAML 1.2 on ruamel.yaml, one-line errors with their line, and the round trip."""

from __future__ import annotations

import pytest

from analysis import ScenarioError, dump_scenario, load_scenario, load_scenario_text, preset_names
from analysis.scenario.yaml import dump_yaml, parse_yaml
from tests.helpers import CLOSED_FORM, read_yaml, yaml_text


def text_of(data: dict) -> str:
    return yaml_text(data)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("name: x\n  bad: [\n", "YAML syntax error at line 2"),
        ("name: x\nname: y\n", "duplicate key at line 2"),
        ("- 1\n- 2\n", "must be a YAML mapping"),
        ("", "must be a YAML mapping"),
        ("? [a, b]\n: 1\n", "a key must be a name, not a list, at line 1"),
        ('"a\\nb": 1\n"a\\nb": 2\n', "'a\\nb': duplicate key at line 2"),
    ],
)
def test_bad_yaml_is_reported_in_one_line(text, reason):
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "x.yaml")
    assert reason in str(caught.value)
    assert "\n" not in str(caught.value)


def test_numbers_are_read_as_yaml_1_2_reads_them():
    """1e3 is a number, 010 is ten, 1:30 is text and 0x1F is 31 (YAML 1.1 said text, eight,
    ninety and 31; the hand-written reader before ruamel.yaml said text for 0x1F)."""
    parsed = parse_yaml("a: 1e3\nb: 010\nc: 1:30\nd: 1_000\ne: -.5\nf: .inf\ng: 0x1F\n")
    assert parsed == {"a": 1000.0, "b": 10, "c": "1:30", "d": 1000, "e": -0.5,
                      "f": float("inf"), "g": 31}  # fmt: skip
    text = text_of(CLOSED_FORM).replace("remote: 100", "remote: 1.5e2")
    assert "remote: 1.5e2" in text
    assert load_scenario_text(text).options["shop"].rates.remote == 150


def test_yes_no_and_on_are_text_and_dates_are_text():
    """YAML 1.1 reads yes, no, on and off as booleans and 2024-01-01 as a date; YAML 1.2 (and
    a person) reads text."""
    parsed = parse_yaml("a: yes\nb: no\nc: on\nd: off\ne: 2024-01-01\nf: true\ng: null\n")
    assert parsed == {"a": "yes", "b": "no", "c": "on", "d": "off", "e": "2024-01-01",
                      "f": True, "g": None}  # fmt: skip


def test_a_scenario_named_yes_with_a_tier_named_no_validates_and_round_trips():
    text = text_of(CLOSED_FORM).replace("name: Closed form", "name: yes").replace("only:", "no:")
    text = text.replace("  shop:", "  on:").replace("  msp:", "  off:")
    assert "name: yes" in text and "  no:" in text  # written bare, as a person would
    scenario = load_scenario_text(text, "yes.yaml")
    assert scenario.name == "yes" and list(scenario.incidents) == ["no"]
    assert scenario.option_names == ["on", "off"] and scenario.baseline_name == "on"
    written = dump_scenario(scenario)
    # Quoted on the way out, so that YAML 1.1 readers (PyYAML, older editors) read text too.
    assert "name: 'yes'" in written and "  'no':" in written and "  'on':" in written
    assert "baseline: 'on'" in written
    assert load_scenario_text(written).sha256 == scenario.sha256  # the same scenario
    assert read_yaml(written)["name"] == "yes"


def test_a_duplicate_key_is_refused_with_its_line_wherever_it_is():
    text = text_of(CLOSED_FORM)
    nested = text.replace("      remote: 100\n", "      remote: 100\n      remote: 120\n")
    line = nested.splitlines().index("      remote: 120") + 1
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(nested, "dup.yaml")
    assert str(caught.value) == f"dup.yaml: remote: duplicate key at line {line}, column 7"


def test_control_characters_are_refused_with_their_position():
    with pytest.raises(ScenarioError) as caught:
        parse_yaml("name: ok\nbad: \x1b[31m\n", "odd.yaml")
    assert str(caught.value) == (
        "odd.yaml: YAML syntax error at line 2, column 6: the character '\\x1b' is not "
        "allowed in YAML"
    )


@pytest.mark.parametrize("preset", preset_names())
def test_every_preset_round_trips_through_its_yaml(preset):
    scenario = load_scenario(preset)
    text = dump_scenario(scenario)
    assert load_scenario_text(text) == scenario
    assert read_yaml(text) == scenario.to_dict()  # plain YAML, readable by any YAML 1.2 tool


def test_dump_keeps_key_order_and_writes_specs_on_one_line():
    text = dump_yaml({"z": 1, "a": {"fix_hours": {"median": 4.0, "p90": 12.0}, "tiers": ["b"]}})
    assert text == "z: 1\na:\n  fix_hours: {median: 4.0, p90: 12.0}\n  tiers:\n  - b\n"


def test_merge_keys_are_refused_and_aliases_read():
    """YAML 1.2 has no merge keys, and ruamel builds a merged mapping without its duplicate-key
    check: refused, so that `{<<: *x, q: 2, q: 3}` cannot slip a duplicate through."""
    with pytest.raises(ScenarioError) as caught:
        parse_yaml("x: &x {a: 1}\nb: {<<: *x, q: 2, q: 3}\n", "m.yaml")
    assert str(caught.value) == (
        "m.yaml: merge keys (<<) are not YAML 1.2: write the keys out, at line 2, column 5"
    )
    assert parse_yaml("x: &x {a: 1}\nb: *x\n") == {"x": {"a": 1}, "b": {"a": 1}}


def test_writing_leaves_ruamel_itself_as_it_was():
    """Our representer is a subclass: plain ruamel.yaml still writes as it always does."""
    dump_yaml({"name": "yes"})
    assert yaml_text({"name": "yes", "b": 1}) == "name: yes\nb: 1\n"
