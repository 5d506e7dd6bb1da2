"""One capture, whoever races whom: technicians uploading the same capture for the same device
at the same moment (real concurrent transactions on PostgreSQL) leave one capture and one
medium per disk; the others get that capture back, or a conflict, never a second copy."""
from pathlib import Path

from sqlalchemy import func, select

from recond import lifecycle
from recond.errors import Conflict
from recond.extensions import db
from recond.models import HardwareCapture, StorageMedium, User
from recond.workshop import hardware_capture
from tests.builders import World
from tests.races import race

DELL = (Path(__file__).parents[1] / "fixtures" / "hardware"
        / "workbench-dell-latitude-e5530.lshw.json").read_bytes()
THREADS = 4


def test_the_same_capture_at_once_is_kept_once(pg_app):
    world = World.build()
    device = lifecycle.register(world["collector_a"], world.deposits["a"], category="laptop",
                                brand="Dell", model="Latitude E5530", serial="D8FTRY1", specs={},
                                media=[])
    db.session.commit()
    world.advance(device, "received")
    tech_id, public_id = world["tech_a"].id, device.public_id

    def work(i, ready):
        actor = db.session.get(User, tech_id)
        ready()
        return hardware_capture.receive(actor, f"c{i}.json", DELL, public_id)

    outcomes = race(pg_app, *(lambda ready, i=i: work(i, ready) for i in range(THREADS)))
    new = [o for o in outcomes if isinstance(o, hardware_capture.Captured) and not o.known]
    others = [o for o in outcomes if o not in new]
    assert len(new) == 1, outcomes
    assert all(isinstance(o, Conflict) or (isinstance(o, hardware_capture.Captured) and o.known)
               for o in others), outcomes
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(HardwareCapture)) == 1
    assert db.session.scalar(select(func.count()).select_from(StorageMedium).where(
        StorageMedium.device_id == device.id)) == 1
