"""Guessing is slow: growing waits, a lock, the right password let through once the lock
ends (the clock moves, nobody sleeps); per address too; failed API tokens likewise; an
unknown e-mail costs as long as a known one."""
import statistics
import time

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from recond.identity import login_guard, sign_in
from recond.extensions import db
from recond.models import SecurityEvent
from tests.conftest import PASSWORD
from tests.security_helpers import forget_attempts, moving_clock  # noqa: F401


def test_wrong_passwords_lock_the_account_until_the_lock_expires(world, app, browser, moving_clock):
    email = world["tech_a"].email
    for attempt in range(1, 11):
        response = browser.login(email, "wrong password")
        assert response.status_code == 401, attempt
        moving_clock.advance(minutes=1)  # past each growing wait, but not past the lock
    response = browser.login(email)
    assert response.status_code == 429 and "minute" in response.text  # locked
    moving_clock.advance(minutes=13)  # 14 minutes since the lock (15 by default)
    assert browser.login(email).status_code == 429
    moving_clock.advance(minutes=2)
    assert browser.login(email).status_code == 302  # the lock expired: the right password opens
    kinds = db.session.scalars(select(SecurityEvent.kind)).all()
    assert kinds.count("login_failed") == 10 and "locked" in kinds and "login" in kinds


def test_waits_grow_after_a_few_failures(world, app, browser, moving_clock):
    email = world["tech_a"].email
    for _ in range(4):
        assert browser.login(email, "wrong password").status_code == 401
    assert browser.login(email).status_code == 429  # must wait after the fourth failure
    moving_clock.advance(seconds=2)
    assert browser.login(email).status_code == 302


def test_one_address_trying_many_accounts_is_locked(world, app, browser, moving_clock):
    app.config["LOGIN_LOCK_AFTER"] = 2  # an address then locks at 10 failures
    for n in range(10):
        assert browser.login(f"nobody{n}@example.org", "wrong password").status_code == 401
        moving_clock.advance(seconds=40)
    assert browser.login(world["tech_a"].email).status_code == 429


def test_failed_tokens_lock_the_address(world, app, api, client, moving_clock):
    app.config["LOGIN_LOCK_AFTER"] = 2  # tokens then lock at 10 failures per address
    assert api("tech_a", "get", "/api/v1/me").status_code == 200
    for _ in range(10):
        assert client.get("/api/v1/me", headers={"Authorization": "Bearer rcd_guess"}).status_code == 401
    response = api("tech_a", "get", "/api/v1/me")
    assert response.status_code == 429 and response.json["error"]["code"] == "too_many_attempts"
    moving_clock.advance(minutes=16)
    assert api("tech_a", "get", "/api/v1/me").status_code == 200


def test_unknown_email_takes_as_long_as_a_known_one(world, app):
    method = "pbkdf2:sha256:200000"  # a hash slow enough to measure
    app.config["PASSWORD_HASH_METHOD"] = method
    world["tech_a"].password_hash = generate_password_hash(PASSWORD, method=method)
    db.session.commit()
    sign_in.check_password("nobody@example.org", "x", address=None)  # warm the dummy hash

    def timed(email):
        login_guard.reset()
        start = time.perf_counter()
        assert sign_in.check_password(email, "wrong password", address=None) is None
        return time.perf_counter() - start

    # Interleaved, in alternating order, compared by their medians: the machine's other load
    # falls on both. Without the dummy hash the ratio is about 0.01.
    known, unknown = [], []
    for n in range(11):
        pair = [(known, world["tech_a"].email), (unknown, "nobody@example.org")]
        for times, email in (pair if n % 2 else reversed(pair)):
            times.append(timed(email))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.67 < ratio < 1.5, (known, unknown)
