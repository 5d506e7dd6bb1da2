"""The administrators' webhook pages: who may open them, CSRF on every form, the secret shown
once, a refused address said in the reader's language with nothing written."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from recond.extensions import db
from recond.models import Webhook
from recond.webhooks import events, register
from tests.conftest import csrf_from

ROLES = ["admin", "coordinator", "collector_a", "tech_a", "structure_s", "donor_x"]


@pytest.fixture
def hook(world) -> Webhook:
    made, _ = register.create(world["admin"], organisation_id=world.orgs["structure_s"].id,
                              url="https://crm.example.org/recond", wanted=[events.REQUEST_DECIDED])
    db.session.commit()
    return made


@pytest.mark.parametrize("role", ROLES)
def test_only_administrators_open_the_pages(world, browser, hook, role):
    browser.login(f"{role}@example.org")
    expected = 200 if role == "admin" else 403
    for path in ("/admin/webhooks", f"/admin/webhooks/{hook.id}"):
        assert browser.client.get(path).status_code == expected, path
    if role != "admin":
        token = csrf_from(browser.client.get("/account/tokens").text)
        for path in ("/admin/webhooks", f"/admin/webhooks/{hook.id}/active",
                     f"/admin/webhooks/{hook.id}/secret"):
            posted = browser.client.post(path, data={"csrf_token": token, "active": "0",
                                                     "url": "https://x.example.org",
                                                     "organisation_id": "1"})
            assert posted.status_code == 403, path
        assert db.session.scalar(select(func.count(Webhook.id))) == 1
        assert "Webhooks" not in browser.client.get("/", headers={"Accept-Language": "en"}).text


def test_an_administrator_adds_one_and_reads_its_secret_once(world, browser):
    browser.login("admin@example.org")
    page = browser.client.get("/admin/webhooks")
    assert browser.client.post("/admin/webhooks", data={
        "organisation_id": str(world.orgs["donor_x"].id), "url": "https://hooks.example.org/a",
        "events": [events.DEVICE_STATUS]}).status_code == 400  # no CSRF token
    added = browser.client.post("/admin/webhooks", data={
        "csrf_token": csrf_from(page.text), "organisation_id": str(world.orgs["donor_x"].id),
        "url": "https://hooks.example.org/a", "events": [events.DEVICE_STATUS, events.DEPOSIT_RECEIVED]})
    assert added.status_code == 200
    secret = re.search(r'id="new-secret">(whsec_[^<]+)<', added.text).group(1)
    hook = db.session.scalar(select(Webhook))
    assert (hook.secret, hook.url, hook.events) == (
        secret, "https://hooks.example.org/a", [events.DEVICE_STATUS, events.DEPOSIT_RECEIVED])
    assert hook.organisation_id == world.orgs["donor_x"].id
    for path in ("/admin/webhooks", f"/admin/webhooks/{hook.id}"):
        assert secret not in browser.client.get(path).text


@pytest.mark.parametrize("url,events_chosen,message", [
    ("http://hooks.example.org/a", [events.DEVICE_STATUS], "doit commencer par https://"),
    ("https://192.168.0.10/a", [events.DEVICE_STATUS], "adresse publique"),
    ("https://hooks.example.org/a", [], "Choisissez au moins un événement"),
    ("https://hooks.example.org/a", ["device.deleted"], "Choisissez au moins un événement"),
])
def test_a_refused_webhook_is_said_in_french_and_nothing_is_written(world, browser, url,
                                                                    events_chosen, message):
    browser.login("admin@example.org")
    page = browser.client.get("/admin/webhooks")
    refused = browser.client.post("/admin/webhooks", data={
        "csrf_token": csrf_from(page.text), "organisation_id": str(world.orgs["donor_x"].id),
        "url": url, "events": events_chosen})
    assert refused.status_code == 422
    assert message in refused.text and url in refused.text  # what was typed is kept
    assert db.session.scalar(select(func.count(Webhook.id))) == 0


def test_switching_off_and_a_new_secret(world, browser, hook):
    browser.login("admin@example.org")
    path = f"/admin/webhooks/{hook.id}"
    old = hook.secret
    assert browser.client.post(f"{path}/active", data={"active": "0"}).status_code == 400
    off = browser.post_form(path, f"{path}/active", {"active": "0"})
    assert off.status_code == 302
    db.session.refresh(hook)
    assert hook.active is False
    renewed = browser.post_form(path, f"{path}/secret", {})
    assert renewed.status_code == 200
    db.session.refresh(hook)
    assert hook.secret != old and hook.secret in renewed.text
    assert hook.secret not in browser.client.get(path).text
