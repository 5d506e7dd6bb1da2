"""What each role's home page shows, always within the organisation's scope."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from recond import capabilities
from recond.scopes import deposit_scope, device_scope, visible_devices
from recond.extensions import db
from recond.lifecycle import Status, statuses
from recond.models import (
    Deposit, Device, EquipmentRequest, Organisation, RequestStatus, User,
)



def status_counts(user: User) -> dict[str, int]:
    rows = db.session.execute(
        select(Device.status, func.count(Device.id)).where(device_scope(user))
        .group_by(Device.status)
    ).all()
    counts = {status.value: 0 for status in Status}
    counts.update({status: n for status, n in rows})
    return counts


def overview_for(user: User) -> dict[str, Any]:
    data: dict[str, Any] = {"counts": status_counts(user)}
    if capabilities.can(user, "overview.workshop_queue"):
        data["queue"] = db.session.scalars(
            visible_devices(user).where(Device.status.in_(statuses.WORKSHOP_QUEUE))
            .order_by(Device.updated_at, Device.id).limit(50)).all()
    if capabilities.can(user, "deposits.read"):
        data["deposits"] = db.session.execute(
            select(Deposit, func.count(Device.id))
            .outerjoin(Device, Device.deposit_id == Deposit.id)
            .where(deposit_scope(user)).group_by(Deposit.id)
            .order_by(Deposit.id.desc()).limit(20)).all()
    if capabilities.can(user, "overview.own_devices"):
        data["devices"] = db.session.scalars(
            visible_devices(user).order_by(Device.updated_at.desc()).limit(50)).all()
    if capabilities.can(user, "allocation.desk"):  # the stock and the requests to decide
        data["stock"] = db.session.execute(
            select(Device.category, Device.grade, func.count(Device.id))
            .where(Device.status == Status.READY)
            .group_by(Device.category, Device.grade).order_by(Device.category, Device.grade)).all()
        data["pending_requests"] = db.session.scalars(
            select(EquipmentRequest).where(EquipmentRequest.status == RequestStatus.SUBMITTED)
            .order_by(EquipmentRequest.created_at)).all()
    if capabilities.can(user, "overview.organisations"):
        data["organisations"] = db.session.execute(
            select(Organisation, func.count(User.id))
            .outerjoin(User, User.organisation_id == Organisation.id)
            .group_by(Organisation.id).order_by(Organisation.kind, Organisation.name)).all()
    return data
