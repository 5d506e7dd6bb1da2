"""The history proves itself: every path that writes history links its rows, and what the
database's owner edits, removes or slips in behind the triggers' back is named by
`recond verify-history`, the device page and the checkpoints."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from recond import lifecycle
from recond.extensions import db
from recond.lifecycle import chain
from recond.models import Device, DeviceEvent, HistoryCheckpoint
from recond.workshop import storage_media
from tests.conftest import csrf_from

NOW = timedelta(0)  # seal everything: no transaction is open in these tests


def as_owner(*statements: str, table: str = "device_event") -> None:
    """What the table's owner can do and the application's role cannot (test_database_roles):
    set the append-only triggers aside, change rows, and put the triggers back."""
    db.session.commit()
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        else:
            connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_update"))
            connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_delete"))
        for statement in statements:
            connection.execute(text(statement))
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
    db.session.expire_all()


def events_of(device: Device) -> list[DeviceEvent]:
    return list(db.session.scalars(select(DeviceEvent).where(DeviceEvent.device_id == device.id)
                                   .order_by(DeviceEvent.id)))


def test_every_way_of_writing_history_links_it(world):
    devices = [world.device("released"), world.device("recycled"), world.device("received")]
    storage_media.add(world["tech_a"], devices[2], {"kind": "hdd", "serial": "EXTRA-1",
                                                    "capacity_gb": 500})
    db.session.commit()
    lifecycle.register_many(world["collector_a"], world.deposits["a"], [
        {"category": "laptop", "serial": f"BULK-{i}", "media": [{"serial": f"BD-{i}"}]}
        for i in range(3)])
    db.session.commit()
    report = chain.verify(seal_margin=None)
    assert report.intact, (report.breaks, report.problems)
    assert report.devices == 6 and report.events == db.session.query(DeviceEvent).count()
    assert all(event.link and len(event.link) == 64 for device in devices
               for event in events_of(device))
    assert all(chain.first_break(device) is None for device in devices)


def test_an_edited_event_is_named_with_its_device(world):
    device = world.device("ready")
    grading = events_of(device)[-1]
    as_owner(f"UPDATE device_event SET payload = '{{\"grade\": \"A\", \"forged\": true}}' "
             f"WHERE id = {grading.id}")
    report = chain.verify(seal_margin=None)
    assert not report.intact and report.broken == 1  # the next event still follows the stored link
    assert report.breaks[0].event_id == grading.id and report.breaks[0].device == device.public_id
    assert chain.first_break(device).id == grading.id


def test_a_removed_event_breaks_the_one_after_it(world):
    device = world.device("ready")
    events = events_of(device)
    as_owner(f"DELETE FROM device_event WHERE id = {events[1].id}")
    report = chain.verify(seal_margin=None)
    assert [b.event_id for b in report.breaks] == [events[2].id]


def test_a_history_rewritten_without_the_key_still_breaks(world):
    """The owner recomputes the link with SHA-256 itself: without the key, it cannot match."""
    import hashlib

    device = world.device("received")
    receive = events_of(device)[-1]
    forged = hashlib.sha256(b"anything the owner can compute").hexdigest()
    as_owner(f"UPDATE device_event SET link = '{forged}', actor_id = NULL WHERE id = {receive.id}")
    assert chain.first_break(device).id == receive.id


def test_checkpoints_see_the_removal_of_a_devices_last_events_or_whole_history(world):
    kept, cut, gone = world.device("ready"), world.device("ready"), world.device("wiped")
    first = chain.verify(seal_margin=NOW)
    assert first.intact and first.sealed is not None
    assert first.sealed.events == db.session.query(DeviceEvent).count()
    assert chain.verify(seal_margin=NOW).sealed is None  # nothing new to seal
    as_owner(f"DELETE FROM device_event WHERE id = {events_of(cut)[-1].id}",
             f"DELETE FROM device_event WHERE device_id = {gone.id}")
    assert chain.first_break(cut) is None  # its own chain cannot tell: it lost its end
    report = chain.verify(seal_margin=NOW)
    assert not report.intact and report.sealed is None  # a broken history is never sealed
    assert any(f"checkpoint #{first.sealed.id}" in p and "were removed" in p
               for p in report.problems), report.problems
    assert any(gone.public_id in p and "no history" in p for p in report.problems)
    assert chain.first_break(kept) is None


def test_a_checkpoint_edited_or_removed_is_seen(world):
    world.device("received")
    one = chain.verify(seal_margin=NOW).sealed
    world.device("received")
    two = chain.verify(seal_margin=NOW).sealed
    assert two.through_event_id > one.through_event_id
    as_owner(f"DELETE FROM history_checkpoint WHERE id = {one.id}", table="history_checkpoint")
    problems = chain.verify(seal_margin=None).problems
    assert any(f"checkpoint #{two.id}" in p and "does not match its link" in p for p in problems)


def test_the_command_names_the_first_broken_link(world, app):
    device = world.device("wiped")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["verify-history", "--no-seal"])
    assert result.exit_code == 0 and "History verified: 3 events on 1 devices" in result.output
    wipe = events_of(device)[-1]
    as_owner(f"UPDATE device_event SET actor_id = NULL WHERE id = {wipe.id}")
    result = runner.invoke(args=["verify-history"])
    assert result.exit_code == 1
    assert f"event #{wipe.id} (wipe of" in result.output and device.public_id in result.output
    assert db.session.query(HistoryCheckpoint).count() == 0


def test_the_device_page_says_the_history_is_verified_or_where_it_broke(world, browser):
    device = world.device("received")
    browser.login("tech_a@example.org")
    page = browser.client.get(f"/d/{device.public_id}")
    assert "Historique vérifié" in page.text
    as_owner(f"UPDATE device_event SET to_status = 'ready' WHERE id = {events_of(device)[-1].id}")
    page = browser.client.get(f"/d/{device.public_id}")
    assert "Historique vérifié" not in page.text and "Historique altéré" in page.text
    browser.client.post("/lang/en", data={"csrf_token": csrf_from(page.text)})
    assert "History altered" in browser.client.get(f"/d/{device.public_id}").text


def test_the_migration_links_an_existing_history(app, world):
    """The chain's migration on a database with history: down to the revision before it (no
    links), up again; the links written
    for the rows it found are the engine's, and the append-only triggers are back."""
    device = world.device("ready")
    stored = [e.link for e in events_of(device)]
    db.session.remove()
    downgrade(revision="0019_weee_slips")
    upgrade()
    db.session.remove()
    assert [e.link for e in events_of(device)] == stored
    assert chain.verify(seal_margin=None).intact
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(f"UPDATE device_event SET action = 'x' WHERE id = {events_of(device)[0].id}"))
    db.session.rollback()
