"""A pledged deposit's pickup as the collection partner's crew plans it: when (start and end,
stored in UTC), whom to ask for on site, how many devices to expect and how many the vehicle
holds. The deposit keeps its day and slot (`Deposit.pickup_on`, `pickup_slot`); this is the
calendar's detail of the same pickup, one per deposit."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recond.clock import utcnow
from recond.extensions import db
from recond.models.deposit import Deposit
from recond.models.organisation import DonorContact


class Pickup(db.Model):
    __tablename__ = "pickup"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("expected_devices >= 0", name="expected_not_negative"),
        CheckConstraint("vehicle_capacity > 0", name="capacity_positive"),
    )

    deposit_id: Mapped[int] = mapped_column(ForeignKey("deposit.id"), primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("donor_contact.id"))
    expected_devices: Mapped[int]
    vehicle_capacity: Mapped[int]
    crew: Mapped[str] = mapped_column(String(200), default="")
    # iCalendar's SEQUENCE: a calendar replaces the event it holds when this grows.
    sequence: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    deposit: Mapped[Deposit] = relationship()
    contact: Mapped[DonorContact | None] = relationship()

    @property
    def over_capacity(self) -> bool:
        return self.expected_devices > self.vehicle_capacity
