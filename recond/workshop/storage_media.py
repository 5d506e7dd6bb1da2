"""Storage-media management at the workshop: the disks of a device as the technician finds
them. Adding one, correcting its description, recording its destruction (NIST SP 800-88
*Destroy*) or its removal, and "no storage found" for a device that has none.

Each change is written to the device's history by the lifecycle engine (`lifecycle.note`) in
the same transaction. Technicians act while the device is received at their workshop; the
coordination and administrators read. A medium's serial and size describe what a passed
sanitisation record certified: once one exists they stay as they are.
"""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from flask_babel import lazy_gettext as _l

from recond import capabilities, categories, lifecycle, scopes
from recond.workshop import sanitisation
from recond.clock import utcnow
from recond.errors import InvalidInput, NotFound, NotPermitted, Refused
from recond.extensions import db
from recond.models import Device, SanitisationMethod, SanitisationRecord, StorageMedium, User
from recond.whole_numbers import whole_number


KIND_LABELS = {"hdd": _l("hard disk (HDD)"), "ssd": _l("SSD"), "nvme": _l("NVMe SSD"),
               "emmc": _l("eMMC"), "flash": _l("flash memory")}
INTERFACE_LABELS = {"sata": "SATA", "nvme": "NVMe (PCIe)", "sas": "SAS", "ide": "IDE (PATA)",
                    "usb": "USB", "emmc": "eMMC", "other": _l("other")}
# NIST SP 800-88 Rev. 1, Destroy: the medium cannot be read again by any known technique.
DESTRUCTION_LABELS = {"shredding": _l("shredding"), "drilling": _l("drilling"),
                      "crushing": _l("crushing"), "disintegration": _l("disintegration"),
                      "pulverisation": _l("pulverisation"), "incineration": _l("incineration"),
                      "melting": _l("melting")}
DESTINATION_LABELS = {"kept": _l("kept at the workshop"), "recycling": _l("sent to recycling")}
FATE_LABELS = {None: _l("in the device"), "destroyed": _l("destroyed"),
               "kept": _l("removed, kept at the workshop"),
               "recycling": _l("removed, sent to recycling"),
               "absent": _l("not found in the device")}
EVENT_LABELS = {"medium_added": _l("Storage medium added"),
                "medium_corrected": _l("Storage medium corrected"),
                "medium_destroyed": _l("Storage medium destroyed"),
                "medium_removed": _l("Storage medium removed"),
                "no_storage_found": _l("No storage found"),
                "hardware_captured": _l("Hardware captured")}
DETAIL_LABELS = {"medium": _l("Storage medium"), "kind": _l("Type"),
                 "interface": _l("Interface"), "serial": _l("Serial number"),
                 "model": _l("Model"), "size_gb": _l("Size (GB)"),
                 "destruction_method": _l("Destruction method"),
                 "destroyed_by": _l("Destroyed by"), "destroyed_on": _l("Destroyed on"),
                 "reference": _l("Reference"), "destination": _l("Destination"),
                 "absent": _l("Recorded but not found"),
                 "capture": _l("Capture file"), "sha256": _l("File checksum (SHA-256)"),
                 "media_added": _l("Storage media added"),
                 "differences": _l("Differences with what was declared")}
CORRECTABLE = ("serial", "model", "interface", "capacity_gb")
_LOCKED_ONCE_CERTIFIED = ("serial", "capacity_gb")
_MAX_GB = 1_000_000


# --- reading ------------------------------------------------------------------------------------

def overview(actor: User, device: Device) -> dict[str, Any]:
    """What the page and the API show: every medium, what became of it, what may be done."""
    _may_read(actor, device)
    records = sanitisation.records_by_medium(device)
    may_manage = can_manage(actor, device)
    return {
        "device": device.public_id,
        "status": device.status,
        "no_storage_found": device.no_storage_cycle == device.cycle and not _present(device),
        "may_manage": may_manage,
        "missing": [str(r) for r in sanitisation.missing_sanitisation(device)]
        if categories.CATEGORIES[device.category].has_storage else [],
        "media": [_describe(m, records.get(m.id, []), may_manage) for m in device.media],
    }


def can_read(actor: User) -> bool:
    return capabilities.can(actor, "media.read")


def can_manage(actor: User, device: Device) -> bool:
    """May this actor change the device's media now (the page offers the forms)?"""
    try:
        _may_manage(actor, device)
    except (NotPermitted, NotFound, Refused):
        return False
    return True


def technique_label(method: str, technique: str | None):
    """How a record was made, for people: the destruction technique's label, or the wiping
    tool's own name of its method ("PRNG Stream"; records kept before issue 9's fixes add
    " (overwrite)" to it, left out here)."""
    if method == SanitisationMethod.DESTROY:
        return DESTRUCTION_LABELS.get(technique, technique or "")
    return (technique or "").removesuffix(" (overwrite)")


def medium_name(medium: StorageMedium) -> str:
    return medium.serial or f"#{medium.id}"


# --- changes ------------------------------------------------------------------------------------

def add(actor: User, device: Device, values: dict[str, Any]) -> StorageMedium:
    """A disk found in the device (or missing from what was registered)."""
    _may_manage(actor, device)
    parsed = _parse(values, required=("kind",), allowed=("kind", "brand", *CORRECTABLE))
    if parsed.get("serial") and any(
            m.removed_at is None and m.serial and _key(m.serial) == _key(parsed["serial"])
            for m in device.media):
        raise InvalidInput(_l("This device already has a storage medium with serial %(serial)s.",
                              serial=parsed["serial"]), details={"fields": {"serial": "duplicate"}})
    medium = StorageMedium(device_id=device.id, **parsed)
    device.media.append(medium)
    db.session.flush()
    lifecycle.note(actor, device, "medium_added", {
        "medium": medium_name(medium), "kind": medium.kind, "interface": medium.interface,
        "model": medium.model, "size_gb": medium.capacity_gb})
    return medium


def correct(actor: User, device: Device, medium_id: Any, values: dict[str, Any]) -> StorageMedium:
    """Correct a medium's description; serial and size only before a passed sanitisation."""
    _may_manage(actor, device)
    medium = sanitisation.lock(_medium(device, medium_id))
    _still_in_device(medium)
    parsed = _parse(values, required=(), allowed=CORRECTABLE)
    changes = {k: v for k, v in parsed.items() if getattr(medium, k) != v}
    if not changes:
        raise InvalidInput(_l("Nothing to correct: the values are those already recorded."),
                           code="no_change")
    locked = [k for k in _LOCKED_ONCE_CERTIFIED if k in changes]
    if locked and sanitisation.has_passed_record(medium):
        raise Refused(_l("Storage medium %(medium)s already has a passed sanitisation record: "
                         "its serial number and size are what was certified and stay as they "
                         "are.", medium=medium_name(medium)), code="already_certified")
    before = medium_name(medium)
    payload: dict[str, Any] = {"medium": before}
    for key, value in changes.items():
        payload["size_gb" if key == "capacity_gb" else key] = \
            f"{getattr(medium, key) or '—'} → {value or '—'}"
        setattr(medium, key, value)
    db.session.flush()
    lifecycle.note(actor, device, "medium_corrected", payload)
    return medium


def destroy(actor: User, device: Device, medium_id: Any,
            values: dict[str, Any]) -> SanitisationRecord:
    """Record a destruction (NIST SP 800-88 Destroy): how, by whom, when, their reference.

    The medium then leaves the device for good: nothing remains to sanitise on it, in this
    cycle or any later one, and the certificates of sanitisation show its destruction."""
    _may_manage(actor, device)
    medium = _medium(device, medium_id)
    errors: dict[str, str] = {}
    method = _code(values.get("method"), DESTRUCTION_LABELS, "method", errors, labelled=True)
    destroyed_by = _text(values, "destroyed_by", 200, errors, required=True)
    reference = _text(values, "reference", 100, errors)
    on = _date(values.get("destroyed_on"), device, errors)
    _raise_if(errors)
    record = sanitisation.record(  # locks the medium and refuses one already gone
        actor, medium, method=SanitisationMethod.DESTROY, passed=True,
        technique=method, finished_at=datetime.combine(on, time()),
        destroyed_by=destroyed_by, reference=reference or None)
    medium.removed_at, medium.fate = utcnow(), "destroyed"
    db.session.flush()
    lifecycle.note(actor, device, "medium_destroyed", {
        "medium": medium_name(medium), "destruction_method": method,
        "destroyed_by": destroyed_by, "destroyed_on": on.isoformat(),
        "reference": reference or None})
    return record


def remove(actor: User, device: Device, medium_id: Any, values: dict[str, Any]) -> StorageMedium:
    """The medium is taken out of the device: kept at the workshop, or sent to recycling."""
    _may_manage(actor, device)
    medium = sanitisation.lock(_medium(device, medium_id))
    _still_in_device(medium)
    errors: dict[str, str] = {}
    destination = _code(values.get("destination"), DESTINATION_LABELS, "destination", errors,
                        labelled=True)
    note = _text(values, "note", 500, errors)
    _raise_if(errors)
    medium.removed_at, medium.fate = utcnow(), destination
    db.session.flush()
    lifecycle.note(actor, device, "medium_removed", {
        "medium": medium_name(medium), "destination": destination, "note": note or None})
    return medium


def no_storage_found(actor: User, device: Device, values: dict[str, Any]) -> None:
    """The technician opened the device and found no storage: media recorded at registration
    are marked not found, and the `wipe` guard has nothing left to wait for in this cycle."""
    _may_manage(actor, device)
    errors: dict[str, str] = {}
    note = _text(values, "note", 500, errors)
    _raise_if(errors)
    present = [sanitisation.lock(m) for m in _present(device)]
    for medium in present:
        if medium.removed_at is None and sanitisation.current_records(medium, device.cycle):
            raise Refused(_l("Storage medium %(medium)s has sanitisation records in this stay: it "
                             "was in the device. Record its destruction or its removal instead.",
                             medium=medium_name(medium)), code="medium_present")
    if device.no_storage_cycle == device.cycle and not present:
        raise Refused(_l("“No storage found” is already recorded for this device."),
                      code="already_recorded")
    now = utcnow()
    for medium in present:
        medium.removed_at, medium.fate = now, "absent"
    device.no_storage_cycle = device.cycle
    db.session.flush()
    lifecycle.note(actor, device, "no_storage_found", {
        "absent": ", ".join(medium_name(m) for m in present) or None, "note": note or None})


# --- rules and parsing --------------------------------------------------------------------------

def require_manage(actor: User, device: Device) -> None:
    """Refuse, saying why, when this actor may not change the device's media now."""
    _may_manage(actor, device)


def _may_read(actor: User, device: Device) -> None:
    capabilities.require(actor, "media.read")
    scopes.require_visible_device(actor, device)


def _may_manage(actor: User, device: Device) -> None:
    _may_read(actor, device)
    capabilities.require(actor, "media.keep")
    if not categories.CATEGORIES[device.category].has_storage:
        raise Refused(_l("This kind of device has no storage media to manage."),
                      code="no_storage_category")
    if device.status not in lifecycle.statuses.SANITISABLE:
        raise Refused(_l("Storage media are managed while the device is received at the "
                         "workshop (it is %(status)s).",
                         status=lifecycle.STATUS_LABELS[lifecycle.Status(device.status)]),
                      code="wrong_status")


def _medium(device: Device, medium_id: Any) -> StorageMedium:
    wanted = str(medium_id)
    for medium in device.media:
        if str(medium.id) == wanted:
            return medium
    raise NotFound(_l("Device %(id)s has no such storage medium.", id=device.public_id))


def _still_in_device(medium: StorageMedium) -> None:
    if medium.removed_at is not None:
        raise Refused(_l("Storage medium %(medium)s is no longer in the device (%(fate)s).",
                         medium=medium_name(medium), fate=FATE_LABELS[medium.fate]),
                      code="medium_gone")


def _present(device: Device) -> list[StorageMedium]:
    return [m for m in device.media if m.removed_at is None]


def _parse(values: dict[str, Any], *, required: tuple[str, ...],
           allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(values, dict):
        raise InvalidInput(_l("The details must be an object."))
    errors: dict[str, str] = {}
    unknown = sorted(set(values) - set(allowed) - {"size_gb"})
    for name in unknown:
        errors[name] = str(_l("is not a field of a storage medium"))
    if "size_gb" in values:  # the API's name for it
        values = {**{k: v for k, v in values.items() if k != "size_gb"}, "capacity_gb": values["size_gb"]}
    parsed: dict[str, Any] = {}
    for name in required:
        if values.get(name) in (None, ""):
            errors[name] = str(_l("is required"))
    if "kind" in values and "kind" in allowed and values["kind"] not in (None, ""):
        kind = _code(values["kind"], KIND_LABELS, "kind", errors)
        if kind is not None:
            parsed["kind"] = kind
    if "interface" in values:
        value = values["interface"] or None
        parsed["interface"] = None if value is None else \
            _code(value, INTERFACE_LABELS, "interface", errors)
    for name, limit in (("serial", 100), ("model", 200), ("brand", 100)):
        if name in values and name in allowed:
            text = _text(values, name, limit, errors)
            parsed[name] = (text or None) if name == "serial" else text
    if "capacity_gb" in values:
        parsed["capacity_gb"] = _size(values["capacity_gb"], errors)
    _raise_if(errors)
    return parsed


def _size(value: Any, errors: dict[str, str]) -> int | None:
    """A whole number of gigabytes: "7,5", "1E1" or -1 are refused, never rounded."""
    if value in (None, ""):
        return None
    number = whole_number(value, maximum=_MAX_GB)  # "²" or 5,000 digits too
    if number is None:
        errors["size_gb"] = str(_l("is a whole number of gigabytes (GB), e.g. 256"))
    return number


def _code(value: Any, labels: dict, name: str, errors: dict[str, str],
          labelled: bool = False) -> str | None:
    """One of the codes of `labels`; anything else (a list or an object from JSON too) is an
    error saying the choices: their labels for people's forms, or the codes themselves."""
    if isinstance(value, str) and value in labels:
        return value
    choices = (str(v) for v in labels.values()) if labelled else labels
    errors[name] = str(_l("choose one of: %(choices)s", choices=", ".join(choices)))
    return None


def _text(values: dict[str, Any], name: str, limit: int, errors: dict[str, str],
          required: bool = False) -> str:
    value = values.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[name] = str(_l("must be text"))
        return ""
    value = " ".join(value.split())
    if required and not value:
        errors[name] = str(_l("is required"))
    elif len(value) > limit:
        errors[name] = str(_l("is longer than %(n)s characters", n=limit))
    return value


def _date(value: Any, device: Device, errors: dict[str, str]) -> date:
    today = utcnow().date()
    if value in (None, ""):
        errors["destroyed_on"] = str(_l("is required"))
        return today
    try:
        on = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        errors["destroyed_on"] = str(_l("is a date such as 2026-03-31"))
        return today
    if on > today:
        errors["destroyed_on"] = str(_l("is in the future"))
    elif on < device.created_at.date():
        errors["destroyed_on"] = str(_l("is before the device was registered"))
    return on


def _raise_if(errors: dict[str, str]) -> None:
    if errors:
        listed = "; ".join(f"{DETAIL_LABELS.get(k, k)} {message}" for k, message in errors.items())
        raise InvalidInput(_l("Some details are wrong: %(errors)s.", errors=listed),
                           details={"fields": errors})


def _key(serial: str) -> str:
    return "".join(serial.split()).upper()


def _describe(medium: StorageMedium, records: list[SanitisationRecord],
              may_manage: bool) -> dict[str, Any]:
    destruction = next((r for r in reversed(records) if r.passed
                        and r.method == SanitisationMethod.DESTROY), None)
    certified = any(r.passed for r in records)
    return {
        "id": medium.id, "kind": medium.kind, "interface": medium.interface,
        "brand": medium.brand, "model": medium.model, "serial": medium.serial,
        "size_gb": medium.capacity_gb, "fate": medium.fate or "present",
        "removed_at": medium.removed_at.isoformat() + "Z" if medium.removed_at else None,
        "serial_and_size_locked": certified,
        "may_change": may_manage and medium.removed_at is None,
        "destruction": None if destruction is None else {
            "method": destruction.technique, "destroyed_by": destruction.destroyed_by,
            "destroyed_on": destruction.finished_at.date().isoformat()
            if destruction.finished_at else None, "reference": destruction.reference},
        "sanitisation": [{"cycle": r.cycle, "method": r.method, "technique": r.technique,
                          "tool": r.tool, "passed": r.passed,
                          "at": r.performed_at.isoformat() + "Z"} for r in records],
    }
