"""The security log: one append-only row per event that matters for security (sign-ins and
their failures, locks, invitations, role changes, tokens, two-factor, exports of personal
data), and the same event as one line of the application log (logger `recond.security`).

Never a password, a token, a code, a beneficiary's reference or an e-mail address typed for no
account: `record` refuses details carrying such keys. Such an address is kept as its SHA-256
(`typed_email`), enough to see the same one tried again and to find it when one knows it. Rows are kept `RECOND_SECURITY_LOG_RETENTION_DAYS` days, then
`recond purge-security-log` (daily, from cron) removes them — the only deletion the
database's triggers let through.
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select, text

from recond import clock
from recond.extensions import db
from recond.models import SecurityEvent, User

log = logging.getLogger("recond.security")

KINDS = (
    "login", "login_failed", "locked", "logout", "password_changed", "password_reset_requested",
    "password_reset", "invitation_sent", "invitation_accepted", "role_changed", "user_deactivated",
    "user_reactivated", "sessions_ended", "token_created", "token_revoked", "token_failed",
    "totp_enabled", "totp_disabled", "totp_failed", "recovery_code_used", "organisation_created",
    "organisation_deactivated", "organisation_reactivated", "personal_data_export",
    "webhook_created", "webhook_switched_on", "webhook_switched_off", "webhook_secret_changed",
)
# Secrets and personal references never enter the log, whoever calls.
_FORBIDDEN = ("password", "token", "secret", "code", "reference", "otp", "email")  # key or its end
PAGE_SIZE = 100


def record(kind: str, *, actor: User | None = None, subject: User | None = None,
           organisation_id: int | None = None, address: str | None = None,
           details: dict | None = None) -> None:
    """Append one event (flushed with the caller's transaction) and write it to the log."""
    if kind not in KINDS:
        raise ValueError(f"unknown security event kind {kind!r}")
    details = dict(details or {})
    leaking = [k for k in details if any(k.lower().endswith(word) for word in _FORBIDDEN)]
    if leaking:
        raise ValueError(f"security log details may not carry {leaking}")
    if organisation_id is None:
        organisation_id = (subject or actor).organisation_id if (subject or actor) else None
    event = SecurityEvent(at=clock.utcnow(), kind=kind, actor_id=actor.id if actor else None,
                          subject_id=subject.id if subject else None,
                          organisation_id=organisation_id, address=address, details=details)
    db.session.add(event)
    db.session.flush()
    log.info("%s actor=%s subject=%s organisation=%s address=%s details=%s", kind,
             actor.email if actor else "-", subject.email if subject else "-",
             organisation_id or "-", address or "-",
             json.dumps(details, ensure_ascii=False, sort_keys=True, default=str))


def typed_email(email: str) -> dict[str, str]:
    """The details that stand for an address typed for no account (a failed sign-in, a reset
    request): its SHA-256, never the address itself — it may be someone's mistyped address, or
    a password typed in the wrong field."""
    return {"email_sha256": _email_digest(email)}


def _email_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


@dataclass
class Filters:
    kind: str = ""
    user: str = ""  # part of an e-mail address: the actor's or the subject's; a whole one also
    #                 finds the attempts made with it for no account (its SHA-256)
    since: date | None = None
    until: date | None = None  # inclusive
    page: int = 1


def search(filters: Filters) -> tuple[list[SecurityEvent], int]:
    """The events matching the filters, newest first, one page, and how many match in all."""
    query = select(SecurityEvent)
    if filters.kind:
        query = query.where(SecurityEvent.kind == filters.kind)
    if filters.user:
        users = select(User.id).where(User.email.contains(filters.user.strip().lower(),
                                                          autoescape=True))
        query = query.where(or_(
            SecurityEvent.actor_id.in_(users), SecurityEvent.subject_id.in_(users),
            SecurityEvent.details["email_sha256"].as_string() == _email_digest(filters.user)))
    if filters.since:
        query = query.where(SecurityEvent.at >= datetime.combine(filters.since, time.min))
    if filters.until:
        query = query.where(SecurityEvent.at < datetime.combine(filters.until + timedelta(days=1),
                                                                time.min))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page = max(filters.page, 1)
    rows = db.session.scalars(query.order_by(SecurityEvent.at.desc(), SecurityEvent.id.desc())
                              .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return list(rows), total


def purge(days: int | None = None) -> int:
    """Remove events older than the retention period; return how many. The caller commits."""
    days = current_app.config["SECURITY_LOG_RETENTION_DAYS"] if days is None else days
    horizon = clock.utcnow() - timedelta(days=days)
    stale = delete(SecurityEvent).where(SecurityEvent.at < horizon)
    if db.engine.dialect.name == "postgresql":
        # The trigger lets a DELETE through only while this transaction says it purges.
        db.session.execute(text("SET LOCAL recond.security_log_purge = 'on'"))
        count = db.session.execute(stale).rowcount
        db.session.execute(text("SET LOCAL recond.security_log_purge = 'off'"))
        return count
    # SQLite has no session settings: lift the DELETE trigger inside this same transaction.
    db.session.execute(text("DROP TRIGGER security_event_no_delete"))
    count = db.session.execute(stale).rowcount
    db.session.execute(text("""CREATE TRIGGER security_event_no_delete
        BEFORE DELETE ON security_event
        BEGIN SELECT RAISE(ABORT, 'security_event is append-only'); END"""))
    return count
