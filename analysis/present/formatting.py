r"""Numbers as people read them, and text that stays text in Markdown.

Money with its currency, shares as percentages; shared by the command line, the reports and
the app so that all of them say the same thing.

Examples
--------
>>> money(12345.4, "USD"), money(-1200, "EUR"), money(5, "CHF")
('$12,345', '-€1,200', '5 CHF')
>>> share_text(0.9996), share_text(0.25)
('over 99.9%', '25.0%')
>>> print(escape("<b>$5 *bold*</b>"))
&lt;b&gt;\$5 \*bold\*&lt;/b&gt;
"""

from __future__ import annotations

import html
import re

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "AUD": "A$", "CAD": "C$"}


def money(amount: float, currency: str) -> str:
    """``$12,345`` or ``-$1,200`` (``12,345 CHF`` for currencies without a symbol here)."""
    sign = "-" if round(amount) < 0 else ""
    digits = f"{abs(amount):,.0f}"
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{digits} {currency}"


def money_axis_format(currency: str) -> dict[str, str]:
    """Plotly axis settings that print amounts like :func:`money` (``$12,345``)."""
    symbol = SYMBOLS.get(currency)
    return {"tickprefix": symbol, "tickformat": ",.0f"} if symbol else {
        "ticksuffix": f" {currency}", "tickformat": ",.0f"}  # fmt: skip


def money_template(currency: str, number: str) -> str:
    """A plotly text template for an amount: ``$%{y:,.0f}`` or ``%{y:,.0f} CHF``."""
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{number} {currency}"


def simulated_periods(years: int) -> str:
    """What the trials of a horizon are called, in the plural: "years" or "3-year horizons"."""
    return "years" if years == 1 else f"{years}-year horizons"


def per_text(years: int) -> str:
    """How amounts of a horizon are said: "a year" or "over 3 years"."""
    return "a year" if years == 1 else f"over {years} years"


def signed_money(amount: float, currency: str) -> str:
    """:func:`money` with an explicit sign: ``+$1,200``, ``-$300``, ``$0``."""
    text = money(amount, currency)
    return text if round(amount) <= 0 else f"+{text}"


def share_text(share: float) -> str:
    """A share as a percentage that never rounds a non-certainty to 0% or 100%."""
    if 0 < share < 0.001:
        return "under 0.1%"
    if 0.999 < share < 1:
        return "over 99.9%"
    return f"{share:.1%}"


def escape(text: str) -> str:
    """Text safe inside Markdown and HTML: markup is shown, never interpreted.

    ``$`` is escaped too: Jupyter's Markdown reads text between dollar signs as mathematics;
    so are the ``//`` of a URL, ``www.`` and ``@``, which renderers would make into links, and
    ``:``, which starts Streamlit's emoji and icon shortcodes (``:fire:``).
    Quotes are left alone: as entities their ``#`` would be escaped and show up literally.
    Line breaks and runs of white space become one space (a newline then ``===`` would make a
    heading, an indented line a code block), and control characters (ESC, BEL) become U+FFFD.
    """
    text = one_line(text).strip()
    escaped = re.sub(r"([\\`*_{}\[\]()#+!|~$:])", r"\\\1", html.escape(text, quote=False))
    # Renderers turn bare URLs, www. names and e-mail addresses into links (GFM autolinks);
    # an escaped slash, dot or at sign reads the same and links nothing.
    escaped = escaped.replace("://", ":\\/\\/").replace("@", "\\@")
    escaped = re.sub(r"(?i)\bwww\.", lambda match: match.group(0)[:3] + "\\.", escaped)
    # At the start of a line, "- a" or "1. a" would begin a list and "---" a rule (a "+" or
    # "*" is escaped above); "-$300" or "93.4%" stay as they are.
    escaped = re.sub(r"^-(?=[\s-]|$)", r"\\-", escaped)
    return re.sub(r"^(\d+)\.(?=\s|$)", r"\1\\.", escaped)


def one_line(text: str) -> str:
    r"""``text`` with every run of white space (line breaks too) as one space and every
    control character as U+FFFD: what a name becomes before it is escaped for Markdown, in
    reports (:func:`escape`) and in the app.

    Examples
    --------
    >>> one_line(" Acme\n===\x1b[0m ")
    ' Acme ===�[0m '
    """
    return _CONTROLS.sub("\ufffd", re.sub(r"\s+", " ", text))


#: C0 and C1 control characters and DEL (white space is handled apart).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def plot_text(text: str) -> str:
    """Text safe in a plotly label, legend or title: plotly reads a few HTML tags (``<b>``,
    ``<a href>``, ``<br>``) in every string, so ``<``, ``>`` and ``&`` become entities, which
    plotly shows as the characters. ``%{`` would start a hover-template field: a zero-width
    space keeps it literal.

    Examples
    --------
    >>> plot_text("<b>Acme</b> & %{x}")
    '&lt;b&gt;Acme&lt;/b&gt; &amp; %\u200b{x}'
    """
    return html.escape(text, quote=False).replace("%{", "%\u200b{")


def money_markdown(amount: float, currency: str) -> str:
    """:func:`money` for Markdown: a bare ``$`` would start mathematics in Jupyter and
    Streamlit."""
    return escape(money(amount, currency))


#: Characters a terminal acts on rather than shows: C0 and C1 controls (ESC starts colour and
#: cursor sequences, BEL rings) and the Unicode format characters that reorder or hide text.
_TERMINAL_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


def terminal_text(text: str) -> str:
    r"""``text`` as a terminal shows it literally: every control character written as an
    escape (``\x1b``, ``\u202e``), so a name cannot recolour, move the cursor or reorder a line.
    Newlines and tabs stay.

    Examples
    --------
    >>> print(terminal_text("Acme \x1b[31mMSP\x07"))
    Acme \x1b[31mMSP\x07
    """
    return _TERMINAL_CONTROLS.sub(
        lambda found: found.group().encode("unicode_escape").decode(), text
    )
