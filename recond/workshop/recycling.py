"""Recycling lots (WEEE): each workshop has one open lot that recycled devices join; handing it
over to the take-back organisation records its weight and opens the next one. What a lot
holds — its devices, their weights where known, the figures its slip prints — is read here,
by the lot's page, its PDF slip and the API alike."""
from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from recond.clock import utcnow
from recond import capabilities, scopes
from recond.errors import InvalidInput, NotFound, Refused
from recond.extensions import db
from recond.models import Device, RecyclingLot, User
from recond.models.recycling import LOT_HANDED_OVER, LOT_OPEN
from recond.weights import parse_kg


@dataclass(frozen=True)
class LotContents:
    """A lot as its slip states it: the devices, how many of each category, their weights."""
    lot: RecyclingLot
    devices: list[Device]
    by_category: dict[str, int]
    weighed: int  # devices whose own weight is known
    weighed_grams: int  # the sum of those weights

    @property
    def count(self) -> int:
        return len(self.devices)


def open_lot(workshop_id: int) -> RecyclingLot:
    lot = db.session.scalar(select(RecyclingLot).where(
        RecyclingLot.workshop_id == workshop_id, RecyclingLot.status == LOT_OPEN))
    if lot is None:
        lot = RecyclingLot(workshop_id=workshop_id, number=f"TMP-{secrets.token_hex(6)}")
        db.session.add(lot)
        db.session.flush()
        lot.number = f"DEEE-{lot.id:06d}"
        db.session.flush()
    return lot


def lots(actor: User) -> list[RecyclingLot]:
    """The lots this actor may read, newest first: a workshop its own, the coordination all."""
    capabilities.require(actor, "recycling.read")
    return db.session.scalars(select(RecyclingLot).where(scopes.recycling_lot_scope(actor))
                              .order_by(RecyclingLot.id.desc())).all()


def listing(actor: User) -> list[tuple[RecyclingLot, int]]:
    """The lots this actor may read, each with how many devices it holds (one query more)."""
    found = lots(actor)
    counts = dict(db.session.execute(
        select(Device.recycling_lot_id, func.count(Device.id))
        .where(Device.recycling_lot_id.in_([lot.id for lot in found]))
        .group_by(Device.recycling_lot_id)).all()) if found else {}
    return [(lot, counts.get(lot.id, 0)) for lot in found]


def get_lot(actor: User, number: str) -> RecyclingLot:
    capabilities.require(actor, "recycling.read")
    lot = db.session.scalar(select(RecyclingLot).where(
        RecyclingLot.number == (number or "").strip().upper()[:20],
        scopes.recycling_lot_scope(actor)))
    if lot is None:
        raise NotFound(_l("No such recycling lot in what you may see."))
    return lot


def devices_of(lot: RecyclingLot) -> list[Device]:
    return db.session.scalars(select(Device).where(Device.recycling_lot_id == lot.id)
                              .order_by(Device.id)).all()


def contents(lot: RecyclingLot) -> LotContents:
    devices = devices_of(lot)
    weights = [d.weight_grams for d in devices if d.weight_grams is not None]
    return LotContents(lot, devices, dict(sorted(Counter(d.category for d in devices).items())),
                       len(weights), sum(weights))


def may_hand_over(actor: User, lot: RecyclingLot) -> bool:
    return lot.is_open and capabilities.can(actor, "recycling.hand_over") \
        and lot.workshop_id == actor.organisation_id


def hand_over(actor: User, lot_id: int, *, weight_kg: str, organisation: str) -> RecyclingLot:
    capabilities.require(actor, "recycling.hand_over")
    lot = db.session.get(RecyclingLot, lot_id)
    if lot is None or lot.workshop_id != actor.organisation_id:
        raise NotFound(_l("No such recycling lot in your workshop."))
    if not lot.is_open:
        raise Refused(_l("This lot was already handed over."), code="already_handed_over")
    if not devices_of(lot):
        raise Refused(_l("This lot is empty."), code="empty_lot")
    if not (organisation or "").strip():
        raise InvalidInput(_l("Say which organisation takes the lot back."))
    grams = parse_kg(weight_kg)
    lot.weight_grams, lot.take_back_organisation = grams, organisation.strip()[:200]
    lot.status, lot.handed_over_at, lot.handed_over_by_id = LOT_HANDED_OVER, utcnow(), actor.id
    db.session.flush()
    return lot
