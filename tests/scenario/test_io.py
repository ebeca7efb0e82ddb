"""Reading and writing scenario files (analysis.scenario.io): one validated Scenario from YAML
text, a file or plain data, and back; errors name the file."""

from __future__ import annotations

import pytest

from analysis import ScenarioError
from analysis.scenario.io import (
    dump_scenario,
    load_scenario_file,
    load_scenario_text,
    scenario_from_data,
)
from tests.helpers import CLOSED_FORM, read_yaml, yaml_text


def test_text_file_and_data_give_the_same_scenario(tmp_path):
    path = tmp_path / "closed.yaml"
    path.write_text(yaml_text(CLOSED_FORM))
    from_text = load_scenario_text(yaml_text(CLOSED_FORM))
    assert load_scenario_file(path) == from_text == scenario_from_data(CLOSED_FORM)
    assert from_text.option_names == ["shop", "msp"]


def test_dump_fills_in_defaults_and_reads_back(tmp_path):
    scenario = scenario_from_data(CLOSED_FORM)
    text = dump_scenario(scenario, tmp_path / "out.yaml")
    assert (tmp_path / "out.yaml").read_text() == text
    data = read_yaml(text)
    assert data["schema"] == "itcost.scenario/2"
    assert data["baseline"] == "shop"  # the default, written out
    assert data["options"]["shop"]["title"] == "shop"
    assert data["options"]["msp"]["covers"] == "all"
    assert data["options"]["shop"]["response_hours"] == {"default": 3}  # a constant, as a number
    assert load_scenario_text(text).sha256 == scenario.sha256


@pytest.mark.parametrize("data", [[1, 2], "text", None, 3])
def test_data_that_is_not_a_mapping_is_refused(data):
    with pytest.raises(ScenarioError, match="must be a YAML mapping") as caught:
        scenario_from_data(data, "x.yaml")
    assert caught.value.source == "x.yaml"


def test_file_errors_name_the_file(tmp_path):
    with pytest.raises(ScenarioError, match="no such file") as caught:
        load_scenario_file(tmp_path / "absent.yaml")
    assert caught.value.source == str(tmp_path / "absent.yaml")
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ScenarioError, match=r"not a text file \(UTF-8 YAML\)"):
        load_scenario_file(binary)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml_text({**CLOSED_FORM, "currency": "dollars"}))
    with pytest.raises(ScenarioError) as caught:
        load_scenario_file(bad)
    assert str(caught.value).startswith(f"{bad}: currency: ")
