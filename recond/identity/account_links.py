"""Single-use links sent by e-mail: an invitation (valid 72 hours) and a password reset (valid
one hour). The token travels only in the message; the database keeps its SHA-256. A link is
spent under a row lock, so two clicks at once use it once."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from recond import clock
from recond.errors import NotFound
from recond.extensions import db
from recond.models import AccountLink, User

INVITATION = "invitation"
RESET = "reset"
LIFETIMES = {INVITATION: timedelta(hours=72), RESET: timedelta(hours=1)}


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user: User, purpose: str) -> str:
    """A new link for `user`; earlier unused links of the same purpose stop working."""
    now = clock.utcnow()
    db.session.execute(update(AccountLink)
                       .where(AccountLink.user_id == user.id, AccountLink.purpose == purpose,
                              AccountLink.used_at.is_(None))
                       .values(used_at=now))
    token = secrets.token_urlsafe(32)
    db.session.add(AccountLink(user_id=user.id, purpose=purpose, token_hash=digest(token),
                               created_at=now, expires_at=now + LIFETIMES[purpose]))
    db.session.flush()
    return token


def _invalid() -> NotFound:
    return NotFound(_l("This link is no longer valid: it expired or was already used. "
                       "Ask for a new one."), code="link_invalid")


def _find(token: str, purpose: str, *, lock: bool) -> AccountLink:
    query = select(AccountLink).where(AccountLink.token_hash == digest(token or ""),
                                      AccountLink.purpose == purpose)
    if lock:
        query = query.with_for_update(of=AccountLink)
    link = db.session.scalar(query)
    if link is None or link.used_at is not None or link.expires_at <= clock.utcnow():
        raise _invalid()
    return link


def peek(token: str, purpose: str) -> User:
    """Whose link this is, without spending it (to show the form it opens)."""
    return _find(token, purpose, lock=False).user


def spend(token: str, purpose: str) -> User:
    """Use the link once; a second use, or one after it expired, finds nothing."""
    link = _find(token, purpose, lock=True)
    link.used_at = clock.utcnow()
    db.session.flush()
    return link.user
