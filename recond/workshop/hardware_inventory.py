"""Hardware captures read into an inventory: what the machine says about itself.

A capture is the JSON file `scripts/capture-hardware` writes on the machine (lshw's tree, one
`smartctl --json -a` report per disk, dmidecode's text, the kernel's battery counters), or a
bare `lshw -json` file. Reading it writes nothing; `hardware_capture` decides what to keep.

Disks come from lshw and smartctl, merged by device name: smartctl's serial wins, as it is
the drive's own identify data, the same bytes nwipe prints in its log. A disk on USB is not
the machine's (the live key the technician booted, a stick left in): it is listed, not kept;
so is a disk the live system runs from.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from recond.errors import InvalidInput

FORMAT = "recond-capture/1"
# Where live systems mount the medium they booted from (Debian live, older live-boot, Ubuntu,
# Fedora, Arch): a disk mounted there is the technician's key, not the donor's disk.
LIVE_MOUNTS = ("/run/live/medium", "/lib/live/mount/medium", "/cdrom", "/run/initramfs/live",
               "/run/archiso/bootmnt")
# An NVMe namespace's generic character device (kernels from 5.13): lshw B.02.19 lists it as
# one more disk of the drive, with the controller's serial. The disk is /dev/nvme0n1.
_NVME_GENERIC = re.compile(r"^/dev/ng\d+n\d+$")
# Serial numbers firmware prints when the maker left the field empty.
_PLACEHOLDER = re.compile(r"^(|0+|none|n/?a|not (specified|applicable|available)|default string|"
                          r"system serial number|chassis serial number|serial number|"
                          r"to be filled by o\.?e\.?m\.?|.*123456789.*|x+)$", re.IGNORECASE)


@dataclass
class Disk:
    name: str                     # /dev/sda, /dev/nvme0n1
    kind: str = "hdd"             # the storage-media kinds: hdd, ssd, nvme, emmc
    interface: str | None = None  # sata, nvme, sas, ide, usb, emmc, other
    brand: str = ""
    model: str = ""
    serial: str | None = None
    size_bytes: int | None = None

    @property
    def capacity_gb(self) -> int | None:
        """Decimal gigabytes, rounded, as drives are sold (a 500107862016-byte disk: 500)."""
        return round(self.size_bytes / 10**9) if self.size_bytes else None


@dataclass
class Inventory:
    vendor: str = ""
    product: str = ""                   # lshw's product, without the SKU it adds in brackets
    version: str = ""                   # where some makers write the model (ThinkPad X1…)
    serial: str | None = None           # the machine's, when it is a real one
    cpu: str = ""
    ram_gb: int | None = None
    screen_resolution: str = ""
    battery_health: int | None = None   # percent of the design capacity it still holds
    disks: list[Disk] = field(default_factory=list)
    ignored: list[dict[str, str]] = field(default_factory=list)  # disks seen, not kept, why
    sources: list[str] = field(default_factory=list)             # lshw, smartctl, dmidecode…

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for disk, kept in zip(data["disks"], self.disks):
            disk["capacity_gb"] = kept.capacity_gb
        return data


def read(content: bytes) -> Inventory:
    """The inventory in a capture file; a file that is not one is refused with why."""
    try:
        return _read(content)
    except RecursionError:  # JSON nested deeper than any machine's tree: not a capture
        raise _not_a_capture() from None


def _read(content: bytes) -> Inventory:
    try:
        # A drive or firmware may give bytes that are not UTF-8, which lshw copies as they are:
        # they read as U+FFFD, and such a serial as unreadable (as nwipe reports it).
        data = json.loads(content.decode("utf-8-sig", errors="replace"))
    except ValueError:
        raise InvalidInput(_l("This file is not JSON: upload the file the capture command "
                              "wrote (or the output of lshw -json)."), code="not_json") from None
    if isinstance(data, dict) and data.get("format") == FORMAT:
        lshw, smart = data.get("lshw"), data.get("smartctl") or []
        dmidecode, batteries = data.get("dmidecode") or "", data.get("batteries") or []
    else:
        lshw, smart, dmidecode, batteries = data, [], "", []
    if isinstance(lshw, list) and len(lshw) == 1:  # lshw from B.02.19 prints a list
        lshw = lshw[0]
    if not (isinstance(lshw, dict) and lshw.get("class") == "system"
            and isinstance(smart, list) and isinstance(batteries, list)
            and isinstance(dmidecode, str)):
        raise _not_a_capture()
    inventory = Inventory(sources=["lshw"])
    _read_system(lshw, inventory)
    _read_dmidecode(dmidecode, inventory)
    disks = {d.name: d for d in _lshw_disks(lshw, inventory)}
    for report in smart:
        disk = read_smartctl(report) if isinstance(report, dict) else None
        if disk is None:
            continue
        inventory.sources.append("smartctl") if "smartctl" not in inventory.sources else None
        known = disks.get(disk.name) or disks.get(_namespace(disk.name))
        if known is None and disk.name not in {i["name"] for i in inventory.ignored}:
            disks[disk.name] = disk
        elif known is not None:
            _merge(known, disk)
    inventory.disks = sorted(disks.values(), key=lambda d: d.name)
    inventory.battery_health = _battery_health(batteries)
    return inventory


def read_smartctl(report: dict[str, Any]) -> Disk | None:
    """A disk from one `smartctl --json -a` report; None when smartctl could not read it."""
    device = report.get("device") if isinstance(report.get("device"), dict) else {}
    name = str(device.get("name") or "")
    if not name or not (report.get("serial_number") or report.get("user_capacity")
                        or report.get("nvme_total_capacity")):
        return None  # "Unable to detect device type" and the like: nothing to keep
    protocol = str(device.get("protocol") or "").lower()
    interface = {"nvme": "nvme", "ata": "sata", "scsi": "sas"}.get(protocol, "other")
    if "usb" in str(device.get("type") or "").lower():
        interface = "usb"
    capacity = report.get("user_capacity") or {}
    size = capacity.get("bytes") if isinstance(capacity, dict) else None
    rotation = report.get("rotation_rate")
    kind = "nvme" if interface == "nvme" else \
        "ssd" if rotation == 0 or "ssd" in str(report.get("model_name", "")).lower() else "hdd"
    return Disk(name=name, kind=kind, interface=interface,
                brand=_text(report.get("model_family")), model=_text(report.get("model_name")),
                serial=_serial(report.get("serial_number")),
                size_bytes=_int(size) or _int(report.get("nvme_total_capacity")))


def battery_health(full: Any, design: Any) -> int | None:
    """What a battery holds now, in percent of what it held new (at most 100)."""
    full, design = _int(full), _int(design)
    if not full or not design:
        return None
    return min(100, round(100 * full / design))


def _not_a_capture() -> InvalidInput:
    return InvalidInput(_l("This JSON file is not a hardware capture: Recond reads the file "
                           "the capture command writes, or the output of lshw -json."),
                        code="not_a_capture")


# --- lshw ---------------------------------------------------------------------------------------

def _read_system(lshw: dict[str, Any], inventory: Inventory) -> None:
    inventory.vendor = _text(lshw.get("vendor"))
    inventory.product = re.sub(r"\s*\([^)]*\)$", "", _text(lshw.get("product")))
    inventory.version = _text(lshw.get("version"))
    inventory.serial = _serial(lshw.get("serial"))
    memory = banks = 0
    for node, _ in _walk(lshw):
        kind = node.get("class")
        if kind == "processor" and not inventory.cpu and node.get("product"):
            inventory.cpu = _cpu_name(node["product"])
        elif kind == "memory" and node.get("id") == "memory" and _int(node.get("size")):
            memory = max(memory, _int(node["size"]) or 0)
        elif kind == "memory" and str(node.get("id", "")).startswith("bank"):
            banks += _int(node.get("size")) or 0
        elif kind == "display" and not inventory.screen_resolution:
            resolution = (node.get("configuration") or {}).get("resolution", "")
            if re.fullmatch(r"\d+,\d+", str(resolution)):
                inventory.screen_resolution = " × ".join(resolution.split(","))
    total = memory or banks
    inventory.ram_gb = round(total / 2**30) or None if total else None  # memory is sold in GiB


def _lshw_disks(lshw: dict[str, Any], inventory: Inventory) -> list[Disk]:
    disks = []
    for node, parents in _walk(lshw):
        if node.get("class") != "disk" or node.get("id") == "medium":
            continue
        names = _names(node)
        device = next((n for n in names if n.startswith("/dev/") and not _NVME_GENERIC.match(n)),
                      "")
        if not device or _is_optical(node, device):
            continue
        controller = parents[-1] if parents else {}
        if any(str(p.get("businfo", "")).startswith("usb@") for p in parents) \
                or str(node.get("businfo", "")).startswith("usb@"):
            inventory.ignored.append({"name": device, "model": _text(node.get("product")),
                                      "reason": "usb"})
            continue
        if any(n in LIVE_MOUNTS for n in names):
            inventory.ignored.append({"name": device, "model": _text(node.get("product")),
                                      "reason": "live"})
            continue
        serial = _serial(node.get("serial"))
        if serial is None and str(controller.get("id", "")).startswith("nvme"):
            serial = _serial(controller.get("serial"))  # lshw puts it on the controller
        nvme = device.startswith("/dev/nvme")
        interface = "nvme" if nvme else "emmc" if device.startswith("/dev/mmcblk") else \
            "sata" if "ATA" in str(node.get("description", "")) else \
            "ide" if device.startswith("/dev/hd") else "other"
        # lshw from B.02.19 puts an NVMe disk's maker and model on its controller, not on the
        # namespace it lists as the disk.
        model = _text(node.get("product")) or _text(controller.get("product")) if nvme \
            else _text(node.get("product"))
        brand = _text(node.get("vendor")) or _text(controller.get("vendor")) if nvme \
            else _text(node.get("vendor"))
        kind = "nvme" if nvme else "emmc" if interface == "emmc" else \
            "ssd" if "ssd" in model.lower() else "hdd"
        size = _int(node.get("size")) if node.get("units", "bytes") == "bytes" else None
        disks.append(Disk(name=device, kind=kind, interface=interface,
                          brand=brand, model=model, serial=serial,
                          size_bytes=size))
    if not disks and any(n.get("class") == "storage" and
                         (n.get("configuration") or {}).get("driver") == "nvme"
                         for n, _ in _walk(lshw)):
        # lshw before B.02.19 sees an NVMe controller but not its disk: only smartctl does.
        inventory.ignored.append({"name": "nvme", "model": "", "reason": "nvme_unread"})
    return disks


def _walk(node: dict[str, Any], parents: tuple = ()):
    yield node, parents
    for child in node.get("children") or []:
        if isinstance(child, dict):
            yield from _walk(child, parents + (node,))


def _names(node: dict[str, Any]) -> list[str]:
    names = node.get("logicalname") or []
    return [str(n) for n in (names if isinstance(names, list) else [names])]


def _is_optical(node: dict[str, Any], device: str) -> bool:
    return device.startswith(("/dev/sr", "/dev/cdrom")) or node.get("id") == "cdrom" or \
        any(word in str(node.get("description", "")) for word in ("DVD", "CD-ROM", "CD-R"))


# --- smartctl, dmidecode, batteries -------------------------------------------------------------

def _merge(disk: Disk, report: Disk) -> None:
    """smartctl's word over lshw's: it reads the drive's identify data itself."""
    disk.serial = report.serial or disk.serial
    disk.model = report.model or disk.model
    disk.brand = report.brand or disk.brand
    disk.size_bytes = report.size_bytes or disk.size_bytes
    if report.interface not in (None, "other"):
        disk.interface = report.interface
    if disk.kind != "nvme":
        disk.kind = report.kind


def _namespace(controller: str) -> str:
    """smartctl names an NVMe drive by its controller (/dev/nvme0), lshw by its namespace."""
    return controller + "n1" if re.fullmatch(r"/dev/nvme\d+", controller) else controller


def _read_dmidecode(text: str, inventory: Inventory) -> None:
    """lshw leaves the machine's identity empty when it cannot read the DMI tables itself."""
    if not text.strip():
        return
    inventory.sources.append("dmidecode")
    section = re.search(r"^System Information\n((?:\t.*\n?)+)", text, re.MULTILINE)
    if not section:
        return
    fields = dict(re.findall(r"^\t([^:\n]+):[ \t]*(.*)$", section.group(1), re.MULTILINE))
    inventory.vendor = inventory.vendor or _text(fields.get("Manufacturer"))
    inventory.product = inventory.product or _text(fields.get("Product Name"))
    inventory.serial = inventory.serial or _serial(fields.get("Serial Number"))


def _battery_health(batteries: list[Any]) -> int | None:
    found = [battery_health(b.get("energy_full") or b.get("charge_full"),
                            b.get("energy_full_design") or b.get("charge_full_design"))
             for b in batteries if isinstance(b, dict)]
    found = [h for h in found if h is not None]
    return min(found) if found else None  # the worst battery is the one the grade needs


# --- values -------------------------------------------------------------------------------------

def _cpu_name(product: str) -> str:
    """'Intel(R) Core(TM) i5-6200U CPU @ 2.30GHz' -> 'Intel Core i5-6200U @ 2.30GHz': short
    enough for a product label, the words a buyer reads."""
    name = re.sub(r"\((R|TM|tm|r)\)|\bCPU\b", " ", product)
    return " ".join(name.split())[:200]


def _serial(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    if _PLACEHOLDER.match(text) or not text.isprintable() or "\ufffd" in text:
        return None
    return text[:100]


def _text(value: Any) -> str:
    return " ".join(str(value).split())[:200] if value is not None else ""


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else \
        int(value) if isinstance(value, str) and value.strip().isdigit() and int(value) > 0 \
        else None


__all__ = ["FORMAT", "Disk", "Inventory", "LIVE_MOUNTS", "battery_health", "read",
           "read_smartctl"]
