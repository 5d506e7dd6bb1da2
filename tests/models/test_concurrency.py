"""Two people acting on one device at the same moment: one wins, the other gets a conflict.

Real concurrent transactions on PostgreSQL: two threads, each with its own connection, both
read the device before either writes (a barrier makes sure), then both act.
"""
from recond import lifecycle
from recond.errors import Conflict
from recond.extensions import db
from recond.models import Device, DeviceEvent, User
from tests.builders import World
from tests.races import race


def _race(app, device_id, attempts):
    """Each (user_id, action, payload) attempt reads the device, then acts once all have read."""
    def attempt(user_id, action, payload):
        def step(ready):
            actor, device = db.session.get(User, user_id), db.session.get(Device, device_id)
            ready()  # both have read version N before anyone writes
            lifecycle.perform(actor, device, action, payload)
            return "ok"
        return step
    return race(app, *(attempt(*a) for a in attempts))


def test_two_technicians_receiving_one_device(pg_app):
    world = World.build()
    device = world.register()
    tech = world["tech_a"].id
    outcomes = _race(pg_app, device.id, [(tech, "receive", {}), (tech, "recycle", {"reason": "HS"})])
    assert sorted(o == "ok" for o in outcomes) == [False, True]
    loser = next(o for o in outcomes if o != "ok")
    assert isinstance(loser, Conflict) and loser.status == 409
    db.session.expire_all()
    events = db.session.query(DeviceEvent).filter_by(device_id=device.id).count()
    assert events == 2  # register + the winner's action: no lost update, no double write


def test_two_coordinators_allocating_one_device(pg_app):
    world = World.build()
    device = world.device("ready")
    lines = [world.approved_line("structure_s"), world.approved_line("structure_t")]
    people = [world.beneficiary("structure_s"), world.beneficiary("structure_t")]
    coordinator = world["coordinator"].id
    outcomes = _race(pg_app, device.id, [
        (coordinator, "allocate", {"line_id": lines[i].id, "beneficiary_id": people[i].id})
        for i in range(2)])
    assert sorted(o == "ok" for o in outcomes) == [False, True]
    assert isinstance(next(o for o in outcomes if o != "ok"), Conflict)
    db.session.expire_all()
    from recond.models import Allocation
    assert db.session.query(Allocation).filter_by(device_id=device.id).count() == 1
