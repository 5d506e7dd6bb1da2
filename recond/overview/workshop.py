"""A workshop's to-do list: its devices waiting at each step of the bench (the oldest first,
with the next few to take), the media whose wipe failed and must be destroyed or removed
(recond.workshop.sanitisation says which), the collected deposits whose reception is
still open (counted as recond.collection.reception counts them), and the transfer notes shipped
to it by another workshop, to scan on arrival."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from recond.extensions import db
from recond.lifecycle import Status
from recond.collection import reception
from recond.models import (
    Deposit, DepositStatus, Device, StorageMedium, TransferNote, TransferStatus, User,
)
from recond.scopes import deposit_scope, device_scope
from recond.workshop import sanitisation, transfers

# The bench, in its order: where a device waits, and what comes next for it. Devices still
# registered are not here: they are not at the workshop yet (the receptions below are).
STAGES = (
    (Status.RECEIVED, _l("to wipe, or to grade when it has no storage")),
    (Status.WIPED, _l("to install the operating system")),
    (Status.OS_INSTALLED, _l("to test and grade")),
    (Status.RESERVED, _l("to put on a delivery note")),
)
FIRST = 3  # devices named in each stage: the next ones to take
LIMIT = 200


@dataclass
class Stage:
    status: Status
    next_step: object
    count: int
    since: datetime | None  # when the longest-waiting device got there
    first: list[Device] = field(default_factory=list)

    @property
    def for_delivery(self) -> bool:
        """Reserved: the next step is a delivery note, not the bench."""
        return self.status == Status.RESERVED


def stages(user: User) -> list[Stage]:
    """Each step with devices waiting, in the bench's order."""
    waiting = [status for status, _next in STAGES]
    totals = {status: (n, since) for status, n, since in db.session.execute(
        select(Device.status, func.count(Device.id), func.min(Device.updated_at))
        .where(device_scope(user), Device.status.in_(waiting)).group_by(Device.status))}
    rank = func.row_number().over(partition_by=Device.status,
                                  order_by=(Device.updated_at, Device.id)).label("rank")
    ranked = (select(Device.id, rank).where(device_scope(user), Device.status.in_(waiting))
              .subquery())
    first: dict[str, list[Device]] = {}
    for device in db.session.scalars(
            select(Device).join(ranked, ranked.c.id == Device.id).where(ranked.c.rank <= FIRST)
            .order_by(Device.updated_at, Device.id)):
        first.setdefault(device.status, []).append(device)
    return [Stage(status, next_step, *totals[status], first.get(status, []))
            for status, next_step in STAGES if status in totals]


def failed_wipes(user: User) -> list[StorageMedium]:
    """Media whose wipe failed, to destroy or remove before their device can be wiped."""
    return db.session.scalars(
        sanitisation.failed_wipes_to_settle().where(device_scope(user))
        .options(contains_eager(StorageMedium.device))
        .order_by(Device.updated_at, StorageMedium.id).limit(LIMIT)).all()


def receptions_to_close(user: User) -> list[reception.Tally]:
    """Collected deposits whose reception is still open, the longest waiting first."""
    query = reception.tallies()
    return [reception.Tally(*row) for row in db.session.execute(
        query.where(deposit_scope(user), Deposit.status == DepositStatus.COLLECTED)
        .options(joinedload(Deposit.donor))
        .order_by(Deposit.collected_at, Deposit.id).limit(LIMIT))]


def transfers_arriving(user: User) -> list[TransferNote]:
    """Notes another workshop shipped here, the oldest first (their devices come with them)."""
    return db.session.scalars(
        transfers.visible_notes(user).where(TransferNote.to_workshop_id == user.organisation_id,
                                            TransferNote.status == TransferStatus.SHIPPED)
        .order_by(None).order_by(TransferNote.shipped_at, TransferNote.id).limit(LIMIT)).all()


def todo(user: User) -> dict[str, Any]:
    return {"stages": stages(user), "failed_wipes": failed_wipes(user),
            "receptions": receptions_to_close(user), "transfers": transfers_arriving(user)}
