"""Emission factors: the greenhouse gases a reused device of a category avoids, each with its
source and that source's date, as the donor impact report prints them
(recond.collection.impact). Versioned: an edit adds a version, never overwrites one, so a
report printed earlier can always be traced to the factor it used."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recond.clock import utcnow
from recond.extensions import db
from recond.models.user import User


class EmissionFactor(db.Model):
    __tablename__ = "emission_factor"
    __table_args__ = (
        # Two administrators saving over the same version at once: one wins, the other is told.
        UniqueConstraint("category", "version", name="uq_emission_factor_version"),
        CheckConstraint("grams_co2e IS NULL OR grams_co2e >= 0", name="grams_not_negative"),
        CheckConstraint("version > 0", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(20), index=True)
    version: Mapped[int]
    # Grams of CO2e avoided per device handed over; None: no published figure, nothing counted.
    grams_co2e: Mapped[int | None]
    source: Mapped[str] = mapped_column(String(500))
    source_date: Mapped[date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    recorded_by: Mapped[User | None] = relationship()
