"""The page behind every label (`/d/<ID>`): staff who may see the device get its full page;
anyone else — not signed in, or of an organisation that may not see it — reads what a person
holding the device may know: what it is, that the workshop reconditioned it with a free
operating system (which one), and where to find help. Never its history, serial, donor,
beneficiary or price."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from recond import categories, public_id, scopes
from recond.distribution import public_help
from recond.errors import NotFound
from recond.extensions import db
from recond.lifecycle import active_allocation
from recond.lifecycle.statuses import REUSED, TERMINAL, WITH_STRUCTURE
from recond.models import Device, Organisation, User

RECONDITIONED, IN_PROGRESS, NOT_REUSED = "reconditioned", "in_progress", "not_reused"


@dataclass(frozen=True)
class Place:
    """A structure of the directory, as its public entry gives it."""
    name: str
    address: str
    postcode: str
    commune: str
    phone: str
    email: str


@dataclass(frozen=True)
class PublicCard:
    public_id: str
    category: str
    brand: str
    model: str
    state: str  # RECONDITIONED, IN_PROGRESS or NOT_REUSED
    workshop: str
    operating_system: str
    has_os: bool
    has_storage: bool
    guide_url: str
    support_phone: str
    support_hours: str
    support_url: str
    places_url: str
    structure: Place | None  # the structure that handed the device over, from the directory

    @property
    def reconditioned(self) -> bool:
        return self.state == RECONDITIONED

    @property
    def not_reused(self) -> bool:
        return self.state == NOT_REUSED


@dataclass(frozen=True)
class LabelPage:
    device: Device | None = None  # the full page, for a reader who may see the device
    card: PublicCard | None = None  # the public page, for anyone else


def open_label(reader: User | None, typed: str) -> LabelPage:
    """What `/d/<ID>` shows this reader; an unknown or malformed ID is not found."""
    code = public_id.normalise(typed or "")[:20]
    device = db.session.scalar(select(Device).where(Device.public_id == code)) \
        if public_id.is_valid(code) else None
    if device is None:
        raise NotFound(_l("No device has the ID %(id)s. Check the code on the label.",
                          id=code or "—"), code="unknown_device")
    if reader is not None and scopes.can_see_device(reader, device):
        return LabelPage(device=device)
    return LabelPage(card=card_of(device))


def card_of(device: Device) -> PublicCard:
    category = categories.CATEGORIES[device.category]
    help_ = public_help.current()
    workshop = db.session.get(Organisation, device.workshop_id) if device.workshop_id else None
    state = RECONDITIONED if device.status in REUSED else \
        NOT_REUSED if device.status in TERMINAL else IN_PROGRESS
    return PublicCard(
        public_id=device.public_id, category=str(category.label), brand=device.brand,
        model=device.model, state=state, workshop=workshop.name if workshop else "",
        operating_system=device.operating_system or "", has_os=category.has_os,
        has_storage=category.has_storage,
        guide_url=public_help.guide_for(help_, device.operating_system),
        support_phone=help_.support_phone, support_hours=help_.support_hours,
        support_url=help_.support_url, places_url=help_.places_url,
        structure=_handed_over_by(device))


def _handed_over_by(device: Device) -> Place | None:
    if device.status not in WITH_STRUCTURE:
        return None
    allocation = active_allocation(device)
    if allocation is None:
        return None
    s = allocation.structure
    return Place(s.name, s.address or "", s.postcode or "", s.commune or "", s.phone or "",
                 s.email or "")
