"""Every accepted action writes exactly one history row, in the same transaction."""
import pytest
from sqlalchemy import select

from recond import lifecycle
from recond.errors import Refused
from recond.extensions import db
from recond.lifecycle import StatusWriteForbidden
from recond.models import DeviceEvent


def _events(device):
    return db.session.scalars(select(DeviceEvent).where(DeviceEvent.device_id == device.id)
                              .order_by(DeviceEvent.id)).all()


def test_whole_path_writes_one_row_per_action(world):
    device = world.device("released")
    events = _events(device)
    assert [e.action for e in events] == [
        "register", "receive", "wipe", "install_os", "grade", "allocate", "deliver", "release"]
    for before, after in zip(events, events[1:]):
        assert after.from_status == before.to_status
    assert events[-1].to_status == device.status == "released"
    grade = events[4]
    assert grade.actor_id == world["tech_a"].id
    assert grade.organisation_id == world.orgs["workshop_a"].id
    assert grade.payload["grade"] == "A" and grade.payload["checklist"]["boots"] is True
    allocate = events[5]
    assert allocate.payload["price_cents"] > 0 and "beneficiary_id" not in allocate.payload


def test_refusal_writes_nothing_and_changes_nothing(world):
    device = world.device("received")
    count = len(_events(device))
    with pytest.raises(Refused):
        lifecycle.perform(world["tech_a"], device, "wipe")
    db.session.rollback()
    assert device.status == "received" and len(_events(device)) == count


def test_status_and_history_roll_back_together(world):
    device = world.device("registered")
    lifecycle.perform(world["tech_a"], device, "receive")
    db.session.rollback()
    db.session.refresh(device)
    assert device.status == "registered"
    assert [e.action for e in _events(device)] == ["register"]


def test_nothing_but_the_engine_may_assign_a_status(world):
    device = world.device()
    with pytest.raises(StatusWriteForbidden):
        device.status = "ready"
    from recond.models import Device
    with pytest.raises(StatusWriteForbidden):
        Device(public_id="X", category="laptop", status="ready")


def test_the_version_counts_every_change(world):
    device = world.device("registered")
    version = device.version
    lifecycle.perform(world["tech_a"], device, "receive")
    db.session.commit()
    assert device.version == version + 1
