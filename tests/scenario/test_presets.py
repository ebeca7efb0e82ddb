"""Built-in presets and the references behind their figures."""

from __future__ import annotations

import re

import pytest

from analysis import load_scenario, preset_descriptions, preset_names, references, simulate
from analysis.files import data_dir
from analysis.scenario.presets import field_sources, sources_for

REQUIRED = {
    "small-office": 10,
    "dental-clinic": 25,
    "law-firm": 50,
    "ecommerce-shop": 15,
    "manufacturer": 120,
}


def test_required_presets_exist_with_their_staff():
    assert set(REQUIRED) <= set(preset_names())
    for name, staff in REQUIRED.items():
        assert load_scenario(name).organisation.employees == staff


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_each_preset_simulates(name):
    summary = simulate(load_scenario(name), trials=2_000, seed=1).summary()
    assert summary["models"]["break_fix"]["incidents"]["mean"] > 0
    assert summary["models"]["managed"]["support"]["mean"] > 0


def test_descriptions_are_one_short_line():
    for name, description in preset_descriptions().items():
        assert description, name
        assert "\n" not in description and len(description) <= 90, name


def test_ecommerce_is_revenue_heavy_and_manufacturer_stops_the_plant():
    shop, office = load_scenario("ecommerce-shop"), load_scenario("small-office")
    assert shop.organisation.revenue_per_hour > office.organisation.revenue_per_hour
    assert shop.incidents["critical"].revenue_impact >= 0.75
    plant = load_scenario("manufacturer")
    assert plant.impact_rate("critical") > 10 * office.impact_rate("critical")


def test_references_are_complete():
    entries = references()
    ids = [entry["id"] for entry in entries]
    assert len(ids) == len(set(ids)), "duplicate reference ids"
    for entry in entries:
        assert {"id", "title", "publisher", "year", "url", "figure", "used_for"} <= set(entry)
        assert isinstance(entry["year"], int)
        # Published figures link to their source; our own assumptions say so instead.
        assert entry["url"].startswith(("https://", "http://")) or entry["publisher"] == "itcost"


def test_presets_cite_only_defined_references_and_every_reference_is_used():
    """Preset comments cite sources in parentheses: ``(bls-ecec-dec2024: $44.67)``."""
    known = {entry["id"] for entry in references()}
    looks_like_id = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+")
    cited = set()
    for path in (data_dir() / "scenarios").glob("*.yaml"):
        for comment in re.findall(r"#.*", path.read_text()):
            for inside in re.findall(r"\(([^)]*)\)", comment):
                cited |= {token for token in looks_like_id.findall(inside)
                          if token.startswith("itcost-") or re.search(r"\d", token)}  # fmt: skip
    assert cited - known == set(), "cited but not defined in data/references.yaml"
    assert known - cited == set(), "defined but cited by no preset"


def test_field_sources_follow_the_preset_comments():
    known = {entry["id"] for entry in references()}
    for name in preset_names():
        sources = field_sources(name)
        assert sources, name
        assert {ref for refs in sources.values() for ref in refs} <= known
    office = field_sources("small-office")
    assert office["break_fix.hourly_rate"] == ["iknowtech-rates-2023", "maconindex-pricing-2026"]
    # A section's citation covers its fields; a field's own citation wins.
    assert sources_for(office, "parts.cost") == ["itcost-parts"]
    assert sources_for(office, "incidents.minor.fix_hours") == office["incidents"]
    assert sources_for(office, "organisation.employees") == []
