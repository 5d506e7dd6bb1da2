"""Weights, the one way in and out: grams as integers everywhere; this module reads what a
person typed in kilograms (`parse_kg`) and writes weights for people (`format_kg`).

Like money, nothing is rounded on the way in: "7,4", "7.4" and "12" are kilograms, "7,4567"
(more precise than the gram), "1E3", "-2" or "NaN" are refused with a message. On the way out
the reader's language (or the paperwork's, "fr") decides the decimal mark: "7,4 kg", "7.4 kg".
"""
from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from recond.errors import InvalidInput

MAX_GRAMS = 100_000_000  # 100 tonnes: more than any lot a van or a truck takes away
_KG = re.compile(r"(\d{1,6})(?:[.,](\d{1,3}))?", re.ASCII)
_IGNORED = re.compile(r"[\s\u00a0\u202f]")  # spaces of all widths, between thousands too
_UNIT = re.compile(r"\s*kg\s*$", re.IGNORECASE)


def parse_kg(raw) -> int:
    """Kilograms as typed ("7,4", "7.4 kg", "0,850") -> grams (7400). Refused, never rounded:
    more than three decimals, an exponent, a sign, zero, more than 100 t."""
    typed = str(raw if raw is not None else "")[:40]  # no weight is longer: the rest is noise
    shown = typed.strip()[:20]
    text = _IGNORED.sub("", _UNIT.sub("", typed))
    match = _KG.fullmatch(text)
    grams = int(match.group(1)) * 1000 + int((match.group(2) or "0").ljust(3, "0")) if match else 0
    if match is None or not 0 < grams <= MAX_GRAMS:
        raise InvalidInput(_l("“%(value)s” is not a weight in kg: write it like 7,4 or 0,850 "
                              "(at most three decimals).", value=shown), code="invalid_weight")
    return grams


def format_kg(grams: int | None, locale: str | None = None) -> str:
    """A weight for people, in kilograms with what decimals it has: "7,4 kg", "1 250 kg",
    "0,85 kg"; "—" when it is not known."""
    if grams is None:
        return "—"
    number = format_decimal(Decimal(grams).scaleb(-3), format="#,##0.###",
                            locale=str(locale or get_locale() or "fr"))
    return f"{number}\u00a0kg"
