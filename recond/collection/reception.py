"""Receiving a deposit at the workshop: each device scanned off the van is received through
the lifecycle; the deposit page shows what was expected, received, missing or unexpected;
closing the reception keeps the discrepancies."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from recond import capabilities, lifecycle, public_id, scan, scopes
from recond.clock import utcnow
from recond.errors import InvalidInput, Refused
from recond.extensions import db
from recond.models import Deposit, DepositStatus, Device, ReceptionScan, User
from recond.models.deposit import RECEPTION_OPEN


@dataclass
class ScanResult:
    outcome: str  # received, already_received, unexpected
    device: Device | None
    code: str


def _open_reception(actor: User, deposit: Deposit) -> None:
    capabilities.require(actor, "deposits.receive")
    scopes.require_visible_deposit(actor, deposit)
    if deposit.status not in RECEPTION_OPEN:
        raise Refused(_l("The reception of %(number)s is closed.", number=deposit.number),
                      code="reception_closed")


def find_in_deposit(deposit: Deposit, typed: str) -> Device | None:
    """A public ID, a serial number or the donor's asset tag, as typed or as meant (AZERTY)."""
    for text in scan.candidates(typed):
        code = public_id.normalise(text)
        key = "".join(text.split()).upper()
        device = db.session.scalar(select(Device).where(
            Device.deposit_id == deposit.id,
            or_(Device.public_id == code, Device.serial_key == key,
                func.upper(Device.asset_tag) == key)).limit(1))
        if device is not None:
            return device
    return None


def scan_in(actor: User, deposit: Deposit, typed: str) -> ScanResult:
    _open_reception(actor, deposit)
    typed = (typed or "").strip()
    if not typed or len(typed) > scan.MAX_CODE_LENGTH:
        raise InvalidInput(_l("Nothing was scanned."), code="empty_code")
    device = find_in_deposit(deposit, typed)
    if device is None:
        outcome = "unexpected"
    elif device.status == lifecycle.Status.REGISTERED:
        lifecycle.perform(actor, device, "receive", {"note": f"réception {deposit.number}"})
        outcome = "received"
    else:
        outcome = "already_received"
    db.session.add(ReceptionScan(deposit_id=deposit.id, code=typed[:300],
                                 device_id=device.id if device else None, outcome=outcome,
                                 scanned_by_id=actor.id))
    db.session.flush()
    return ScanResult(outcome, device, typed)


def state(deposit: Deposit) -> dict:
    devices = db.session.scalars(select(Device).where(Device.deposit_id == deposit.id)
                                 .order_by(Device.id)).all()
    unexpected = db.session.scalars(
        select(ReceptionScan.code).where(ReceptionScan.deposit_id == deposit.id,
                                         ReceptionScan.outcome == "unexpected")
        .group_by(ReceptionScan.code).order_by(func.min(ReceptionScan.id))).all()
    return {"expected": devices,
            "received": [d for d in devices if d.status != lifecycle.Status.REGISTERED],
            "missing": [d for d in devices if d.status == lifecycle.Status.REGISTERED],
            "unexpected": list(unexpected)}


def close(actor: User, deposit: Deposit) -> Deposit:
    _open_reception(actor, deposit)
    found = state(deposit)
    deposit.discrepancies = {
        "missing": [{"public_id": d.public_id, "serial": d.serial} for d in found["missing"]],
        "unexpected": found["unexpected"],
    }
    deposit.status = DepositStatus.RECEIVED
    deposit.reception_closed_at, deposit.reception_closed_by_id = utcnow(), actor.id
    db.session.flush()
    return deposit
