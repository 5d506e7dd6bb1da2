"""The social price grid: versioned, a price per category x grade x beneficiary tier."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recond.clock import utcnow
from recond.extensions import db


class Tier(StrEnum):
    MINIMA_SOCIAUX = "minima_sociaux"
    JOB_SEEKER = "job_seeker"
    YOUNG_OR_STUDENT = "young_or_student"
    LOW_INCOME = "low_income"
    OWN_USE = "own_use"


class PriceGrid(db.Model):
    __tablename__ = "price_grid"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    effective_from: Mapped[datetime] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    entries: Mapped[list["PriceEntry"]] = relationship(back_populates="grid")


class PriceEntry(db.Model):
    __tablename__ = "price_entry"
    __table_args__ = (
        UniqueConstraint("grid_id", "category", "grade", "tier", name="uq_price_entry_cell"),
        # "Léger reste à charge": never free, whatever the grid says.
        CheckConstraint("amount_cents > 0", name="never_free"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("price_grid.id"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    grade: Mapped[str] = mapped_column(String(1))
    tier: Mapped[str] = mapped_column(String(30))
    amount_cents: Mapped[int]

    grid: Mapped[PriceGrid] = relationship(back_populates="entries")
