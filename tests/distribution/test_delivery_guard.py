"""`deliver` happens only by scanning a device of a shipped delivery note addressed to the
structure, whatever the entry point (lifecycle, device page, API, batch); the note's item is
received with it. A hand delivery is a note too."""
import pytest

from recond.distribution import deliveries
from recond import lifecycle
from recond.errors import Refused
from recond.extensions import db
from recond.models import DeliveryItem, Device, DeviceEvent
from tests.conftest import csrf_from

NO_NOTE_FR = "sur aucun bon de livraison expédié"
NO_NOTE_EN = "on no shipped delivery note addressed to your structure"


def _status(device) -> str:
    db.session.expire_all()
    return db.session.get(Device, device.id).status


def _events(device) -> int:
    return db.session.query(DeviceEvent).filter_by(device_id=device.id).count()


def test_a_device_on_no_note_is_not_delivered(world):
    device = world.device("reserved")
    before = _events(device)
    with pytest.raises(Refused, match="on no shipped delivery note") as refused:
        lifecycle.perform(world["structure_s"], device, "deliver")
    assert refused.value.status == 409 and refused.value.details["reasons"]
    db.session.rollback()
    assert _status(device) == "reserved" and _events(device) == before


def test_a_note_still_being_prepared_does_not_deliver(world):
    device = world.device("reserved")
    note = deliveries.open_note(world["tech_a"], world.orgs["structure_s"].id)
    deliveries.add_device(world["tech_a"], note, device.public_id)
    db.session.commit()
    with pytest.raises(Refused, match="on no shipped delivery note"):
        lifecycle.perform(world["structure_s"], device, "deliver")


def test_the_note_must_be_addressed_to_the_structure_that_scans(world):
    """Shipped to S, then re-allocated to T on the way: T cannot mark it delivered."""
    device = world.device("reserved", structure="structure_s")
    world.ship([device], "structure_s")
    lifecycle.perform(world["coordinator"], device, "cancel_allocation")
    db.session.commit()
    world.allocate(device, "structure_t")
    with pytest.raises(Refused, match="on no shipped delivery note"):
        lifecycle.perform(world["structure_t"], device, "deliver")


def test_the_generic_page_the_api_and_the_batch_refuse_alike(world, browser, api):
    device = world.device("reserved")
    browser.login("structure_s@example.org")
    page = browser.client.get(f"/d/{device.public_id}")
    forged = browser.client.post(f"/d/{device.public_id}/actions/deliver",
                                 data={"csrf_token": csrf_from(page.text), "version": device.version})
    assert forged.status_code == 409 and NO_NOTE_FR in forged.text
    by_api = api("structure_s", "post", f"/api/v1/devices/{device.public_id}/actions",
                 json={"action": "deliver"}, headers={"Accept-Language": "en"})
    assert by_api.status_code == 409 and NO_NOTE_EN in by_api.json["error"]["message"]
    in_french = api("structure_s", "post", f"/api/v1/devices/{device.public_id}/actions",
                    json={"action": "deliver"})
    assert NO_NOTE_FR in in_french.json["error"]["message"]
    batch = api("structure_s", "post", "/api/v1/batch",
                json={"action": "deliver", "devices": [device.public_id]},
                headers={"Accept-Language": "en"})
    (result,) = batch.json["results"]
    assert result["ok"] is False and NO_NOTE_EN in result["message"]
    assert _status(device) == "reserved"


def test_any_entry_point_marks_the_notes_item_received(world, api):
    first, second = world.device("reserved"), world.device("reserved")
    note = world.ship([first, second])
    response = api("structure_s", "post", f"/api/v1/devices/{first.public_id}/actions",
                   json={"action": "deliver"})
    assert response.status_code == 200, response.text
    db.session.expire_all()
    items = {i.device_id: i for i in db.session.query(DeliveryItem).filter_by(note_id=note.id)}
    assert items[first.id].received_at is not None and items[second.id].received_at is None
    assert db.session.get(type(note), note.id).status == "shipped"
    event = db.session.query(DeviceEvent).filter_by(device_id=first.id, action="deliver").one()
    assert event.payload["delivery_note"] == note.number
    # the last device scanned on the note's page: the note is received
    scan = deliveries.receive_scan(world["structure_s"], db.session.get(type(note), note.id),
                                   second.public_id)
    db.session.commit()
    assert scan.outcome == "delivered"
    assert db.session.get(type(note), note.id).status == "received"
    # a received note takes no more scans, and the device cannot be delivered twice
    with pytest.raises(Refused):
        deliveries.receive_scan(world["structure_s"], db.session.get(type(note), note.id),
                                first.public_id)


def test_a_hand_delivery_is_a_note_too(world, browser, client):
    device = world.device("reserved")
    browser.login("tech_a@example.org")
    waiting = browser.client.get("/deliveries/")
    assert "remise en main propre" in waiting.text
    opened = browser.client.post("/deliveries/", data={
        "csrf_token": csrf_from(waiting.text), "structure": world.orgs["structure_s"].id,
        "kind": "hand"})
    url = opened.headers["Location"]
    browser.post_form(url, url, {"code": device.public_id})
    page = browser.client.get(url)
    assert "Remettre à la structure" in page.text and "remise en main propre" in page.text
    assert browser.post_form(url, f"{url}/ship", {}).status_code == 302
    assert browser.client.get(f"{url}/note.pdf").data.startswith(b"%PDF")
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})
    browser.login("structure_s@example.org")
    received = browser.post_form(url, url, {"code": device.public_id})
    assert received.status_code == 200
    assert _status(device) == "delivered"


def test_an_unknown_kind_of_note_is_refused(world):
    world.device("reserved")
    from recond.errors import InvalidInput
    with pytest.raises(InvalidInput):
        deliveries.open_note(world["tech_a"], world.orgs["structure_s"].id, "drone")
