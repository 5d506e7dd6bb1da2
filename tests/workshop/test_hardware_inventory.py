"""Reading hardware captures: real outputs of lshw, smartctl and dmidecode (tests/fixtures/
hardware/SOURCE.md says where each comes from) give the machine, its specs and its disks; a
disk on USB (the live key) or the live system's own is left out, with why."""
import importlib.util
import json
from pathlib import Path

import pytest

from recond.errors import InvalidInput
from recond.workshop import hardware_inventory

FIXTURES = Path(__file__).parents[1] / "fixtures" / "hardware"


def _read(name: str):
    return hardware_inventory.read((FIXTURES / name).read_bytes())


def test_a_laptop_with_its_live_key_plugged_in():
    inventory = _read("workbench-dell-latitude-e5530.lshw.json")
    assert (inventory.vendor, inventory.serial) == ("Dell Inc.", "D8FTRY1")
    assert inventory.cpu == "Intel Core i5-3340M @ 2.70GHz" and inventory.ram_gb == 8
    disk, = inventory.disks
    assert (disk.name, disk.serial, disk.model, disk.interface, disk.capacity_gb) == (
        "/dev/sda", "TF755AWHKL0LHM", "HGST HTS725050A7", "sata", 500)
    assert inventory.ignored == [{"name": "/dev/sdb", "model": "DataTraveler 3.0", "reason": "usb"}]


def test_a_machine_with_three_disks_keeps_the_internal_one():
    inventory = _read("workbench-acer-aspire-5737z.lshw.json")
    assert [(d.name, d.serial, d.capacity_gb) for d in inventory.disks] == [
        ("/dev/sda", "WD-WXN209S36759", 500)]
    assert sorted(i["name"] for i in inventory.ignored) == ["/dev/sdb", "/dev/sdc"]
    assert {i["reason"] for i in inventory.ignored} == {"usb"}


def test_the_live_key_mounted_as_the_live_medium_is_left_out():
    inventory = _read("workbench-hp-compaq-dc7900.lshw.json")
    assert [d.serial for d in inventory.disks] == ["6RX7AWEZ"]
    assert inventory.ignored[0]["name"] == "/dev/sdb"


def test_a_disk_without_a_serial_is_kept_without_one():
    """This machine's own capture (a virtual machine: a virtio disk with no serial, no size,
    no DMI table), as scripts/capture-hardware wrote it."""
    inventory = _read("firecracker-vm-virtio.capture.json")
    disk, = inventory.disks
    assert (disk.name, disk.serial, disk.size_bytes, disk.interface) == ("/dev/vda", None, None, "other")
    assert inventory.serial is None and inventory.ram_gb == 24
    assert inventory.sources == ["lshw", "dmidecode"]  # smartctl could not read a virtio disk


def test_an_nvme_disk_lshw_cannot_see_is_said():
    """lshw before B.02.19 lists the NVMe controller, not its disk: only smartctl reads it."""
    inventory = _read("workbench-xiaomi-tm1613-nvme.lshw.json")
    assert inventory.disks == [] and inventory.ignored[0]["reason"] == "nvme_unread"
    assert inventory.cpu == "Intel Core i5-6200U @ 2.30GHz" and inventory.ram_gb == 8


def test_an_nvme_disk_from_smartctl():
    report = json.loads((FIXTURES / "smartctl-exporter-toshiba-kxg60-nvme.smartctl.json").read_text())
    disk = hardware_inventory.read_smartctl(report)
    assert (disk.kind, disk.interface, disk.model, disk.capacity_gb) == (
        "nvme", "nvme", "KXG60ZNV512G TOSHIBA", 512)
    assert disk.serial == "REDACTED"  # as its publisher left it


def test_an_nvme_disk_listed_by_lshw_takes_its_controller_s_serial_model_and_maker():
    """A ThinkPad X1 Carbon 5th (eReuse Workbench, 2022): lshw B.02.19 lists the NVMe namespace
    as the disk without serial, model or maker; they are on its controller. The USB card
    reader's two empty slots are left out."""
    inventory = _read("workbench-thinkpad-x1-carbon-5-nvme.lshw.json")
    assert (inventory.vendor, inventory.version, inventory.serial) == (
        "LENOVO", "ThinkPad X1 Carbon 5th", "PF0QMY5N")
    assert (inventory.cpu, inventory.ram_gb) == ("Intel Core i7-7500U @ 2.70GHz", 16)
    disk, = inventory.disks
    assert (disk.name, disk.kind, disk.interface) == ("/dev/nvme0n1", "nvme", "nvme")
    assert (disk.serial, disk.model, disk.brand) == (
        "S35ANX0J401001", "SAMSUNG MZVLW1T0HMLH-000L7", "Samsung Electronics Co Ltd")
    assert (disk.size_bytes, disk.capacity_gb) == (1024209543168, 1024)
    assert inventory.ignored == [{"name": "/dev/sda", "model": "SD/MMC", "reason": "usb"},
                                 {"name": "/dev/sdb", "model": "Micro SD/M2", "reason": "usb"}]


def test_a_real_nvme_disk_gives_its_serial_from_smartctl():
    """The same machine's smartctl report (smartctl 7.2 -x --json=cosviu on /dev/nvme0n1): the
    serial is read from the drive itself, with no rotation rate to tell SSD from HDD."""
    report = json.loads((FIXTURES / "workbench-thinkpad-x1-carbon-5-nvme.smartctl.json").read_text())
    disk = hardware_inventory.read_smartctl(report)
    assert (disk.name, disk.kind, disk.interface) == ("/dev/nvme0n1", "nvme", "nvme")
    assert (disk.model, disk.serial) == ("SAMSUNG MZVLW1T0HMLH-000L7", "S35ANX0J401001")
    assert (disk.size_bytes, disk.capacity_gb) == (1024209543168, 1024)


def test_a_real_capture_bundle_merges_lshw_and_smartctl_into_one_nvme_medium():
    """The bundle capture-hardware writes, built by make_bundles.py from the two raw outputs
    above: one NVMe medium, not two, with the drive's serial."""
    inventory = _read("workbench-thinkpad-x1-carbon-5-nvme.capture.json")
    assert inventory.sources == ["lshw", "smartctl"]
    assert [(d.name, d.kind, d.interface, d.serial, d.model, d.capacity_gb) for d in inventory.disks] == [
        ("/dev/nvme0n1", "nvme", "nvme", "S35ANX0J401001", "SAMSUNG MZVLW1T0HMLH-000L7", 1024)]
    assert [i["name"] for i in inventory.ignored] == ["/dev/sda", "/dev/sdb"]


def test_two_sata_disks_and_an_nvme_disk_of_a_virtual_machine():
    """A qemu machine booted on a USB key (make_vm_capture.sh), as capture-hardware wrote it
    with Debian 12's lshw, smartctl and dmidecode on kernel 6.1. lshw lists the NVMe drive's
    generic character device /dev/ng0n1 as one more disk with the drive's serial: not a disk.
    smartctl gives the SATA disks' whole model (lshw cuts it) and the SSD's rotation rate."""
    inventory = _read("qemu-two-sata-nvme.capture.json")
    assert (inventory.vendor, inventory.product, inventory.serial) == (
        "QEMU", "Standard PC", "RCVM2S1N0001")
    assert inventory.sources == ["lshw", "dmidecode", "smartctl"]
    assert [(d.name, d.kind, d.interface, d.serial, d.model, d.size_bytes)
            for d in inventory.disks] == [
        ("/dev/nvme0n1", "nvme", "nvme", "S4EWNX0R402117", "QEMU NVMe Ctrl", 3 * 2**30),
        ("/dev/sda", "hdd", "sata", "WD-WCC2EHN42891", "WDC WD5000AAKX-08U6AA0", 2 * 2**30),
        ("/dev/sdb", "ssd", "sata", "S3YHNX0M507218W", "Samsung SSD 860 EVO 250GB", 2**30)]
    assert inventory.ignored == [{"name": "/dev/sdc", "model": "QEMU HARDDISK", "reason": "usb"}]


def test_the_bundles_are_what_make_bundles_builds():
    """A bundle is never edited by hand: it is exactly what the script builds from the raw
    outputs."""
    spec = importlib.util.spec_from_file_location("make_bundles", FIXTURES / "make_bundles.py")
    make_bundles = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_bundles)
    for name, (lshw, smartctl) in make_bundles.BUNDLES.items():
        assert (FIXTURES / name).read_text() == make_bundles.bundle(lshw, smartctl)


def test_smartctl_s_unreadable_disk_adds_nothing():
    capture = json.loads((FIXTURES / "firecracker-vm-virtio.capture.json").read_text())
    assert hardware_inventory.read_smartctl(capture["smartctl"][0]) is None


def test_placeholder_serials_are_no_serial():
    assert _read("workbench-virtualbox-no-disk.lshw.json").serial is None  # "0"
    assert _read("workbench-virtualbox-no-disk.lshw.json").disks == []


@pytest.mark.parametrize("full,design,health", [
    ("41440000", "62160000", 67), ("5000000", "4800000", 100), ("", "62160000", None)])
def test_battery_health_is_what_it_holds_against_what_it_held_new(full, design, health):
    assert hardware_inventory.battery_health(full, design) == health


@pytest.mark.parametrize("content,code", [
    (b"\x89PNG\r\n\x1a\n", "not_json"), (b"{\"class\": \"bus\"}", "not_a_capture"),
    (b"[1, 2]", "not_a_capture"), (b"[" * 200000 + b"]" * 200000, "not_a_capture"),
    (b'{"class": "system", "children": [' * 5000 + b"{}" + b"]}" * 5000, "not_a_capture"), (b"{\"format\": \"recond-capture/1\", \"lshw\": 3}", "not_a_capture")])
def test_a_file_that_is_not_a_capture_is_refused(content, code):
    with pytest.raises(InvalidInput) as refused:
        hardware_inventory.read(content)
    assert refused.value.code == code
