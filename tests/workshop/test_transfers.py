"""Transfer notes between workshops: scanned out at one, shipped, scanned in at the other;
missing and unexpected shown; the device's workshop changes on arrival, with its history."""
import pytest

from recond import lifecycle, scopes
from recond.errors import NotFound, NotPermitted, Refused
from recond.extensions import db
from recond.inventory.history import rows as history_rows
from recond.models import DeviceEvent
from recond.workshop import transfers


def _events(device):
    return db.session.scalars(db.select(DeviceEvent).where(DeviceEvent.device_id == device.id)
                              .order_by(DeviceEvent.id)).all()


@pytest.fixture
def note(world):
    devices = [world.device("ready"), world.device("received"), world.device("wiped")]
    note = transfers.open_note(world["tech_a"], world.orgs["workshop_b"].id, "surplus")
    for device in devices:
        transfers.add_device(world["tech_a"], note, device.public_id)
    db.session.commit()
    return note, devices


def test_only_the_workshops_own_devices_being_refurbished_or_ready_go_on_it(world, note):
    note, devices = note
    with pytest.raises(Refused, match="already on this note"):
        transfers.add_device(world["tech_a"], note, devices[0].public_id)
    with pytest.raises(Refused, match="registered"):
        transfers.add_device(world["tech_a"], note, world.device("registered").public_id)
    with pytest.raises(Refused, match="reserved"):
        transfers.add_device(world["tech_a"], note, world.device("reserved").public_id)
    with pytest.raises(NotFound):  # workshop B's device: not in A's scope
        transfers.add_device(world["tech_a"], note, world.device("ready", lot="b").public_id)
    other = transfers.open_note(world["tech_a"], world.orgs["workshop_b"].id)
    with pytest.raises(Refused, match=note.number):
        transfers.add_device(world["tech_a"], other, devices[1].public_id)
    with pytest.raises(NotFound):  # to itself
        transfers.open_note(world["tech_a"], world.orgs["workshop_a"].id)
    with pytest.raises(NotFound):  # to something that is not a workshop
        transfers.open_note(world["tech_a"], world.orgs["structure_s"].id)
    with pytest.raises(NotPermitted):
        transfers.open_note(world["coordinator"], world.orgs["workshop_b"].id)
    with pytest.raises(NotFound):  # B does not see a note still being prepared
        transfers.get_note(world["tech_b"], note.id)


def test_transfer_with_a_missing_and_an_unexpected_device(world, note):
    note, devices = note
    b_own = world.device("received", lot="b")
    tech_a, tech_b = world["tech_a"], world["tech_b"]
    transfers.ship(tech_a, note)
    db.session.commit()
    # Each device's history says it left; its status and workshop have not changed.
    for device in devices:
        last = _events(device)[-1]
        assert (last.action, last.from_status, last.payload["transfer"]) == \
            ("transfer_out", None, note.number)
        assert device.workshop_id == world.orgs["workshop_a"].id
    assert [d.status for d in devices] == ["ready", "received", "wiped"]
    with pytest.raises(NotFound):  # still A's until it arrives
        scopes.get_visible_device(tech_b, devices[0].public_id)
    with pytest.raises(Refused, match="on its way to Atelier B") as refused:  # not while on the road
        lifecycle.perform(tech_a, devices[0], "recycle", {"reason": "HS"})
    assert refused.value.code == "in_transit"
    db.session.rollback()
    with pytest.raises(Refused):  # A does not receive its own shipment
        transfers.receive_scan(tech_a, note, devices[0].public_id)
    db.session.rollback()

    assert transfers.receive_scan(tech_b, note, devices[0].public_id).outcome == "arrived"
    # by serial number, as the van's paperwork has it
    assert transfers.receive_scan(tech_b, note, devices[1].serial).outcome == "arrived"
    assert transfers.receive_scan(tech_b, note, devices[0].public_id).outcome == "already"
    assert transfers.receive_scan(tech_b, note, "ZZZ-NOT-OURS").outcome == "unexpected"
    unexpected = transfers.receive_scan(tech_b, note, b_own.public_id)
    assert unexpected.outcome == "unexpected" and unexpected.device == b_own
    db.session.commit()

    state = transfers.state(note)
    assert [i.device for i in state.arrived] == devices[:2]
    assert [i.device for i in state.missing] == [devices[2]]
    assert [u.code for u in state.unexpected] == ["ZZZ-NOT-OURS", b_own.public_id]
    transfers.close(tech_b, note)
    db.session.commit()
    assert note.status == "received"
    # What arrived is B's, with the history of its arrival; what is missing stays A's.
    for device in devices[:2]:
        assert device.workshop_id == world.orgs["workshop_b"].id
        assert scopes.get_visible_device(tech_b, device.public_id) == device
        with pytest.raises(NotFound):
            scopes.get_visible_device(tech_a, device.public_id)
        arrival = _events(device)[-1]
        assert (arrival.action, arrival.from_status, arrival.to_status) == \
            ("transfer_in", None, device.status)
        assert arrival.payload == {"transfer": note.number, "from_workshop": "Atelier A",
                                   "to_workshop": "Atelier B"}
        assert arrival.organisation_id == world.orgs["workshop_b"].id
    assert devices[2].workshop_id == world.orgs["workshop_a"].id
    lifecycle.perform(tech_a, devices[2], "install_os", world.payload("install_os", devices[2]))
    db.session.commit()  # a missing device, once the note is closed, is A's to work on again
    titles = [row.title for row in history_rows(tech_b, devices[0])]
    assert titles[-2:] == ["Sent to another workshop", "Arrived from another workshop"]
    # B goes on with it: the device is wiped, installed and graded at B.
    world.advance(devices[1], "ready")
    # The missing device can leave again, on another note.
    again = transfers.open_note(tech_a, world.orgs["workshop_b"].id)
    transfers.add_device(tech_a, again, devices[2].public_id)
    assert devices[2].status == "os_installed"


def test_the_last_arrival_closes_the_note(world, note):
    note, devices = note
    transfers.ship(world["tech_a"], note)
    for device in devices:
        transfers.receive_scan(world["tech_b"], note, device.public_id)
    db.session.commit()
    assert note.status == "received" and not transfers.state(note).missing


def test_a_device_changed_since_it_was_scanned_on_does_not_leave(world, note):
    note, devices = note
    lifecycle.perform(world["tech_a"], devices[1], "recycle", {"reason": "HS"})
    db.session.commit()
    with pytest.raises(Refused, match=devices[1].public_id):
        transfers.ship(world["tech_a"], note)
    db.session.rollback()
    transfers.remove_device(world["tech_a"], note, note.items[1].id)
    transfers.ship(world["tech_a"], note)
    db.session.commit()
    assert len(note.items) == 2 and note.status == "shipped"


def test_who_reads_a_transfer_note(world, note):
    note, _devices = note
    transfers.ship(world["tech_a"], note)
    db.session.commit()
    assert transfers.get_note(world["coordinator"], note.id) == note
    assert transfers.get_note(world["tech_b"], note.id) == note
    for outsider in ("structure_s", "collector_a", "donor_x"):
        with pytest.raises(NotFound):
            transfers.get_note(world[outsider], note.id)


def test_an_arrival_recorded_meanwhile_is_read_afresh(world, note):
    """The note's lines already loaded in this session are read again under the lock: an
    arrival another technician committed meanwhile is seen, not scanned a second time."""
    note, devices = note
    transfers.ship(world["tech_a"], note)
    db.session.commit()
    assert note.items[0].received_at is None  # loaded here, before the other scan
    from recond.clock import utcnow
    from recond.models import TransferItem
    with db.engine.begin() as other:  # another technician's transaction, committed
        other.execute(TransferItem.__table__.update().where(
            TransferItem.id == note.items[0].id).values(received_at=utcnow()))
    assert transfers.receive_scan(world["tech_b"], note, devices[0].public_id).outcome == "already"


def test_the_device_list_offers_the_workshop_devices_were_sent_to(world, note):
    from recond.inventory import listing

    note, devices = note
    collector = world["collector_a"]  # its deposits all went to A: nothing to choose from
    assert listing.workshops_offered(collector) == []
    transfers.ship(world["tech_a"], note)
    transfers.receive_scan(world["tech_b"], note, devices[0].public_id)
    db.session.commit()
    assert [w.name for w in listing.workshops_offered(collector)] == ["Atelier A", "Atelier B"]
    found = listing.search(collector, listing.parse(collector, {"workshop": str(world.orgs["workshop_b"].id)}))
    assert [d.public_id for d in found.items] == [devices[0].public_id]
