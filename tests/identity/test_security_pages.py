"""Security pages × every role (allowed, 403 or 404, never 500), API tokens seen and revoked
on the page and through the API, the security log read and filtered by admins."""
import pytest
from sqlalchemy import select

from recond.identity import accounts, api_tokens, security_log
from recond.extensions import db
from recond.models import ApiToken
from tests.conftest import Browser, csrf_from
from tests.security_helpers import forget_attempts, moving_clock  # noqa: F401

ROLES = ["admin", "coordinator", "collector_a", "tech_a", "structure_s", "donor_x"]
PAGES = {"/account/tokens": set(ROLES), "/account/2fa": set(ROLES),
         "/admin/security-log": {"admin"}, "/admin/tokens": {"admin"},
         "/admin/security-log?kind=login&user=tech&since=2020-01-01&until=2099-12-31": {"admin"}}


@pytest.mark.parametrize("who", ROLES)
def test_every_page_for_every_role(world, app, browser, who):
    assert browser.login(world[who].email).status_code == 302
    for path, allowed in PAGES.items():
        status = browser.client.get(path).status_code
        assert status == (200 if who in allowed else 403), (path, status)
    other = world["tech_b"].id
    page = browser.client.get("/account/tokens")
    status = browser.client.post(f"/admin/users/{other}/sign-out",
                                 data={"csrf_token": csrf_from(page.text)}).status_code
    assert status == (302 if who == "admin" else 403)


def test_bad_filters_say_why_not_500(world, app, browser):
    browser.login(world["admin"].email)
    assert browser.client.get("/admin/security-log?since=yesterday").status_code == 422
    assert browser.client.get("/admin/security-log?kind=nope").status_code == 422
    assert browser.client.post("/admin/users/99999/sign-out", data={}).status_code == 400  # no CSRF


def test_tokens_page_creates_lists_and_revokes(world, app, browser):
    browser.login(world["tech_a"].email)
    response = browser.post_form("/account/tokens", "/account/tokens",
                                 {"label": "Scanner 1", "expires_on": "2099-01-31"})
    assert response.status_code == 200 and "rcd_" in response.text and "Scanner 1" in response.text
    token = db.session.scalar(select(ApiToken).where(ApiToken.label == "Scanner 1"))
    assert token.expires_at.year == 2099 and "rcd_" not in token.token_hash
    response = browser.post_form("/account/tokens", f"/account/tokens/{token.id}/revoke", {})
    assert response.status_code == 302
    db.session.refresh(token)
    assert token.revoked_at is not None
    assert browser.post_form("/account/tokens", "/account/tokens",
                             {"label": "", "expires_on": ""}).status_code == 422


def test_nobody_revokes_someone_elses_token_but_an_admin(world, app, browser):
    _, secret = api_tokens.create(world["tech_b"], "B's script", None)
    token = db.session.scalar(select(ApiToken).where(ApiToken.label == "B's script"))
    db.session.commit()
    browser.login(world["tech_a"].email)
    assert browser.post_form("/account/tokens", f"/account/tokens/{token.id}/revoke", {}).status_code == 404
    admin = Browser(app.test_client())
    admin.login(world["admin"].email)
    assert "B&#39;s script" in admin.client.get("/admin/tokens").text
    assert admin.post_form("/admin/tokens", f"/account/tokens/{token.id}/revoke",
                           {"back": "admin"}).status_code == 302
    assert accounts.user_for_token(secret) is None


def test_tokens_through_the_api(world, app, api, moving_clock):
    mine = api("tech_a", "get", "/api/v1/tokens").json["items"]
    assert len(mine) == 1 and mine[0]["status"] == "active" and mine[0]["last_used_at"]
    _, other = api_tokens.create(world["tech_b"], "other", None)
    other_id = db.session.scalar(select(ApiToken.id).where(ApiToken.label == "other"))
    db.session.commit()
    assert api("tech_a", "delete", f"/api/v1/tokens/{other_id}").status_code == 404
    assert api("admin", "delete", f"/api/v1/tokens/{other_id}").json["status"] == "revoked"
    assert api("tech_a", "delete", f"/api/v1/tokens/{mine[0]['id']}").status_code == 200
    assert api("tech_a", "get", "/api/v1/me").status_code == 401  # its own token is gone


def test_an_expired_token_opens_nothing(world, app, client, moving_clock):
    from datetime import date, timedelta

    _, secret = api_tokens.create(world["tech_a"], "short-lived", date.today() + timedelta(days=2))
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    moving_clock.advance(days=3)
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_the_log_filters_by_kind_user_and_period(world, app, browser, moving_clock):
    security_log.record("role_changed", actor=world["admin"], subject=world["tech_a"])
    moving_clock.advance(days=40)
    security_log.record("token_created", actor=world["tech_b"], subject=world["tech_b"])
    db.session.commit()
    browser.login(world["admin"].email)
    page = browser.client.get("/admin/security-log?user=tech_a").text
    assert "role_changed" in page and "token_created</th>" not in page
    page = browser.client.get("/admin/security-log?kind=token_created").text
    assert "tech_b@example.org" in page and "role_changed</th>" not in page
    since = (moving_clock.now.date()).isoformat()
    page = browser.client.get(f"/admin/security-log?since={since}").text
    assert "token_created</th>" in page and "role_changed</th>" not in page
