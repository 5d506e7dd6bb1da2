"""Recycling lots (WEEE / DEEE): recycled devices gathered until the take-back organisation
collects them, weighed."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recond.clock import utcnow
from recond.extensions import db
from recond.models.organisation import Organisation


LOT_OPEN, LOT_HANDED_OVER = "open", "handed_over"


class RecyclingLot(db.Model):
    __tablename__ = "recycling_lot"
    __table_args__ = (CheckConstraint("weight_grams IS NULL OR weight_grams > 0", name="weight_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=LOT_OPEN)  # open, handed_over
    weight_grams: Mapped[int | None]
    take_back_organisation: Mapped[str | None] = mapped_column(String(200))
    handed_over_at: Mapped[datetime | None]
    handed_over_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    workshop: Mapped[Organisation] = relationship()
    handed_over_by: Mapped["User | None"] = relationship("User")

    @property
    def is_open(self) -> bool:
        """Recycled devices still join it; handing it over closes it."""
        return self.status == LOT_OPEN
