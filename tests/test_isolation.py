"""The wipe between tests (tests/conftest.py): each test starts from empty tables and ids that
start at 1, on both backends, and on PostgreSQL without new files for the tables each time."""
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from recond.identity import accounts
from recond.extensions import db
from recond.models import DeviceEvent
from tests.builders import World


def _counts() -> dict[str, int]:
    return {table.name: db.session.execute(select(func.count()).select_from(table)).scalar()
            for table in db.metadata.sorted_tables}


def test_the_wipe_empties_every_table_and_restarts_ids(app, apps):
    world = World.build()
    world.device("ready")
    db.session.commit()
    assert db.session.query(DeviceEvent).count() > 1

    apps.wipe(app)

    assert {name: n for name, n in _counts().items() if n} == {}
    organisation = accounts.create_organisation("Après", "collector")
    db.session.commit()
    assert organisation.id == 1  # as TRUNCATE … RESTART IDENTITY left them
    device = World.build().register()
    assert device.id == 1
    assert db.session.scalars(select(DeviceEvent.id).filter_by(device_id=device.id)).all() == [1]


def test_the_wipe_keeps_the_tables_files_and_the_history_append_only(pg_app, apps):
    def files():
        return dict(db.session.execute(text(
            "SELECT relname, pg_relation_filenode(oid) FROM pg_class"
            " WHERE relnamespace = current_schema()::regnamespace")).all())

    World.build().device("received")
    db.session.commit()
    before = files()

    apps.wipe(pg_app)

    assert files() == before  # DELETE, not TRUNCATE: no new files a test
    World.build().device("received")
    db.session.commit()
    with pytest.raises(DBAPIError, match="append-only"):  # set aside for the wipe only
        db.session.execute(text("DELETE FROM device_event"))
    db.session.rollback()
