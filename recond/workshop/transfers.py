"""Transfer notes between workshops: the sending workshop scans its devices onto a numbered
note for another workshop and ships it (each device's history says it left); the receiving
workshop scans what arrives — each device on the note changes workshop, with its history, and
anything else is kept as unexpected; what never arrived is missing. The status of a device does
not change on the way: a transfer moves it, it does not refurbish it.

    preparing --ship--> shipped --(every device arrived, or the receiver closes it)--> received

Arrivals on one note are scanned one after the other (the note's row is locked), so a device
scanned by two technicians at once arrives once, and the last arrival closes the note."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from recond import capabilities, lifecycle, public_id, scan, scopes
from recond.clock import utcnow
from recond.errors import DomainError, InvalidInput, NotFound, Refused
from recond.extensions import db
from recond.lifecycle import statuses
from recond.models import (
    Device, Organisation, OrganisationKind, TransferItem, TransferNote, TransferStatus,
    TransferUnexpectedScan, User,
)
from recond.models.transfer import LEFT_THE_SENDER

STATUS_LABELS = {
    TransferStatus.PREPARING: _l("being prepared"),
    TransferStatus.SHIPPED: _l("shipped"),
    TransferStatus.RECEIVED: _l("received"),
}
EVENT_LABELS = {"transfer_out": _l("Sent to another workshop"),
                "transfer_in": _l("Arrived from another workshop")}
DETAIL_LABELS = {"transfer": _l("Transfer note"), "from_workshop": _l("From workshop"),
                 "to_workshop": _l("To workshop")}
OPEN = frozenset({TransferStatus.PREPARING, TransferStatus.SHIPPED})


def visible_notes(user: User):
    return (select(TransferNote).where(scopes.transfer_scope(user))
            .options(selectinload(TransferNote.items), joinedload(TransferNote.from_workshop),
                     joinedload(TransferNote.to_workshop))
            .order_by(TransferNote.id.desc()))


def get_note(user: User, note_id: int, *, lock: bool = False) -> TransferNote:
    query = select(TransferNote).where(TransferNote.id == note_id, scopes.transfer_scope(user))
    if lock:  # read afresh under the row's lock, its lines too: what another scan committed
        query = query.with_for_update(of=TransferNote).options(
            selectinload(TransferNote.items), selectinload(TransferNote.unexpected),
        ).execution_options(populate_existing=True)
    note = db.session.scalar(query)
    if note is None:
        raise NotFound(_l("No such transfer note in what you may see."))
    return note


def destinations(actor: User) -> list[Organisation]:
    """The other active workshops a technician may send devices to."""
    return db.session.scalars(select(Organisation).where(
        Organisation.kind == OrganisationKind.WORKSHOP, Organisation.active.is_(True),
        Organisation.id != actor.organisation_id).order_by(Organisation.name)).all()


def open_note(actor: User, to_workshop_id: int, notes: str = "") -> TransferNote:
    capabilities.require(actor, "transfers.prepare")
    if to_workshop_id not in {w.id for w in destinations(actor)}:
        raise NotFound(_l("Choose another active workshop to send the devices to."))
    note = TransferNote(from_workshop_id=actor.organisation_id, to_workshop_id=to_workshop_id,
                        notes=(notes or "").strip()[:300], created_by_id=actor.id)
    db.session.add(note)
    db.session.flush()
    return note


def may_prepare(user: User, note: TransferNote) -> bool:
    """The sending workshop adds, removes and ships while the note is being prepared."""
    return capabilities.can(user, "transfers.prepare") and note.status == TransferStatus.PREPARING \
        and note.from_workshop_id == user.organisation_id


def may_receive(user: User, note: TransferNote) -> bool:
    """The receiving workshop scans what arrives, or closes the note, once it is shipped."""
    return capabilities.can(user, "transfers.receive") and note.status == TransferStatus.SHIPPED \
        and note.to_workshop_id == user.organisation_id


def scans_now(user: User, note: TransferNote) -> bool:
    return may_prepare(user, note) or may_receive(user, note)


def left_the_sender(note: TransferNote) -> bool:
    return note.status in LEFT_THE_SENDER


def add_device(actor: User, note: TransferNote, code: str) -> Device:
    """The sending technician scans one of his workshop's devices onto the note."""
    capabilities.require(actor, "transfers.prepare")
    note = get_note(actor, note.id, lock=True)
    if not may_prepare(actor, note):
        raise Refused(_l("Devices are added while the note is being prepared, by the sending "
                         "workshop."))
    device = scan.resolve(actor, code)
    if device.workshop_id != note.from_workshop_id:
        raise Refused(_l("%(id)s is not at your workshop.", id=device.public_id))
    if device.status not in statuses.TRANSFERABLE:
        raise Refused(_l("%(id)s is %(status)s: only a device being refurbished or ready, "
                         "allocated to nobody, moves to another workshop.", id=device.public_id,
                         status=lifecycle.STATUS_LABELS[lifecycle.Status(device.status)]))
    # A device is on one open note at most: two notes taking it at once queue on its row, and
    # the second then finds it on the first.
    db.session.execute(select(Device.id).where(Device.id == device.id).with_for_update())
    elsewhere = db.session.scalar(
        select(TransferNote).join(TransferItem).where(
            TransferItem.device_id == device.id, TransferNote.status.in_([s.value for s in OPEN])))
    if elsewhere is not None:
        if elsewhere.id == note.id:
            raise Refused(_l("%(id)s is already on this note.", id=device.public_id))
        raise Refused(_l("%(id)s is already on transfer note %(note)s.", id=device.public_id,
                         note=elsewhere.number))
    note.items.append(TransferItem(device_id=device.id))
    db.session.flush()
    return device


def remove_device(actor: User, note: TransferNote, item_id: int) -> None:
    note = get_note(actor, note.id, lock=True)
    if not may_prepare(actor, note):
        raise Refused(_l("Devices are removed while the note is being prepared, by the sending "
                         "workshop."))
    item = next((i for i in note.items if i.id == item_id), None)
    if item is None:
        raise NotFound(_l("This device is not on the note."))
    note.items.remove(item)
    db.session.delete(item)
    db.session.flush()


def ship(actor: User, note: TransferNote) -> TransferNote:
    """The devices leave: each one's history says where to, on which note."""
    note = get_note(actor, note.id, lock=True)
    if not may_prepare(actor, note):
        raise Refused(_l("Only a note being prepared can be shipped, by the sending workshop."))
    if not note.items:
        raise Refused(_l("Scan at least one device onto the note before shipping it."))
    # Something happened to a device since it was scanned on: it must not leave with the others.
    stale = [i.device.public_id for i in note.items
             if i.device.workshop_id != note.from_workshop_id
             or i.device.status not in statuses.TRANSFERABLE]
    if stale:
        raise Refused(_l("These devices can no longer be sent: %(ids)s. Remove them from the note.",
                         ids=", ".join(stale)))
    note.status, note.shipped_at = TransferStatus.SHIPPED, utcnow()
    for item in note.items:
        lifecycle.note(actor, item.device, "transfer_out", _payload(note))
    db.session.flush()
    return note


@dataclass
class ArrivalScan:
    outcome: str  # arrived, already, unexpected
    message: object
    device: Device | None = None


def receive_scan(actor: User, note: TransferNote, code: str) -> ArrivalScan:
    """The receiving technician scans a device that arrived. On the note, it moves to his
    workshop (and the last one closes the note); otherwise the code is kept as unexpected."""
    code = (code or "").strip()
    if not code or len(code) > scan.MAX_CODE_LENGTH:
        raise InvalidInput(_l("Nothing was scanned."), code="empty_code")
    note = get_note(actor, note.id, lock=True)
    if not may_receive(actor, note):
        raise Refused(_l("Devices are scanned on arrival, by the receiving workshop, once the "
                         "note is shipped."))
    item = _find(note, code)
    if item is None:
        try:
            device = scan.resolve(actor, code)
        except DomainError:
            device = None
        note.unexpected.append(TransferUnexpectedScan(code=code[:300],
                                                      device_id=device.id if device else None))
        db.session.flush()
        return ArrivalScan("unexpected", _l("“%(code)s” is not on this transfer note: it is "
                                            "listed as unexpected.", code=code[:60]), device)
    if item.received_at is not None:
        return ArrivalScan("already", _l("%(id)s has already arrived.", id=item.device.public_id),
                           item.device)
    lifecycle.move(actor, item.device, "transfer_in", note.to_workshop_id, _payload(note))
    item.received_at, item.received_by_id = utcnow(), actor.id
    if all(i.received_at is not None for i in note.items):
        note.status, note.closed_at = TransferStatus.RECEIVED, utcnow()
    db.session.flush()
    return ArrivalScan("arrived", _l("%(id)s arrived.", id=item.device.public_id), item.device)


def close(actor: User, note: TransferNote) -> TransferNote:
    """The receiving workshop closes a note with devices missing: they stay at the sender's,
    listed as missing on the note, and may leave again on another note."""
    note = get_note(actor, note.id, lock=True)
    if not may_receive(actor, note):
        raise Refused(_l("Only a shipped note can be closed, by the receiving workshop."))
    note.status, note.closed_at = TransferStatus.RECEIVED, utcnow()
    db.session.flush()
    return note


@dataclass
class NoteState:
    expected: list[TransferItem]
    arrived: list[TransferItem]
    missing: list[TransferItem]
    unexpected: list[TransferUnexpectedScan]


def state(note: TransferNote) -> NoteState:
    """The one account of a transfer that the page and the API read: missing means something
    only once the note left the sender."""
    arrived = [i for i in note.items if i.received_at is not None]
    missing = [i for i in note.items if i.received_at is None] if left_the_sender(note) else []
    return NoteState(list(note.items), arrived, missing, list(note.unexpected))


def in_transit(user: User) -> int:
    """Shipped notes on their way to the user's workshop (its to-do)."""
    return db.session.scalar(select(func.count(TransferNote.id)).where(
        TransferNote.to_workshop_id == user.organisation_id,
        TransferNote.status == TransferStatus.SHIPPED)) or 0


def _find(note: TransferNote, typed: str) -> TransferItem | None:
    """The note's line for a public ID, serial number or asset tag, as typed or as meant."""
    by_device = {i.device_id: i for i in note.items}
    if not by_device:
        return None
    for text in scan.candidates(typed):
        code = public_id.from_scanned(text)
        key = "".join(text.split()).upper()
        device_id = db.session.scalar(select(Device.id).where(
            Device.id.in_(list(by_device)),
            or_(Device.public_id == code, Device.serial_key == key,
                func.upper(Device.asset_tag) == key)).limit(1))
        if device_id is not None:
            return by_device[device_id]
    return None


def _payload(note: TransferNote) -> dict[str, str]:
    return {"transfer": note.number, "from_workshop": note.from_workshop.name,
            "to_workshop": note.to_workshop.name}
