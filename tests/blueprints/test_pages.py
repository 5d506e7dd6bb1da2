"""The HTML side: sign-in, a home page per role, device pages and their action forms."""
import re

import pytest

from recond.extensions import db
from recond.models import DeviceEvent

ROLE_USERS = ["admin", "coordinator", "collector_a", "tech_a", "structure_s", "donor_x"]


def test_sign_in_with_the_real_form_and_sign_out(world, browser):
    response = browser.login("tech_a@example.org")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert browser.client.get("/").status_code == 200
    response = browser.post_form("/", "/logout", {})
    assert response.status_code == 302
    assert browser.client.get("/").status_code == 302


def test_wrong_password_is_refused_with_a_message(world, browser):
    response = browser.login("tech_a@example.org", "nope nope nope")
    assert response.status_code == 401
    assert "Identifiant ou mot de passe incorrect" in response.text


def test_sign_in_never_redirects_off_site(world, client, browser):
    page = client.get("/login?next=https://evil.example/")
    from tests.conftest import csrf_from, PASSWORD
    response = client.post("/login?next=https://evil.example/", data={
        "csrf_token": csrf_from(page.text), "email": "tech_a@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_a_form_without_its_csrf_token_is_refused(world, browser):
    browser.login("tech_a@example.org")
    device = world.device()
    response = browser.client.post(f"/d/{device.public_id}/actions/receive",
                                   data={"version": str(device.version)})
    assert response.status_code == 400
    assert device.status == "registered"


@pytest.mark.parametrize("user", ROLE_USERS)
def test_each_role_has_its_home_page(world, browser, user):
    world.device("reserved")
    browser.login(f"{user}@example.org")
    response = browser.client.get("/")
    assert response.status_code == 200
    assert "<main" in response.text


@pytest.mark.parametrize("user", ROLE_USERS)
def test_each_role_opens_a_device_page_with_its_history(world, browser, user):
    device = world.device("released")
    browser.login(f"{user}@example.org")
    response = browser.client.get(f"/d/{device.public_id}")
    assert response.status_code == 200
    assert response.text.count('<li>\n      <time') == 8  # register … release


def test_device_ids_in_urls_are_case_insensitive(world, browser):
    device = world.device()
    browser.login("tech_a@example.org")
    assert browser.client.get(f"/d/{device.public_id.lower()}").status_code == 200


def test_guessing_another_organisations_device_url_finds_nothing(world, browser):
    theirs = world.device(lot="b")
    browser.login("tech_a@example.org")
    public = browser.client.get(f"/d/{theirs.public_id}")  # the label's public page, no more
    assert public.status_code == 200 and theirs.serial not in public.text
    assert "Historique" not in public.text and "Réceptionner" not in public.text
    page = browser.client.get("/")
    from tests.conftest import csrf_from
    response = browser.client.post(f"/d/{theirs.public_id}/actions/receive",
                                   data={"csrf_token": csrf_from(page.text), "version": "1"})
    assert response.status_code == 404
    assert theirs.status == "registered"


def test_a_technician_grades_through_the_form(world, browser):
    device = world.advance(world.register(), "os_installed")
    browser.login("tech_a@example.org")
    page = browser.client.get(f"/d/{device.public_id}")
    checks = sorted(set(re.findall(r'name="(check-[a-z]+)"', page.text)))  # grade and failed-test forms
    assert len(checks) == 10
    assert "Comme neuf" in page.text  # the written definition of each grade
    response = browser.post_form(f"/d/{device.public_id}", f"/d/{device.public_id}/actions/grade", {
        "version": str(device.version), "grade": "B", "battery_health": "85",
        **{c: "yes" for c in checks}})
    assert response.status_code == 302
    db.session.refresh(device)
    assert device.status == "ready" and device.grade == "B"


def test_a_refused_action_shows_why_and_changes_nothing(world, browser):
    device = world.advance(world.register(), "received")
    browser.login("tech_a@example.org")
    response = browser.post_form(f"/d/{device.public_id}", f"/d/{device.public_id}/actions/wipe",
                                 {"version": str(device.version)})
    assert response.status_code == 409
    assert "aucun effacement réussi" in response.text
    db.session.refresh(device)
    assert device.status == "received"


def test_a_stale_form_is_a_conflict_not_an_overwrite(world, browser):
    device = world.register()
    browser.login("tech_a@example.org")
    stale = browser.client.get(f"/d/{device.public_id}")
    from tests.conftest import csrf_from
    token = csrf_from(stale.text)
    # someone else receives it meanwhile
    from recond import lifecycle
    lifecycle.perform(world["tech_a"], device, "receive")
    db.session.commit()
    response = browser.client.post(f"/d/{device.public_id}/actions/recycle",
                                   data={"csrf_token": token, "version": "1", "reason": "HS"})
    assert response.status_code == 409
    db.session.refresh(device)
    assert device.status == "received"
    assert db.session.query(DeviceEvent).filter_by(device_id=device.id).count() == 2


def test_device_list_filters_and_rejects_unknown_values(world, browser):
    world.device("ready")
    world.device("received")
    browser.login("coordinator@example.org")
    assert "1 appareil trouvé" in browser.client.get("/devices?status=ready").text
    for left_out in ("status=lost", "page=0"):  # the list without it, and a message saying so
        page = browser.client.get(f"/devices?{left_out}")
        assert page.status_code == 200 and "2 appareils trouvés" in page.text
        assert 'class="flash flash-error" role="alert"' in page.text


def test_the_admin_edits_the_os_catalogue(world, browser):
    from recond.models import OsImage

    browser.login("admin@example.org")
    url = "/admin/operating-systems"
    added = browser.post_form(url, url, {"name": "Debian", "version": "13", "family": "computers",
                                         "image_sha256": "b" * 64})
    assert added.status_code == 302
    image = db.session.scalar(db.select(OsImage).where(OsImage.name == "Debian"))
    assert image.active and image.image_sha256 == "b" * 64
    browser.post_form(url, f"{url}/{image.id}/active", {})
    db.session.refresh(image)
    assert not image.active
    browser.post_form("/", "/logout", {})
    browser.login("tech_a@example.org")
    assert browser.client.get(url).status_code == 403


def test_a_failed_test_through_the_form_keeps_the_device_for_repair(world, browser):
    device = world.advance(world.register(), "os_installed")
    browser.login("tech_a@example.org")
    page = browser.client.get(f"/d/{device.public_id}")
    assert "Un test en échec" in page.text
    checks = {f"check-{k}": "yes" for k in ("boots", "screen", "touchpad", "ports", "wifi",
                                              "webcam", "audio", "battery", "charger")}  # no keyboard
    answer = browser.post_form(f"/d/{device.public_id}", f"/d/{device.public_id}/tests",
                               {**checks, "outcome": "repair", "battery_health": "64"})
    assert answer.status_code == 302
    page = browser.client.get(f"/d/{device.public_id}")
    assert "à réparer, puis à retester" in page.text and "Clavier" in page.text
    db.session.refresh(device)
    assert device.status == "os_installed"


@pytest.mark.parametrize("typed", ["²", "9" * 30, "9" * 5000])
def test_numbers_in_unicode_digits_or_too_long_are_422_not_500(world, browser, typed):
    device = world.advance(world.register(), "os_installed")
    browser.login("tech_a@example.org")
    url = f"/d/{device.public_id}"
    acted = browser.post_form(url, f"{url}/actions/receive", {"version": typed})
    assert acted.status_code == 422, acted.status_code
    graded = browser.post_form(url, f"{url}/actions/grade", {
        "version": str(device.version), "grade": "B", "battery_health": typed})
    assert graded.status_code == 422, graded.status_code
    assert browser.client.get(f"/devices?page={typed}").status_code == 200  # left out, said so
    db.session.refresh(device)
    assert device.status == "os_installed"
