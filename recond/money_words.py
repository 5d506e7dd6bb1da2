"""Amounts in French words, as a tax receipt writes them ("mille deux cent cinquante euros et
cinquante centimes").

Traditional spelling (the one cheques and receipts use): hyphens between tens and units below
a hundred, "et" in 21, 31 … 71, "quatre-vingts" and "deux cents" with an s only when they end
the number, "mille" invariable, "million" and "milliard" nouns ("deux millions d'euros").
"""
from __future__ import annotations

_UNITS = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
          "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit",
          "dix-neuf")
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}
_LARGEST = 999_999_999_999  # euros: more than any gift Recond will ever record


def number_in_words(n: int, *, ending: bool = True) -> str:
    """0 ≤ n ≤ 999 999 999 999 in words. `ending=False`: the number is followed by "mille",
    so "quatre-vingt" and "deux cent" take no s."""
    if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= _LARGEST:
        raise ValueError(f"{n!r} is not a whole number from 0 to {_LARGEST}")
    if n == 0:
        return _UNITS[0]
    words = []
    billions, rest = divmod(n, 1_000_000_000)
    millions, rest = divmod(rest, 1_000_000)
    thousands, rest = divmod(rest, 1000)
    if billions:  # nouns: they agree, and what precedes them ends its own number
        words.append(f"{_below_thousand(billions, True)} milliard{'s' if billions > 1 else ''}")
    if millions:
        words.append(f"{_below_thousand(millions, True)} million{'s' if millions > 1 else ''}")
    if thousands:
        words.append("mille" if thousands == 1 else f"{_below_thousand(thousands, False)} mille")
    if rest:
        words.append(_below_thousand(rest, ending))
    return " ".join(words)


def euros_in_words(cents: int) -> str:
    """An amount in cents as a receipt writes it: "un euro et un centime", "deux millions
    d'euros", "quatre-vingts centimes"."""
    if not isinstance(cents, int) or isinstance(cents, bool) or cents < 0:
        raise ValueError(f"{cents!r} is not an amount in cents")
    euros, rest = divmod(cents, 100)
    parts = []
    if euros or not rest:
        if euros % 1_000_000 == 0 and euros:  # "un million d'euros", "deux milliards d'euros"
            parts.append(f"{number_in_words(euros)} d'euros")
        else:
            parts.append(f"{number_in_words(euros)} euro{'s' if euros > 1 else ''}")
    if rest:
        parts.append(f"{number_in_words(rest)} centime{'s' if rest > 1 else ''}")
    return " et ".join(parts)


def _below_thousand(n: int, ending: bool) -> str:
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        plural = hundreds > 1 and not rest and ending
        words.append(("cent" if hundreds == 1 else f"{_UNITS[hundreds]} cent") + ("s" if plural else ""))
    if rest:
        words.append(_below_hundred(rest, ending))
    return " ".join(words)


def _below_hundred(n: int, ending: bool) -> str:
    if n < 20:
        return _UNITS[n]
    tens, unit = divmod(n, 10)
    if tens in _TENS:
        if unit == 0:
            return _TENS[tens]
        return f"{_TENS[tens]} et un" if unit == 1 else f"{_TENS[tens]}-{_UNITS[unit]}"
    if tens == 7:  # soixante-dix … soixante-dix-neuf
        return "soixante et onze" if unit == 1 else f"soixante-{_UNITS[10 + unit]}"
    if n == 80:
        return "quatre-vingts" if ending else "quatre-vingt"
    return f"quatre-vingt-{_UNITS[n - 80]}"  # 81 … 99: quatre-vingt-un, quatre-vingt-onze
