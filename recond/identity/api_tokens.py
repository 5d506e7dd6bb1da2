"""API tokens as their holders and the administrators see them: list, create (with an
optional expiry), revoke. Tokens are stored as their SHA-256 (recond.identity.accounts); a token is
readable once, when it is created.
"""
from __future__ import annotations

from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from recond import capabilities, clock
from recond.identity import accounts, security_log
from recond.errors import InvalidInput, NotFound
from recond.extensions import db
from recond.models import ApiToken, User

MAX_LABEL = 100


def may_revoke(actor: User, token: ApiToken) -> bool:
    return token.user_id == actor.id or capabilities.can(actor, "security.admin")


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def all_tokens(actor: User) -> list[ApiToken]:
    """Every token of every user (administrators only: the view declares it)."""
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.revoked_at.is_not(None),
                                                             ApiToken.created_at.desc())))


def create(actor: User, label: str, expires_on: date | None, *,
           address: str | None = None) -> tuple[ApiToken, str]:
    label = (label or "").strip()
    if not label or len(label) > MAX_LABEL:
        raise InvalidInput(_l("Name the token (at most %(n)s characters), e.g. the script or "
                              "scanner that uses it.", n=MAX_LABEL))
    if expires_on is not None and expires_on <= clock.utcnow().date():
        raise InvalidInput(_l("The expiry date must be after today."))
    secret = accounts.create_token(actor, label)
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == accounts._digest(secret)))
    if expires_on is not None:
        token.expires_at = datetime.combine(expires_on, time.min)
    db.session.flush()
    security_log.record("token_created", actor=actor, subject=actor, address=address,
                        details={"token_id": token.id, "label": label})
    return token, secret


def revoke(actor: User, token_id: int, *, address: str | None = None) -> ApiToken:
    """Revoke one's own token, or (an administrator) anyone's. Others' tokens are not found."""
    # Lock the token's row alone (its user is joined in, and PostgreSQL locks no outer join).
    db.session.execute(select(ApiToken.id).where(ApiToken.id == token_id).with_for_update())
    token = db.session.get(ApiToken, token_id, populate_existing=True)
    if token is None or not may_revoke(actor, token):
        raise NotFound(_l("No such token of yours."))
    if token.revoked_at is None:
        token.revoked_at = clock.utcnow()
        db.session.flush()
        security_log.record("token_revoked", actor=actor, subject=token.user, address=address,
                            details={"token_id": token.id, "label": token.label})
    return token


def state(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= clock.utcnow():
        return "expired"
    return "active"
