"""Two-factor sign-in in a real Chromium: an administrator whose role requires it is sent to
enrolment after the password, scans (here: reads) the key, confirms with a code, gets recovery
codes; signing in again asks for the code."""
from datetime import UTC

import pyotp

from tests.browser.conftest import ARTIFACTS
from tests.conftest import PASSWORD
from tests.security_helpers import forget_attempts, moving_clock  # noqa: F401


def _password(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")


def test_totp_enrolment_then_sign_in(world, app, live_server, page, moving_clock):
    app.config["REQUIRE_2FA_ROLES"] = frozenset({"admin"})
    base = live_server
    _password(page, base, "admin@example.org")
    page.wait_for_url(f"{base}/account/2fa")
    assert page.locator("img[src^='data:image/svg+xml']").is_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    page.fill("#code", pyotp.TOTP(secret).at(moving_clock.now.replace(tzinfo=UTC)))
    page.locator("#code").press("Enter")
    page.wait_for_selector("#recovery-codes")
    assert page.locator("#recovery-codes li").count() == 10
    page.screenshot(path=str(ARTIFACTS / "totp-recovery-codes.png"), full_page=True)
    page.goto(f"{base}/devices")
    page.locator("form[action='/logout'] button").click()
    page.wait_for_url(f"{base}/login")

    moving_clock.advance(seconds=30)  # the next code: the enrolment's one was used
    _password(page, base, "admin@example.org")
    page.wait_for_url(f"{base}/login/code*")
    page.fill("#code", pyotp.TOTP(secret).at(moving_clock.now.replace(tzinfo=UTC)))
    page.locator("#code").press("Enter")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/devices")
    assert page.url == f"{base}/devices"  # signed in, not sent back to enrolment
