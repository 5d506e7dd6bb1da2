"""Today, as the users live it: the date in RECOND_TIMEZONE, not in UTC."""
from datetime import UTC, date, datetime

from recond import clock


def test_today_is_the_date_in_the_users_time_zone():
    # 23:30 UTC is already tomorrow in Paris (UTC+1 in winter, UTC+2 in summer).
    assert clock.local_today("Europe/Paris", datetime(2026, 11, 30, 23, 30, tzinfo=UTC)) == date(2026, 12, 1)
    assert clock.local_today("Europe/Paris", datetime(2026, 7, 1, 22, 30, tzinfo=UTC)) == date(2026, 7, 2)
    assert clock.local_today("Europe/Paris", datetime(2026, 7, 1, 21, 30, tzinfo=UTC)) == date(2026, 7, 1)
    assert clock.local_today("America/Cayenne", datetime(2026, 12, 1, 1, 0, tzinfo=UTC)) == date(2026, 11, 30)
