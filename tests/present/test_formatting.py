"""analysis.present.formatting: money, shares and text that stays text in Markdown and plotly."""

from __future__ import annotations

import pytest

from analysis.present.formatting import (
    escape,
    money,
    money_markdown,
    per_text,
    plot_text,
    share_text,
    signed_money,
)


def test_escape():
    assert escape("<b>$5 *bold*</b>") == "&lt;b&gt;\\$5 \\*bold\\*&lt;/b&gt;"


def test_escape_leaves_nothing_for_an_autolink():
    text = escape("see http://e.com, www.e.com or a@e.com")
    assert "://" not in text and "www." not in text.lower() and " a@" not in text
    assert text == "see http:\\/\\/e.com, www\\.e.com or a\\@e.com"


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [(12345.4, "USD", "$12,345"), (-1200, "EUR", "-€1,200"), (0.4, "GBP", "£0"),
     (-0.4, "USD", "$0"), (5, "CHF", "5 CHF")],
)  # fmt: skip
def test_money(amount, currency, text):
    assert money(amount, currency) == text


def test_signed_money_shows_the_sign_of_a_difference():
    assert [signed_money(a, "USD") for a in (1200, -300, 0.2)] == ["+$1,200", "-$300", "$0"]


def test_money_in_markdown_never_starts_mathematics():
    assert money_markdown(1500, "USD") == "\\$1,500"
    assert money_markdown(1500, "CAD") == "C\\$1,500"


def test_shares_never_round_an_uncertain_answer_to_certainty():
    assert [share_text(s) for s in (0, 0.0004, 0.25, 0.9996, 1)] == [
        "0.0%", "under 0.1%", "25.0%", "over 99.9%", "100.0%"
    ]  # fmt: skip


def test_per_text():
    assert (per_text(1), per_text(3)) == ("a year", "over 3 years")


def test_plot_text_keeps_markup_and_template_fields_literal():
    text = plot_text("<a href='x'>Acme</a> & %{y}")
    assert "<" not in text and ">" not in text and "%{" not in text
    assert text.startswith("&lt;a href='x'&gt;Acme&lt;/a&gt; &amp; %")
