"""Wipe logs uploaded at the workshop: kept as evidence with their SHA-256, each drive matched
to a storage medium (by serial when the log's serial is readable and unique, by the technician
otherwise), and one sanitisation record written per matched drive."""
from __future__ import annotations

import hashlib
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from recond import access, sanitisation, wipelogs
from recond.errors import InvalidInput, NotFound, NotPermitted, Refused, TooLarge
from recond.extensions import db
from recond.lifecycle import Status
from recond.models import (
    Device, Role, SanitisationEvidence, SanitisationMethod, SanitisationRecord, StorageMedium, User,
)


def upload(actor: User, filename: str, content: bytes) -> SanitisationEvidence:
    if actor.role != Role.TECHNICIAN:
        raise NotPermitted(_l("Only workshop technicians upload wipe logs."))
    if len(content) > current_app.config["MAX_CONTENT_LENGTH"]:
        raise TooLarge(_l("What you sent is too large."))
    if not content.strip():
        raise InvalidInput(_l("The file is empty."), code="empty_file")
    parser, report = wipelogs.parse(content)
    evidence = SanitisationEvidence(
        workshop_id=actor.organisation_id, filename=(filename or "nwipe.log")[:255],
        sha256=hashlib.sha256(content).hexdigest(), size=len(content), content=content,
        parser=parser, tool=report.tool[:100], uploaded_by_id=actor.id,
        drives=[dict(d.as_json(), method=report.method, verification=report.verification,
                     rounds=report.rounds) for d in report.drives])
    db.session.add(evidence)
    db.session.flush()
    return evidence


def get_evidence(actor: User, evidence_id: int) -> SanitisationEvidence:
    evidence = db.session.get(SanitisationEvidence, evidence_id)
    if evidence is None or not (actor.sees_everything or evidence.workshop_id == actor.organisation_id):
        raise NotFound(_l("No such wipe log in what you may see."))
    return evidence


def open_media(actor: User) -> list[StorageMedium]:
    """Media a technician may match a drive to: on received devices of the workshop."""
    return db.session.scalars(
        select(StorageMedium).join(Device, StorageMedium.device_id == Device.id)
        .where(access.device_scope(actor), Device.status == Status.RECEIVED,
               StorageMedium.removed_at.is_(None))
        .order_by(Device.public_id, StorageMedium.id)).all()


def proposals(actor: User, evidence: SanitisationEvidence) -> dict[str, int | None]:
    """drive -> the medium whose serial matches, when exactly one does."""
    media = open_media(actor)
    by_serial: dict[str, list[StorageMedium]] = {}
    for medium in media:
        if medium.serial:
            by_serial.setdefault(_key(medium.serial), []).append(medium)
    found = {}
    for drive in evidence.drives:
        matches = by_serial.get(_key(drive["serial"]), []) if drive["serial"] else []
        found[drive["device"]] = matches[0].id if len(matches) == 1 else None
    return found


def recorded(evidence: SanitisationEvidence) -> dict[str, SanitisationRecord]:
    rows = db.session.scalars(select(SanitisationRecord).where(
        SanitisationRecord.evidence_id == evidence.id)).all()
    return {r.drive: r for r in rows}


def assign(actor: User, evidence: SanitisationEvidence,
           assignments: dict[str, int | None]) -> list[SanitisationRecord]:
    """Write one record per drive the technician (or the serial) matched to a medium."""
    get_evidence(actor, evidence.id)
    drives = {d["device"]: d for d in evidence.drives}
    done = recorded(evidence)
    chosen = {k: v for k, v in assignments.items() if v not in (None, "", 0)}
    unknown = set(chosen) - set(drives)
    if unknown:
        raise InvalidInput(_l("The log has no drive %(drive)s.", drive=", ".join(sorted(unknown))))
    if len(set(chosen.values())) != len(chosen):
        raise InvalidInput(_l("Two drives of the log cannot be the same storage medium."))
    records = []
    for name, medium_id in chosen.items():
        if name in done:
            raise Refused(_l("Drive %(drive)s of this log is already recorded.", drive=name),
                          code="already_recorded")
        drive = drives[name]
        medium = sanitisation.medium_for(actor, int(medium_id))
        errors = {k: drive[k] for k in ("status", "pass_errors", "verify_errors", "sync_errors")}
        records.append(sanitisation.record(
            actor, medium, method=SanitisationMethod.CLEAR, passed=drive["passed"],
            technique=f"{drive['method']} (overwrite)"[:100], tool=evidence.tool,
            rounds=drive["rounds"], verification=drive["verification"],
            started_at=_when(drive["started_at"]), finished_at=_when(drive["finished_at"]),
            evidence_id=evidence.id, drive=name[:100], errors=None if drive["passed"] else errors))
    return records


def _key(serial: str) -> str:
    return "".join(serial.split()).upper()


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


__all__ = ["assign", "get_evidence", "open_media", "proposals", "recorded", "upload"]
