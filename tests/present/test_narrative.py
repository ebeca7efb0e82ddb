"""analysis.present.narrative: one decision summary behind every verdict text.

Outcomes are forced with overrides (a fee of zero, a fee far above the market) rather than read
from the presets, whose figures are still being tuned.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from analysis import load_scenario, simulate
from analysis.present.formatting import escape
from analysis.present.narrative import (
    comparison_text,
    decision_summary,
    executive_summary,
    fee_text,
    headline,
    verdict,
)

TRIALS, SEED = 4_000, 11
HOSTILE = "<img src=x onerror=alert(1)> **Acme** [quote](http://e.com) $5"


@pytest.fixture(scope="module")
def server_office():
    return simulate(load_scenario("server-office"), trials=TRIALS, seed=SEED)


def _ordered(text: str, *parts: str) -> bool:
    positions = [text.find(part) for part in parts]
    return -1 not in positions and positions == sorted(positions)


def test_the_summary_reads_one_result(server_office):
    decision = decision_summary(server_office, breakeven_fees={})
    summary = server_office.summary()
    assert decision.summary == summary
    assert decision.options == list(server_office.options)
    assert decision.best == summary["comparison"]["best"]
    spend = {o: summary["options"][o]["it_spend"]["mean"] for o in server_office.options}
    assert decision.cheapest_in_cash == min(spend, key=spend.get)
    assert [item.option for item in decision.comparisons] == list(server_office.alternatives)
    for item in decision.comparisons:
        mine, base = summary["options"][item.option], summary["options"][decision.baseline]
        # IT spend difference + losses avoided = total saving, all from the same means.
        assert item.it_spend_difference == pytest.approx(
            mine["it_spend"]["mean"] - base["it_spend"]["mean"])  # fmt: skip
        assert item.losses_avoided - item.it_spend_difference == pytest.approx(
            item.savings["mean"], rel=1e-9, abs=1e-6)  # fmt: skip
    assert decision.ranking()[0] == decision.best


def test_every_comparison_states_it_spend_first_then_losses_then_the_total(server_office):
    decision = decision_summary(server_office, breakeven_fees={})
    for item in decision.comparisons:
        text = comparison_text(decision, item)
        assert _ordered(text, "IT spend", "estimated losses avoided", "in total",
                        "Cheaper than", "cheapest of all")  # fmt: skip
    text = verdict(server_office, decision)
    paragraphs = text.split("\n\n")[1:]
    assert len(paragraphs) == len(server_office.alternatives)
    for paragraph in paragraphs:
        assert _ordered(paragraph, "IT spend", "estimated losses avoided", "in total")
    assert "$" not in text.replace("\\$", "")  # every dollar escaped for Markdown


def test_break_fix_can_win_in_cash_and_in_total():
    scenario = load_scenario("server-office").with_overrides(
        {
            "options.managed.fees.per_user_monthly": 900,
            "options.hybrid.fees.per_server_monthly": 5000,
        }
    )
    result = simulate(scenario, trials=TRIALS, seed=SEED)
    decision = decision_summary(result, breakeven_fees={})
    assert decision.best == decision.cheapest_in_cash == "break-fix"
    title = escape(scenario.options["break-fix"].title)
    assert headline(decision) == f"**{title} is expected to be cheapest in cash and in total.**"
    for item in decision.comparisons:
        assert re.search(r"IT spend \\\$[\d,]+ more a year", comparison_text(decision, item))


def test_cheapest_in_total_is_not_said_to_be_cheapest_in_cash(server_office):
    scenario = load_scenario("server-office").with_overrides(
        {
            "options.managed.fees.per_user_monthly": 10,
            "options.hybrid.fees.per_server_monthly": 4000,
        }
    )
    result = simulate(scenario, trials=TRIALS, seed=SEED)
    decision = decision_summary(result, breakeven_fees={})
    # A fee of 10 a user: managed is cheapest in total; whichever is cheapest in cash is named.
    assert decision.best == "managed"
    text = headline(decision)
    if decision.cheapest_in_cash == "managed":
        assert "cheapest in cash and in total" in text
    else:
        assert "cheapest in cash, but" in text and "cheapest in total" in text


def test_a_narrow_lead_is_said_to_be_narrow(server_office):
    decision = decision_summary(server_office, breakeven_fees={})
    narrow = decision.prob_cheapest[decision.best] < 0.6
    assert decision.narrow == narrow
    assert ("(narrowly: cheapest in" in headline(decision)) == narrow


def test_the_fee_text_says_where_the_answer_flips(server_office):
    decision = decision_summary(server_office, breakeven_fees={"managed": 123.0, "hybrid": None})
    managed = decision.comparison("managed")
    text = fee_text(decision, managed)
    if managed.saves:
        assert "stays cheaper than" in text and "up to about \\$123 per user per month" in text
    else:
        assert "would cost less than" in text and "below about \\$123 per user per month" in text
    assert "(quoted: \\$150)" in text or "(quoted: \\$" in text
    assert fee_text(decision, decision.comparison("hybrid")) is None  # unknown: nothing said
    assert fee_text(decision_summary(server_office, breakeven_fees={"managed": -5.0}),
                    managed) is not None  # fmt: skip


def test_break_even_fees_come_from_the_same_result(server_office):
    """The default break-even fee makes the expected totals equal on the same incidents."""
    decision = decision_summary(server_office)
    fee = decision.comparison("managed").breakeven_fee
    assert fee is not None, "analysis.decision.breakeven.breakeven_fee(result, option) missing"
    repriced = server_office.reprice(
        server_office.scenario.with_overrides({"options.managed.fees.per_user_monthly": fee})
    )
    assert abs(
        float(np.mean(repriced.savings("managed")))
    ) < 1e-6 * server_office.scenario.annual_fee("managed")


def test_names_are_shown_as_text():
    scenario = load_scenario("server-office").with_overrides({"options.managed.title": HOSTILE})
    result = simulate(scenario, trials=1_000, seed=SEED)
    decision = decision_summary(result, breakeven_fees={})
    for text in (verdict(result, decision), executive_summary(result, "<b>Client</b>", decision)):
        assert "<img" not in text and "<b>" not in text and "[quote](" not in text
        assert escape(HOSTILE) in text
    assert "&lt;b&gt;Client&lt;/b&gt;" in executive_summary(result, "<b>Client</b>", decision)


def test_the_executive_summary_lists_every_option_it_spend_first(server_office):
    decision = decision_summary(server_office, breakeven_fees={})
    text = executive_summary(server_office, "Acme", decision)
    assert _ordered(text, "Expected IT spend a year", "Expected estimated losses a year",
                    "Expected total a year", "Cheapest in total")  # fmt: skip
    for option in server_office.options:
        assert escape(decision.titles[option]) in text


def test_tornado_text_keeps_acronyms_and_titles_as_written():
    """Inside the sentence a label starts in lower case, unless its first word is an acronym
    (a title such as "IBM quote" or "MSP fee" stays as written)."""
    import pandas as pd

    from analysis.present.narrative import tornado_text

    table = pd.DataFrame({"label": ["IBM quote: Fee per user", "Incidents per year"],
                          "swing": [2_000.0, 1_000.0]})  # fmt: skip
    text = tornado_text(table, "USD", "the MSP")
    assert "IBM quote\\: Fee per user" in text and "incidents per year" in text
