"""One time convention for every table: naive UTC, set by the application, so SQLite and
PostgreSQL store and compare the same values. And "today" as the users live it, in their
time zone (RECOND_TIMEZONE): a form filled at 00:30 in Paris is dated that day, not the day
before as UTC would have it."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def local_today(zone: str, now: datetime | None = None) -> date:
    """Today's date in `zone` (an IANA name); `now` is an aware instant, by default now."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(zone)).date()
