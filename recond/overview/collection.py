"""A collection partner's to-do list: the pledges to pick up (planned or not yet) and the
deposits whose reception closed with devices missing or unexpected."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from recond.extensions import db
from recond.models import Deposit, DepositStatus, User
from recond.models.deposit import PICKUP_PENDING
from recond.scopes import deposit_scope

LIMIT = 200
RECENT = 20  # closed receptions with discrepancies shown, the latest first


@dataclass
class Discrepancy:
    deposit: Deposit
    missing: int
    unexpected: int


def pledges_to_collect(user: User) -> list[Deposit]:
    """Pledges, the planned pickups first (soonest first), then those still to plan."""
    return db.session.scalars(
        select(Deposit).where(deposit_scope(user), Deposit.status.in_(PICKUP_PENDING))
        .options(joinedload(Deposit.donor), joinedload(Deposit.site), selectinload(Deposit.items))
        .order_by(Deposit.pickup_on.is_(None), Deposit.pickup_on, Deposit.available_from,
                  Deposit.id).limit(LIMIT)).all()


def receptions_with_discrepancies(user: User) -> list[Discrepancy]:
    # What closing found is kept as JSON: read back here rather than queried, on the latest
    # closed receptions only (a fixed number of rows, whatever the history).
    closed = db.session.scalars(
        select(Deposit).where(deposit_scope(user), Deposit.status == DepositStatus.RECEIVED)
        .options(joinedload(Deposit.donor))
        .order_by(Deposit.reception_closed_at.desc(), Deposit.id.desc()).limit(5 * RECENT)).all()
    found = []
    for deposit in closed:
        kept = deposit.discrepancies or {}
        missing, unexpected = len(kept.get("missing") or []), len(kept.get("unexpected") or [])
        if missing or unexpected:
            found.append(Discrepancy(deposit, missing, unexpected))
    return found[:RECENT]


def todo(user: User) -> dict[str, Any]:
    return {"pledges": pledges_to_collect(user),
            "discrepancies": receptions_with_discrepancies(user)}
