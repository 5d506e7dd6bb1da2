"""Two technicians of the receiving workshop scan the same device of a transfer note at the
same moment, on PostgreSQL with real threads: it arrives once, one history row, one move. And
two notes being prepared take the same device at once: it goes on one of them only."""
from recond.errors import Refused
from recond.extensions import db
from recond.identity import accounts
from recond.models import DeviceEvent, TransferItem, TransferNote, User
from recond.workshop import transfers
from tests.conftest import PASSWORD
from tests.races import race


def _scan(user_id, note_id, code):
    def step(ready):
        ready()
        return transfers.receive_scan(db.session.get(User, user_id),
                                      db.session.get(TransferNote, note_id), code).outcome
    return step


def test_one_line_received_twice_at_once_arrives_once(pg_app):
    from tests.builders import World

    world = World.build()
    second = accounts.create_user("tech_b2@example.org", role="technician",
                                  organisation=world.orgs["workshop_b"], password=PASSWORD)
    devices = [world.device("ready"), world.device("received")]
    note = transfers.open_note(world["tech_a"], world.orgs["workshop_b"].id)
    for device in devices:
        transfers.add_device(world["tech_a"], note, device.public_id)
    transfers.ship(world["tech_a"], note)
    db.session.commit()
    ids = (note.id, devices[0].id, devices[1].id)

    outcomes = race(pg_app, _scan(world["tech_b"].id, ids[0], devices[0].public_id),
                    _scan(second.id, ids[0], devices[0].public_id))
    # The second waits for the first (the note's row is locked) and reads that it arrived.
    assert outcomes.count("arrived") == 1 and outcomes.count("already") == 1, outcomes
    db.session.expire_all()
    arrivals = db.session.scalars(db.select(DeviceEvent).where(
        DeviceEvent.device_id == ids[1], DeviceEvent.action == "transfer_in")).all()
    assert len(arrivals) == 1
    assert len([i for i in db.session.get(TransferNote, ids[0]).items if i.received_at]) == 1

    # The two last lines scanned at once by two people: both arrive, and the note closes.
    note3 = transfers.open_note(world["tech_a"], world.orgs["workshop_b"].id)
    pair = [world.device("ready"), world.device("ready")]
    for device in pair:
        transfers.add_device(world["tech_a"], note3, device.public_id)
    transfers.ship(world["tech_a"], note3)
    db.session.commit()
    outcomes = race(pg_app, _scan(world["tech_b"].id, note3.id, pair[0].public_id),
                    _scan(second.id, note3.id, pair[1].public_id))
    assert outcomes == ["arrived", "arrived"], outcomes
    db.session.expire_all()
    closed = db.session.get(TransferNote, note3.id)
    assert closed.status == "received"
    assert all(i.received_at for i in db.session.scalars(
        db.select(TransferItem).where(TransferItem.note_id == note3.id)))


def _add(user_id, note_id, code):
    def step(ready):
        ready()
        return transfers.add_device(db.session.get(User, user_id),
                                    db.session.get(TransferNote, note_id), code).public_id
    return step


def test_two_notes_taking_one_device_at_once_hold_it_once(pg_app):
    from tests.builders import World

    world = World.build()
    second = accounts.create_user("tech_a2@example.org", role="technician",
                                  organisation=world.orgs["workshop_a"], password=PASSWORD)
    device = world.device("ready")
    notes = [transfers.open_note(world["tech_a"], world.orgs["workshop_b"].id),
             transfers.open_note(second, world.orgs["workshop_b"].id)]
    db.session.commit()
    outcomes = race(pg_app, _add(world["tech_a"].id, notes[0].id, device.public_id),
                    _add(second.id, notes[1].id, device.public_id))
    assert outcomes.count(device.public_id) == 1, outcomes
    refused, = [o for o in outcomes if o != device.public_id]
    assert isinstance(refused, Refused) and "already on transfer note" in str(refused.message)
    assert db.session.scalar(db.select(db.func.count()).select_from(TransferItem).where(
        TransferItem.device_id == device.id)) == 1
