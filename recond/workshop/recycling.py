"""Recycling lots (WEEE): each workshop has one open lot that recycled devices join; handing it
over to the take-back organisation records its weight and opens the next one."""
from __future__ import annotations

import secrets
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from recond.clock import utcnow
from recond import capabilities
from recond.errors import InvalidInput, NotFound, Refused
from recond.extensions import db
from recond.models import Device, RecyclingLot, User
from recond.models.recycling import LOT_HANDED_OVER, LOT_OPEN


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
    _technician(actor)
    return db.session.scalars(select(RecyclingLot).where(
        RecyclingLot.workshop_id == actor.organisation_id).order_by(RecyclingLot.id.desc())).all()


def devices_of(lot: RecyclingLot) -> list[Device]:
    return db.session.scalars(select(Device).where(Device.recycling_lot_id == lot.id)
                              .order_by(Device.id)).all()


def hand_over(actor: User, lot_id: int, *, weight_kg: str, organisation: str) -> RecyclingLot:
    _technician(actor)
    lot = db.session.get(RecyclingLot, lot_id)
    if lot is None or lot.workshop_id != actor.organisation_id:
        raise NotFound(_l("No such recycling lot in your workshop."))
    if not lot.is_open:
        raise Refused(_l("This lot was already handed over."), code="already_handed_over")
    if not devices_of(lot):
        raise Refused(_l("This lot is empty."), code="empty_lot")
    try:
        grams = int((Decimal(str(weight_kg).replace(",", ".")) * 1000).to_integral_value())
    except (InvalidOperation, ValueError):
        grams = 0
    if grams <= 0 or grams > 100_000_000 or not organisation.strip():
        raise InvalidInput(_l("Say the lot's weight in kg and the organisation taking it back."))
    lot.weight_grams, lot.take_back_organisation = grams, organisation.strip()[:200]
    lot.status, lot.handed_over_at, lot.handed_over_by_id = LOT_HANDED_OVER, utcnow(), actor.id
    db.session.flush()
    return lot


def _technician(actor: User) -> None:
    capabilities.require(actor, "recycling")
