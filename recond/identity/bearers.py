"""Who holds an API token, as a web worker remembers it between requests (the scan's fast path).

A worker keeps, per token, a small snapshot of its holder — the user's id, role, organisation
and manager flag — for a few seconds, so that a scan needs no statement of its own to know who
calls. The snapshot is never trusted alone: the statement that reads the device also asks the
database whether the token still holds (`holds`: not revoked, not expired, its user and
organisation active, the same role, organisation and manager flag). A revoked token, a
deactivated person or organisation, or a changed role therefore show on the very next request,
in every worker, with no invalidation to send between processes; the cache only saves the
separate look-up. When that statement finds nothing, `confirm` reads the token again to tell a
dead token (401) from a device that is not there (404).
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, exists, or_, select, update

from recond import capabilities, clock
from recond.extensions import db
from recond.models import ApiToken, Organisation, User

# How long a worker keeps a snapshot without reading the token again. Revocation does not wait
# for it (every statement checks `holds`); it bounds what a worker keeps for idle tokens.
KEEP_SECONDS = 30.0
MAX_KEPT = 4096
# The last use shown on the tokens' pages is written at most once a minute per worker.
LAST_USE_EVERY = timedelta(minutes=1)

_kept: dict[str, "Bearer"] = {}
# What a worker keeps of the holder, and the statement checks is still so.
_HOLDER = (User.id, User.role, User.organisation_id, User.manager)


@dataclass(frozen=True, slots=True)
class Bearer:
    """The holder of a live token: what scopes and capabilities read of a user (`id`, `role`,
    `organisation_id`), without loading the user."""

    key: str = field(compare=False, repr=False)  # the token's digest, where it is kept
    token_id: int
    id: int
    role: str
    organisation_id: int
    manager: bool
    expires_at: datetime | None = field(compare=False)
    last_used_at: datetime | None = field(compare=False)
    read_at: float = field(compare=False)

    @property
    def sees_everything(self) -> bool:
        return capabilities.can(self, "scopes.everything")


def digest(token: str) -> str:
    """What is stored of a token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def _live(now: datetime) -> ColumnElement[bool]:
    return (ApiToken.revoked_at.is_(None)
            & or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now)
            & User.active & Organisation.active)


def _read(key: str, condition: ColumnElement[bool]) -> Bearer | None:
    row = db.session.execute(
        select(ApiToken.id, ApiToken.user_id, User.role, User.organisation_id, User.manager,
               ApiToken.expires_at, ApiToken.last_used_at)
        .join(User, User.id == ApiToken.user_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(condition, _live(clock.utcnow()))).first()
    return None if row is None else Bearer(key, *row, read_at=time.monotonic())


def resolve(token: str) -> Bearer | None:
    """The holder of a live token, from this worker's memory when it read it lately (no
    statement), else from the database. Callers then check `holds` in their own statement."""
    key = digest(token)
    bearer = _kept.get(key)
    now = clock.utcnow()
    if bearer is None or time.monotonic() - bearer.read_at > KEEP_SECONDS \
            or (bearer.expires_at is not None and bearer.expires_at <= now):
        bearer = _read(key, ApiToken.token_hash == key)
        if bearer is None:
            _kept.pop(key, None)
            return None
    if bearer.last_used_at is None or now - bearer.last_used_at >= LAST_USE_EVERY:
        db.session.execute(update(ApiToken).where(ApiToken.id == bearer.token_id)
                           .values(last_used_at=now))
        bearer = replace(bearer, last_used_at=now)
    if len(_kept) >= MAX_KEPT and key not in _kept:
        _kept.clear()  # tokens are few; a full memory means a burst of them, start again
    _kept[key] = bearer
    return bearer


def holds(bearer: Bearer, now=None) -> ColumnElement[bool]:
    """The SQL condition that this bearer's token is still live and its holder unchanged: added
    to the statement that reads what the bearer asked for, so a revocation or deactivation
    committed before that statement refuses it. `now` may be a bound parameter, for a statement
    built once and run many times."""
    return exists(
        select(ApiToken.id)
        .join(User, User.id == ApiToken.user_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(ApiToken.id == bearer.token_id, _live(clock.utcnow() if now is None else now),
               *(column == kept for column, kept in zip(
                   _HOLDER, (bearer.id, bearer.role, bearer.organisation_id, bearer.manager)))))


def confirm(bearer: Bearer) -> Bearer | None:
    """The bearer as the database says now (None: the token no longer holds), kept for the
    next request. Called when a statement guarded by `holds` found nothing."""
    fresh = _read(bearer.key, ApiToken.id == bearer.token_id)
    if fresh is None:
        _kept.pop(bearer.key, None)
    else:
        _kept[bearer.key] = replace(fresh, last_used_at=bearer.last_used_at)
    return fresh
