"""Two-factor sign-in with an authenticator app (TOTP, RFC 6238, through pyotp) and
recovery codes.

Enrolment is two steps: a secret is proposed (QR code and text), and kept only once the user
types a code it produced. Recovery codes are shown once and stored hashed; each opens one
session. A code is accepted once: the time step it belongs to is remembered.
"""
from __future__ import annotations

import base64
import io
import secrets

import pyotp
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from recond import clock
from recond.identity import security_log
from recond.errors import InvalidInput, Refused
from recond.extensions import db
from recond.models import RecoveryCode, Role, User

ISSUER = "Recond"
RECOVERY_CODES = 10


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg_data_uri(uri: str) -> str:
    """The enrolment QR code as an SVG data URI, for an <img> with its text alternative."""
    import qrcode.image.svg  # only on the enrolment page, not in every worker

    buffer = io.BytesIO()
    qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _step(secret: str, code: str) -> int | None:
    """The time step whose code this is (this one or its neighbours, for clocks that drift)."""
    code = "".join(code.split())
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = clock.utcnow()
    current = totp.timecode(now)
    for offset in (0, -1, 1):
        if secrets.compare_digest(totp.generate_otp(current + offset), code):
            return current + offset
    return None


def enable(actor: User, secret: str, code: str, *, address: str | None = None) -> list[str]:
    """Keep the secret once a code proves the app has it; return the recovery codes (shown once)."""
    if actor.totp_secret is not None:
        raise Refused(_l("Two-factor sign-in is already on."))
    step = _step(secret, code)
    if step is None:
        raise InvalidInput(_l("This code is not the one your app shows now. Check the time of "
                              "your phone and type the current code."), code="wrong_code")
    actor.totp_secret = secret
    actor.totp_last_step = step
    actor.totp_enabled_at = clock.utcnow()
    codes = _new_recovery_codes(actor)
    security_log.record("totp_enabled", actor=actor, subject=actor, address=address)
    return codes


def required_for(user: User) -> bool:
    """The deployer's list (RECOND_REQUIRE_2FA_ROLES), not a rule of the code: read as set."""
    return Role(user.role) in current_app.config["REQUIRE_2FA_ROLES"]


def disable(actor: User, user: User, *, address: str | None = None) -> None:
    if required_for(user):
        raise Refused(_l("Two-factor sign-in is required for the role %(role)s.", role=user.role))
    user.totp_secret = None
    user.totp_last_step = None
    user.totp_enabled_at = None
    for row in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        db.session.delete(row)
    db.session.flush()
    security_log.record("totp_disabled", actor=actor, subject=user, address=address)


def verify(user: User, code: str, *, address: str | None = None) -> bool:
    """A current, unused TOTP code or an unused recovery code of this user. Locks the row so
    that two requests with one code cannot both pass."""
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    db.session.refresh(user)
    if user.totp_secret is None:
        return False
    step = _step(user.totp_secret, code)
    if step is not None and step > (user.totp_last_step or -1):
        user.totp_last_step = step
        db.session.flush()
        return True
    recovery = "".join(code.split()).lower()
    if step is None and len(recovery) == 10:
        for row in db.session.scalars(select(RecoveryCode).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))):
            if check_password_hash(row.code_hash, recovery):
                row.used_at = clock.utcnow()
                db.session.flush()
                security_log.record("recovery_code_used", actor=user, subject=user, address=address)
                return True
    security_log.record("totp_failed", subject=user, address=address)
    return False


def recovery_codes_left(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())


def _new_recovery_codes(user: User) -> list[str]:
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    for code in codes:
        db.session.add(RecoveryCode(user_id=user.id, code_hash=generate_password_hash(
            code, method=current_app.config["PASSWORD_HASH_METHOD"])))
    db.session.flush()
    return codes
