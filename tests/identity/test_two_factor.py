"""Two-factor sign-in: a code after the password, each code once, recovery codes once, and
roles that must enrol are sent to enrolment first."""
from datetime import UTC

import pyotp

from recond.identity import two_factor
from recond.extensions import db
from tests.conftest import csrf_from
from tests.security_helpers import forget_attempts, moving_clock  # noqa: F401


def _enrol(user) -> tuple[str, list[str]]:
    secret = two_factor.new_secret()
    codes = two_factor.enable(user, secret, pyotp.TOTP(secret).now())
    db.session.commit()
    return secret, codes


def _code_step(client, code):
    page = client.get("/login/code")
    return client.post("/login/code", data={"csrf_token": csrf_from(page.text), "code": code})


def test_password_then_code(world, app, browser, moving_clock):
    secret, _ = _enrol(world["admin"])
    response = browser.login(world["admin"].email)
    assert response.status_code == 302 and "/login/code" in response.headers["Location"]
    assert browser.client.get("/devices").status_code == 302  # not signed in yet
    assert _code_step(browser.client, "000000").status_code == 401
    moving_clock.advance(seconds=30)  # the enrolment used this step's code
    code = pyotp.TOTP(secret).at(moving_clock.now.replace(tzinfo=UTC))
    assert _code_step(browser.client, code).status_code == 302
    assert browser.client.get("/devices").status_code == 200
    # The same code a second time opens nothing.
    other = type(browser)(app.test_client())
    other.login(world["admin"].email)
    assert _code_step(other.client, code).status_code == 401


def test_a_recovery_code_works_once(world, app, browser):
    _, codes = _enrol(world["coordinator"])
    browser.login(world["coordinator"].email)
    assert _code_step(browser.client, codes[0]).status_code == 302
    other = type(browser)(app.test_client())
    other.login(world["coordinator"].email)
    assert _code_step(other.client, codes[0]).status_code == 401


def test_required_roles_are_sent_to_enrolment(world, app, browser):
    app.config["REQUIRE_2FA_ROLES"] = frozenset({"admin"})
    browser.login(world["admin"].email)
    response = browser.client.get("/devices")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/2fa")
    page = browser.client.get("/account/2fa")
    assert page.status_code == 200 and "<img" in page.text
    tech = type(browser)(app.test_client())
    tech.login(world["tech_a"].email)
    assert tech.client.get("/devices").status_code == 200  # technicians are not required
