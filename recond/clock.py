"""One time convention for every table: naive UTC, set by the application, so SQLite and
PostgreSQL store and compare the same values."""
from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
