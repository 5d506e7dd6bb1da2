"""Money, the one way in and out: amounts are integer cents everywhere; this module reads what a
person typed (`parse_euros`) and writes amounts for people (`format_money`) and for form fields
(`format_euros`).

Nothing is rounded: "12.345", "9,995" or "1E1" is refused, never made into a price or a
payment. A comma or a point is the decimal mark on the way in; on the way out the reader's
language decides ("1 234,50 €" in French, "€1,234.50" in English).
"""
from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import format_currency, format_decimal
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from recond.errors import InvalidInput

DEFAULT_CEILING_CENTS = 10_000_000  # 100,000 €: more than any price or payment here

_EUROS = re.compile(r"(-?)(\d+)(?:[.,](\d{1,2}))?", re.ASCII)
_TOO_PRECISE = re.compile(r"-?\d+[.,]\d{3,}", re.ASCII)
# What people and spreadsheets put between thousands and before the sign: spaces of all widths.
_IGNORED = re.compile(r"[\s\u00a0\u202f€]")
_LONGEST = 30  # characters: "10 000 000,00 €" and more room than anyone types


def parse_euros(raw: str, *, signed: bool = False, ceiling_cents: int = DEFAULT_CEILING_CENTS) -> int:
    """The one money parser: "35", "35,50", "35.5 €", "1 000" -> cents. A comma is the French
    decimal separator. More than two decimals ("12.345", "9,995") or an exponent ("1E1") is
    refused, never rounded: a typing mistake must not become a price or a payment. A minus
    sign only where `signed` (a correction)."""
    shown = (raw or "").strip()[:20]
    if len((raw or "").strip()) > _LONGEST:  # "9" * 5000 is no amount, and no 500 either
        raise InvalidInput(_l("“%(value)s” is not an amount in euros: write it like 35 or 35,50.",
                              value=shown + "…"), code="invalid_amount")
    text = _IGNORED.sub("", raw or "")
    if _TOO_PRECISE.fullmatch(text):
        raise InvalidInput(_l("“%(value)s” has more than two decimals: give the amount to the "
                              "cent, for example 12,35.", value=shown), code="invalid_amount")
    match = _EUROS.fullmatch(text)
    if match is None or (match.group(1) and not signed):
        raise InvalidInput(_l("“%(value)s” is not an amount in euros: write it like 35 or 35,50.",
                              value=shown), code="invalid_amount")
    cents = int(match.group(2)) * 100 + int((match.group(3) or "0").ljust(2, "0"))
    if cents > ceiling_cents:
        raise InvalidInput(_l("“%(value)s” is more than %(max)s.", value=shown,
                              max=format_money(ceiling_cents)), code="invalid_amount")
    return -cents if match.group(1) else cents


def format_money(cents: int, locale: str | None = None) -> str:
    """An amount for people, in their language (or `locale`: French paperwork says "fr"):
    "1 234,50 €", "€1,234.50"."""
    return format_currency(_euros(cents), "EUR", locale=_locale(locale))


def format_euros(cents: int, locale: str | None = None) -> str:
    """An amount to pre-fill a form field: no sign, no thousands separator, two decimals with
    the reader's decimal mark ("1234,50" in French) — exactly what `parse_euros` reads back."""
    return format_decimal(_euros(cents), format="0.00", locale=_locale(locale))


def _locale(locale: str | None) -> str:
    return str(locale or get_locale() or "fr")


def _euros(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)  # exact: no float ever stands between cents and euros
