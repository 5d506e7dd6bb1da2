"""One time convention for every table: naive UTC, set by the application, so SQLite and
PostgreSQL store and compare the same values. And time as the users live it, in their zone
(RECOND_TIMEZONE): a paper printed, or a form filled, at 00:30 in Paris is dated that day, not
the day before as UTC would have it."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def local(value: datetime) -> datetime:
    """A stored time (naive UTC) in the zone people read (RECOND_TIMEZONE, Europe/Paris by
    default): the day printed on a paper is that zone's day, not UTC's."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Europe/Paris")
    return value.replace(tzinfo=UTC).astimezone(zone)


def local_today(zone: str, now: datetime | None = None) -> date:
    """Today's date in `zone` (an IANA name); `now` is an aware instant, by default now."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(zone)).date()
