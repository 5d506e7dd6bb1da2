"""Storage-media management: a failed disk has a way out (destruction or removal), media can be
added and corrected, "no storage found" is recordable; each change is history; roles, scope
and the device's status hold."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from recond import lifecycle
from recond.workshop import sanitisation, storage_media
from recond.clock import utcnow
from recond.errors import InvalidInput, NotFound, NotPermitted, Refused
from recond.extensions import db
from recond.models import DeviceEvent, SanitisationRecord

DESTRUCTION = {"method": "shredding", "destroyed_by": "Paprec, prestataire",
               "destroyed_on": date.today().isoformat(), "reference": "PAP-2026-0042"}


def _events(device, action: str) -> list[DeviceEvent]:
    return db.session.scalars(select(DeviceEvent).where(
        DeviceEvent.device_id == device.id, DeviceEvent.action == action)).all()


def _failed(world, disks: int = 1):
    device = world.advance(world.register(disks=disks), "received")
    world.sanitise(device, passed=False)
    return device


def test_a_failed_medium_destroyed_lets_the_wipe_go_on(world):
    device = _failed(world)
    with pytest.raises(Refused) as refused:
        lifecycle.perform(world["tech_a"], device, "wipe")
    assert refused.value.details["media_page"] == f"/d/{device.public_id}/media"
    assert "storage media page" in str(refused.value.message)
    record = storage_media.destroy(world["tech_a"], device, device.media[0].id, DESTRUCTION)
    db.session.commit()
    assert (record.method, record.technique, record.destroyed_by, record.reference) == (
        "destroy", "shredding", "Paprec, prestataire", "PAP-2026-0042")
    assert device.media[0].fate == "destroyed" and device.media[0].removed_at is not None
    event, = _events(device, "medium_destroyed")
    assert event.payload == {"medium": device.media[0].serial, "destruction_method": "shredding",
                             "destroyed_by": "Paprec, prestataire",
                             "destroyed_on": DESTRUCTION["destroyed_on"],
                             "reference": "PAP-2026-0042"}
    assert event.from_status is None and event.to_status == "received"
    assert lifecycle.perform(world["tech_a"], device, "wipe").to_status == "wiped"


@pytest.mark.parametrize("destination", ["kept", "recycling"])
def test_a_failed_medium_removed_lets_the_wipe_go_on(world, destination):
    device = world.advance(world.register(disks=2), "received")
    sanitisation.record(world["tech_a"], device.media[0], method="clear", passed=False)
    sanitisation.record(world["tech_a"], device.media[1], method="purge", passed=True)
    db.session.commit()
    with pytest.raises(Refused, match="destroyed or removed"):
        lifecycle.perform(world["tech_a"], device, "wipe")
    storage_media.remove(world["tech_a"], device, device.media[0].id,
                         {"destination": destination, "note": "secteurs défectueux"})
    db.session.commit()
    assert device.media[0].fate == destination
    assert _events(device, "medium_removed")[0].payload["destination"] == destination
    assert lifecycle.perform(world["tech_a"], device, "wipe").to_status == "wiped"


def test_a_destroyed_or_removed_medium_cannot_be_acted_on_again(world):
    device = _failed(world, disks=2)
    storage_media.destroy(world["tech_a"], device, device.media[0].id, DESTRUCTION)
    storage_media.remove(world["tech_a"], device, device.media[1].id, {"destination": "kept"})
    db.session.commit()
    for medium in device.media:
        with pytest.raises(Refused):
            storage_media.destroy(world["tech_a"], device, medium.id, DESTRUCTION)
        with pytest.raises(Refused, match="no longer in the device"):
            storage_media.remove(world["tech_a"], device, medium.id, {"destination": "kept"})
        with pytest.raises(Refused, match="no longer in the device"):
            storage_media.correct(world["tech_a"], device, medium.id, {"model": "X"})
    db.session.rollback()
    assert db.session.scalar(select(func.count(SanitisationRecord.id)).where(
        SanitisationRecord.method == "destroy")) == 1


def test_a_destruction_says_how_who_and_when(world):
    device = _failed(world)
    medium_id = device.media[0].id
    tomorrow = (utcnow().date() + timedelta(days=1)).isoformat()
    for wrong, field in [({"method": "magnets"}, "method"), ({"destroyed_by": "  "}, "destroyed_by"),
                         ({"destroyed_on": tomorrow}, "destroyed_on"),
                         ({"destroyed_on": "31/03/2026"}, "destroyed_on"),
                         ({"destroyed_on": "2001-01-01"}, "destroyed_on"),
                         ({"reference": "x" * 101}, "reference")]:
        with pytest.raises(InvalidInput) as invalid:
            storage_media.destroy(world["tech_a"], device, medium_id, DESTRUCTION | wrong)
        assert field in invalid.value.details["fields"]
    db.session.rollback()
    assert not _events(device, "medium_destroyed") and device.media[0].fate is None


def test_no_storage_found_clears_the_guard_for_this_stay_only(world):
    empty = world.advance(world.register(disks=0), "received")
    with pytest.raises(Refused, match="none was found"):
        lifecycle.perform(world["tech_a"], empty, "wipe")
    storage_media.no_storage_found(world["tech_a"], empty, {"note": "baie vide"})
    db.session.commit()
    with pytest.raises(Refused, match="already recorded"):
        storage_media.no_storage_found(world["tech_a"], empty, {})
    db.session.rollback()
    assert lifecycle.perform(world["tech_a"], empty, "wipe").to_status == "wiped"
    # registered with a disk that is not there: the disk is marked not found
    device = world.advance(world.register(disks=1), "received")
    storage_media.no_storage_found(world["tech_a"], device, {})
    db.session.commit()
    assert device.media[0].fate == "absent"
    assert _events(device, "no_storage_found")[0].payload["absent"] == device.media[0].serial
    assert lifecycle.perform(world["tech_a"], device, "wipe").to_status == "wiped"


def test_no_storage_found_is_refused_for_a_disk_that_was_wiped(world):
    device = _failed(world)
    with pytest.raises(Refused, match="was in the device"):
        storage_media.no_storage_found(world["tech_a"], device, {})


def test_a_returned_device_is_looked_at_again(world):
    device = world.register(disks=0)
    world.advance(device, "received")
    storage_media.no_storage_found(world["tech_a"], device, {})
    db.session.commit()
    world.advance(device, "ready")
    world.allocate(device)
    world.deliver(device)
    lifecycle.perform(world["tech_a"], device, "return", {"reason": "rendu"})
    db.session.commit()
    with pytest.raises(Refused, match="none was found"):
        lifecycle.perform(world["tech_a"], device, "wipe")


def test_added_media_join_the_guard_and_the_history(world):
    device = world.advance(world.register(disks=0), "received")
    medium = storage_media.add(world["tech_a"], device, {
        "kind": "nvme", "interface": "nvme", "brand": "Samsung", "model": "PM981",
        "serial": "S4EW123", "capacity_gb": "512"})
    db.session.commit()
    assert (medium.kind, medium.interface, medium.capacity_gb) == ("nvme", "nvme", 512)
    assert _events(device, "medium_added")[0].payload["medium"] == "S4EW123"
    with pytest.raises(Refused, match="S4EW123 has no passed"):
        lifecycle.perform(world["tech_a"], device, "wipe")
    with pytest.raises(InvalidInput, match="already has a storage medium"):
        storage_media.add(world["tech_a"], device, {"kind": "ssd", "serial": " s4ew123 "})
    with pytest.raises(InvalidInput) as invalid:
        storage_media.add(world["tech_a"], device, {"kind": "floppy", "capacity_gb": "7,5",
                                                    "colour": "red"})
    assert set(invalid.value.details["fields"]) == {"kind", "size_gb", "colour"}


@pytest.mark.parametrize("size", ["7,5", "7.5", "1E1", "-1", "0", 7.5, True])
def test_a_size_is_a_whole_number_never_rounded(world, size):
    device = world.advance(world.register(), "received")
    with pytest.raises(InvalidInput, match="whole number of gigabytes"):
        storage_media.correct(world["tech_a"], device, device.media[0].id, {"capacity_gb": size})
    db.session.rollback()
    assert device.media[0].capacity_gb == 256


def test_serial_and_size_are_corrected_only_before_a_passed_sanitisation(world):
    device = world.advance(world.register(), "received")
    medium = device.media[0]
    storage_media.correct(world["tech_a"], device, medium.id,
                          {"serial": "WD-REAL-01", "capacity_gb": "500", "interface": "sata"})
    db.session.commit()
    event, = _events(device, "medium_corrected")
    assert event.payload["serial"].endswith("→ WD-REAL-01") and event.payload["size_gb"] == "256 → 500"
    sanitisation.record(world["tech_a"], medium, method="clear", passed=True)
    db.session.commit()
    for change in ({"serial": "OTHER"}, {"capacity_gb": 1000}):
        with pytest.raises(Refused, match="already has a passed sanitisation record"):
            storage_media.correct(world["tech_a"], device, medium.id, change)
        db.session.rollback()
    storage_media.correct(world["tech_a"], device, medium.id, {"model": "WD5000", "serial": "WD-REAL-01"})
    db.session.commit()
    assert (medium.serial, medium.capacity_gb, medium.model) == ("WD-REAL-01", 500, "WD5000")
    with pytest.raises(InvalidInput, match="Nothing to correct"):
        storage_media.correct(world["tech_a"], device, medium.id, {"model": "WD5000"})


def test_technicians_act_at_their_workshop_while_the_device_is_received(world):
    device = world.advance(world.register(), "received")
    medium_id = device.media[0].id
    with pytest.raises(NotFound):
        storage_media.destroy(world["tech_b"], device, medium_id, DESTRUCTION)
    with pytest.raises(NotFound):
        storage_media.overview(world["tech_b"], device)
    with pytest.raises(NotFound):
        storage_media.destroy(world["tech_a"], device, 10**6, DESTRUCTION)
    for reader in ("coordinator", "admin"):
        assert storage_media.overview(world[reader], device)["media"][0]["id"] == medium_id
        with pytest.raises(NotPermitted):
            storage_media.remove(world[reader], device, medium_id, {"destination": "kept"})
    for outsider in ("structure_s", "donor_x", "collector_a"):
        with pytest.raises(NotPermitted):
            storage_media.overview(world[outsider], device)
    world.advance(device, "wiped")
    with pytest.raises(Refused, match="while the device is received"):
        storage_media.add(world["tech_a"], device, {"kind": "ssd"})
    with pytest.raises(Refused, match="while the device is received"):
        storage_media.destroy(world["tech_a"], device, medium_id, DESTRUCTION)
    db.session.rollback()
    assert not _events(device, "medium_destroyed") and not _events(device, "medium_added")


def test_a_media_change_moves_the_device_version(world):
    """A `wipe` decided on the media as they were a moment ago gets a conflict."""
    device = world.advance(world.register(), "received")
    seen = device.version
    storage_media.add(world["tech_a"], device, {"kind": "hdd"})
    db.session.commit()
    assert device.version == seen + 1
    from recond.errors import Conflict
    with pytest.raises(Conflict):
        lifecycle.perform(world["tech_a"], device, "wipe", expected_version=seen)
