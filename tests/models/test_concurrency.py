"""Two people acting on one device at the same moment: one wins, the other gets a conflict.

Real concurrent transactions on PostgreSQL: two threads, each with its own connection, both
read the device before either writes (a barrier makes sure), then both act.
"""
import threading

from sqlalchemy.orm import Session

from recond import lifecycle
from recond.errors import Conflict, DomainError
from recond.extensions import db
from recond.models import Device, DeviceEvent, User
from tests.builders import World


def _race(app, device_id, attempts):
    """Run each (user_id, action, payload) attempt in its own thread and transaction."""
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def attempt(i, user_id, action, payload):
        with app.app_context():
            session = Session(db.engine)
            try:
                actor = session.get(User, user_id)
                device = session.get(Device, device_id)
                barrier.wait(timeout=60)  # both have read version N before anyone writes
                with _bound(session):
                    lifecycle.perform(actor, device, action, payload)
                    session.commit()
                outcomes[i] = "ok"
            except DomainError as error:
                session.rollback()
                outcomes[i] = error
            finally:
                session.close()

    threads = [threading.Thread(target=attempt, args=(i, *a)) for i, a in enumerate(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


class _bound:
    """Point the engine's `db.session` at this thread's own session while it acts."""

    def __init__(self, session):
        self.session = session

    def __enter__(self):
        db.session.registry.set(self.session)

    def __exit__(self, *exc):
        db.session.registry.clear()


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
