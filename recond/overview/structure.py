"""A structure's to-do list: the devices waiting for their handover with what each still
needs (the training gate's and the payments' own verdicts, never recomputed here), the
delivery notes on their way to scan on arrival, and its requests the coordination has not
decided yet."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from recond.distribution import payments, training_gate
from recond.extensions import db
from recond.lifecycle import Status
from recond.models import (
    Allocation, AllocationStatus, DeliveryItem, DeliveryNote, DeliveryStatus, Device,
    EquipmentRequest, RequestStatus, User,
)
from recond.scopes import allocation_scope, device_scope, note_scope, request_scope

LIMIT = 200  # more than a structure ever has waiting; a list, not an archive


@dataclass
class Handover:
    device: Device
    allocation: Allocation
    trained: bool  # a recorded session opens the release (recond.distribution.training_gate)
    left_to_pay: int  # cents still due on the remaining charge (recond.distribution.payments)

    @property
    def complete(self) -> bool:
        return self.trained and not self.left_to_pay


@dataclass
class Arrival:
    note: DeliveryNote
    expected: int
    scanned: int


def handovers(user: User) -> list[Handover]:
    """Delivered devices not yet handed over, the longest waiting first."""
    rows = db.session.execute(
        select(Device, Allocation)
        .join(Allocation, (Allocation.device_id == Device.id)
              & (Allocation.status == AllocationStatus.ACTIVE))
        .where(device_scope(user), allocation_scope(user), Device.status == Status.DELIVERED)
        .options(joinedload(Allocation.beneficiary))
        .order_by(Allocation.delivered_at, Device.id).limit(LIMIT)).all()
    gates = training_gate.gates([allocation for _device, allocation in rows])
    return [Handover(device, allocation, gates[allocation.id][0] is not None,
                     payments.left_to_pay(allocation)) for device, allocation in rows]


def arrivals(user: User) -> list[Arrival]:
    """Shipped delivery notes addressed to the structure, until it closes them."""
    counts = (select(DeliveryItem.note_id, func.count(DeliveryItem.id).label("expected"),
                     func.count(DeliveryItem.received_at).label("scanned"))
              .group_by(DeliveryItem.note_id).subquery())
    rows = db.session.execute(
        select(DeliveryNote, func.coalesce(counts.c.expected, 0), func.coalesce(counts.c.scanned, 0))
        .outerjoin(counts, counts.c.note_id == DeliveryNote.id)
        .where(note_scope(user), DeliveryNote.status == DeliveryStatus.SHIPPED)
        .options(joinedload(DeliveryNote.workshop))
        .order_by(DeliveryNote.shipped_at, DeliveryNote.id).limit(LIMIT)).all()
    return [Arrival(note, expected, scanned) for note, expected, scanned in rows]


def requests_awaiting_decision(user: User) -> list[EquipmentRequest]:
    return db.session.scalars(
        select(EquipmentRequest)
        .where(request_scope(user), EquipmentRequest.status == RequestStatus.SUBMITTED)
        .options(selectinload(EquipmentRequest.lines))
        .order_by(EquipmentRequest.created_at, EquipmentRequest.id).limit(LIMIT)).all()


def todo(user: User) -> dict[str, Any]:
    return {"handovers": handovers(user), "arrivals": arrivals(user),
            "own_requests": requests_awaiting_decision(user)}
