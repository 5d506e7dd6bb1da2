"""Public device IDs: short, upper-case, unambiguous, with a check character.

The alphabet has no digits and none of the letters a USB scanner in QWERTY mode types
differently on an AZERTY machine (A/Q, Z/W, M), nor I or O: an ID survives any keyboard
layout and is never misread. The last character is a check character: the sum of each
character's value times its position (1 to 8) is a multiple of 19. Because 19 is prime, this
catches every single wrong character and every swap of two characters, neighbours or not.

A device's public URL (`url_of`: `<RECOND_PUBLIC_URL>/d/<ID>`) is what its QR code, the API
and the paperwork carry; `from_scanned` reads the ID back from a scanned URL or a typed code.
"""
from __future__ import annotations

import re
import secrets

from flask import current_app

ALPHABET = "BCDEFGHJKLNPRSTUVXY"
BODY_LENGTH = 7
LENGTH = BODY_LENGTH + 1
_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}
_N = len(ALPHABET)


_CHECK_WEIGHT_INVERSE = pow(LENGTH, -1, _N)


def check_character(body: str) -> str:
    total = sum((position + 1) * _INDEX[char] for position, char in enumerate(body))
    return ALPHABET[(-total * _CHECK_WEIGHT_INVERSE) % _N]


def generate() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + check_character(body)


def generate_many(count: int) -> list[str]:
    """Many IDs at once (a manifest): one read of the system's randomness for all of them."""
    usable = 256 - 256 % _N  # reject bytes that would make some characters likelier
    codes: list[str] = []
    while len(codes) < count:
        pool = [b for b in secrets.token_bytes((count - len(codes)) * BODY_LENGTH * 2) if b < usable]
        for start in range(0, len(pool) - BODY_LENGTH + 1, BODY_LENGTH):
            body = "".join(ALPHABET[b % _N] for b in pool[start:start + BODY_LENGTH])
            codes.append(body + check_character(body))
            if len(codes) == count:
                break
    return codes


def normalise(raw: str) -> str:
    """Upper-case and drop the separators people and printers put in (spaces, dashes)."""
    return "".join(ch for ch in raw.upper() if ch not in " -_.\t")


def looks_like_id(code: str) -> bool:
    return len(code) == LENGTH and all(ch in _INDEX for ch in code)


def is_valid(code: str) -> bool:
    return looks_like_id(code) and check_character(code[:-1]) == code[-1]


def path_of(code: str) -> str:
    """The device's page on this site: "/d/BCDFGHJK"."""
    return f"/d/{code}"


def url_of(code: str, base: str | None = None) -> str:
    """The device's public URL, for QR codes, the API and paperwork: `base` (by default
    RECOND_PUBLIC_URL) followed by its page."""
    base = current_app.config["PUBLIC_URL"] if base is None else base.rstrip("/")
    return base + path_of(code)


# The ID at the end of one of our URLs, whatever the host (a label printed before a move).
_URL_ID = re.compile(r"/d/([A-Za-z]{8})/?(?:[?#].*)?$")


def from_scanned(text: str) -> str:
    """The ID a scanned code carries, normalised: the tail of a device URL ("https://…/d/BCDFGHJK"),
    or the code as typed ("bcdf-ghjk"). Whether it is a valid ID is `is_valid`'s question."""
    match = _URL_ID.search(text)
    return normalise(match.group(1) if match else text)


def display(code: str) -> str:
    """Two groups of four, easier to read aloud over the phone."""
    return f"{code[:4]} {code[4:]}"
