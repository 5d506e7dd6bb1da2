"""Recording the sanitisation of storage media. Minimal for now: the workshop issue adds nwipe
log import, evidence files and certificates; the `wipe` guard reads what is recorded here."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from recond import access
from recond.clock import utcnow
from recond.errors import InvalidInput, NotFound, NotPermitted, Refused
from recond.extensions import db
from recond.models import (
    Role, SanitisationMethod, SanitisationRecord, StorageMedium, User, Verification,
)


def medium_for(actor: User, medium_id: int) -> StorageMedium:
    medium = db.session.get(StorageMedium, medium_id)
    if medium is None:
        raise NotFound(_l("No such storage medium in what you may see."))
    return _medium_for(actor, medium)


def _medium_for(actor: User, medium: StorageMedium) -> StorageMedium:
    if actor.role != Role.TECHNICIAN:
        raise NotPermitted(_l("Only workshop technicians record sanitisation."))
    if not access.can_see_device(actor, medium.device):
        raise NotFound(_l("No such storage medium in what you may see."))
    if medium.removed_at is not None:
        raise Refused(_l("This storage medium was removed from its device."))
    if medium.device.status != "received":
        raise Refused(_l("Media are sanitised while the device is received at the workshop."))
    return medium


def record(actor: User, medium: StorageMedium, *, method: str, passed: bool,
           technique: str = "", tool: str = "", **details: Any) -> SanitisationRecord:
    """details: rounds, verification, started_at, finished_at, evidence_id, drive, errors."""
    _medium_for(actor, medium)
    if method not in set(SanitisationMethod):
        raise InvalidInput(_l("Unknown sanitisation method “%(method)s”.", method=method))
    if details.get("verification", Verification.NONE) not in set(Verification):
        raise InvalidInput(_l("Unknown verification “%(value)s”.", value=details["verification"]))
    row = SanitisationRecord(medium_id=medium.id, cycle=medium.device.cycle, method=method,
                             passed=passed, technique=technique, tool=tool,
                             performed_by_id=actor.id, **details)
    db.session.add(row)
    db.session.flush()
    return row


def remove_medium(actor: User, medium: StorageMedium) -> None:
    """The disk leaves the device (kept for destruction): it no longer needs a record."""
    _medium_for(actor, medium).removed_at = utcnow()
    db.session.flush()


def records_by_medium(device) -> dict[int, list[SanitisationRecord]]:
    """Every record of the device's media, all cycles, oldest first: the device page shows them."""
    rows = db.session.scalars(select(SanitisationRecord).where(
        SanitisationRecord.medium_id.in_([m.id for m in device.media]))
        .order_by(SanitisationRecord.id)).all()
    found: dict[int, list[SanitisationRecord]] = {}
    for row in rows:
        found.setdefault(row.medium_id, []).append(row)
    return found


def current_records(medium: StorageMedium, cycle: int) -> list[SanitisationRecord]:
    return db.session.scalars(
        select(SanitisationRecord)
        .where(SanitisationRecord.medium_id == medium.id, SanitisationRecord.cycle == cycle)
        .order_by(SanitisationRecord.id)).all()


def conclusive_record(medium: StorageMedium, cycle: int) -> SanitisationRecord | None:
    """The record that makes this medium safe in this cycle, or None.

    A medium that failed a wipe is never trusted again: only its destruction then counts.
    """
    records = current_records(medium, cycle)
    if any(not r.passed for r in records):
        return next((r for r in reversed(records)
                     if r.passed and r.method == SanitisationMethod.DESTROY), None)
    return records[-1] if records else None


def missing_sanitisation(device) -> list:
    """Why the device's data is not yet certainly gone (empty when it is)."""
    if not device.media:
        return [_l("No storage medium is recorded for this device: record its disks "
                   "(or their removal) first.")]
    reasons = []
    for medium in device.media:
        if medium.removed_at is not None or conclusive_record(medium, device.cycle):
            continue
        name = medium.serial or f"#{medium.id}"
        if any(not r.passed for r in current_records(medium, device.cycle)):
            reasons.append(_l("Storage medium %(medium)s failed its wipe: it must be "
                              "destroyed (a destroy record) or removed.", medium=name))
        else:
            reasons.append(_l("Storage medium %(medium)s has no passed sanitisation record.",
                              medium=name))
    return reasons
