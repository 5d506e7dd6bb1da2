"""Sessions end server-side: a copied cookie is refused after logout, a password change,
deactivation and an admin's "sign out everywhere"; idle and absolute lifetimes hold."""
from recond.identity import accounts, passwords
from recond.extensions import db
from tests.conftest import csrf_from
from tests.security_helpers import copy_of, forget_attempts, moving_clock  # noqa: F401

NEW_PASSWORD = "Vélo-Rouge-2031!x"


def _signed_in(browser, world, app, who="tech_a"):
    assert browser.login(world[who].email).status_code == 302
    copy = copy_of(browser.client, app)
    assert copy.get("/devices").status_code == 200  # the copy works while the session lives
    return copy


def _refused(copy) -> bool:
    response = copy.get("/devices")
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_copied_cookie_refused_after_logout(world, app, browser):
    copy = _signed_in(browser, world, app)
    page = browser.client.get("/devices")
    assert browser.client.post("/logout", data={"csrf_token": csrf_from(page.text)}).status_code == 302
    assert _refused(copy)


def test_copied_cookie_refused_after_password_change(world, app, browser):
    copy = _signed_in(browser, world, app)
    passwords.set_password(world["tech_a"], NEW_PASSWORD)
    db.session.commit()
    assert _refused(copy) and _refused(browser.client)
    assert browser.login(world["tech_a"].email, NEW_PASSWORD).status_code == 302


def test_copied_cookie_refused_after_deactivation(world, app, browser):
    copy = _signed_in(browser, world, app)
    user = world["tech_a"]
    user.active = False
    accounts.end_sessions(user, actor=world["admin"])
    db.session.commit()
    assert _refused(copy)
    user.active = True  # reactivated: the old cookie stays dead
    db.session.commit()
    assert _refused(copy)


def test_admin_signs_a_user_out_everywhere(world, app, browser, client):
    copy = _signed_in(browser, world, app, "structure_s")
    admin = app.test_client()
    from tests.conftest import Browser

    admin_browser = Browser(admin)
    assert admin_browser.login(world["admin"].email).status_code == 302
    person = f"/users/{world['structure_s'].id}"
    assert f"/admin/users/{world['structure_s'].id}/sign-out" in admin.get(person).text  # its button
    response = admin_browser.post_form(person, f"/admin/users/{world['structure_s'].id}/sign-out", {})
    assert response.status_code == 302
    assert _refused(copy)


def test_idle_session_ends(world, app, browser, moving_clock):
    copy = _signed_in(browser, world, app)
    moving_clock.advance(minutes=29)
    assert copy.get("/devices").status_code == 200
    moving_clock.advance(minutes=31)
    assert _refused(copy)


def test_session_ends_after_its_lifetime_however_busy(world, app, browser, moving_clock):
    app.config["SESSION_IDLE_MINUTES"] = 30
    app.config["SESSION_MAX_HOURS"] = 2
    client = browser.client
    assert browser.login(world["tech_a"].email).status_code == 302
    for _ in range(7):  # a request every 20 minutes for 2 h 20
        moving_clock.advance(minutes=20)
        status = client.get("/devices").status_code
    assert status == 302
