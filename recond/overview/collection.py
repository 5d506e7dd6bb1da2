"""A collection partner's to-do list: the pledges to pick up (planned or not yet) and the
deposits whose reception closed with devices still missing or codes unexpected (counted as
recond.collection.reception counts them)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from recond.collection import reception
from recond.extensions import db
from recond.models import Deposit, DepositStatus, User
from recond.models.deposit import PICKUP_PENDING
from recond.scopes import deposit_scope

LIMIT = 200
RECENT = 20  # closed receptions with discrepancies shown, the latest first


def pledges_to_collect(user: User) -> list[Deposit]:
    """Pledges, the planned pickups first (soonest first), then those still to plan."""
    return db.session.scalars(
        select(Deposit).where(deposit_scope(user), Deposit.status.in_(PICKUP_PENDING))
        .options(joinedload(Deposit.donor), joinedload(Deposit.site), selectinload(Deposit.items))
        .order_by(Deposit.pickup_on.is_(None), Deposit.pickup_on, Deposit.available_from,
                  Deposit.id).limit(LIMIT)).all()


def receptions_with_discrepancies(user: User) -> list[reception.Tally]:
    """Closed receptions where devices are still missing (late arrivals no longer count) or
    codes came that matched none of the deposit's devices, the latest closed first."""
    query = reception.tallies()
    expected, arrived, unexpected = (query.selected_columns[name]
                                     for name in ("expected", "arrived", "unexpected"))
    return [reception.Tally(*row) for row in db.session.execute(
        query.where(deposit_scope(user), Deposit.status == DepositStatus.RECEIVED,
                    (expected > arrived) | (unexpected > 0))
        .options(joinedload(Deposit.donor))
        .order_by(Deposit.reception_closed_at.desc(), Deposit.id.desc()).limit(RECENT))]


def todo(user: User) -> dict[str, Any]:
    return {"pledges": pledges_to_collect(user),
            "discrepancies": receptions_with_discrepancies(user)}
