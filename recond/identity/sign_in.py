"""Signing in: the password, then the second factor when the user has one, behind the
login guard; and the session rules (idle timeout, absolute lifetime, epoch).

The e-mail of an unknown account costs the same time as a known one: a dummy hash of the
configured method is checked. Every outcome goes to the security log.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from recond import clock
from recond.identity import accounts, login_guard, security_log, two_factor
from recond.extensions import db
from recond.models import User


@lru_cache(maxsize=8)
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not anyone's password", method=method)


def check_password(email: str, password: str, *, address: str | None) -> User | None:
    """The user these credentials open, or None. Raises TooManyAttempts while locked."""
    email = email.strip().lower()
    login_guard.check(("account", email), ("address", address or ""))
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        right = False
    else:
        right = check_password_hash(user.password_hash, password) and user.is_active
    if right:
        login_guard.succeeded("account", email)
        return user
    locked = login_guard.failed(("account", email), ("address", address or ""))
    typed = {} if user else security_log.typed_email(email)
    security_log.record("login_failed", subject=user, address=address, details=typed)
    if locked:
        security_log.record("locked", subject=user, address=address, details=typed)
    return None


def signed_in(user: User, *, address: str | None, method: str = "password") -> dict:
    """Record the sign-in (the security log, the last sign-in shown in the users' list);
    return what the session cookie must carry."""
    accounts.record_login(user)
    security_log.record("login", actor=user, subject=user, address=address,
                        details={"method": method})
    now = _stamp(clock.utcnow())
    return {"epoch": user.session_epoch, "since": now, "seen": now}


def session_valid(user: User, cookie: dict) -> bool:
    """May this cookie still act as `user`? Same epoch, not idle too long, not too old."""
    if not user.is_active or cookie.get("epoch") != user.session_epoch:
        return False
    since, seen = cookie.get("since"), cookie.get("seen")
    if not isinstance(since, int) or not isinstance(seen, int):
        return False
    now = _stamp(clock.utcnow())
    config = current_app.config
    return (now - seen <= config["SESSION_IDLE_MINUTES"] * 60
            and now - since <= config["SESSION_MAX_HOURS"] * 3600)


def seen_now(cookie: dict) -> int | None:
    """The new `seen` stamp, or None while the last one is under a minute old (the cookie is
    then left unchanged instead of being rewritten on every request)."""
    now = _stamp(clock.utcnow())
    return now if now - cookie.get("seen", 0) >= 60 else None


def needs_second_factor_enrolment(user: User) -> bool:
    return user.totp_secret is None and two_factor.required_for(user)


def _stamp(moment: datetime) -> int:
    return int((moment - datetime(1970, 1, 1)) / timedelta(seconds=1))


def check_second_factor(user: User, *, address: str | None) -> None:
    """Codes are guarded like passwords: the same account and address counters."""
    login_guard.check(("account", user.email), ("address", address or ""))


def second_factor_failed(user: User, *, address: str | None) -> None:
    if login_guard.failed(("account", user.email), ("address", address or "")):
        security_log.record("locked", subject=user, address=address)
