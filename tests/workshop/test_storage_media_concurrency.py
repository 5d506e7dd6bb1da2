"""A storage medium has one fate, whatever the concurrency: technicians racing to destroy or
remove the same disk give one success and refusals or conflicts, never two histories.

Real concurrent transactions on PostgreSQL, one Session per thread, a barrier so that every
thread has read the device before any writes."""
from datetime import date

from sqlalchemy import func, select

from recond.workshop import storage_media
from recond.extensions import db
from recond.models import Device, DeviceEvent, SanitisationRecord, StorageMedium, User
from tests.builders import World
from tests.races import race

RACES, RACERS = 10, 4
DESTRUCTION = {"method": "shredding", "destroyed_by": "Atelier A",
               "destroyed_on": date.today().isoformat()}


def _race(app, device_id, medium_id, user_id, calls):
    def attempt(call):
        def step(ready):
            actor, device = db.session.get(User, user_id), db.session.get(Device, device_id)
            list(device.media)
            ready()
            call(actor, device, medium_id)
            return "ok"
        return step
    return race(app, *(attempt(c) for c in calls))


def test_one_fate_per_medium_under_concurrency(pg_app):
    world = World.build()
    destroy = lambda actor, device, mid: storage_media.destroy(actor, device, mid, DESTRUCTION)  # noqa: E731
    remove = lambda actor, device, mid: storage_media.remove(actor, device, mid, {"destination": "kept"})  # noqa: E731
    for _ in range(RACES):
        device = world.advance(world.register(), "received")
        medium_id = device.media[0].id
        outcomes = _race(pg_app, device.id, medium_id, world["tech_a"].id,
                         [destroy, remove] * (RACERS // 2))
        assert outcomes.count("ok") == 1, outcomes
        assert all(o == "ok" or o.status == 409 for o in outcomes), outcomes
        db.session.expire_all()
        fates = db.session.scalar(select(func.count(DeviceEvent.id)).where(
            DeviceEvent.device_id == device.id,
            DeviceEvent.action.in_(["medium_destroyed", "medium_removed"])))
        destroyed = db.session.scalar(select(func.count(SanitisationRecord.id)).where(
            SanitisationRecord.medium_id == medium_id))
        medium = db.session.get(StorageMedium, medium_id)
        assert fates == 1 and destroyed == (1 if medium.fate == "destroyed" else 0)
