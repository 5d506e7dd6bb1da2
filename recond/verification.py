"""What the public /verify page says about a code printed on a paper Recond issued: a
certificate of sanitisation or a donation receipt, and whether a PDF is the one issued."""
from __future__ import annotations

from recond.collection import donation_receipts
from recond.workshop import certificates


def check(code: str, sha256: str | None = None) -> dict:
    found = certificates.check(code, sha256)
    return found if found["found"] else donation_receipts.check(code, sha256)
