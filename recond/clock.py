"""One time convention for every table: naive UTC, set by the application, so SQLite and
PostgreSQL store and compare the same values."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def local(value: datetime) -> datetime:
    """A stored time (naive UTC) in the zone people read (RECOND_TIMEZONE, Europe/Paris by
    default): the day printed on a paper is that zone's day, not UTC's."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Europe/Paris")
    return value.replace(tzinfo=UTC).astimezone(zone)
