"""Recording the sanitisation of storage media, and the one definition of "every medium is
safe" that the `wipe` guard and the certificates read. Managing the media themselves (adding,
correcting, destroying, removing them) is `recond.workshop.storage_media`."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from recond import capabilities, public_id, scopes
from recond.errors import InvalidInput, NotFound, Refused
from recond.extensions import db
from recond.models import (
    Device, SanitisationMethod, SanitisationRecord, StorageMedium, User, Verification,
)
from recond.lifecycle.statuses import SANITISABLE
from recond.whole_numbers import whole_number

# NIST SP 800-88 Rev. 1's three categories, as people read them.
METHOD_LABELS = {SanitisationMethod.CLEAR: _l("Clear"), SanitisationMethod.PURGE: _l("Purge"),
                 SanitisationMethod.DESTROY: _l("Destroy")}


def method_label(method: str):
    return METHOD_LABELS.get(method, method)


def medium_for(actor: User, medium_id: int) -> StorageMedium:
    # Only a number an id can be reaches the database: 10**30 overflows its integer.
    medium = db.session.get(StorageMedium, medium_id) if whole_number(medium_id) else None
    if medium is None:
        raise NotFound(_l("No such storage medium in what you may see."))
    return _medium_for(actor, medium)


def lock(medium: StorageMedium) -> StorageMedium:
    """Lock the medium's row and re-read it: whoever records, corrects, destroys or removes it
    next waits for this transaction, then sees what it did (a second destruction is refused)."""
    return db.session.scalars(
        select(StorageMedium).where(StorageMedium.id == medium.id).with_for_update()
        .execution_options(populate_existing=True)).one()


def _medium_for(actor: User, medium: StorageMedium) -> StorageMedium:
    capabilities.require(actor, "sanitisation.record")
    if not scopes.can_see_device(actor, medium.device):
        raise NotFound(_l("No such storage medium in what you may see."))
    medium = lock(medium)
    if medium.removed_at is not None:
        raise Refused(_l("This storage medium was removed from its device."))
    if medium.device.status not in SANITISABLE:
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


def has_passed_record(medium: StorageMedium) -> bool:
    """Has this medium, as it is described, been certified once (any cycle)?"""
    return db.session.scalar(select(SanitisationRecord.id).where(
        SanitisationRecord.medium_id == medium.id, SanitisationRecord.passed.is_(True))
        .limit(1)) is not None


def destruction(medium: StorageMedium) -> SanitisationRecord | None:
    """The record of a destroyed medium's destruction (whatever the cycle it happened in)."""
    return db.session.scalar(select(SanitisationRecord).where(
        SanitisationRecord.medium_id == medium.id, SanitisationRecord.passed.is_(True),
        SanitisationRecord.method == SanitisationMethod.DESTROY)
        .order_by(SanitisationRecord.id.desc()).limit(1))


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
    """Why the device's data is not yet certainly gone (empty when it is).

    Each reason says where to act: the device's storage media page (`media_page`)."""
    if not device.media:
        if device.no_storage_cycle == device.cycle:
            return []
        return [_l("No storage medium is recorded for this device: add its disks on its "
                   "storage media page, or record that none was found.")]
    reasons = []
    for medium in device.media:
        if medium.removed_at is not None or conclusive_record(medium, device.cycle):
            continue
        name = medium.serial or f"#{medium.id}"
        if any(not r.passed for r in current_records(medium, device.cycle)):
            reasons.append(_l("Storage medium %(medium)s failed its wipe: it must be destroyed "
                              "or removed; record either on the device's storage media page.",
                              medium=name))
        else:
            reasons.append(_l("Storage medium %(medium)s has no passed sanitisation record.",
                              medium=name))
    return reasons


def failed_wipes_to_settle():
    """The media whose wipe failed in their device's current cycle, neither destroyed since
    nor removed, on devices still at the sanitising step: each one blocks its device's `wipe`
    until the technician settles it. The set form of `missing_sanitisation`'s first reason
    (what `conclusive_record` refuses), for lists; a select of media joined to their device,
    to which the caller adds its scope."""
    record_now = (SanitisationRecord.medium_id == StorageMedium.id) & \
        (SanitisationRecord.cycle == Device.cycle)
    failed = exists().where(record_now, SanitisationRecord.passed.is_(False))
    destroyed = exists().where(record_now, SanitisationRecord.passed.is_(True),
                               SanitisationRecord.method == SanitisationMethod.DESTROY)
    return (select(StorageMedium).join(Device, Device.id == StorageMedium.device_id)
            .where(Device.status.in_(SANITISABLE), StorageMedium.removed_at.is_(None),
                   failed, ~destroyed))


def media_page(device) -> str:
    """Where the reasons above are settled (a path: the page and the API share it)."""
    return public_id.path_of(device.public_id) + "/media"
