"""Beneficiaries, pseudonymous by design: a structure's own file reference and a tier, no names."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from recond.clock import utcnow
from recond.extensions import db


class Beneficiary(db.Model):
    __tablename__ = "beneficiary"
    __table_args__ = (UniqueConstraint("structure_id", "reference", name="uq_beneficiary_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    reference: Mapped[str] = mapped_column(String(60))
    tier: Mapped[str] = mapped_column(String(30))
    postcode: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the retention period after release has passed: the reference is wiped then.
    purged_at: Mapped[datetime | None]
