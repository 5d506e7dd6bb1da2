"""From an nwipe log to sanitisation records, and the wipe guard that reads them."""
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select

from recond import lifecycle
from recond.workshop import sanitisation, wipe_evidence
from recond.errors import InvalidInput, NotFound, NotPermitted, Refused
from recond.extensions import db
from recond.models import SanitisationRecord

LOGS = Path(__file__).parents[1] / "fixtures" / "nwipe"


def _upload(world, name, user="tech_a"):
    content = (LOGS / name).read_bytes()
    evidence = wipe_evidence.upload(world[user], name, content)
    db.session.commit()
    return evidence, content


def test_a_real_log_wipes_a_laptop(world):
    device = world.advance(world.register(capacity_gb=None), "received")
    evidence, content = _upload(world, "zero-one-drive.log")
    assert evidence.sha256 == hashlib.sha256(content).hexdigest() and evidence.content == content
    assert wipe_evidence.proposals(world["tech_a"], evidence) == {"/dev/loop0": None}  # unreadable serial
    [record] = wipe_evidence.assign(world["tech_a"], evidence, {"/dev/loop0": device.media[0].id})
    assert (record.passed, record.method, record.verification, record.rounds) == (True, "clear", "last_pass", 1)
    assert record.tool == "nwipe 0.33" and record.evidence_id == evidence.id and record.started_at
    lifecycle.perform(world["tech_a"], device, "wipe")
    assert device.status == "wiped"


def test_one_log_covers_drives_of_several_devices_and_a_failure_blocks(world):
    laptops = [world.advance(world.register(capacity_gb=None), "received") for _ in range(3)]
    evidence, _ = _upload(world, "prng-three-drives-one-failed.log")
    wipe_evidence.assign(world["tech_a"], evidence, {
        "/dev/loop0": laptops[0].media[0].id, "/dev/loop1": laptops[1].media[0].id,
        "/dev/loop2": laptops[2].media[0].id})
    db.session.commit()
    failed = db.session.scalar(select(SanitisationRecord).where(SanitisationRecord.drive == "/dev/loop2"))
    assert failed.passed is False and failed.errors["status"] == "-FAILED-" and failed.errors["sync_errors"] == 2
    lifecycle.perform(world["tech_a"], laptops[0], "wipe")
    lifecycle.perform(world["tech_a"], laptops[1], "wipe")
    with pytest.raises(Refused, match="destroyed"):
        lifecycle.perform(world["tech_a"], laptops[2], "wipe")
    # the failed disk goes to the shredder; its certificate of destruction is the record
    sanitisation.record(world["tech_a"], laptops[2].media[0], method="destroy", passed=True,
                        technique="shredding")
    lifecycle.perform(world["tech_a"], laptops[2], "wipe")


def test_a_readable_serial_is_matched_automatically(world):
    device = world.advance(world.register(capacity_gb=None), "received")
    evidence, _ = _upload(world, "zero-one-drive.log")
    # Loop devices report no serial; a real drive does. Give the drive the disk's serial as a
    # ShredOS box reading a real SATA disk would have logged it.
    evidence.drives = [dict(evidence.drives[0], serial=device.media[0].serial.lower())]
    assert wipe_evidence.proposals(world["tech_a"], evidence) == {"/dev/loop0": device.media[0].id}


def test_a_drive_is_recorded_once_and_on_one_medium(world):
    a, b = (world.advance(world.register(capacity_gb=None), "received") for _ in range(2))
    evidence, _ = _upload(world, "prng-three-drives-one-failed.log")
    with pytest.raises(InvalidInput, match="same storage medium"):
        wipe_evidence.assign(world["tech_a"], evidence, {"/dev/loop0": a.media[0].id,
                                                          "/dev/loop1": a.media[0].id})
    with pytest.raises(InvalidInput, match="no drive"):
        wipe_evidence.assign(world["tech_a"], evidence, {"/dev/sdz": a.media[0].id})
    wipe_evidence.assign(world["tech_a"], evidence, {"/dev/loop0": a.media[0].id})
    with pytest.raises(Refused, match="already recorded"):
        wipe_evidence.assign(world["tech_a"], evidence, {"/dev/loop0": b.media[0].id})


def test_workshops_keep_to_their_own_logs_and_media(world):
    theirs = world.advance(world.register(lot="b", capacity_gb=None), "received")
    evidence, _ = _upload(world, "zero-one-drive.log")
    with pytest.raises(NotFound):
        wipe_evidence.assign(world["tech_a"], evidence, {"/dev/loop0": theirs.media[0].id})
    with pytest.raises(NotFound):
        wipe_evidence.get_evidence(world["tech_b"], evidence.id)
    with pytest.raises(NotPermitted):
        wipe_evidence.upload(world["collector_a"], "x.log", (LOGS / "zero-one-drive.log").read_bytes())
    assert theirs.media[0] not in wipe_evidence.open_media(world["tech_a"])


def test_only_received_devices_take_records(world):
    ready = world.device("ready")
    evidence, _ = _upload(world, "zero-one-drive.log")
    with pytest.raises(Refused):
        wipe_evidence.assign(world["tech_a"], evidence, {"/dev/loop0": ready.media[0].id})
