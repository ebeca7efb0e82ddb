"""``itcost compare``: the options ranked by expected total, as text and as JSON."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from analysis import load_scenario, simulate
from analysis.decision.inputs import with_value
from analysis.present.formatting import money, share_text
from analysis.present.narrative import result_breakeven_fees
from tests.cli.test_commands import run

TRIALS, SEED = "4000", "5"


@pytest.fixture(scope="module")
def office():
    """server-office with a second managed quote and a second break-fix shop: five options,
    three of them managed."""
    return load_scenario("server-office").with_overrides({
        "options.acme": {"kind": "managed", "title": "Acme MSP", "fees": {"per_user_monthly": 120},
                         "prevention": {"minor": 0.2}, "response_hours": {"default": 3}},
        "options.other-shop": {"kind": "pay_per_incident", "title": "Second shop",
                               "rates": {"remote": 110, "onsite": 130},
                               "response_hours": {"default": 8}},
    })  # fmt: skip


@pytest.fixture(scope="module")
def path(office, tmp_path_factory):
    from analysis import dump_scenario

    file = tmp_path_factory.mktemp("compare") / "office.yaml"
    file.write_text(dump_scenario(office))
    return file


@pytest.fixture(scope="module")
def expected(office):
    return simulate(office, trials=int(TRIALS), seed=int(SEED))


def test_json_ranks_every_option_by_expected_total_with_the_simulations_figures(
    itcost_command, path, expected
):
    done = run(itcost_command, "compare", str(path), "--trials", TRIALS, "--seed", SEED, "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["schema"] == "itcost.compare/1"
    summary = expected.summary()
    assert (answer["trials"], answer["seed"], answer["baseline"]) == (4000, 5, "break-fix")
    ranking = answer["ranking"]
    means = {o: summary["options"][o]["total"]["mean"] for o in expected.options}
    assert [row["option"] for row in ranking] == sorted(means, key=means.get)
    assert [row["rank"] for row in ranking] == [1, 2, 3, 4, 5]
    assert answer["best"] == ranking[0]["option"] == summary["comparison"]["best"]
    base_total = means["break-fix"]
    for row in ranking:
        option = summary["options"][row["option"]]
        assert row["title"] == (expected.scenario.options[row["option"]].title or row["option"])
        assert row["it_spend"] == option["it_spend"]["mean"]
        assert row["losses"] == pytest.approx(
            option["downtime"]["mean"] + option["security"]["mean"], rel=1e-12
        )
        assert row["total"] == option["total"]["mean"]
        assert row["prob_cheapest"] == summary["comparison"]["prob_cheapest"][row["option"]]
        if row["baseline"]:
            assert row["savings"] is None and row["breakeven_fee_per_user_monthly"] is None
        else:
            assert row["savings"] == pytest.approx(base_total - row["total"], abs=1e-6)
    assert sum(row["prob_cheapest"] for row in ranking) == pytest.approx(1.0)
    fees = {row["option"]: row["fee_per_user_monthly"] for row in ranking}
    assert fees == {"break-fix": None, "managed": 150, "hybrid": 0, "acme": 120,
                    "other-shop": None}  # fmt: skip


def test_the_break_even_fees_are_exact_on_the_same_incidents(itcost_command, path, expected):
    """At its break-even fee a quote's mean total equals the baseline's, on the same draws."""
    done = run(itcost_command, "compare", str(path), "--trials", TRIALS, "--seed", SEED, "--json")
    ranking = {row["option"]: row for row in json.loads(done.stdout)["ranking"]}
    fees = result_breakeven_fees(expected)
    for option in ("managed", "acme"):
        fee = ranking[option]["breakeven_fee_per_user_monthly"]
        assert fee == fees[option] and fee is not None
        at_fee = with_value(expected.scenario, f"options.{option}.fees.per_user_monthly", fee)
        repriced = expected.reprice(at_fee)
        gap = float(np.mean(repriced.savings(option)))
        # Exact up to rounding: far below a cent on totals of tens of thousands.
        assert abs(gap) < 1e-6 * abs(expected.summary()["options"]["break-fix"]["total"]["mean"])


def test_the_text_ranks_the_options_and_lists_the_managed_quotes_break_even_fees(
    itcost_command, path, expected
):
    done = run(itcost_command, "compare", str(path), "--trials", TRIALS, "--seed", SEED)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    summary = expected.summary()
    assert lines[0].startswith(f"{expected.scenario.name}: 4,000 trials, seed 5, 1 year")
    means = {o: summary["options"][o]["total"]["mean"] for o in expected.options}
    order = sorted(means, key=means.get)
    titles = {o: expected.scenario.options[o].title or o for o in expected.options}
    rows = [line for line in lines if line[:2].strip().isdigit()]
    assert len(rows) == 5
    for rank, (line, option) in enumerate(zip(rows, order, strict=True), start=1):
        assert line.split()[0] == str(rank)
        assert money(means[option], "USD") in line
        assert share_text(summary["comparison"]["prob_cheapest"][option]) in line
        assert titles[option][:20] in line
        assert ("(baseline)" in line) == (option == "break-fix")
    text = " ".join(done.stdout.split())
    fees = result_breakeven_fees(expected)
    for option, quoted in (("managed", 150), ("acme", 120)):
        assert (f"{titles[option]}: {money(fees[option], 'USD')} (quoted "
                f"{money(quoted, 'USD')})") in text  # fmt: skip
    hybrid = fees["hybrid"]  # no fee per user: what it could add to its server and site lines
    assert (f"{titles['hybrid']}: {money(hybrid, 'USD')} added per user to its $435 a month of "
            "other fees") in text  # fmt: skip
    assert "Local break-fix technician:" not in text  # the baseline has no break-even
    assert "Second shop:" not in text  # nor a pay-per-incident quote


def test_bad_input_is_one_line_with_status_2(itcost_command):
    negative_fee = "options.managed.fees.per_user_monthly=-5"
    for args in (["no-such-preset"], ["server-office", "--trials", "0"],
                 ["server-office", "--set", negative_fee]):  # fmt: skip
        done = run(itcost_command, "compare", *args)
        assert done.returncode == 2, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_names_reach_the_terminal_as_text(itcost_command):
    """Control characters are shown as escapes, line breaks as spaces, and the columns are
    measured on what is shown."""
    escaped = r"Evil \x1b[31mRED\x07\nsecond line"
    done = run(itcost_command, "compare", "cloud-office", "--trials", "1000",
               "--set", f'options.managed.title="{escaped}"')  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    lines = done.stdout.splitlines()
    assert any("Evil \\x1b[31mRED\\x07 second line" in line for line in lines)
    header = next(line for line in lines if line.startswith(" #  Option"))
    rows = [line for line in lines if line[:2].strip().isdigit()]
    end = header.index("IT spend") + len("IT spend")
    assert len(rows) == len(load_scenario("cloud-office").options) and all(
        re.search(r"\$[\d,]+", r).end() == end for r in rows
    )
    as_json = run(itcost_command, "compare", "cloud-office", "--trials", "1000", "--json",
                  "--set", f'options.managed.title="{escaped}"')  # fmt: skip
    titles = [row["title"] for row in json.loads(as_json.stdout)["ranking"]]
    assert "Evil \x1b[31mRED\x07 second line" in titles  # the name itself, on one line
