"""`lifecycle.act` reads the device and the link of its last event in one statement and takes
no row lock: two people acting on one device at once still give one success and one conflict,
and the history's chain does not fork (PostgreSQL, real threads, each with its connection)."""
import threading

from sqlalchemy.orm import Session

from recond import lifecycle
from recond.errors import Conflict, DomainError
from recond.extensions import db
from recond.lifecycle import chain, engine
from recond.models import Device, DeviceEvent, User
from tests.builders import World
from tests.models.test_concurrency import _bound


def test_two_acts_on_one_device_one_conflict_and_an_unbroken_chain(pg_app, monkeypatch):
    world = World.build()
    device = world.register()
    code, tech = device.public_id, world["tech_a"].id
    barrier = threading.Barrier(2)
    perform = engine.perform

    def after_both_read(*args, **kwargs):
        barrier.wait(timeout=10)  # both read the device and its last link before either writes
        return perform(*args, **kwargs)

    monkeypatch.setattr(engine, "perform", after_both_read)
    outcomes = [None, None]

    def attempt(i, action, payload):
        with pg_app.app_context():
            session = Session(db.engine)
            try:
                with _bound(session):
                    lifecycle.act(session.get(User, tech), code, action, payload)
                    session.commit()
                outcomes[i] = "ok"
            except DomainError as error:
                session.rollback()
                outcomes[i] = error
            finally:
                session.close()

    threads = [threading.Thread(target=attempt, args=(0, "receive", {})),
               threading.Thread(target=attempt, args=(1, "recycle", {"reason": "HS"}))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    assert isinstance(next(o for o in outcomes if o != "ok"), Conflict)
    db.session.expire_all()
    assert db.session.query(DeviceEvent).filter_by(device_id=device.id).count() == 2
    assert chain.first_break(db.session.get(Device, device.id)) is None
