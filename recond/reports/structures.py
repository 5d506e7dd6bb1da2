"""The structures' figures, for the coordination and the programme: requested, approved and
allocated per structure and per territory (EPT), the share going to structures in priority
neighbourhoods (QPV), training attendance, the remaining charge collected and the average price
per tier. Aggregates only: no beneficiary is ever read here one by one. Filtered by territory
(the structure's), category (the request line's, the device's) and period."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from recond.extensions import db
from recond.models import (
    Allocation, AllocationStatus, Attendance, Device, EquipmentRequest, Organisation, Payment,
    RequestLine, RequestStatus, TrainingSession,
)
from recond.reports.filters import Filter

OUTSIDE = ""  # a structure whose commune is in none of the four EPT


@dataclass
class Share:
    """One structure's (or one territory's) requests and allocations in the period."""
    name: str
    territory: str = OUTSIDE
    qpv: bool = False
    requested: int = 0
    approved: int = 0
    allocated: int = 0


@dataclass
class Distribution:
    structures: list[Share]
    territories: list[Share]
    allocated: int = 0
    allocated_qpv: int = 0

    @property
    def qpv_share(self) -> float | None:
        return self.allocated_qpv / self.allocated if self.allocated else None


def _territory(f: Filter) -> list:
    return [Organisation.territory == f.territory] if f.territory else []


def distribution(f: Filter) -> Distribution:
    """Requests made in the period (all but withdrawn ones: a refused request was requested)
    with their approved quantities, and the allocations made in the period and not cancelled
    (a device taken back later was allocated all the same)."""
    asked = select(EquipmentRequest.structure_id, func.sum(RequestLine.quantity),
                   func.sum(RequestLine.approved_quantity)) \
        .join(RequestLine, RequestLine.request_id == EquipmentRequest.id) \
        .join(Organisation, Organisation.id == EquipmentRequest.structure_id) \
        .where(EquipmentRequest.status != RequestStatus.CANCELLED,
               EquipmentRequest.created_at >= f.since, EquipmentRequest.created_at < f.until,
               *_territory(f), *([RequestLine.category == f.category] if f.category else [])) \
        .group_by(EquipmentRequest.structure_id)
    given = select(Allocation.structure_id, func.count()) \
        .join(Organisation, Organisation.id == Allocation.structure_id) \
        .join(Device, Device.id == Allocation.device_id) \
        .where(Allocation.status != AllocationStatus.CANCELLED,
               Allocation.created_at >= f.since, Allocation.created_at < f.until,
               *_territory(f), *([Device.category == f.category] if f.category else [])) \
        .group_by(Allocation.structure_id)
    shares: dict[int, Share] = {}
    asked_rows = db.session.execute(asked).all()
    given_rows = db.session.execute(given).all()
    ids = {row[0] for row in asked_rows} | {row[0] for row in given_rows}
    if ids:
        for org in db.session.execute(select(Organisation.id, Organisation.name,
                                             Organisation.territory, Organisation.qpv)
                                      .where(Organisation.id.in_(ids))):
            shares[org.id] = Share(org.name, org.territory or OUTSIDE, bool(org.qpv))
    for structure_id, requested, approved in asked_rows:
        shares[structure_id].requested = int(requested or 0)
        shares[structure_id].approved = int(approved or 0)
    for structure_id, n in given_rows:
        shares[structure_id].allocated = int(n)
    territories: dict[str, Share] = {}
    for share in shares.values():
        total = territories.setdefault(share.territory, Share(share.territory, share.territory))
        total.requested += share.requested
        total.approved += share.approved
        total.allocated += share.allocated
    return Distribution(
        structures=sorted(shares.values(), key=lambda s: s.name),
        territories=sorted(territories.values(),
                           key=lambda s: (s.territory == OUTSIDE, s.territory)),
        allocated=sum(s.allocated for s in shares.values()),
        allocated_qpv=sum(s.allocated for s in shares.values() if s.qpv))


@dataclass
class Training:
    sessions: int = 0
    beneficiaries_present: int = 0
    beneficiaries_absent: int = 0
    staff_present: int = 0

    @property
    def rate(self) -> float | None:
        """Beneficiaries present among those expected."""
        expected = self.beneficiaries_present + self.beneficiaries_absent
        return self.beneficiaries_present / expected if expected else None


def training(f: Filter) -> Training:
    """Sessions held in the period, and who came (the category does not apply: a session
    trains people, not for one kind of device)."""
    held = select(func.count(TrainingSession.id)) \
        .join(Organisation, Organisation.id == TrainingSession.structure_id) \
        .where(TrainingSession.held_on >= f.start, TrainingSession.held_on <= f.end, *_territory(f))
    person = Attendance.beneficiary_id.is_not(None)
    marks = select(
        func.sum(case((person & Attendance.present, 1), else_=0)),
        func.sum(case((person & ~Attendance.present, 1), else_=0)),
        func.sum(case((~person & Attendance.present, 1), else_=0))) \
        .join(TrainingSession, TrainingSession.id == Attendance.session_id) \
        .join(Organisation, Organisation.id == TrainingSession.structure_id) \
        .where(TrainingSession.held_on >= f.start, TrainingSession.held_on <= f.end, *_territory(f))
    present, absent, staff = db.session.execute(marks).one()
    return Training(int(db.session.scalar(held) or 0), int(present or 0), int(absent or 0),
                       int(staff or 0))


@dataclass
class TierPrice:
    tier: str
    allocations: int
    total_cents: int

    @property
    def average_cents(self) -> int | None:
        """Rounded to the cent, halves up (the figure printed; the total stays exact)."""
        return (2 * self.total_cents + self.allocations) // (2 * self.allocations) \
            if self.allocations else None


@dataclass
class Charges:
    collected_cents: int = 0  # payments less refunds and corrections, recorded in the period
    allocations_paid: int = 0  # allocations with an entry in the period
    tiers: list[TierPrice] = field(default_factory=list)


def charges(f: Filter) -> Charges:
    """The remaining charge collected in the period, and the average price (frozen on each
    allocation) per tier of the allocations made in the period."""
    category = [Device.category == f.category] if f.category else []
    collected, paid = db.session.execute(
        select(func.sum(Payment.amount_cents), func.count(func.distinct(Payment.allocation_id)))
        .join(Allocation, Allocation.id == Payment.allocation_id)
        .join(Organisation, Organisation.id == Allocation.structure_id)
        .join(Device, Device.id == Allocation.device_id)
        .where(Payment.recorded_at >= f.since, Payment.recorded_at < f.until,
               *_territory(f), *category)).one()
    tiers = [TierPrice(tier, int(n), int(total)) for tier, n, total in db.session.execute(
        select(Allocation.tier, func.count(), func.sum(Allocation.price_cents))
        .join(Organisation, Organisation.id == Allocation.structure_id)
        .join(Device, Device.id == Allocation.device_id)
        .where(Allocation.status != AllocationStatus.CANCELLED,
               Allocation.created_at >= f.since, Allocation.created_at < f.until,
               *_territory(f), *category)
        .group_by(Allocation.tier).order_by(Allocation.tier))]
    return Charges(int(collected or 0), int(paid or 0), tiers)
