"""Organisations and people on the web: every page × every role (allowed, 403 or 404, never a
500), organisation scoping of invitations, and deactivation signing people out."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from recond.identity import organisations, users
from recond.extensions import db
from recond.models import Device, User
from tests.conftest import Browser, csrf_from

ROLES = ["admin", "coordinator", "collector_a", "tech_a", "structure_s", "donor_x"]
KEEPERS = {"admin", "coordinator"}


def _pages(world) -> dict[str, set[str]]:
    """Each page and who may open it (anyone else: 403)."""
    return {
        "/admin/organisations/": KEEPERS,
        f"/admin/organisations/{world.orgs['structure_t'].id}": KEEPERS,
        "/users": KEEPERS,
        f"/users/{world['structure_t'].id}": KEEPERS,
        "/account": set(ROLES),
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_page_for_every_role(world, browser, role):
    browser.login(f"{role}@example.org")
    for path, allowed in _pages(world).items():
        status = browser.client.get(path).status_code
        assert status == (200 if role in allowed else 403), (path, status)


def test_a_manager_sees_their_own_staff_only(world, browser):
    world["structure_s"].manager = True
    db.session.commit()
    browser.login("structure_s@example.org")
    page = browser.client.get("/users")
    assert page.status_code == 200
    assert "structure_s@example.org" in page.text and "structure_t@example.org" not in page.text
    assert browser.client.get(f"/users/{world['structure_t'].id}").status_code == 404
    assert browser.client.get(f"/users/{world['tech_a'].id}").status_code == 404
    assert browser.client.get("/admin/organisations/").status_code == 403


def test_the_public_link_pages(world, client):
    assert client.get("/password/forgot").status_code == 200
    assert client.get("/invitation/not-a-token").status_code == 404
    assert client.get("/password/reset/not-a-token").status_code == 404


def test_a_structure_manager_cannot_invite_into_another_structure(world, browser):
    world["structure_s"].manager = True
    db.session.commit()
    browser.login("structure_s@example.org")
    response = browser.post_form("/users", "/users", {
        "email": "intrus@example.org", "organisation": world.orgs["structure_t"].id, "role": "structure"})
    assert response.status_code == 422  # not even offered in the form
    with pytest.raises(Exception) as refused:
        users.invite(world["structure_s"], email="intrus@example.org", role="structure",
                     organisation_id=world.orgs["structure_t"].id)
    assert refused.value.status == 404
    db.session.rollback()
    # Into their own structure, it works.
    invited = users.invite(world["structure_s"], email="collegue@example.org", role="structure",
                           organisation_id=world.orgs["structure_s"].id)
    assert invited.invited and invited.organisation_id == world.orgs["structure_s"].id


@pytest.mark.parametrize("actor,org,role,status", [
    ("coordinator", "workshop_a", "technician", 404),   # the coordination keeps structures and collectors
    ("coordinator", "structure_s", "admin", 422),       # nor may it make administrators
    ("coordinator", "collector_a", "collector", None),
    ("admin", "coordination", "admin", None),
    ("admin", "workshop_a", "structure", 422),           # the role follows the organisation's kind
    ("tech_a", "workshop_a", "technician", 403),         # not a manager
])
def test_who_invites_whom(world, actor, org, role, status):
    try:
        users.invite(world[actor], email="x@example.org", role=role, organisation_id=world.orgs[org].id)
        outcome = None
    except Exception as error:  # noqa: BLE001 - the domain error says its status
        outcome = error.status
    assert outcome == status


def _signed_in_client(app, email):
    client = app.test_client()
    Browser(client).login(email)
    assert client.get("/").status_code == 200
    return client


def test_deactivating_a_user_signs_them_out_and_reactivating_lets_them_back(app, world, browser):
    cookie_holder = _signed_in_client(app, "tech_a@example.org")
    browser.login("admin@example.org")
    page = f"/users/{world['tech_a'].id}"
    assert browser.post_form(page, f"{page}/active", {}).status_code == 302
    assert cookie_holder.get("/").status_code == 302  # the copied cookie no longer works
    assert Browser(app.test_client()).login("tech_a@example.org").status_code == 401
    browser.post_form(page, f"{page}/active", {"active": "1"})
    assert Browser(app.test_client()).login("tech_a@example.org").status_code == 302


def test_deactivating_an_organisation_signs_its_people_out_and_keeps_its_history(app, world, browser):
    device = world.device("ready")
    devices_before = db.session.scalar(select(func.count(Device.id)))
    cookie_holder = _signed_in_client(app, "tech_a@example.org")
    browser.login("coordinator@example.org")
    page = f"/admin/organisations/{world.orgs['workshop_a'].id}"
    assert browser.post_form(page, f"{page}/active", {}).status_code == 302
    assert cookie_holder.get("/").status_code == 302
    assert Browser(app.test_client()).login("tech_a@example.org").status_code == 401
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Device.id))) == devices_before
    assert db.session.get(Device, device.id).workshop_id == world.orgs["workshop_a"].id


def test_organisations_are_created_by_kind(world, browser):
    browser.login("coordinator@example.org")
    response = browser.post_form("/admin/organisations/", "/admin/organisations/", {
        "kind": "workshop", "name": "Atelier C", "siret": "", "insee_code": "92050"})
    assert response.status_code == 302
    response = browser.post_form("/admin/organisations/", "/admin/organisations/", {
        "kind": "coordination", "name": "Autre coordination"})
    assert response.status_code == 422  # not a kind the coordination creates
    response = browser.post_form("/admin/organisations/", "/admin/organisations/", {
        "kind": "structure", "name": "Centre social Z", "siret": "123"})
    assert response.status_code == 422 and "SIRET" in response.text
    made = organisations.listing(world["admin"], "workshop")
    assert [o.name for o in made] == ["Atelier A", "Atelier B", "Atelier C"]
    assert made[-1].territory is not None


def test_a_user_changes_their_name_and_password(app, world, browser):
    browser.login("donor_x@example.org")
    other_session = _signed_in_client(app, "donor_x@example.org")
    assert browser.post_form("/account", "/account", {"name-name": "Dora Donatrice"}).status_code == 302
    response = browser.post_form("/account", "/account/password", {
        "pw-current": "wrong wrong wrong", "pw-password": "Velo-Rouge-42-Matin",
        "pw-confirm": "Velo-Rouge-42-Matin"})
    assert response.status_code == 422
    response = browser.post_form("/account", "/account/password", {
        "pw-current": "correct horse battery", "pw-password": "Velo-Rouge-42-Matin",
        "pw-confirm": "Velo-Rouge-42-Matin"})
    assert response.status_code == 302
    assert other_session.get("/").status_code == 302  # every session ended with the change
    assert Browser(app.test_client()).login("donor_x@example.org", "Velo-Rouge-42-Matin").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, world["donor_x"].id).name == "Dora Donatrice"


def test_the_list_shows_the_last_sign_in(world, browser):
    browser.login("tech_b@example.org")
    browser.client.post("/logout", data={"csrf_token": csrf_from(browser.client.get("/").text)})
    browser.login("admin@example.org")
    page = browser.client.get("/users").text
    row = page.split("tech_b@example.org")[1].split("</tr>")[0]
    assert "jamais" not in row
