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
    assert text == "see http\\:\\/\\/e.com, www\\.e.com or a\\@e.com"


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


#: Names a client, a consultant or an uploaded file might carry, each trying a construct.
HOSTILE_NAMES = [
    "Acme\n===",  # a setext heading
    "Acme\n---",  # a rule or a heading
    "Acme\n\n    indented code",  # a code block
    "# MANAGED IS 10x CHEAPER",  # an ATX heading
    "- item",  # a list
    "1. item",  # a numbered list
    "> quoted",  # a block quote
    "![i](http://tracker.invalid/p.png)",  # an image fetched from anywhere
    "[Pay](https://evil.invalid/)",  # a link
    "https://evil.invalid/ www.evil.invalid a@evil.invalid",  # autolinks
    "<script>alert(1)</script> <b>bold</b>",  # HTML
    "`code` *em* **strong** ~~struck~~ $x^2$",  # inline markup and mathematics
    "ESC \x1b[31mred\x1b[0m and BEL \x07",  # terminal codes
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_escaped_names_render_as_one_plain_paragraph(name):
    """Against the renderer the reports go through (nbconvert's Markdown to HTML, mistune
    underneath) and mistune with its autolink plugin: an escaped name, alone or after other
    text, is one paragraph of text."""
    import mistune
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    autolinks = mistune.create_markdown(plugins=["strikethrough", "url"], escape=False)
    for render in (markdown2html_mistune, autolinks):
        _one_paragraph(render, name)


def _one_paragraph(render, name: str) -> None:
    for text in (escape(name), f"Prepared for {escape(name)}"):
        out = render(text).strip()
        assert out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1, out
        inner = out[3:-4]
        assert "<" not in inner.replace("&lt;", ""), out  # no tag inside: text only
        assert "\x1b" not in out and "\x07" not in out


@pytest.mark.parametrize(
    "name", ["93.4%", "-$300", "3.5 Star IT", "1. Break-fix", "- item", "Acme & Co", "a_b*c*"]
)
def test_escaped_text_reads_exactly_as_given(name):
    """What the reader sees is the name itself: no stray backslash (a backslash before a digit
    is not an escape in Markdown, and would show)."""
    import html as html_module
    import re

    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    rendered = markdown2html_mistune(escape(name))
    assert html_module.unescape(re.sub(r"<[^>]+>", "", rendered)).strip() == name
