"""`lifecycle.act` reads the device and the link of its last event in one statement and takes
no row lock: two people acting on one device at once still give one success and one conflict,
and the history's chain does not fork (PostgreSQL, real threads, each with its connection)."""
import threading

from recond import lifecycle
from recond.errors import Conflict
from recond.extensions import db
from recond.lifecycle import chain, engine
from recond.models import Device, DeviceEvent, User
from tests.builders import World
from tests.races import race


def test_two_acts_on_one_device_one_conflict_and_an_unbroken_chain(pg_app, monkeypatch):
    world = World.build()
    device = world.register()
    code, tech = device.public_id, world["tech_a"].id
    perform, waiting = engine.perform, threading.local()

    def after_both_read(*args, **kwargs):
        waiting.ready()  # both read the device and its last link before either writes
        return perform(*args, **kwargs)

    monkeypatch.setattr(engine, "perform", after_both_read)

    def attempt(action, payload):
        def step(ready):
            waiting.ready = ready
            lifecycle.act(db.session.get(User, tech), code, action, payload)
            return "ok"
        return step

    outcomes = race(pg_app, attempt("receive", {}), attempt("recycle", {"reason": "HS"}))
    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    assert isinstance(next(o for o in outcomes if o != "ok"), Conflict)
    db.session.expire_all()
    assert db.session.query(DeviceEvent).filter_by(device_id=device.id).count() == 2
    assert chain.first_break(db.session.get(Device, device.id)) is None
