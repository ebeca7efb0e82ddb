"""analysis.present.formatting: money, shares and text that stays text in Markdown."""

from __future__ import annotations

import pytest

from analysis.present.formatting import escape, money, money_markdown, share_text


def test_escape():
    assert escape("<b>$5 *bold*</b>") == "&lt;b&gt;\\$5 \\*bold\\*&lt;/b&gt;"


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [(12345.4, "USD", "$12,345"), (-1200, "EUR", "-€1,200"), (0.4, "GBP", "£0"),
     (-0.4, "USD", "$0"), (5, "CHF", "5 CHF")],
)  # fmt: skip
def test_money(amount, currency, text):
    assert money(amount, currency) == text


def test_money_in_markdown_never_starts_mathematics():
    assert money_markdown(1500, "USD") == "\\$1,500"
    assert money_markdown(1500, "CAD") == "C\\$1,500"


def test_shares_never_round_an_uncertain_answer_to_certainty():
    assert [share_text(s) for s in (0, 0.0004, 0.25, 0.9996, 1)] == [
        "0.0%", "under 0.1%", "25.0%", "over 99.9%", "100.0%"
    ]  # fmt: skip
