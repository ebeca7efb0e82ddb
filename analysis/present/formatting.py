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


def share_text(share: float) -> str:
    """A share as a percentage that never rounds a non-certainty to 0% or 100%."""
    if 0 < share < 0.001:
        return "under 0.1%"
    if 0.999 < share < 1:
        return "over 99.9%"
    return f"{share:.1%}"


def escape(text: str) -> str:
    """Text safe inside Markdown and HTML: markup is shown, never interpreted.

    ``$`` is escaped too: Jupyter's Markdown reads text between dollar signs as mathematics.
    Quotes are left alone: as entities their ``#`` would be escaped and show up literally.
    """
    return re.sub(r"([\\`*_{}\[\]()#+!|~$])", r"\\\1", html.escape(text, quote=False))


def money_markdown(amount: float, currency: str) -> str:
    """:func:`money` for Markdown: a bare ``$`` would start mathematics in Jupyter and
    Streamlit."""
    return escape(money(amount, currency))
