"""What makes an issued paper checkable: the short code printed on it (typed or scanned on the
public /verify page) and the SHA-256 of the PDF as issued."""
from __future__ import annotations

import hashlib
import secrets

from recond import public_id


def new_code() -> str:
    """12 characters of the public ID alphabet (no O/0, I/1), read as three groups of four."""
    raw = "".join(secrets.choice(public_id.ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
