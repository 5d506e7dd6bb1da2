"""Shared by the security tests: a clock the test moves, and the login guard forgotten after."""
from __future__ import annotations

from datetime import timedelta

import pytest

from recond import clock
from recond.identity import login_guard


class MovableClock:
    def __init__(self, monkeypatch) -> None:
        self.now = clock.utcnow()
        monkeypatch.setattr(clock, "utcnow", lambda: self.now)

    def advance(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def moving_clock(monkeypatch):
    return MovableClock(monkeypatch)


@pytest.fixture(autouse=True)
def forget_attempts(app):
    login_guard.reset()
    yield
    login_guard.reset()


def copy_of(client, app):
    """A second client holding a copy of the first one's session cookie."""
    from tests.conftest import IsolatedClient

    app.test_client_class = IsolatedClient
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other
