"""What the lifecycle reads of partner conventions: whether a device was supplied under a
convention (through one of its deposits, or handed over from stock), whether it is one the
partner's return brought as new, and the price cap its output is allocated under."""
from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select, union

from flask_babel import lazy_gettext as _l

from recond.extensions import db
from recond.models import (
    Convention, ConventionDeposit, ConventionReturn, ConventionSupply, Device, DeviceEvent,
    PartnerReturn,
)


# Where a device that came back under a convention came from (ConventionReturn.origin).
ORIGIN_LABELS = {"supplied": _l("supplied under the convention"),
                 "new": _l("the partner's own, new to Recond")}


def supplied(convention_id: int) -> ColumnElement[bool]:
    """The devices supplied under the convention, as a condition on Device."""
    return or_(
        Device.id.in_(select(ConventionSupply.device_id)
                      .where(ConventionSupply.convention_id == convention_id)),
        Device.deposit_id.in_(select(ConventionDeposit.deposit_id)
                              .where(ConventionDeposit.convention_id == convention_id)))


def supplied_under(device: Device, convention: Convention) -> bool:
    return db.session.scalar(select(Device.id).where(
        Device.id == device.id, supplied(convention.id))) is not None


def new_from(device: Device, partner_return: PartnerReturn) -> bool:
    """A device registered by this very return, as one the partner reconditioned of its own."""
    if device.deposit_id is not None:
        return False
    first = db.session.scalar(select(DeviceEvent).where(DeviceEvent.device_id == device.id)
                              .order_by(DeviceEvent.id).limit(1))
    return first is not None and first.action == "register" \
        and (first.payload or {}).get("partner_return") == partner_return.number


def already_returned(device: Device) -> bool:
    return db.session.get(ConventionReturn, device.id) is not None


def convention_of(device: Device) -> Convention | None:
    """The convention the device came back under, or was supplied under."""
    # One statement (the allocate guard reads it): a device returned under a convention was
    # supplied under that same one, or is new to Recond and has only its return.
    return db.session.scalar(
        select(Convention).where(Convention.id.in_(
            union(select(ConventionReturn.convention_id)
                  .where(ConventionReturn.device_id == device.id),
                  select(ConventionSupply.convention_id)
                  .where(ConventionSupply.device_id == device.id),
                  select(ConventionDeposit.convention_id)
                  .where(ConventionDeposit.deposit_id == device.deposit_id))))
        .order_by(Convention.id).limit(1))


def convention_of_deposit(deposit_id: int) -> Convention | None:
    """The convention a deposit is supplied under, if any (its page says so)."""
    return db.session.scalar(select(Convention).join(
        ConventionDeposit, ConventionDeposit.convention_id == Convention.id)
        .where(ConventionDeposit.deposit_id == deposit_id))


def capped_price(device: Device, price_cents: int) -> tuple[int, Convention | None]:
    """The price of a convention's output never exceeds its cap: (price, the capping
    convention or None when the grid's price stands)."""
    convention = convention_of(device)
    if convention is not None and price_cents > convention.price_cap_cents:
        return convention.price_cap_cents, convention
    return price_cents, None
