"""Public device IDs: short, upper-case, unambiguous, with a check character.

The alphabet has no digits and none of the letters a USB scanner in QWERTY mode types
differently on an AZERTY machine (A/Q, Z/W, M), nor I or O: an ID survives any keyboard
layout and is never misread. The last character is a Luhn mod 19 check, which catches every
single wrong character and every swap of two neighbours.
"""
from __future__ import annotations

import secrets

ALPHABET = "BCDEFGHJKLNPRSTUVXY"
BODY_LENGTH = 7
LENGTH = BODY_LENGTH + 1
_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}
_N = len(ALPHABET)


def check_character(body: str) -> str:
    factor = 2
    total = 0
    for char in reversed(body):
        addend = factor * _INDEX[char]
        factor = 1 if factor == 2 else 2
        total += addend // _N + addend % _N
    return ALPHABET[(_N - total % _N) % _N]


def generate() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + check_character(body)


def normalise(raw: str) -> str:
    """Upper-case and drop the separators people and printers put in (spaces, dashes)."""
    return "".join(ch for ch in raw.upper() if ch not in " -_.\t")


def looks_like_id(code: str) -> bool:
    return len(code) == LENGTH and all(ch in _INDEX for ch in code)


def is_valid(code: str) -> bool:
    return looks_like_id(code) and check_character(code[:-1]) == code[-1]


def display(code: str) -> str:
    """Two groups of four, easier to read aloud over the phone."""
    return f"{code[:4]} {code[4:]}"
