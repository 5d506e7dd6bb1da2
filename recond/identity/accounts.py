"""Organisations, users and API tokens: creating them, and recognising who is calling."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from recond import clock
from recond import siret as siret_rules
from recond.clock import utcnow
from recond.errors import InvalidInput, NotFound
from recond.identity import bearers
from recond.extensions import db
from recond.models import NO_PASSWORD, ApiToken, Organisation, OrganisationKind, Role, User
from recond.territories import territory_of

# The organisation kind each role belongs to (an admin may sit in any organisation).
ROLE_KINDS = {
    Role.COORDINATOR: OrganisationKind.COORDINATION,
    Role.COLLECTOR: OrganisationKind.COLLECTOR,
    Role.TECHNICIAN: OrganisationKind.WORKSHOP,
    Role.STRUCTURE: OrganisationKind.STRUCTURE,
    Role.DONOR: OrganisationKind.DONOR,
}
TOKEN_PREFIX = "rcd_"


def create_organisation(name: str, kind: str, *, siret: str | None = None,
                        insee_code: str | None = None, address: str | None = None) -> Organisation:
    if kind not in set(OrganisationKind):
        raise InvalidInput(_l("Unknown organisation kind “%(kind)s”.", kind=kind))
    siret = checked_siret(siret)
    org = Organisation(name=name.strip(), kind=kind, siret=siret or None, insee_code=insee_code,
                       territory=territory_of(insee_code), address=address)
    db.session.add(org)
    db.session.flush()
    return org


def checked_siret(siret: str | None) -> str | None:
    """The SIRET normalised, or None when empty; refused unless 14 digits with a Luhn check."""
    siret = siret_rules.normalise(siret or "")
    if siret and not siret_rules.is_valid(siret):
        raise InvalidInput(_l("SIRET %(siret)s is not valid (14 digits with a Luhn check).",
                              siret=siret), code="invalid_siret")
    return siret or None


def create_user(email: str, *, role: str, organisation: Organisation, password: str | None,
                name: str = "") -> User:
    """A user; without a password (None) they are invited and choose one through their link."""
    email = email.strip().lower()
    if role not in set(Role):
        raise InvalidInput(_l("Unknown role “%(role)s”.", role=role))
    expected_kind = ROLE_KINDS.get(Role(role))
    if expected_kind and organisation.kind != expected_kind:
        raise InvalidInput(_l("A %(role)s user belongs to a %(kind)s organisation.",
                              role=role, kind=expected_kind.value))
    if password is not None and len(password) < 10:
        raise InvalidInput(_l("A password has at least 10 characters."))
    if "@" not in email or len(email) > 254 or email.startswith("@") or email.endswith("@"):
        raise InvalidInput(_l("“%(email)s” is not an e-mail address.", email=email))
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise InvalidInput(_l("A user with this e-mail already exists."))
    user = User(email=email, name=name or email.split("@")[0], role=role,
                organisation_id=organisation.id, password_hash=NO_PASSWORD if password is None
                else generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"]))
    db.session.add(user)
    db.session.flush()
    return user


def record_login(user: User) -> None:
    """When `user` last signed in (shown in the users' list)."""
    user.last_login_at = clock.utcnow()
    db.session.flush()


def create_token(user: User, label: str = "") -> str:
    """Return a new token; only its hash is stored, so this is the one time it can be read."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_digest(token), label=label))
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    """The holder of a live token (not revoked, not expired, its user active), or None. The
    last use is written at most once a minute, so reads stay cheap."""
    now = clock.utcnow()
    row = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _digest(token),
                               ApiToken.revoked_at.is_(None)))
    if row is None or not row.user.is_active or (row.expires_at is not None and row.expires_at <= now):
        return None
    if row.last_used_at is None or now - row.last_used_at >= timedelta(minutes=1):
        row.last_used_at = now
        db.session.flush()
    return row.user


def revoke_token(token: str) -> None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None:
        raise NotFound(_l("Unknown token."))
    row.revoked_at = utcnow()


def end_sessions(user: User, *, actor: User | None = None) -> None:
    """End every existing session of `user`, server-side: the cookies they hold (or anyone
    copied) carry the old epoch and are refused from the next request on."""
    from recond.identity import security_log

    # An SQL increment: two ends at once both count, neither is lost.
    user.session_epoch = User.session_epoch + 1
    db.session.flush()
    db.session.refresh(user, ["session_epoch"])
    security_log.record("sessions_ended", actor=actor, subject=user)


def find_organisation(name: str) -> Organisation:
    org = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        raise NotFound(_l("No organisation named “%(name)s”.", name=name))
    return org


_digest = bearers.digest

