"""Hardware captures at the workshop: the inventory a machine wrote about itself fills the
device's specs and storage media, and is kept as evidence with its SHA-256.

The device is the one the technician names, or the one whose serial number the machine
gives (a device registered from a donor's manifest is found that way). What the machine says
wins over what was typed; where it disagrees with what the donor declared, the capture keeps
both and the page lists the differences. A disk the manifest declared without a serial is
completed with the drive's serial, model and interface, so that nwipe's log — which prints
the same serial — then proposes that medium on its own (`wipe_evidence.proposals`).

Everything is checked before anything is written: a file that is not a capture, too large,
of another machine, or a device not at the workshop is refused and nothing is kept.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from recond import capabilities, lifecycle, scopes
from recond.errors import InvalidInput, NotFound, Refused, TooLarge
from recond.extensions import db
from recond.models import Device, HardwareCapture, StorageMedium, User
from recond.workshop import hardware_inventory, sanitisation, storage_media
from recond.workshop.hardware_inventory import Disk, Inventory

# Real captures weigh 15 to 300 kB (lshw's tree, a few smartctl reports, dmidecode's text).
MAX_BYTES = 5 * 1024 * 1024
SPECS = ("cpu", "ram_gb", "storage_gb", "screen_resolution", "battery_health")
IGNORED_LABELS = {
    "usb": _l("on USB: the live key or a disk left plugged in, not the machine's own"),
    "live": _l("the disk the live system runs from"),
    "nvme_unread": _l("lshw saw an NVMe controller but not its disk: run the capture "
                      "command, which adds smartctl's report of it"),
}
ACTION_LABELS = {"added": _l("added"), "completed": _l("completed"), "unchanged": _l("unchanged")}
FIELD_LABELS = {"brand": _l("Brand"), "model": _l("Model"), "serial": _l("Serial number"),
                "media": _l("Storage media")}


@dataclass
class Captured:
    capture: HardwareCapture
    known: bool  # this very file was already read for this device: `capture` is that one


def receive(actor: User, filename: str, content: bytes, public_id: str | None = None) -> Captured:
    """Read a capture and apply it to its device, or give back the same capture already kept."""
    capabilities.require(actor, "hardware.capture")
    if len(content) > MAX_BYTES:
        raise TooLarge(_l("This file is larger than a hardware capture can be (%(n)s MB at "
                          "most).", n=MAX_BYTES // 2**20))
    if not content.strip():
        raise InvalidInput(_l("The file is empty."), code="empty_file")
    inventory = hardware_inventory.read(content)
    device = _device(actor, public_id, inventory)
    storage_media.require_manage(actor, device)
    sha256 = hashlib.sha256(content).hexdigest()
    known = _known(device, sha256)
    if known is not None:
        return Captured(known, True)
    _same_machine(device, inventory)
    plan = _plan_media(device, inventory.disks)
    differences = _differences(device, inventory, plan)
    try:
        with db.session.begin_nested():
            outcome = _apply(actor, device, inventory, plan, differences)
            capture = HardwareCapture(
                device_id=device.id, workshop_id=actor.organisation_id,
                filename=(filename or "capture.json")[:255], sha256=sha256, size=len(content),
                content=content, inventory=inventory.as_json(), outcome=outcome,
                uploaded_by_id=actor.id)
            db.session.add(capture)
            db.session.flush()
            lifecycle.note(actor, device, "hardware_captured", {
                "capture": capture.filename, "sha256": sha256,
                **{k: v for k, v in outcome["specs"].items() if v not in (None, "")},
                "media_added": sum(m["action"] == "added" for m in outcome["media"]),
                "differences": len(differences)})
    except IntegrityError:
        # The same file, uploaded at the same moment for the same device, was kept first.
        known = _known(device, sha256)
        if known is None:
            raise
        return Captured(known, True)
    return Captured(capture, False)


def get(actor: User, capture_id: int) -> HardwareCapture:
    capabilities.require(actor, "hardware.read")
    capture = db.session.get(HardwareCapture, capture_id)
    if capture is None or not scopes.can_see_device(actor, capture.device):
        raise NotFound(_l("No such hardware capture in what you may see."))
    return capture


def recent(actor: User, limit: int = 30) -> list[HardwareCapture]:
    capabilities.require(actor, "hardware.read")
    return db.session.scalars(
        select(HardwareCapture).join(Device, HardwareCapture.device_id == Device.id)
        .where(scopes.device_scope(actor)).order_by(HardwareCapture.id.desc()).limit(limit)).all()


def as_json(capture: HardwareCapture, known: bool = False) -> dict[str, Any]:
    return {"id": capture.id, "device": capture.device.public_id, "known": known,
            "filename": capture.filename, "sha256": capture.sha256, "size": capture.size,
            "uploaded_at": capture.uploaded_at.isoformat() + "Z",
            "machine": {k: capture.inventory.get(k) for k in ("vendor", "product", "version", "serial")},
            "specs": capture.outcome.get("specs", {}), "media": capture.outcome.get("media", []),
            "ignored": capture.inventory.get("ignored", []),
            "differences": capture.outcome.get("differences", [])}


# --- which device -------------------------------------------------------------------------------

def _device(actor: User, public_id: str | None, inventory: Inventory) -> Device:
    if public_id and public_id.strip():
        return scopes.get_visible_device(actor, public_id.strip().upper())
    if not inventory.serial:
        raise InvalidInput(_l("The capture gives no serial number of the machine: say which "
                              "device it is (its Recond ID)."), code="device_needed")
    found = db.session.scalars(scopes.visible_devices(actor).where(
        Device.serial_key == lifecycle.serial_key(inventory.serial)).limit(2)).all()
    if not found:
        raise NotFound(_l("No device with serial number %(serial)s in what you may see: "
                          "register it first, or say which device it is.",
                          serial=inventory.serial), code="no_such_serial")
    if len(found) > 1:
        raise Refused(_l("Several devices have serial number %(serial)s: say which device it "
                         "is (its Recond ID).", serial=inventory.serial), code="several_devices")
    return found[0]


def _same_machine(device: Device, inventory: Inventory) -> None:
    if device.serial_key and inventory.serial and \
            device.serial_key != lifecycle.serial_key(inventory.serial):
        raise Refused(_l("This capture is of the machine with serial number %(captured)s, but "
                         "device %(id)s has serial number %(serial)s: check that you captured "
                         "the right machine. Nothing was recorded.",
                         captured=inventory.serial, id=device.public_id, serial=device.serial),
                      code="wrong_device")


def _known(device: Device, sha256: str) -> HardwareCapture | None:
    return db.session.scalar(select(HardwareCapture).where(
        HardwareCapture.device_id == device.id, HardwareCapture.sha256 == sha256))


# --- storage media ------------------------------------------------------------------------------

def _plan_media(device: Device, disks: list[Disk]) -> list[tuple[Disk, StorageMedium | None]]:
    """Each captured disk with the medium it is: the one with its serial, else one declared
    without a serial (from a manifest) and not yet certified, else None (a new medium)."""
    present = [m for m in device.media if m.removed_at is None]
    used: set[int] = set()
    plan = []
    for disk in disks:
        same = next((m for m in present if disk.serial and m.serial and
                     _key(m.serial) == _key(disk.serial)), None)
        if same is None:
            open_ = [m for m in present if m.id not in used and not m.serial
                     and not sanitisation.has_passed_record(m)]
            same = next((m for m in open_ if _close(m.capacity_gb, disk.capacity_gb)),
                        open_[0] if open_ else None)
        if same is not None:
            used.add(same.id)
        plan.append((disk, same))
    return plan


def _apply(actor: User, device: Device, inventory: Inventory,
           plan: list[tuple[Disk, StorageMedium | None]],
           differences: list[dict[str, Any]]) -> dict[str, Any]:
    media = []
    for disk, medium in plan:
        values = {"kind": disk.kind, "interface": disk.interface, "brand": disk.brand,
                  "model": disk.model, "serial": disk.serial, "capacity_gb": disk.capacity_gb}
        if medium is None:
            medium = storage_media.add(actor, device, {k: v for k, v in values.items() if v})
            action, changes = "added", {}
        else:
            changes = _completion(medium, values)
            if changes:
                storage_media.correct(actor, device, medium.id, changes)
            action = "completed" if changes else "unchanged"
        media.append({"name": disk.name, "medium_id": medium.id, "serial": medium.serial,
                      "model": medium.model, "size_gb": medium.capacity_gb,
                      "interface": medium.interface, "kind": medium.kind, "action": action,
                      "changes": sorted(changes)})
    specs = _specs(inventory)
    device.specs = {**(device.specs or {}), **{k: v for k, v in specs.items() if v}}
    if not device.serial and inventory.serial:
        device.serial, device.serial_key = inventory.serial, lifecycle.serial_key(inventory.serial)
    db.session.flush()
    return {"specs": specs, "media": media, "differences": differences}


def _completion(medium: StorageMedium, values: dict[str, Any]) -> dict[str, Any]:
    """What the capture adds to a medium: serial, model, interface; the size where none was
    written or the medium is not certified (a certified size stays as it is)."""
    changes = {k: values[k] for k in ("serial", "model", "interface")
               if values[k] and getattr(medium, k) != values[k]
               and not (k == "serial" and medium.serial)}
    size = values["capacity_gb"]
    if size and medium.capacity_gb != size and not sanitisation.has_passed_record(medium):
        changes["capacity_gb"] = size
    return changes


# --- specs and differences ----------------------------------------------------------------------

def _specs(inventory: Inventory) -> dict[str, Any]:
    sizes = [d.capacity_gb for d in inventory.disks if d.capacity_gb]
    return {"cpu": inventory.cpu or None, "ram_gb": inventory.ram_gb,
            "storage_gb": sum(sizes) if sizes else None,
            "screen_resolution": inventory.screen_resolution or None,
            "battery_health": inventory.battery_health}


def _differences(device: Device, inventory: Inventory,
                 plan: list[tuple[Disk, StorageMedium | None]]) -> list[dict[str, Any]]:
    """Where the machine disagrees with what was declared (registration, manifest)."""
    found = []

    def differ(name: str, declared: Any, captured: Any, same: bool) -> None:
        if declared not in (None, "") and captured not in (None, "") and not same:
            found.append({"field": name, "declared": str(declared), "captured": str(captured)})

    differ("brand", device.brand, inventory.vendor, _alike(device.brand, inventory.vendor))
    differ("model", device.model, inventory.product,
           any(_alike(device.model, name) for name in (inventory.product, inventory.version)
               if name))
    declared = device.specs or {}
    captured = _specs(inventory)
    differ("cpu", declared.get("cpu"), captured["cpu"], _alike(declared.get("cpu"), captured["cpu"]))
    for name in ("ram_gb", "storage_gb"):
        differ(name, declared.get(name), captured[name],
               _close(_number(declared.get(name)), captured[name]))
    for disk, medium in plan:
        if medium is not None and medium.capacity_gb and disk.capacity_gb and \
                not _close(medium.capacity_gb, disk.capacity_gb):
            found.append({"field": "media", "declared": f"{medium.capacity_gb} GB",
                          "captured": f"{disk.capacity_gb} GB ({disk.serial or disk.name})"})
    planned = {m.id for _, m in plan if m is not None}
    for medium in device.media:
        if medium.removed_at is None and medium.id not in planned:
            found.append({"field": "media", "captured": "—",
                          "declared": " ".join(filter(None, [
                              medium.model, f"{medium.capacity_gb} GB" if medium.capacity_gb
                              else "", medium.serial]))})
    return found


def _alike(declared: Any, captured: Any) -> bool:
    """'Dell' and 'Dell Inc.', 'i5-3340M' and 'Intel Core i5-3340M CPU @ 2.70GHz' agree."""
    a, b = _words(declared), _words(captured)
    return not a or not b or a in b or b in a


def _words(value: Any) -> str:
    return re.sub(r"[^0-9a-z]+", "", str(value or "").lower())


def _number(value: Any) -> int | None:
    return int(value) if isinstance(value, int) or (isinstance(value, str) and value.isdigit()) \
        else None


def _close(declared: int | None, captured: int | None) -> bool:
    """Sizes agree within 10 %: a disk sold as 500 GB is 500.1 GB; memory is sold in GiB."""
    return not declared or not captured or abs(declared - captured) <= 0.1 * max(declared, captured)


def _key(serial: str) -> str:
    return "".join(serial.split()).upper()


__all__ = ["ACTION_LABELS", "Captured", "FIELD_LABELS", "IGNORED_LABELS", "MAX_BYTES", "SPECS",
           "as_json", "get", "receive", "recent"]
