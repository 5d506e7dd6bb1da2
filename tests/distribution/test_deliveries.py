"""Delivery notes: the workshop scans devices on, ships; the structure scans what arrives."""
import pytest

from recond.distribution import deliveries
from recond import lifecycle, public_id
from recond.errors import NotFound, Refused
from recond.extensions import db
from tests.conftest import csrf_from


@pytest.fixture
def shipment(world):
    devices = [world.device("reserved") for _ in range(3)]
    note = deliveries.open_note(world["tech_a"], world.orgs["structure_s"].id)
    for device in devices:
        deliveries.add_device(world["tech_a"], note, device.public_id)
    db.session.commit()
    return note, devices


def test_only_devices_reserved_for_the_notes_structure_go_on_it(world, shipment):
    note, devices = shipment
    for_t = world.device("reserved", structure="structure_t")
    ready = world.device("ready")
    with pytest.raises(Refused, match="not for this note"):
        deliveries.add_device(world["tech_a"], note, for_t.public_id)
    with pytest.raises(Refused, match="not reserved"):
        deliveries.add_device(world["tech_a"], note, ready.public_id)
    with pytest.raises(Refused, match="already on this note"):
        deliveries.add_device(world["tech_a"], note, devices[0].public_id)
    with pytest.raises(NotFound):  # another workshop's technician
        deliveries.add_device(world["tech_b"], note, devices[0].public_id)


def test_arrival_delivers_and_shows_missing_and_unexpected(world, shipment):
    note, devices = shipment
    structure = world["structure_s"]
    with pytest.raises(NotFound):  # the structure does not see a note still being prepared
        deliveries.receive_scan(structure, note, devices[0].public_id)
    db.session.rollback()
    deliveries.ship(world["tech_a"], note)
    db.session.commit()
    assert deliveries.receive_scan(structure, note, devices[0].public_id).outcome == "delivered"
    # the label's QR code holds the device's URL: scanning it works too
    assert deliveries.receive_scan(structure, note, f"https://recond.test/d/{devices[1].public_id}").outcome == "delivered"
    assert deliveries.receive_scan(structure, note, devices[1].public_id).outcome == "already"
    assert deliveries.receive_scan(structure, note, "ZZZ-NOT-OURS").outcome == "unexpected"
    db.session.commit()
    state = deliveries.state(note)
    assert [i.device for i in state.missing] == [devices[2]]
    assert [u.code for u in state.unexpected] == ["ZZZ-NOT-OURS"]
    assert [d.status for d in devices] == ["delivered", "delivered", "reserved"]
    deliveries.close(structure, note)
    assert note.status == "received"


def test_another_structure_cannot_receive(world, shipment):
    note, devices = shipment
    deliveries.ship(world["tech_a"], note)
    db.session.commit()
    with pytest.raises(NotFound):
        deliveries.receive_scan(world["structure_t"], note, devices[0].public_id)


def test_the_pages_from_preparation_to_arrival(world, client, browser):
    device = world.device("reserved")
    browser.login("tech_a@example.org")
    waiting = browser.client.get("/deliveries/")
    assert public_id.display(device.public_id) in waiting.text
    opened = browser.client.post("/deliveries/", data={"csrf_token": csrf_from(waiting.text),
                                                       "structure": world.orgs["structure_s"].id})
    url = opened.headers["Location"]
    added = browser.post_form(url, url, {"code": device.public_id})
    assert added.status_code == 200 and "ajouté" in added.text
    assert browser.post_form(url, f"{url}/ship", {}).status_code == 302
    pdf = browser.client.get(f"{url}/note.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})
    browser.login("structure_t@example.org")
    assert browser.client.get(url).status_code == 404
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})
    browser.login("structure_s@example.org")
    received = browser.post_form(url, url, {"code": device.public_id.lower()})
    assert received.status_code == 200 and "reçu" in received.text
    db.session.expire_all()
    assert lifecycle.active_allocation(device).delivered_at is not None


def test_a_device_whose_allocation_was_cancelled_does_not_ship(world, shipment):
    note, devices = shipment
    lifecycle.perform(world["coordinator"], devices[0], "cancel_allocation")
    db.session.commit()
    with pytest.raises(Refused, match="No longer reserved"):
        deliveries.ship(world["tech_a"], note)
    db.session.rollback()
    deliveries.remove_device(world["tech_a"], note, note.items[0].id)
    assert deliveries.ship(world["tech_a"], note).status == "shipped"
