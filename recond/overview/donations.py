"""A donor company's home: its deposits and what became of their devices (the deposits' own
summary, recond.collection.deposits), and the certificates of sanitisation covering them."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from recond.collection import deposits as deposit_rules
from recond.extensions import db
from recond.models import Certificate, Deposit, Device, User
from recond.scopes import certificate_scope, deposit_scope

LIMIT = 100


def deposits(user: User) -> list[tuple[Deposit, dict[str, int]]]:
    lots = db.session.scalars(
        select(Deposit).where(deposit_scope(user)).options(selectinload(Deposit.items))
        .order_by(Deposit.id.desc()).limit(LIMIT)).all()
    summaries = deposit_rules.summaries(lots)
    return [(lot, summaries[lot.id]) for lot in lots]


def certificates(user: User) -> list[tuple[Certificate, str | None, str | None]]:
    """(certificate, deposit number, device ID): what each one covers."""
    return db.session.execute(
        select(Certificate, Deposit.number, Device.public_id)
        .outerjoin(Deposit, Deposit.id == Certificate.deposit_id)
        .outerjoin(Device, Device.id == Certificate.device_id)
        .where(certificate_scope(user))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc()).limit(LIMIT)).all()


def todo(user: User) -> dict[str, Any]:
    return {"donations": deposits(user), "certificates": certificates(user)}
