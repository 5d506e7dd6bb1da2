"""Two actions on one device at once never fork its history chain: the link is read and written
under the device's optimistic version, so only one of them commits (real threads, PostgreSQL)."""
from sqlalchemy import func, select

from recond.errors import Conflict
from recond.extensions import db
from recond.lifecycle import chain
from recond.models import DeviceEvent
from recond.workshop import storage_media
from tests.builders import World
from tests.models.test_concurrency import _race
from tests.workshop.test_storage_media_concurrency import _race as _media_race


def _predecessors_are_unique(device_id: int) -> None:
    """Each event follows exactly one other: no two links computed from the same previous one."""
    links = list(db.session.scalars(select(DeviceEvent.link).where(
        DeviceEvent.device_id == device_id).order_by(DeviceEvent.id)))
    assert len(set(links)) == len(links)
    assert chain.verify(seal_margin=None).intact


def test_two_transitions_at_once_leave_one_chain(pg_app):
    world = World.build()
    device = world.register()
    tech = world["tech_a"].id
    outcomes = _race(pg_app, device.id, [(tech, "receive", {}), (tech, "recycle", {"reason": "HS"})])
    assert sorted(o == "ok" for o in outcomes) == [False, True]
    assert isinstance(next(o for o in outcomes if o != "ok"), Conflict)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(DeviceEvent.device_id == device.id)) == 2
    _predecessors_are_unique(device.id)


def test_four_notes_at_once_round_after_round(pg_app):
    """Four technicians add a disk to one device at the same moment, three rounds: each round
    one note is written, chained after the last round's; the others get a conflict."""
    world = World.build()
    device = world.device("received")
    tech = world["tech_a"].id
    for round_ in range(3):
        adds = [lambda actor, mine, _, i=i: storage_media.add(
            actor, mine, {"kind": "hdd", "serial": f"R{round_}-{i}"}) for i in range(4)]
        outcomes = _media_race(pg_app, device.id, None, tech, adds)
        assert outcomes.count("ok") == 1, outcomes
        assert all(isinstance(o, Conflict) for o in outcomes if o != "ok")
    db.session.expire_all()
    notes = db.session.scalar(select(func.count()).where(
        DeviceEvent.device_id == device.id, DeviceEvent.action == "medium_added"))
    assert notes == 3
    _predecessors_are_unique(device.id)
