"""The administrator's home: the organisations and their people, and every device by status
(an administrator sees everything, so no count here is zero by construction)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from recond.extensions import db
from recond.lifecycle import Status
from recond.models import Device, Organisation, User
from recond.scopes import device_scope


def status_counts(user: User) -> dict[str, int]:
    rows = db.session.execute(
        select(Device.status, func.count(Device.id)).where(device_scope(user))
        .group_by(Device.status)).all()
    counts = {status.value: 0 for status in Status}
    counts.update({status: n for status, n in rows})
    return counts


def organisations(user: User) -> list[tuple[Organisation, int]]:
    return db.session.execute(
        select(Organisation, func.count(User.id))
        .outerjoin(User, User.organisation_id == Organisation.id)
        .group_by(Organisation.id).order_by(Organisation.kind, Organisation.name)).all()


def todo(user: User) -> dict[str, Any]:
    return {"organisations": organisations(user), "counts": status_counts(user)}
