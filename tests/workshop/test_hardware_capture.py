"""Hardware captures applied to devices: specs and storage media filled from real captures, a
manifest's device found by its serial with the differences listed, nwipe's log of the same
machine then proposing each captured disk on its own, bad files refused with nothing written,
and organisation scope."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from recond.collection.manifests import importer
from recond.errors import InvalidInput, NotFound, NotPermitted, Refused, TooLarge
from recond.extensions import db
from recond.models import Device, DeviceEvent, HardwareCapture, StorageMedium
from recond.workshop import hardware_capture, wipe_evidence

FIXTURES = Path(__file__).parents[1] / "fixtures"
DELL = "workbench-dell-latitude-e5530.lshw.json"
X1 = "workbench-thinkpad-x1-carbon-5-nvme.capture.json"  # lshw + smartctl of an NVMe laptop
# A qemu machine with two SATA disks and an NVMe disk, booted on a USB key, and nwipe's log of
# the same three drives in the same run (make_vm_capture.sh): the serials are the ones qemu
# was told to report, the files are the tools' own output.
VM = "qemu-two-sata-nvme.capture.json"
VM_LOG = "qemu-two-sata-nvme-zero.log"
VM_DISKS = {  # name: (serial, model, kind, interface, capacity_gb)
    "/dev/nvme0n1": ("S4EWNX0R402117", "QEMU NVMe Ctrl", "nvme", "nvme", 3),
    "/dev/sda": ("WD-WCC2EHN42891", "WDC WD5000AAKX-08U6AA0", "hdd", "sata", 2),
    "/dev/sdb": ("S3YHNX0M507218W", "Samsung SSD 860 EVO 250GB", "ssd", "sata", 1),
}
# What a donor company declares, as its manifest says it: the Latitude E5530 whose real lshw
# output is the fixture above, declared with less memory and a smaller disk than it has.
MANIFEST = (b"Serial Number,Brand,Model,Category,RAM,Storage,CPU\n"
            b"D8FTRY1,Dell,Latitude E5530,Laptop,4GB,320GB,i5-3340M\n")


def _capture(name: str) -> bytes:
    return (FIXTURES / "hardware" / name).read_bytes()


def _received(world, serial=None, media=()):
    """A device received at workshop A, registered by hand with these disks."""
    from recond import lifecycle
    device = lifecycle.register(world["collector_a"], world.deposits["a"], category="laptop",
                                brand="", model="", serial=serial, specs={}, media=list(media))
    db.session.commit()
    return world.advance(device, "received")


def _from_manifest(world) -> Device:
    device_import = importer.upload(world["collector_a"], world.deposits["a"], "dons.csv", MANIFEST)
    importer.import_rows(world["collector_a"], device_import, all_or_nothing=True)
    db.session.commit()
    device = db.session.scalar(select(Device).where(Device.serial == "D8FTRY1"))
    return world.advance(device, "received")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("name,serials,cpu,ram", [
    (DELL, ["TF755AWHKL0LHM"], "Intel Core i5-3340M @ 2.70GHz", 8),
    ("workbench-acer-aspire-5737z.lshw.json", ["WD-WXN209S36759"],
     "Intel Core 2 Duo T6400 @ 2.00GHz", 4),
    ("workbench-hp-compaq-dc7900.lshw.json", ["6RX7AWEZ"], "Intel Core 2 Duo E8400 @ 3.00GHz", 2),
    ("firecracker-vm-virtio.capture.json", [None], "AMD EPYC", 24),
    (X1, ["S35ANX0J401001"], "Intel Core i7-7500U @ 2.70GHz", 16),
    (VM, [v[0] for v in VM_DISKS.values()], "QEMU TCG version 2.5+", 1),
])
def test_each_capture_fills_specs_and_media(world, name, serials, cpu, ram):
    device = _received(world)
    captured = hardware_capture.receive(world["tech_a"], name, _capture(name), device.public_id)
    db.session.commit()
    assert not captured.known and captured.capture.sha256 and captured.capture.content == _capture(name)
    assert device.specs["cpu"] == cpu and device.specs["ram_gb"] == ram
    assert [m.serial for m in device.media] == serials
    assert all(m["action"] == "added" for m in captured.capture.outcome["media"])
    event = db.session.scalar(select(DeviceEvent).where(
        DeviceEvent.device_id == device.id, DeviceEvent.action == "hardware_captured"))
    assert event.payload["sha256"] == captured.capture.sha256


def test_an_nvme_disk_becomes_an_nvme_medium_with_the_drive_s_serial(world):
    device = _received(world)
    hardware_capture.receive(world["tech_a"], X1, _capture(X1), device.public_id)
    db.session.commit()
    medium, = device.media
    assert (medium.kind, medium.interface, medium.serial, medium.capacity_gb) == (
        "nvme", "nvme", "S35ANX0J401001", 1024)
    assert (medium.brand, medium.model) == ("Samsung Electronics Co Ltd", "SAMSUNG MZVLW1T0HMLH-000L7")


def test_two_sata_disks_and_an_nvme_disk_each_become_one_medium(world):
    """The NVMe drive once (lshw also lists its generic character device /dev/ng0n1 as a
    disk), each SATA disk with smartctl's full model, and the USB key the machine booted from
    left out."""
    device = _received(world)
    captured = hardware_capture.receive(world["tech_a"], VM, _capture(VM), device.public_id)
    db.session.commit()
    assert {m.serial: (m.model, m.kind, m.interface, m.capacity_gb) for m in device.media} == {
        serial: tuple(rest) for serial, *rest in VM_DISKS.values()}
    assert [m["name"] for m in captured.capture.outcome["media"]] == list(VM_DISKS)
    assert captured.capture.inventory["ignored"] == [
        {"name": "/dev/sdc", "model": "QEMU HARDDISK", "reason": "usb"}]
    assert device.specs == {"cpu": "QEMU TCG version 2.5+", "ram_gb": 1, "storage_gb": 6,
                            "screen_resolution": "1280 × 800"}
    assert device.serial == "RCVM2S1N0001"  # from the machine's SMBIOS table


def test_a_manifest_device_is_found_by_serial_completed_and_its_differences_listed(world):
    device = _from_manifest(world)
    declared, = device.media
    assert declared.serial is None and declared.capacity_gb == 320
    captured = hardware_capture.receive(world["tech_a"], "e5530.json", _capture(DELL))  # no ID
    db.session.commit()
    assert captured.capture.device_id == device.id
    medium, = device.media  # the declared disk, completed: not a second one
    assert medium.id == declared.id
    assert (medium.serial, medium.model, medium.interface, medium.capacity_gb) == (
        "TF755AWHKL0LHM", "HGST HTS725050A7", "sata", 500)
    assert device.specs == {"cpu": "Intel Core i5-3340M @ 2.70GHz", "ram_gb": 8,
                            "storage_gb": 500}
    differences = {d["field"]: (d["declared"], d["captured"])
                   for d in captured.capture.outcome["differences"]}
    assert differences == {"ram_gb": ("4", "8"), "storage_gb": ("320", "500"),
                           "media": ("320 GB", "500 GB (TF755AWHKL0LHM)")}
    assert captured.capture.inventory["ignored"][0]["reason"] == "usb"  # the live key


def test_nwipe_then_proposes_the_captured_disks_on_its_own(world):
    """The capture and the nwipe log of the same machine's drives, both unedited: the device
    is found by the machine's serial, then each drive of the log by its serial, with no
    technician's choice, and recorded without a reason to give (sizes and serials agree)."""
    device = _received(world, serial="RCVM2S1N0001")
    hardware_capture.receive(world["tech_a"], "vm.json", _capture(VM))  # no ID: by serial
    db.session.commit()
    by_serial = {m.serial: m.id for m in device.media}
    log = (FIXTURES / "nwipe" / VM_LOG).read_bytes()
    evidence = wipe_evidence.receive(world["tech_a"], VM_LOG, log).evidence
    proposed = wipe_evidence.proposals(world["tech_a"], evidence)
    assert proposed == {name: by_serial[serial] for name, (serial, *_) in VM_DISKS.items()}
    records = wipe_evidence.assign(world["tech_a"], evidence, proposed)
    assert sorted(r.drive for r in records) == sorted(VM_DISKS)
    assert all(r.passed and not r.matched_by_hand for r in records)


def test_a_loop_device_s_log_is_matched_by_hand(world):
    """nwipe's logs of loop devices give no serial as text: nothing is proposed."""
    _from_manifest(world)
    hardware_capture.receive(world["tech_a"], "e5530.json", _capture(DELL))
    db.session.commit()
    real = (FIXTURES / "nwipe" / "zero-one-drive.log").read_bytes()
    as_is = wipe_evidence.receive(world["tech_a"], "as-is.log", real).evidence
    assert wipe_evidence.proposals(world["tech_a"], as_is) == {"/dev/loop0": None}


def test_the_same_file_again_is_the_same_capture(world):
    device = _received(world)
    first = hardware_capture.receive(world["tech_a"], "a.json", _capture(DELL), device.public_id)
    db.session.commit()
    again = hardware_capture.receive(world["tech_a"], "b.json", _capture(DELL), device.public_id)
    assert again.known and again.capture.id == first.capture.id
    assert len(device.media) == 1 and _count(HardwareCapture) == 1


def test_another_machine_than_the_device_is_refused_and_nothing_written(world):
    device = _received(world, serial="CZC901381R", media=[{"kind": "hdd", "capacity_gb": 160}])
    with pytest.raises(Refused) as refused:
        hardware_capture.receive(world["tech_a"], "x.json", _capture(DELL), device.public_id)
    assert refused.value.code == "wrong_device" and "D8FTRY1" in str(refused.value.message)
    db.session.rollback()
    assert _count(HardwareCapture) == 0 and device.media[0].serial is None and device.specs == {}


@pytest.mark.parametrize("content,error,code", [
    (b"nwipe log\n", InvalidInput, "not_json"),
    (b"{\"nodes\": []}", InvalidInput, "not_a_capture"),
    (b"   ", InvalidInput, "empty_file"),
])
def test_bad_files_are_refused(world, content, error, code):
    device = _received(world)
    with pytest.raises(error) as refused:
        hardware_capture.receive(world["tech_a"], "bad", content, device.public_id)
    assert refused.value.code == code
    assert _count(HardwareCapture) == 0


def test_an_oversized_file_is_refused(world):
    device = _received(world)
    padded = _capture(DELL) + b" " * hardware_capture.MAX_BYTES  # still JSON, too large
    with pytest.raises(TooLarge):
        hardware_capture.receive(world["tech_a"], "big.json", padded, device.public_id)


def test_without_an_id_a_capture_without_serial_or_unknown_serial_says_what_to_do(world):
    with pytest.raises(InvalidInput) as refused:
        hardware_capture.receive(world["tech_a"], "vm.json", _capture("firecracker-vm-virtio.capture.json"))
    assert refused.value.code == "device_needed"
    with pytest.raises(NotFound) as refused:
        hardware_capture.receive(world["tech_a"], "dell.json", _capture(DELL))
    assert refused.value.code == "no_such_serial"


def test_another_workshop_s_device_is_not_found(world):
    device = _received(world)
    with pytest.raises(NotFound):
        hardware_capture.receive(world["tech_b"], "x.json", _capture(DELL), device.public_id)
    _from_manifest(world)  # serial D8FTRY1, at workshop A: workshop B does not find it either
    with pytest.raises(NotFound):
        hardware_capture.receive(world["tech_b"], "x.json", _capture(DELL))
    captured = hardware_capture.receive(world["tech_a"], "x.json", _capture(DELL), device.public_id)
    db.session.commit()
    with pytest.raises(NotFound):
        hardware_capture.get(world["tech_b"], captured.capture.id)
    assert hardware_capture.get(world["coordinator"], captured.capture.id).id == captured.capture.id


def test_only_technicians_capture_and_only_at_the_workshop(world):
    device = _received(world)
    with pytest.raises(NotPermitted):
        hardware_capture.receive(world["coordinator"], "x.json", _capture(DELL), device.public_id)
    registered = world.register()
    with pytest.raises(Refused) as refused:
        hardware_capture.receive(world["tech_a"], "x.json", _capture(DELL), registered.public_id)
    assert refused.value.code == "wrong_status"
    assert _count(StorageMedium) == 1  # the registered device's own disk, nothing added
