"""Delivery notes: the workshop scans reserved devices onto a note for one structure and ships
it; the structure scans what arrives. Each expected device scanned is delivered (the
lifecycle's `deliver`, which refuses a device that is on no shipped note addressed to the
structure); the note shows what is missing and what came unexpected. A hand delivery (the
structure collects at the workshop, or the devices are brought by hand) is a note too, of kind
`hand`: the same scans, so the same rule.

    preparing --ship--> shipped --(every device received, or the structure closes it)--> received
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from recond import capabilities, lifecycle, scan, scopes
from recond.identity import notices
from recond.clock import utcnow
from recond.errors import DomainError, InvalidInput, NotFound, Refused
from recond.extensions import db
from recond.lifecycle import Status
from recond.models import (
    Allocation, AllocationStatus, DeliveryItem, DeliveryKind, DeliveryNote, DeliveryStatus, Device,
    UnexpectedScan, User,
)
from recond.models.delivery import LEFT_THE_WORKSHOP

STATUS_LABELS = {
    DeliveryStatus.PREPARING: _l("being prepared"),
    DeliveryStatus.SHIPPED: _l("shipped"),
    DeliveryStatus.RECEIVED: _l("received"),
}
KIND_LABELS = {
    DeliveryKind.SHIPMENT: _l("shipment"),
    DeliveryKind.HAND: _l("hand delivery"),
}


def visible_notes(user: User):
    return (select(DeliveryNote).where(scopes.note_scope(user))
            .options(selectinload(DeliveryNote.items), joinedload(DeliveryNote.structure))
            .order_by(DeliveryNote.id.desc()))


def get_note(user: User, note_id: int) -> DeliveryNote:
    note = db.session.scalar(
        select(DeliveryNote).where(DeliveryNote.id == note_id, scopes.note_scope(user))
        .options(selectinload(DeliveryNote.items).joinedload(DeliveryItem.device),
                 selectinload(DeliveryNote.unexpected)))
    if note is None:
        raise NotFound(_l("No such delivery note in what you may see."))
    return note


def awaiting_shipment(user: User) -> list[tuple[Device, Allocation]]:
    """Reserved devices of the technician's workshop that are on no note yet."""
    on_a_note = select(DeliveryItem.device_id).join(DeliveryNote).where(
        DeliveryNote.status != DeliveryStatus.RECEIVED)
    return db.session.execute(
        select(Device, Allocation).join(Allocation, Allocation.device_id == Device.id)
        .where(scopes.device_scope(user), Device.status == Status.RESERVED,
               Allocation.status == AllocationStatus.ACTIVE, Device.id.not_in(on_a_note))
        .order_by(Allocation.structure_id, Device.id)).all()


def open_note(actor: User, structure_id: int, kind: str = DeliveryKind.SHIPMENT) -> DeliveryNote:
    capabilities.require(actor, "deliveries.prepare")
    if kind not in set(DeliveryKind):
        raise InvalidInput(_l("A delivery note is a shipment or a hand delivery."))
    has_devices = any(a.structure_id == structure_id for _d, a in awaiting_shipment(actor))
    if not has_devices:
        raise Refused(_l("No reserved device of your workshop waits for this structure."))
    note = DeliveryNote(workshop_id=actor.organisation_id, structure_id=structure_id,
                        kind=str(kind), created_by_id=actor.id)
    db.session.add(note)
    db.session.flush()
    return note


def scans_now(user: User, note: DeliveryNote) -> bool:
    """Who scans the note at this stage: the workshop while preparing, the structure on arrival."""
    return may_prepare(user, note) or may_receive(user, note)


def may_prepare(user: User, note: DeliveryNote) -> bool:
    """The workshop adds, removes and ships while the note is being prepared."""
    return capabilities.can(user, "deliveries.prepare") and note.status == DeliveryStatus.PREPARING


def left_the_workshop(note: DeliveryNote) -> bool:
    """Shipped or received: what is missing and what came unexpected now mean something."""
    return note.status in LEFT_THE_WORKSHOP


def may_receive(user: User, note: DeliveryNote) -> bool:
    """The structure scans what arrives, or closes the note, once it is shipped."""
    return capabilities.can(user, "deliveries.receive") and note.status == DeliveryStatus.SHIPPED


def add_device(actor: User, note: DeliveryNote, code: str) -> Device:
    """The technician scans a device onto the note."""
    note = get_note(actor, note.id)
    if not may_prepare(actor, note):
        raise Refused(_l("Devices are added while the note is being prepared, by the workshop."))
    device = scan.resolve(actor, code)
    allocation = lifecycle.active_allocation(device)
    if device.status != Status.RESERVED or allocation is None:
        raise Refused(_l("%(id)s is not reserved for a structure.", id=device.public_id))
    if allocation.structure_id != note.structure_id:
        raise Refused(_l("%(id)s is reserved for %(structure)s, not for this note's structure.",
                         id=device.public_id, structure=allocation.structure.name))
    elsewhere = db.session.scalar(
        select(DeliveryNote).join(DeliveryItem).where(
            DeliveryItem.device_id == device.id, DeliveryNote.status != DeliveryStatus.RECEIVED))
    if elsewhere is not None:
        if elsewhere.id == note.id:
            raise Refused(_l("%(id)s is already on this note.", id=device.public_id))
        raise Refused(_l("%(id)s is already on delivery note %(note)s.", id=device.public_id,
                         note=elsewhere.number))
    note.items.append(DeliveryItem(device_id=device.id))
    db.session.flush()
    return device


def remove_device(actor: User, note: DeliveryNote, item_id: int) -> None:
    note = get_note(actor, note.id)
    if not may_prepare(actor, note):
        raise Refused(_l("Devices are removed while the note is being prepared, by the workshop."))
    item = next((i for i in note.items if i.id == item_id), None)
    if item is None:
        raise NotFound(_l("This device is not on the note."))
    note.items.remove(item)
    db.session.delete(item)
    db.session.flush()


def ship(actor: User, note: DeliveryNote) -> DeliveryNote:
    note = get_note(actor, note.id)
    if not may_prepare(actor, note):
        raise Refused(_l("Only a note being prepared can be shipped, by the workshop."))
    if not note.items:
        raise Refused(_l("Scan at least one device onto the note before shipping it."))
    # An allocation cancelled since the scan: that device must not leave with the others.
    stale = [i.device.public_id for i in note.items
             if i.device.status != Status.RESERVED
             or getattr(lifecycle.active_allocation(i.device), "structure_id", None) != note.structure_id]
    if stale:
        raise Refused(_l("No longer reserved for this structure: %(ids)s. Remove them from the note.",
                         ids=", ".join(stale)))
    note.status = DeliveryStatus.SHIPPED
    note.shipped_at = utcnow()
    db.session.flush()
    notices.delivery_shipped(note)
    return note


@dataclass
class ArrivalScan:
    outcome: str  # delivered, already, unexpected
    message: object
    device: Device | None = None


def receive_scan(actor: User, note: DeliveryNote, code: str) -> ArrivalScan:
    """The structure scans a device that arrived: on the note, it is delivered; otherwise it is
    kept as unexpected for the workshop to sort out."""
    note = get_note(actor, note.id)
    if not may_receive(actor, note):
        raise Refused(_l("Devices are scanned on arrival, by the structure, once the note is shipped."))
    code = (code or "").strip()
    if not code:
        raise InvalidInput(_l("Nothing was scanned."), code="empty_code")
    try:
        device = scan.resolve(actor, code)
    except DomainError:
        device = None
    item = next((i for i in note.items if device is not None and i.device_id == device.id), None)
    if item is None:
        note.unexpected.append(UnexpectedScan(code=code[:300], device_id=device.id if device else None))
        db.session.flush()
        return ArrivalScan("unexpected", _l("“%(code)s” is not on this delivery note: it is listed "
                                            "as unexpected.", code=code[:60]), device)
    if item.received_at is not None:
        return ArrivalScan("already", _l("%(id)s was already received.", id=device.public_id), device)
    # The lifecycle's deliver marks the item (and the note, with its last item) received.
    lifecycle.perform(actor, device, "deliver")
    return ArrivalScan("delivered", _l("%(id)s received.", id=device.public_id), device)


def close(actor: User, note: DeliveryNote) -> DeliveryNote:
    """The structure closes a note with devices missing: they stay reserved and listed."""
    note = get_note(actor, note.id)
    if not may_receive(actor, note):
        raise Refused(_l("Only a shipped note can be closed, by the structure."))
    note.status = DeliveryStatus.RECEIVED
    note.closed_at = utcnow()
    db.session.flush()
    return note


@dataclass
class NoteState:
    expected: list[DeliveryItem]
    received: list[DeliveryItem]
    missing: list[DeliveryItem]
    unexpected: list[UnexpectedScan]


def state(note: DeliveryNote) -> NoteState:
    received = [i for i in note.items if i.received_at]
    missing = [i for i in note.items if not i.received_at] if note.status != DeliveryStatus.PREPARING else []
    return NoteState(list(note.items), received, missing, list(note.unexpected))
