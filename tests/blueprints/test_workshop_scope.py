"""A technician sees his own workshop's devices, and what hangs from them — pages and API: a
technician of workshop A gets 404 on workshop B's device, its media, its labels, lots and notes;
after a transfer the device changes sides. The coordination sees all. And the /transfers pages."""
import re

import pytest

from recond import lifecycle
from recond.extensions import db
from recond.models import RecyclingLot, TransferNote
from recond.workshop import transfers
from tests.blueprints.test_accessibility import assert_accessible
from tests.conftest import csrf_from


@pytest.fixture
def b_things(world):
    """Workshop B's device, recycling lot and delivery note, and a transfer it prepares."""
    device = world.device("ready", lot="b")
    scrap = world.register("b")
    lifecycle.perform(world["tech_b"], scrap, "recycle", {"reason": "HS"})
    reserved = world.device("reserved", lot="b")
    delivery = world.ship([reserved])
    db.session.commit()
    lot = db.session.get(RecyclingLot, scrap.recycling_lot_id)
    return device, lot, delivery


def test_another_workshops_device_and_what_hangs_from_it_are_not_found(world, browser, api, b_things):
    device, lot, delivery = b_things
    browser.login("tech_a@example.org")
    public = browser.client.get(f"/d/{device.public_id}")  # the label's public page, no more
    assert public.status_code == 200 and device.serial not in public.text
    for url in (f"/d/{device.public_id}/media", f"/d/{device.public_id}/label",
                f"/recycling/{lot.number}", f"/recycling/{lot.number}/slip.pdf",
                f"/deliveries/{delivery.id}", f"/devices?q={device.serial}"):
        response = browser.client.get(url)
        assert response.status_code == 404 or device.public_id not in response.text, url
        if not url.startswith("/devices"):
            assert response.status_code == 404, url
    for method, url, kwargs in (
            ("get", f"/api/v1/devices/{device.public_id}", {}),
            ("get", f"/api/v1/devices/{device.public_id}/media", {}),
            ("get", f"/api/v1/scan?code={device.public_id}", {}),
            ("post", f"/api/v1/devices/{device.public_id}/actions", {"json": {"action": "recycle", "reason": "x"}}),
            ("post", "/api/v1/labels", {"json": {"devices": [device.public_id]}}),
            ("get", f"/api/v1/recycling-lots/{lot.number}", {})):
        response = api("tech_a", method, url, **kwargs)
        assert response.status_code == 404, (url, response.status_code, response.text)
        assert device.serial not in response.text
    # Its own technician and the coordination see it all.
    for user in ("tech_b", "coordinator"):
        assert api(user, "get", f"/api/v1/devices/{device.public_id}").status_code == 200
        assert api(user, "get", f"/api/v1/devices/{device.public_id}/media").status_code == 200
        assert api(user, "get", f"/api/v1/recycling-lots/{lot.number}").status_code == 200


def test_after_a_transfer_the_device_changes_sides(world, api, b_things):
    device, _lot, _delivery = b_things
    note = transfers.open_note(world["tech_b"], world.orgs["workshop_a"].id)
    transfers.add_device(world["tech_b"], note, device.public_id)
    transfers.ship(world["tech_b"], note)
    transfers.receive_scan(world["tech_a"], note, device.public_id)
    db.session.commit()
    for url in (f"/api/v1/devices/{device.public_id}", f"/api/v1/devices/{device.public_id}/media"):
        assert api("tech_a", "get", url).status_code == 200
        assert api("tech_b", "get", url).status_code == 404
    assert api("tech_a", "post", "/api/v1/labels",
               json={"devices": [device.public_id], "format": "zpl"}).status_code == 200
    assert api("tech_b", "post", "/api/v1/labels",
               json={"devices": [device.public_id]}).status_code == 404
    history = api("tech_a", "get", f"/api/v1/devices/{device.public_id}").json
    assert [e["action"] for e in history["history"]][-2:] == ["transfer_out", "transfer_in"]


def test_the_transfer_pages(world, browser):
    devices = [world.device("ready"), world.device("received")]
    browser.login("tech_a@example.org")
    index = browser.client.get("/transfers/")
    assert index.status_code == 200 and "Atelier B" in index.text
    assert_accessible(index.text)
    opened = browser.client.post("/transfers/", data={
        "csrf_token": csrf_from(index.text), "workshop": world.orgs["workshop_b"].id,
        "notes": "surplus"})
    assert opened.status_code == 302
    url = opened.headers["Location"]
    note_id = int(url.rstrip("/").rsplit("/", 1)[-1])
    page = browser.client.get(url)
    for device in devices:
        added = browser.client.post(url, data={"csrf_token": csrf_from(page.text),
                                               "code": device.public_id})
        assert added.status_code == 200 and "ajouté" in added.text
    shipped = browser.client.post(f"/transfers/{note_id}/ship",
                                  data={"csrf_token": csrf_from(page.text)})
    assert shipped.status_code == 302
    bad = browser.client.post("/transfers/", data={"csrf_token": csrf_from(page.text),
                                                   "workshop": "x"})
    assert bad.status_code in (400, 422)
    browser.client.get("/logout")

    browser.login("tech_b@example.org")
    page = browser.client.get(url)
    assert page.status_code == 200 and "TR-" in page.text
    assert_accessible(page.text)
    arrived = browser.client.post(url, data={"csrf_token": csrf_from(page.text),
                                             "code": devices[0].public_id})
    assert arrived.status_code == 200 and "arrivé" in arrived.text
    unexpected = browser.client.post(url, data={"csrf_token": csrf_from(page.text),
                                                "code": "PAS-SUR-LA-NOTE"})
    assert "PAS-SUR-LA-NOTE" in unexpected.text
    closed = browser.client.post(f"/transfers/{note_id}/close",
                                 data={"csrf_token": csrf_from(page.text)})
    assert closed.status_code == 302
    final = browser.client.get(url)
    assert re.search(r"Manquant[^<]*\(1\)", final.text), final.text
    db.session.expire_all()
    assert db.session.get(TransferNote, note_id).status == "received"
    assert devices[0].workshop_id == world.orgs["workshop_b"].id
    browser.client.get("/logout")

    browser.login("structure_s@example.org")
    assert browser.client.get("/transfers/").status_code == 403
    assert browser.client.get(url).status_code == 403
    browser.client.get("/logout")
    browser.login("coordinator@example.org")
    assert browser.client.get(url).status_code == 200
