"""Deposits: a donor company's lot of devices, logged by a collection partner."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recond.clock import utcnow
from recond.extensions import db
from recond.models.organisation import Organisation


class Deposit(db.Model):
    __tablename__ = "deposit"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    donor_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    collector_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pledged")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    donor: Mapped[Organisation] = relationship(foreign_keys=[donor_id])
    collector: Mapped[Organisation] = relationship(foreign_keys=[collector_id])
    workshop: Mapped[Organisation] = relationship(foreign_keys=[workshop_id])
