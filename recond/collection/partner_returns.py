"""A reconditioning partner's output coming back as a manifest (CSV as French Excel saves it,
or XLSX, read by the manifests' own reader) with the partner's sanitisation certificate (PDF).

Each line names a device by its serial number, with its grade and operating system: a serial
supplied under the convention is that device; a serial Recond never saw is a new device of the
partner's own (its category then says what it is); anything else — a serial repeated in the
file, a device of another convention or of no convention, a device already back — refuses the
whole file, every wrong line said, nothing written. A good file enters the allocation stock at
`ready` through the lifecycle's `return_from_partner`, each device under the return that keeps
the certificate and its SHA-256.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from recond import capabilities, categories, lifecycle
from recond.collection import convention_terms, conventions
from recond.collection.manifests import columns, reading, rows
from recond.errors import InvalidInput, TooLarge
from recond.extensions import db
from recond.lifecycle.statuses import STATUS_LABELS, WORKSHOP_QUEUE, Status
from recond.models import Convention, Device, PartnerReturn, User

# Columns of a return besides those every manifest has (serial, category, brand, model…).
_RETURN_COLUMNS = {
    "grade": ("grade", "etat", "classe", "grade esthetique", "cosmetic grade", "grade cosmetique"),
    "os": ("os", "systeme", "systeme d exploitation", "operating system", "systeme installe"),
}
REQUIRED = ("serial", "grade", "os")


@dataclass
class Line:
    number: int
    serial: str = ""
    category: str | None = None
    brand: str = ""
    model: str = ""
    grade: str = ""
    os: str = ""
    device: Device | None = None
    errors: list[str] = field(default_factory=list)


def field_for(header: str) -> str | None:
    name = columns.normalise(header)
    for name_of, words in _RETURN_COLUMNS.items():
        if name in words:
            return name_of
    return columns.field_for(header)


def _is_header(cells: list[str]) -> bool:
    return len({f for f in map(field_for, cells) if f}) >= 2


def import_return(actor: User, number: str, *, manifest_name: str, manifest: bytes,
                  certificate_name: str, certificate: bytes) -> PartnerReturn:
    capabilities.require(actor, "act.return_from_partner",
                         _l("Only coordinators bring a partner's output back."))
    convention = conventions.get_convention(actor, number)
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if not certificate.startswith(b"%PDF"):
        raise InvalidInput(_l("Attach the partner's sanitisation certificate as a PDF."),
                           code="certificate_missing")
    if len(certificate) > limit:
        raise TooLarge(_l("The certificate is larger than %(n)s MB.", n=limit // (1024 * 1024)))
    table = reading.read(manifest_name or "return.csv", manifest, limit, _is_header)
    mapping = {}
    for index, header in enumerate(table.headers):
        name = field_for(header)
        if name and name not in mapping:
            mapping[name] = index
    missing = [name for name in REQUIRED if name not in mapping]
    if missing:
        raise InvalidInput(_l("The file needs a column for the serial number, the grade and "
                              "the operating system (missing: %(names)s).",
                              names=", ".join(missing)), code="columns_missing")
    lines = [_line(number, cells, mapping) for number, cells in zip(table.lines, table.rows)]
    _match(lines, convention)
    wrong = [line for line in lines if line.errors]
    if wrong:
        raise InvalidInput(
            _l("Nothing was imported: %(n)s lines of the file are wrong.", n=len(wrong)),
            code="return_refused",
            details={"reasons": [str(_l("line %(line)s: %(problems)s", line=line.number,
                                        problems="; ".join(line.errors))) for line in wrong]})
    partner_return = PartnerReturn(
        number=f"TMP-{secrets.token_hex(6)}", convention_id=convention.id,
        manifest_filename=(manifest_name or "")[:255], certificate_filename=(certificate_name or "")[:255],
        manifest_sha256=hashlib.sha256(manifest).hexdigest(),
        certificate_sha256=hashlib.sha256(certificate).hexdigest(), certificate=certificate,
        devices=len(lines), created_by_id=actor.id)
    db.session.add(partner_return)
    db.session.flush()
    partner_return.number = f"RET-{partner_return.id:06d}"
    db.session.flush()
    for line in lines:
        device = line.device or lifecycle.register_returned(
            actor, partner_return, category=line.category, brand=line.brand, model=line.model,
            serial=line.serial)
        lifecycle.perform(actor, device, "return_from_partner",
                          {"partner_return_id": partner_return.id, "grade": line.grade,
                           "os": line.os})
    return partner_return


def _line(number: int, raw: list[str], mapping: dict[str, int]) -> Line:
    cells = {name: (raw[i] if i < len(raw) else "").strip() for name, i in mapping.items()}
    line = Line(number)
    for text in cells.values():
        if rows.is_formula(text):
            line.errors.append(str(_l("the cell “%(text)s” looks like a spreadsheet formula",
                                      text=text[:30])))
            return line
    line.serial = "".join(cells.get("serial", "").split())
    if not line.serial:
        line.errors.append(str(_l("serial number missing")))
    elif len(line.serial) > 100:
        line.errors.append(str(_l("serial number too long")))
    line.grade = cells.get("grade", "").upper()
    if line.grade not in categories.GRADES:
        line.errors.append(str(_l("grade “%(text)s” is not one of %(grades)s",
                                  text=cells.get("grade", "")[:10],
                                  grades=", ".join(categories.GRADES))))
    line.os = cells.get("os", "")
    if not line.os or len(line.os) > 100:
        line.errors.append(str(_l("operating system missing (at most 100 characters)")))
    if cells.get("category"):
        line.category = rows.category_of(cells["category"])
        if line.category is None:
            line.errors.append(str(_l("unknown category “%(text)s”", text=cells["category"][:40])))
    line.brand, line.model = cells.get("brand", "")[:100], cells.get("model", "")[:200]
    return line


def _match(lines: list[Line], convention: Convention) -> None:
    """Each serial: repeated in the file, supplied under the convention, known otherwise, or new."""
    seen: dict[str, int] = {}
    keys = {line.serial.upper() for line in lines if line.serial}
    known: dict[str, list[Device]] = {}
    ordered = sorted(keys)
    for start in range(0, len(ordered), 1000):
        for device in db.session.scalars(select(Device).where(
                Device.serial_key.in_(ordered[start:start + 1000]))):
            known.setdefault(device.serial_key, []).append(device)
    for line in lines:
        if not line.serial:
            continue
        key = line.serial.upper()
        if key in seen:
            line.errors.append(str(_l("serial number %(serial)s already on line %(line)s",
                                      serial=line.serial, line=seen[key])))
            continue
        seen[key] = line.number
        found = known.get(key, [])
        if len(found) > 1:
            line.errors.append(str(_l("several devices have the serial number %(serial)s",
                                      serial=line.serial)))
        elif found:
            _check_supplied(line, found[0], convention)
        elif line.category is None and not line.errors:
            line.errors.append(str(_l("serial number %(serial)s was not supplied: as a new "
                                      "device, its category is needed", serial=line.serial)))
        elif line.category is not None and line.category not in convention.categories:
            line.errors.append(str(_l("the convention does not cover %(category)s",
                                      category=categories.CATEGORIES[line.category].label)))


def _check_supplied(line: Line, device: Device, convention: Convention) -> None:
    if not convention_terms.supplied_under(device, convention):
        line.errors.append(str(_l("serial number %(serial)s is device %(id)s, which was not "
                                  "supplied under this convention",
                                  serial=line.serial, id=device.public_id)))
    elif convention_terms.already_returned(device):
        line.errors.append(str(_l("device %(id)s already came back", id=device.public_id)))
    elif device.status not in WORKSHOP_QUEUE:
        line.errors.append(str(_l("device %(id)s is %(status)s, not waiting for its partner",
                                  id=device.public_id,
                                  status=STATUS_LABELS[Status(device.status)])))
    elif line.category is not None and line.category != device.category:
        line.errors.append(str(_l("device %(id)s is a %(category)s", id=device.public_id,
                                  category=categories.CATEGORIES[device.category].label)))
    else:
        line.device = device
