"""analysis.present.guard_rails: each note appears when its condition holds, and not otherwise."""

from __future__ import annotations

import pytest

from analysis import load_scenario, simulate
from analysis.decision.breakdowns import SURVEY_LOST_HOURS, implied_lost_hours
from analysis.decision.breakeven import MARKET_PER_USER_MONTHLY, all_in_per_user
from analysis.present.formatting import escape
from analysis.present.formatting import money_markdown as _money
from analysis.present.guard_rails import DOWNTIME_SHARE, FAR_ABOVE, guard_rails
from analysis.present.narrative import decision_summary

TRIALS, SEED = 3_000, 3
#: No outage costs anything: no option's downtime is half its total.
NO_DOWNTIME = {f"incidents.{tier}.{field}": 0.0
               for tier in ("critical", "major", "minor", "requests")
               for field in ("blocking", "revenue_impact")}  # fmt: skip


def _result(overrides=None, preset="server-office"):
    return simulate(load_scenario(preset).with_overrides(overrides or {}), TRIALS, SEED)


def _kinds(notes):
    return [(note.kind, note.option) for note in notes]


def test_the_it_spend_comparison_comes_first_and_says_when_cash_and_total_disagree():
    result = _result()
    decision = decision_summary(result, breakeven_fees={})
    note = guard_rails(result, decision)[0]
    assert note.kind == "it_spend"
    assert note.text.startswith("**On IT spend alone**")
    for option in result.options:
        assert escape(decision.titles[option]) in note.text
    disagree = decision.best != decision.cheapest_in_cash
    assert ("it wins only on estimated losses" in note.text) == disagree
    assert ("cheapest both in cash and in total" in note.text) == (not disagree)


@pytest.mark.parametrize("overrides", [{}, NO_DOWNTIME, {"organisation.annual_revenue": 9e6}])
def test_a_downtime_note_exactly_for_the_options_whose_downtime_is_over_half(overrides):
    result = _result(overrides)
    summary = result.summary()["options"]
    expected = [(("downtime_share", option)) for option in result.options
                if summary[option]["downtime"]["mean"] > DOWNTIME_SHARE *
                summary[option]["total"]["mean"]]  # fmt: skip
    notes = guard_rails(result, decision_summary(result, breakeven_fees={}))
    assert [k for k in _kinds(notes) if k[0] == "downtime_share"] == expected
    if overrides is NO_DOWNTIME:
        assert expected == []
    if "organisation.annual_revenue" in overrides:
        assert ("downtime_share", "break-fix") in expected  # the condition does occur


def test_a_break_even_fee_far_above_the_market_gets_a_note():
    result = _result()
    top = MARKET_PER_USER_MONTHLY[1] * FAR_ABOVE

    def fee_notes(fees):
        notes = guard_rails(result, decision_summary(result, breakeven_fees=fees))
        return [k for k in _kinds(notes) if k[0] == "breakeven_fee"]

    # The band prices whole contracts per user: the server and site lines count too.
    others = all_in_per_user(result.scenario, "managed", 0.0)
    assert others > 0
    above = top + 50 - others
    assert fee_notes({"managed": above, "hybrid": None}) == [("breakeven_fee", "managed")]
    assert fee_notes({"managed": top - 1 - others, "hybrid": None}) == []
    assert fee_notes({"managed": top - 1, "hybrid": None}) == [("breakeven_fee", "managed")]
    note = guard_rails(result, decision_summary(result, breakeven_fees={"managed": above}))
    (text,) = [n.text for n in note if n.kind == "breakeven_fee"]
    assert _money(top + 50, "USD") in text and f"per-user line at {_money(above, 'USD')}" in text
    # The band prices all-inclusive contracts: a hybrid's fee per user is not compared with it.
    assert fee_notes({"managed": None, "hybrid": top + 500}) == []
    euros = simulate(result.scenario.with_overrides({"currency": "EUR"}), TRIALS, SEED)
    notes = guard_rails(euros, decision_summary(euros, breakeven_fees={"managed": top + 50}))
    assert "breakeven_fee" not in [note.kind for note in notes]  # the band is in US dollars


def test_implied_lost_hours_per_employee_beside_the_surveys():
    result = _result()
    decision = decision_summary(result, breakeven_fees={})
    note = guard_rails(result, decision)[-1]
    assert note.kind == "lost_hours"
    hours = implied_lost_hours(result)
    for option in result.options:
        assert f"{escape(decision.titles[option])} {hours[option]:,.1f} h" in note.text
    figures = [value for value, _ in SURVEY_LOST_HOURS.values()]
    low, high = min(figures), max(figures)
    assert f"Published surveys of all work time lost to IT problems: {low:,.0f}-{high:,.0f} h" in (
        note.text
    )
    assert max(hours.values()) <= high  # the preset's hours are below the surveys
    assert "likely too high" not in note.text


def test_implausibly_many_lost_hours_are_called_too_high():
    result = _result({"incidents.minor.users_affected": 1.0, "incidents.minor.blocking": 1.0,
                      "incidents.minor.fix_hours": 30})  # fmt: skip
    note = guard_rails(result, decision_summary(result, breakeven_fees={}))[-1]
    top = max(value for value, _ in SURVEY_LOST_HOURS.values())
    assert max(implied_lost_hours(result).values()) > top
    assert "likely too high" in note.text


def test_names_in_the_notes_are_text():
    result = _result({"options.managed.title": "<script>x</script> *m*"})
    text = " ".join(note.text for note in guard_rails(result))
    assert "<script>" not in text and "&lt;script&gt;x&lt;/script&gt; \\*m\\*" in text
