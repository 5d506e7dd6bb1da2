"""The database itself refuses to edit or delete history, whatever code tries."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from recond.extensions import db
from recond.models import DeviceEvent


def test_update_and_delete_of_history_are_refused_by_the_database(world):
    device = world.device("received")
    event = db.session.query(DeviceEvent).filter_by(device_id=device.id).order_by(DeviceEvent.id).first()
    for statement in (f"UPDATE device_event SET action = 'forged' WHERE id = {event.id}",
                      f"DELETE FROM device_event WHERE id = {event.id}",
                      "DELETE FROM device_event"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert db.session.get(DeviceEvent, event.id).action == "register"


def test_the_orm_cannot_edit_history_either(world):
    device = world.device("received")
    event = db.session.query(DeviceEvent).filter_by(device_id=device.id).order_by(DeviceEvent.id).first()
    event.payload = {"forged": True}
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.commit()
    db.session.rollback()


def test_truncate_is_refused_on_postgresql(pg_app):
    from tests.builders import World

    World.build().device("received")
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("TRUNCATE device_event"))
    db.session.rollback()
    assert db.session.query(DeviceEvent).count() > 0
