"""Wipe logs uploaded at the workshop: kept as evidence with their SHA-256, each drive matched
to a storage medium (by serial when the log's serial is readable and unique, by the technician
otherwise), and one sanitisation record written per matched drive.

Evidence is used once. The same log uploaded again in a workshop is the log already known
(one row per workshop and SHA-256, held by the database), and one drive of a log is the
evidence for one medium only (one record per evidence and drive, also held by the database;
the evidence row is locked while its drives are assigned). A log that disagrees with the
medium it is assigned to (size, serial) is refused unless the technician confirms the match
and says why; the record keeps that. nwipe's times are the wiping machine's local clock:
they are read in the workshop's time zone (RECOND_TIMEZONE) and stored in UTC.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from recond import capabilities, scopes
from recond.workshop import sanitisation, wipelogs
from recond.errors import InvalidInput, NotFound, Refused, TooLarge
from recond.extensions import db
from recond.lifecycle import Status
from recond.models import (
    Device, SanitisationEvidence, SanitisationMethod, SanitisationRecord, StorageMedium, User,
)

VERIFICATION_LABELS = {"none": _l("no verification"), "last_pass": _l("last pass verified"),
                       "all_passes": _l("every pass verified")}
# Sizes are sold in decimal GB, rounded (a "256 GB" SSD holds 256.06 GB), and people often
# type what an operating system showed in GiB, 7 % less: within 10 % is the same disk.
SIZE_TOLERANCE = 0.10
REASON_MAX = 500


@dataclass
class Received:
    evidence: SanitisationEvidence
    known: bool  # the workshop had this very log already: `evidence` is that one


def receive(actor: User, filename: str, content: bytes) -> Received:
    """Read a log and keep it, or give back the same log already kept in the workshop."""
    capabilities.require(actor, "wipe_logs")
    if len(content) > current_app.config["MAX_CONTENT_LENGTH"]:
        raise TooLarge(_l("What you sent is too large."))
    if not content.strip():
        raise InvalidInput(_l("The file is empty."), code="empty_file")
    parser, report = wipelogs.parse(content)  # an incomplete log stops here: nothing stored
    sha256 = hashlib.sha256(content).hexdigest()
    known = _known(actor.organisation_id, sha256)
    if known is not None:
        return Received(known, True)
    evidence = SanitisationEvidence(
        workshop_id=actor.organisation_id, filename=(filename or "nwipe.log")[:255],
        sha256=sha256, size=len(content), content=content,
        parser=parser, tool=report.tool[:100], uploaded_by_id=actor.id,
        drives=[_drive_json(d, report) for d in report.drives])
    try:
        with db.session.begin_nested():
            db.session.add(evidence)
    except IntegrityError:
        # The same log, uploaded at the same moment by someone else, was kept first.
        known = _known(actor.organisation_id, sha256)
        if known is None:
            raise
        return Received(known, True)
    return Received(evidence, False)


def upload(actor: User, filename: str, content: bytes) -> SanitisationEvidence:
    return receive(actor, filename, content).evidence


def get_evidence(actor: User, evidence_id: int) -> SanitisationEvidence:
    evidence = db.session.get(SanitisationEvidence, evidence_id)
    if evidence is None or not (actor.sees_everything or evidence.workshop_id == actor.organisation_id):
        raise NotFound(_l("No such wipe log in what you may see."))
    return evidence


def open_media(actor: User) -> list[StorageMedium]:
    """Media a technician may match a drive to: on received devices of the workshop."""
    return db.session.scalars(
        select(StorageMedium).join(Device, StorageMedium.device_id == Device.id)
        .where(scopes.device_scope(actor), Device.status == Status.RECEIVED,
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


def assign(actor: User, evidence: SanitisationEvidence, assignments: dict[str, int | None],
           reasons: dict[str, str] | None = None) -> list[SanitisationRecord]:
    """Write one record per drive the technician (or the serial) matched to a medium.

    reasons: drive -> why the technician confirms a match the log disagrees with.
    Everything is checked before anything is written.
    """
    get_evidence(actor, evidence.id)
    # One assignment of this log at a time: the second waits, then sees what the first wrote.
    db.session.scalar(select(SanitisationEvidence).where(SanitisationEvidence.id == evidence.id)
                      .with_for_update().execution_options(populate_existing=True))
    drives = {d["device"]: d for d in evidence.drives}
    done = recorded(evidence)
    chosen = {k: v for k, v in assignments.items() if v not in (None, "", 0)}
    unknown = set(chosen) - set(drives)
    if unknown:
        raise InvalidInput(_l("The log has no drive %(drive)s.", drive=", ".join(sorted(unknown))))
    if len(set(chosen.values())) != len(chosen):
        raise InvalidInput(_l("Two drives of the log cannot be the same storage medium."))
    reasons = {k: (v or "").strip() for k, v in (reasons or {}).items()}
    planned = []
    for name, medium_id in chosen.items():
        if name in done:
            raise _already(name)
        medium = sanitisation.medium_for(actor, int(medium_id))
        disagreements = mismatches(drives[name], medium)
        reason = reasons.get(name, "") if disagreements else ""
        if disagreements and not reason:
            raise Refused(_l("Drive %(drive)s of the log does not match storage medium "
                             "%(medium)s: %(why)s. Check the disk; if it is the right one, "
                             "confirm the match and say why.", drive=name,
                             medium=medium.serial or f"#{medium.id}",
                             why="; ".join(str(d) for d in disagreements)),
                          code="log_does_not_match",
                          details={"drive": name, "medium_id": medium.id,
                                   "mismatches": [str(d) for d in disagreements]})
        if len(reason) > REASON_MAX:
            raise InvalidInput(_l("Say why in at most %(n)s characters.", n=REASON_MAX))
        planned.append((name, medium, reason))
    _never_certified_before([(name, drives[name]) for name, _, _ in planned], evidence)
    try:
        with db.session.begin_nested():
            return [_record(actor, evidence, drives[name], medium, reason)
                    for name, medium, reason in planned]
    except IntegrityError:
        # Another technician recorded one of these drives meanwhile (the lock cannot hold
        # where the database has no row locks): the database kept the first.
        raise _already(", ".join(name for name, _, _ in planned)) from None


def drive_wipe(drive: dict[str, Any], tool: str) -> str:
    """What identifies one wipe of one drive in any copy of its log: a copy with other line
    endings, or the same log uploaded in another workshop, names the same wipe."""
    identity = [tool, drive.get("device"), drive.get("serial_raw") or drive.get("serial") or "",
                drive.get("model"), drive.get("size_bytes"), drive.get("started_at"),
                drive.get("finished_at")]
    return hashlib.sha256(json.dumps(identity, default=str).encode()).hexdigest()


def _never_certified_before(drives: list[tuple[str, dict[str, Any]]],
                            evidence: SanitisationEvidence) -> None:
    """One wipe of one drive is the evidence for one storage medium, across uploads."""
    keys = {drive_wipe(drive, evidence.tool): name for name, drive in drives}
    used = db.session.scalars(select(SanitisationRecord.drive_wipe).where(
        SanitisationRecord.drive_wipe.in_(list(keys)))).all()
    if used:
        raise Refused(_l("Drive %(drive)s of this log was wiped once and that wipe already "
                         "certifies another storage medium (the same log was uploaded before, "
                         "perhaps copied or in another workshop): one drive's wipe is the "
                         "evidence for one medium only.",
                         drive=", ".join(sorted(keys[k] for k in used))),
                      code="drive_already_certified")


def mismatches(drive: dict[str, Any], medium: StorageMedium) -> list:
    """How the log's drive disagrees with the medium (size, serial); empty when it fits."""
    found = []
    size = drive.get("size_bytes")
    if size and medium.capacity_gb:
        if abs(size / 1e9 - medium.capacity_gb) > SIZE_TOLERANCE * medium.capacity_gb:
            found.append(_l("the log's drive holds %(log)s, the medium %(medium)s",
                            log=format_size(size), medium=format_size(medium.capacity_gb * 10**9)))
    if drive.get("serial") and medium.serial and _key(drive["serial"]) != _key(medium.serial):
        found.append(_l("the log's serial number is %(log)s, the medium's %(medium)s",
                        log=drive["serial"], medium=medium.serial))
    return found


def drive_rows(evidence: SanitisationEvidence) -> list[dict[str, Any]]:
    """The drives of a log as pages show them: times in UTC (shown in the workshop's zone)."""
    rows = []
    for drive in evidence.drives:
        started, finished = _times(drive)
        rows.append(dict(drive, started=started, finished=finished,
                         size=format_size(drive.get("size_bytes")),
                         verification_label=verification_label(drive.get("verification"))))
    return rows


def verification_label(code: str | None):
    return VERIFICATION_LABELS.get(code or "none", code)


def format_size(size_bytes: int | None) -> str:
    """Decimal units, as drives are sold and as nwipe prints them (8 MB, 512.1 GB)."""
    if not size_bytes:
        return "—"
    for unit, scale in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size_bytes >= scale:
            return f"{format_decimal(size_bytes / scale, format='#,##0.#')} {unit}"
    return f"{size_bytes} B"


def _record(actor: User, evidence: SanitisationEvidence, drive: dict[str, Any],
            medium: StorageMedium, reason: str) -> SanitisationRecord:
    errors = {k: drive[k] for k in ("status", "pass_errors", "verify_errors", "sync_errors")}
    started, finished = _times(drive)
    return sanitisation.record(
        actor, medium, method=SanitisationMethod.CLEAR, passed=drive["passed"],
        technique=(drive["method"] or "")[:100], tool=evidence.tool,  # nwipe's name of it
        rounds=drive["rounds"], passes=drive.get("passes"), blanking=drive.get("blanked"),
        size_bytes=drive.get("size_bytes"), verification=drive["verification"],
        started_at=started, finished_at=finished, evidence_id=evidence.id,
        drive=drive["device"][:100], errors=None if drive["passed"] else errors,
        drive_wipe=drive_wipe(drive, evidence.tool),
        matched_by_hand=bool(reason), match_reason=reason or None)


def _drive_json(drive, report) -> dict[str, Any]:
    data = dict(drive.as_json(), method=report.method, verification=report.verification,
                rounds=report.rounds)
    # As logged (the machine's local clock) and in UTC, read in the workshop's time zone now.
    data["started_at_utc"], data["finished_at_utc"] = (
        _iso(_to_utc(drive.started_at)), _iso(_to_utc(drive.finished_at)))
    return data


def _times(drive: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    """Start and end in UTC. Logs kept before UTC was stored are read in today's zone."""
    if "started_at_utc" in drive:
        return _parse(drive["started_at_utc"]), _parse(drive["finished_at_utc"])
    return _to_utc(_parse(drive.get("started_at"))), _to_utc(_parse(drive.get("finished_at")))


def _to_utc(local: datetime | None) -> datetime | None:
    if local is None:
        return None
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return local.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _known(workshop_id: int, sha256: str) -> SanitisationEvidence | None:
    return db.session.scalar(select(SanitisationEvidence).where(
        SanitisationEvidence.workshop_id == workshop_id, SanitisationEvidence.sha256 == sha256))


def _already(drive: str) -> Refused:
    return Refused(_l("Drive %(drive)s of this log is already recorded: one drive of a log is "
                      "the evidence for one storage medium only.", drive=drive),
                   code="already_recorded")


def _key(serial: str) -> str:
    return "".join(serial.split()).upper()


__all__ = ["VERIFICATION_LABELS", "Received", "assign", "drive_rows", "format_size",
           "get_evidence", "mismatches", "open_media", "proposals", "receive", "recorded",
           "upload", "verification_label"]
