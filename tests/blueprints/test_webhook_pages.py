"""The administrators' webhook pages: who may open them, CSRF on every form, the secret shown
once, a refused address said in the reader's language with nothing written."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from recond.extensions import db
from recond.models import SecurityEvent, Webhook, WebhookDelivery
from recond.webhooks import delivery, events, register
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


def test_the_form_posted_twice_adds_one_webhook_and_every_change_is_in_the_security_log(
        world, browser):
    browser.login("admin@example.org")
    empty = browser.client.get("/admin/webhooks").text
    assert '<td colspan="4">Aucun.</td>' in empty  # no webhook (masculine), not "Aucune."
    token = csrf_from(empty)
    form = {"csrf_token": token, "organisation_id": str(world.orgs["donor_x"].id),
            "url": "https://hooks.example.org/a?key=theirs", "events": [events.DEVICE_STATUS]}
    assert browser.client.post("/admin/webhooks", data=form).status_code == 200
    again = browser.client.post("/admin/webhooks", data=form)  # F5 on the page with the secret
    assert again.status_code == 422 and "a déjà un webhook actif vers cette adresse" \
        in html.unescape(again.text)
    [hook] = db.session.scalars(select(Webhook)).all()
    browser.client.post(f"/admin/webhooks/{hook.id}/active", data={"csrf_token": token,
                                                                    "active": "0"})
    browser.client.post(f"/admin/webhooks/{hook.id}/secret", data={"csrf_token": token})
    assert browser.client.post("/admin/webhooks", data=form).status_code == 200  # the old is off
    db.session.expire_all()
    logged = db.session.scalars(select(SecurityEvent).where(SecurityEvent.kind.like("webhook_%"))
                                .order_by(SecurityEvent.id)).all()
    assert [(e.kind, e.details["webhook_id"]) for e in logged][:3] == [
        ("webhook_created", hook.id), ("webhook_switched_off", hook.id),
        ("webhook_secret_changed", hook.id)]
    assert len(logged) == 4 and logged[0].actor_id == world["admin"].id
    assert logged[0].organisation_id == world.orgs["donor_x"].id
    assert all("theirs" not in str(e.details) for e in logged)  # never the address's query
    # Switched on again beside the new one: refused, said.
    switched = browser.client.post(f"/admin/webhooks/{hook.id}/active",
                                   data={"csrf_token": token, "active": "1"},
                                   follow_redirects=True)
    assert "Un autre webhook actif de cette organisation" in html.unescape(switched.text)
    db.session.expire_all()
    assert not db.session.get(Webhook, hook.id).active


def test_the_next_try_is_shown_in_paris_time_and_the_delivery_by_its_public_id(world, browser):
    from datetime import datetime

    made, _ = register.create(world["admin"], organisation_id=world.orgs["workshop_a"].id,
                              url="https://hooks.example.org/w", wanted=[events.DEVICE_STATUS])
    db.session.commit()
    world.register("a")
    row = WebhookDelivery(webhook_id=made.id, event=events.DEVICE_STATUS, payload={},
                          attempts=1, next_attempt_at=datetime(2026, 7, 1, 10, 30))
    db.session.add(row)
    db.session.commit()
    browser.login("admin@example.org")
    page = html.unescape(browser.client.get(f"/admin/webhooks/{made.id}").text)
    assert "12:30" in page and "10:30" not in page and "UTC" not in page  # summer: UTC+2
    assert delivery.public_id(row.id) in page
    assert f'<th scope="row">{row.id}</th>' not in page
