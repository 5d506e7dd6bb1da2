"""The coordination's to-do list: the requests to decide, the approved lines still waiting
for devices (the allocation desk's own reading, recond.distribution.allocations), the ready
stock by category and grade, and the partner conventions whose returns fall behind the
promised pace (recond.collection.conventions)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from recond.collection import conventions
from recond.distribution import allocations
from recond.extensions import db
from recond.lifecycle import Status
from recond.models import Device, EquipmentRequest, RequestStatus, User
from recond.scopes import device_scope, request_scope

LIMIT = 200


def requests_to_decide(user: User) -> list[EquipmentRequest]:
    return db.session.scalars(
        select(EquipmentRequest)
        .where(request_scope(user), EquipmentRequest.status == RequestStatus.SUBMITTED)
        .options(joinedload(EquipmentRequest.structure), selectinload(EquipmentRequest.lines))
        .order_by(EquipmentRequest.created_at, EquipmentRequest.id).limit(LIMIT)).all()


def lines_waiting(user: User) -> list[allocations.OpenLine]:
    """Every approved line with places left: the coordination sees every request (its scope
    is everything), so this is the desk's list as it stands."""
    return allocations.open_lines()[:LIMIT]


def stock_by_grade(user: User) -> list[tuple[str, str | None, int]]:
    """(category, grade, ready devices), in the catalogue's order of names."""
    return db.session.execute(
        select(Device.category, Device.grade, func.count(Device.id))
        .where(device_scope(user), Device.status == Status.READY)
        .group_by(Device.category, Device.grade).order_by(Device.category, Device.grade)).all()


def todo(user: User) -> dict[str, Any]:
    return {"requests_to_decide": requests_to_decide(user), "lines_waiting": lines_waiting(user),
            "stock": stock_by_grade(user), "conventions_behind": conventions.behind_pace(user)}
