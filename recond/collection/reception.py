"""Receiving a deposit at the workshop: each device scanned off the van is received through
the lifecycle, once its collection partner marked the deposit collected; closing the reception
keeps what it found, and a device that turns up afterwards is received as a late arrival.

`facts` is the one account of a reception — expected, received, late, missing, unexpected —
that the reception page, the deposit page and the API all read: a device counts as received
from the history row where it left `registered`, and as late when that row is later than the
reception's closing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, distinct, func, or_, select

from recond import capabilities, lifecycle, public_id, scan, scopes
from recond.clock import utcnow
from recond.errors import InvalidInput, Refused
from recond.lifecycle.workshop_steps import never_collected
from recond.extensions import db
from recond.models import Deposit, DepositStatus, Device, DeviceEvent, ReceptionScan, User
from recond.models.deposit import PICKUP_PENDING, RECEPTION_OPEN
from recond.webhooks import events as webhook_events


@dataclass
class ScanResult:
    outcome: str  # received, late, already_received, unexpected
    device: Device | None
    code: str


@dataclass(frozen=True)
class Arrival:
    device: Device
    at: datetime  # when it left `registered` (received, or sent out straight away)
    late: bool  # after the reception was closed


@dataclass(frozen=True)
class ReceptionFacts:
    deposit: Deposit
    expected: list[Device]  # every device registered on the deposit
    arrivals: list[Arrival]
    missing: list[Device]  # never arrived
    unexpected: list[str]  # codes scanned at its reception that match none of its devices

    @property
    def received(self) -> list[Device]:
        """Every device that arrived, late arrivals included."""
        return [a.device for a in self.arrivals]

    @property
    def late(self) -> list[Arrival]:
        return [a for a in self.arrivals if a.late]

    @property
    def is_open(self) -> bool:
        return self.deposit.status in RECEPTION_OPEN

    @property
    def started(self) -> bool:
        """Collected: from now on what has not arrived is missing."""
        return self.deposit.status not in PICKUP_PENDING

    @property
    def closed_at(self) -> datetime | None:
        return self.deposit.reception_closed_at


def is_late(deposit: Deposit, arrived_at: datetime) -> bool:
    """The one rule: a device is late when it arrived after its reception was closed."""
    return deposit.reception_closed_at is not None and arrived_at > deposit.reception_closed_at


def facts(deposit: Deposit) -> ReceptionFacts:
    arrived = (select(DeviceEvent.device_id, func.min(DeviceEvent.at).label("at"))
               .join(Device, Device.id == DeviceEvent.device_id)
               .where(Device.deposit_id == deposit.id,
                      DeviceEvent.from_status == lifecycle.Status.REGISTERED)
               .group_by(DeviceEvent.device_id).subquery())
    rows = db.session.execute(select(Device, arrived.c.at)
                              .outerjoin(arrived, arrived.c.device_id == Device.id)
                              .where(Device.deposit_id == deposit.id).order_by(Device.id)).all()
    unexpected = db.session.scalars(
        select(ReceptionScan.code).where(ReceptionScan.deposit_id == deposit.id,
                                         ReceptionScan.outcome == "unexpected")
        .group_by(ReceptionScan.code).order_by(func.min(ReceptionScan.id))).all()
    return ReceptionFacts(
        deposit, [device for device, _at in rows],
        [Arrival(device, at, is_late(deposit, at)) for device, at in rows if at is not None],
        [device for device, at in rows if at is None], list(unexpected))


@dataclass(frozen=True)
class Tally:
    """A reception in numbers, as `facts` counts it."""
    deposit: Deposit
    expected: int
    arrived: int  # late arrivals included
    unexpected: int

    @property
    def missing(self) -> int:
        return self.expected - self.arrived


def tallies():
    """`facts` in numbers for lists of many deposits, in one query: a select of (deposit,
    expected, arrived, unexpected) to which the caller adds its scope and conditions (columns
    `expected`, `arrived`, `unexpected` of `.selected_columns`); rows become `Tally(*row)`.
    A device has arrived once it left `registered`, which it never returns to: its status says
    so without reading the history."""
    devices = (select(Device.deposit_id, func.count(Device.id).label("expected"),
                      func.count(case((Device.status != lifecycle.Status.REGISTERED, Device.id)))
                      .label("arrived"))
               .group_by(Device.deposit_id).subquery())
    unexpected = (select(ReceptionScan.deposit_id,
                         func.count(distinct(ReceptionScan.code)).label("unexpected"))
                  .where(ReceptionScan.outcome == "unexpected")
                  .group_by(ReceptionScan.deposit_id).subquery())
    return (select(Deposit, func.coalesce(devices.c.expected, 0).label("expected"),
                   func.coalesce(devices.c.arrived, 0).label("arrived"),
                   func.coalesce(unexpected.c.unexpected, 0).label("unexpected"))
            .outerjoin(devices, devices.c.deposit_id == Deposit.id)
            .outerjoin(unexpected, unexpected.c.deposit_id == Deposit.id))


def may_receive(actor: User, deposit: Deposit) -> bool:
    """Whether the deposit's reception page takes scans: collected, open or closed (late
    arrivals), for the workshop's technicians."""
    return capabilities.can(actor, "deposits.receive") and deposit.status not in PICKUP_PENDING


def _receiving(actor: User, deposit: Deposit) -> None:
    capabilities.require(actor, "deposits.receive")
    scopes.require_visible_deposit(actor, deposit)
    if deposit.status in PICKUP_PENDING:
        raise Refused(never_collected(deposit), code="not_collected")


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
    """One code off the van. After the reception was closed, a device of the deposit still
    registered is received all the same, as a late arrival."""
    _receiving(actor, deposit)
    typed = (typed or "").strip()
    if not typed or len(typed) > scan.MAX_CODE_LENGTH:
        raise InvalidInput(_l("Nothing was scanned."), code="empty_code")
    device = find_in_deposit(deposit, typed)
    if device is None:
        outcome = "unexpected"
    elif device.status == lifecycle.Status.REGISTERED:
        event = lifecycle.perform(actor, device, "receive", {"note": f"réception {deposit.number}"})
        outcome = "late" if is_late(deposit, event.at) else "received"
    else:
        outcome = "already_received"
    db.session.add(ReceptionScan(deposit_id=deposit.id, code=typed[:300],
                                 device_id=device.id if device else None, outcome=outcome,
                                 scanned_by_id=actor.id))
    db.session.flush()
    return ScanResult(outcome, device, typed)


def close(actor: User, deposit: Deposit) -> Deposit:
    """The reception ends; what it found is kept as found at that moment (`discrepancies`).
    What is true later — a late arrival — is in `facts`."""
    _receiving(actor, deposit)
    # Locked and read afresh: of two technicians closing at once, the second waits and finds
    # it closed.
    deposit = db.session.scalar(select(Deposit).where(Deposit.id == deposit.id)
                                .with_for_update().execution_options(populate_existing=True))
    if deposit.status not in RECEPTION_OPEN:
        raise Refused(_l("The reception of %(number)s is closed.", number=deposit.number),
                      code="reception_closed")
    found = facts(deposit)
    deposit.discrepancies = {
        "missing": [{"public_id": d.public_id, "serial": d.serial} for d in found.missing],
        "unexpected": found.unexpected,
    }
    deposit.status = DepositStatus.RECEIVED
    deposit.reception_closed_at, deposit.reception_closed_by_id = utcnow(), actor.id
    db.session.flush()
    webhook_events.deposit_received(deposit, expected=len(found.expected),
                                    received=len(found.received), missing=len(found.missing))
    return deposit
