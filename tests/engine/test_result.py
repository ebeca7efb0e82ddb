"""The summary JSON contract and the statistics behind it."""

from __future__ import annotations

import json
import math
import subprocess
from importlib import resources

import jsonschema
import numpy as np
import pytest

from analysis import COLUMNS, describe, load_scenario, simulate


@pytest.fixture(scope="module")
def schema():
    text = resources.files("analysis.engine").joinpath("summary.schema.json").read_text()
    return json.loads(text)


def test_cli_json_validates_against_the_summary_contract(schema, itcost_command):
    run = subprocess.run(
        [*itcost_command, "simulate", "small-office", "--json", "--trials", "5000"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    summary = json.loads(run.stdout)  # stdout is exactly the JSON, nothing else
    jsonschema.validate(summary, schema)
    assert summary["trials"] == 5000
    assert summary["seed"] == 2026
    assert summary["scenario"]["sha256"] == load_scenario("small-office").sha256


def test_schema_rejects_a_summary_missing_a_statistic(schema):
    summary = simulate(load_scenario("small-office"), trials=1_000, seed=1).summary()
    broken = json.loads(json.dumps(summary))
    del broken["models"]["managed"]["downtime"]["cvar95"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
    jsonschema.validate(summary, schema)


def test_trials_frame_has_the_contract_columns_in_trial_order():
    result = simulate(load_scenario("small-office"), trials=3_000, seed=2)
    frame = result.trials
    assert list(frame.columns) == list(COLUMNS)
    assert len(frame) == 3_000
    assert list(frame.index[:3]) == [0, 1, 2]
    assert frame.dtypes.map(lambda dtype: dtype == np.float64).all()


def test_describe_matches_direct_computation():
    rng = np.random.default_rng(0)
    values = rng.lognormal(0, 1, size=10_001)
    stats = describe(values)
    ordered = np.sort(values)
    tail = math.ceil(0.05 * values.size)
    assert stats["mean"] == pytest.approx(values.mean())
    assert stats["std"] == pytest.approx(values.std(ddof=1))
    assert stats["mean_se"] == pytest.approx(values.std(ddof=1) / math.sqrt(values.size))
    assert stats["p50"] == pytest.approx(np.median(values))
    assert stats["p95"] == pytest.approx(ordered[9_500])  # (n - 1) * 0.95 is a whole index
    assert stats["cvar95"] == pytest.approx(ordered[-tail:].mean())
    assert stats["p05"] < stats["p50"] < stats["p95"] < stats["p99"]
    assert stats["p95"] < stats["cvar95"]


def test_describe_a_single_trial():
    stats = describe(np.array([42.0]))
    assert stats == dict.fromkeys(stats, 42.0) | {"std": 0.0, "mean_se": 0.0}


def test_probability_managed_cheaper_is_share_of_positive_savings():
    result = simulate(load_scenario("small-office"), trials=4_000, seed=3)
    savings = result.trials["savings"].to_numpy()
    assert result.summary()["comparison"]["prob_managed_cheaper"] == np.mean(savings > 0)
