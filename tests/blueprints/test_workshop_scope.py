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
    assert history["workshop_id"] == world.orgs["workshop_a"].id
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
    home = browser.client.get("/")  # B's to-do: the note on its way, a link to scan it
    assert f'href="/transfers/{note_id}"' in home.text and "Transferts en route" in home.text
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


def test_the_transfer_api(world, api):
    devices = [world.device("ready"), world.device("wiped")]
    opened = api("tech_a", "post", "/api/v1/transfers",
                 json={"to_workshop_id": world.orgs["workshop_b"].id, "notes": "surplus"})
    assert opened.status_code == 201, opened.text
    note_id = opened.json["id"]
    assert opened.json["number"] == f"TR-{note_id:06d}" and opened.json["status"] == "preparing"
    for device in devices:
        added = api("tech_a", "post", f"/api/v1/transfers/{note_id}/scans",
                    json={"code": device.public_id})
        assert added.status_code == 200 and added.json["outcome"] == "added"
    assert api("tech_b", "get", f"/api/v1/transfers/{note_id}").status_code == 404  # preparing
    shipped = api("tech_a", "post", f"/api/v1/transfers/{note_id}/ship")
    assert shipped.status_code == 200 and shipped.json["status"] == "shipped"
    arrived = api("tech_b", "post", f"/api/v1/transfers/{note_id}/scans",
                  json={"code": devices[0].serial})
    assert arrived.json["outcome"] == "arrived" and arrived.json["public_id"] == devices[0].public_id
    odd = api("tech_b", "post", f"/api/v1/transfers/{note_id}/scans", json={"code": "INCONNU-1"})
    assert odd.json["outcome"] == "unexpected"
    assert api("tech_a", "post", f"/api/v1/transfers/{note_id}/close").status_code == 409
    closed = api("tech_b", "post", f"/api/v1/transfers/{note_id}/close")
    assert closed.status_code == 200
    assert closed.json["missing"] == [devices[1].public_id]
    assert closed.json["unexpected"] == ["INCONNU-1"]
    listed = api("coordinator", "get", "/api/v1/transfers").json["items"]
    assert [n["id"] for n in listed] == [note_id]
    assert api("structure_s", "get", "/api/v1/transfers").status_code == 403
    assert api("coordinator", "post", f"/api/v1/transfers/{note_id}/scans",
               json={"code": devices[1].public_id}).status_code == 403  # reads, never scans
    for bad in ({"to_workshop_id": "1"}, {"to_workshop_id": 1, "x": 1}, {}):
        assert api("tech_a", "post", "/api/v1/transfers", json=bad).status_code == 422
    assert api("tech_a", "post", "/api/v1/transfers",
               json={"to_workshop_id": world.orgs["workshop_a"].id}).status_code == 404
    assert api("tech_b", "post", f"/api/v1/transfers/{note_id}/scans",
               json={"code": "  "}).status_code == 422


def test_a_pledge_through_the_api_is_routed(world, api):
    response = api("collector_a", "post", "/api/v1/deposits",
                   json={"donor_id": world.orgs["donor_x"].id, "items": []})
    assert response.status_code == 201, response.text
    # Courbevoie, the donor's commune: Paris Ouest La Défense, where workshop A is.
    assert response.json["workshop"] == "Atelier A"
    assert response.json["workshop_routing"] == "proposed"
    chosen = api("collector_a", "post", "/api/v1/deposits",
                 json={"donor_id": world.orgs["donor_x"].id, "workshop_id": world.orgs["workshop_b"].id})
    assert chosen.json["workshop"] == "Atelier B" and chosen.json["workshop_routing"] == "chosen"
    assert api("collector_a", "post", "/api/v1/deposits",
               json={"donor_id": world.orgs["donor_x"].id, "workshop_id": None}).status_code == 422
