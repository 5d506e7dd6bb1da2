"""What each actor may see: one SQL condition per kind of object, added to the queries
themselves, so a guessed URL finds nothing rather than something a template forgot to hide.
Adding a scope rule (a technician sees his own workshop's devices) is one change here."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, false, or_, select, true

from recond import capabilities
from recond.errors import NotFound
from recond.extensions import db
from recond.models import (
    Allocation, AllocationStatus, Certificate, Convention, DeliveryNote, DeliveryStatus, Deposit,
    Device, DeviceEvent, EquipmentRequest, Organisation, OrganisationKind, RecyclingLot, Role,
    TransferNote, TransferStatus,
    User,
)

# The role whose scope is an organisation's own, as a whole (its webhooks read with it).
_ROLE_OF_KIND = {
    OrganisationKind.COORDINATION: Role.COORDINATOR, OrganisationKind.COLLECTOR: Role.COLLECTOR,
    OrganisationKind.WORKSHOP: Role.TECHNICIAN, OrganisationKind.STRUCTURE: Role.STRUCTURE,
    OrganisationKind.DONOR: Role.DONOR,
}


def device_scope(user: User) -> ColumnElement[bool]:
    org = user.organisation_id
    match user.role:
        case Role.ADMIN | Role.COORDINATOR:
            return true()
        case Role.TECHNICIAN:
            return Device.workshop_id == org
        case Role.COLLECTOR:
            return Device.deposit_id.in_(select(Deposit.id).where(Deposit.collector_id == org))
        case Role.DONOR:
            return Device.deposit_id.in_(select(Deposit.id).where(Deposit.donor_id == org))
        case Role.STRUCTURE:
            return Device.id.in_(
                select(Allocation.device_id).where(
                    Allocation.structure_id == org, Allocation.status == AllocationStatus.ACTIVE
                )
            )
    return false()


def organisation_reader(kind: str, organisation_id: int) -> User:
    """A reader standing for a whole organisation: the scope of its members' role (a donor its
    deposits' devices, a structure its requests and allocated devices, the coordination all).
    Transient, never added to the session: the scope functions only read its role and
    organisation."""
    return User(role=_ROLE_OF_KIND[OrganisationKind(kind)], organisation_id=organisation_id)


def sees_device(reader: User, device_id: int) -> bool:
    return reader.sees_everything or db.session.scalar(
        select(Device.id).where(Device.id == device_id, device_scope(reader))) is not None


def organisations_seeing_device(device_id: int) -> set[tuple[str, int]]:
    """(kind, id) of the organisations whose whole scope holds the device, read in one query —
    exactly `device_scope` for each kind's role: its workshop, its deposit's collector and
    donor, the structure of its active allocation. The coordination sees every device and is
    not listed (it is no one row's)."""
    rows = db.session.execute(
        select(Device.workshop_id, Deposit.collector_id, Deposit.donor_id, Allocation.structure_id)
        .outerjoin(Deposit, Deposit.id == Device.deposit_id)
        .outerjoin(Allocation, (Allocation.device_id == Device.id)
                   & (Allocation.status == AllocationStatus.ACTIVE))
        .where(Device.id == device_id))
    seeing: set[tuple[str, int]] = set()
    for workshop, collector, donor, structure in rows:
        for kind, org in ((OrganisationKind.WORKSHOP, workshop),
                          (OrganisationKind.COLLECTOR, collector),
                          (OrganisationKind.DONOR, donor), (OrganisationKind.STRUCTURE, structure)):
            if org is not None:
                seeing.add((kind.value, org))
    return seeing


def sees_deposit(reader: User, deposit_id: int) -> bool:
    return reader.sees_everything or db.session.scalar(
        select(Deposit.id).where(Deposit.id == deposit_id, deposit_scope(reader))) is not None


def sees_request(reader: User, request_id: int) -> bool:
    return reader.sees_everything or db.session.scalar(
        select(EquipmentRequest.id).where(EquipmentRequest.id == request_id,
                                          request_scope(reader))) is not None


def deposit_scope(user: User) -> ColumnElement[bool]:
    org = user.organisation_id
    match user.role:
        case Role.ADMIN | Role.COORDINATOR:
            return true()
        case Role.COLLECTOR:
            return Deposit.collector_id == org
        case Role.DONOR:
            return Deposit.donor_id == org
        case Role.TECHNICIAN:
            return Deposit.workshop_id == org
    return false()


def allocation_scope(user: User) -> ColumnElement[bool]:
    """Allocations: a structure's own; the coordination all. (The workshop reads devices, not
    the terms they were allocated on.)"""
    if user.sees_everything:
        return true()
    if user.role == Role.STRUCTURE:
        return Allocation.structure_id == user.organisation_id
    return false()


def certificate_scope(user: User) -> ColumnElement[bool]:
    """Certificates of sanitisation covering a device or a deposit the user sees."""
    if user.sees_everything:
        return true()
    return or_(Certificate.device_id.in_(select(Device.id).where(device_scope(user))),
               Certificate.deposit_id.in_(select(Deposit.id).where(deposit_scope(user))))


def visible_devices(user: User):
    return select(Device).where(device_scope(user))


def can_see_device(user: User, device: Device) -> bool:
    if user.sees_everything:
        return True
    if user.role == Role.TECHNICIAN:
        # The scope is a column of the device itself (`device_scope`): no query to ask it.
        return device.workshop_id == user.organisation_id
    return db.session.scalar(
        select(Device.id).where(Device.id == device.id, device_scope(user))
    ) is not None


def require_visible_device(user: User, device: Device) -> None:
    """For a device reached by other means than the ID the reader typed (a medium, a form, a
    job): when it is not theirs to see, the refusal names nothing of it."""
    if not can_see_device(user, device):
        raise NotFound(_l("No such device in what you may see."))


def require_visible_deposit(user: User, deposit: Deposit, message=None) -> None:
    """The same for a deposit reached through an import, a device or a certificate: a 404 that
    never gives away another organisation's deposit number."""
    if not user.sees_everything and db.session.scalar(
            select(Deposit.id).where(Deposit.id == deposit.id, deposit_scope(user))) is None:
        raise NotFound(message or _l("No such deposit in what you may see."))


def get_visible_device(user: User, public_id: str) -> Device:
    device = db.session.scalar(visible_devices(user).where(Device.public_id == public_id))
    if device is None:
        raise NotFound(_l("No device %(id)s in what you may see.", id=public_id))
    return device


# History details that speak of the allocation: not for donors' or collectors' eyes.
_ALLOCATION_KEYS = frozenset({"structure_id", "tier", "price_cents", "grid_version",
                              "allocation_id", "line_id", "beneficiary_id",
                              "second_device_reason"})


# The allocation's terms (the beneficiary's tier, the price, the beneficiary): only for the
# structure concerned and the coordination, never for the workshop.
_TERMS_KEYS = frozenset({"tier", "price_cents", "grid_version", "beneficiary_id", "beneficiary",
                         "second_device_reason", "price_cap_convention"})


def sees_allocation_terms(reader: User, structure_id: int | None) -> bool:
    """May this reader see the tier, price and beneficiary of an allocation to that structure?"""
    if reader.sees_everything:
        return True
    return reader.role == Role.STRUCTURE and structure_id is not None \
        and reader.organisation_id == structure_id


def visible_details(reader: User, event: DeviceEvent) -> dict:
    """What a reader may see of a history row's details: the one rule the device page and the
    API's history both apply (a row is rendered for its reader, not filtered in a template)."""
    payload = dict(event.payload or {})
    if not capabilities.can(reader, "allocation.history"):
        payload = {k: v for k, v in payload.items() if k not in _ALLOCATION_KEYS}
    if not sees_allocation_terms(reader, payload.get("structure_id")):
        payload = {k: v for k, v in payload.items() if k not in _TERMS_KEYS}
    return payload


def structure_scope(user: User) -> ColumnElement[bool]:
    if user.sees_everything or user.role == Role.TECHNICIAN:
        return true()
    if user.role == Role.STRUCTURE:
        return Organisation.id == user.organisation_id
    return false()


def donor_scope(user: User) -> ColumnElement[bool]:
    """Which donor companies a user may see: collectors, those they manage."""
    if user.sees_everything:
        return true()
    if user.role == Role.COLLECTOR:
        return Organisation.managed_by_id == user.organisation_id
    if user.role == Role.DONOR:
        return Organisation.id == user.organisation_id
    return false()


def request_scope(user: User) -> ColumnElement[bool]:
    if user.sees_everything:
        return true()
    if user.role == Role.STRUCTURE:
        return EquipmentRequest.structure_id == user.organisation_id
    return false()


def note_scope(user: User) -> ColumnElement[bool]:
    if user.sees_everything:
        return true()
    if user.role == Role.TECHNICIAN:
        return DeliveryNote.workshop_id == user.organisation_id
    if user.role == Role.STRUCTURE:
        # A note the workshop is still preparing is not the structure's business yet.
        return (DeliveryNote.structure_id == user.organisation_id) & \
            (DeliveryNote.status != DeliveryStatus.PREPARING)
    return false()


def recycling_lot_scope(user: User) -> ColumnElement[bool]:
    """WEEE lots: the workshop's own; the coordination reads every workshop's."""
    if user.sees_everything:
        return true()
    if user.role == Role.TECHNICIAN:
        return RecyclingLot.workshop_id == user.organisation_id
    return false()


def convention_scope(user: User) -> ColumnElement[bool]:
    """Partner conventions: the coordination all; a partner workshop that uses Recond its own
    (the report is for both parties)."""
    if user.sees_everything:
        return true()
    if user.role == Role.TECHNICIAN:
        return Convention.partner_id == user.organisation_id
    return false()


def transfer_scope(user: User) -> ColumnElement[bool]:
    """Transfer notes between workshops: the sending workshop's from the start; the receiving
    workshop's once shipped (a note still being prepared is not its business yet); the
    coordination all. The devices themselves stay in the sender's scope until they arrive."""
    if user.sees_everything:
        return true()
    if user.role == Role.TECHNICIAN:
        org = user.organisation_id
        return or_(TransferNote.from_workshop_id == org,
                   (TransferNote.to_workshop_id == org)
                   & (TransferNote.status != TransferStatus.PREPARING))
    return false()
