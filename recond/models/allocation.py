"""Allocations of a device to a structure's request line, with the price frozen and what was paid
of it (the payments themselves: recond/models/payment.py)."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recond.clock import utcnow
from recond.extensions import db
from recond.models.beneficiary import Beneficiary
from recond.models.equipment_request import RequestLine
from recond.models.organisation import Organisation


class AllocationStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"
    RETURNED = "returned"


class Allocation(db.Model):
    __tablename__ = "allocation"
    __table_args__ = (
        CheckConstraint("price_cents > 0", name="never_free"),
        # The database itself keeps the total paid within the remaining charge, whatever races.
        CheckConstraint("paid_cents >= 0 AND paid_cents <= price_cents", name="paid_within_charge"),
        # One live allocation per device, even if two coordinators press at once.
        Index(
            "uq_allocation_active_device", "device_id", unique=True,
            sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("request_line.id"), index=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    beneficiary_id: Mapped[int | None] = mapped_column(ForeignKey("beneficiary.id"))
    tier: Mapped[str] = mapped_column(String(30))
    price_cents: Mapped[int]
    grid_version: Mapped[int]
    # The sum of the payment entries, kept on the row that is locked while one is recorded.
    paid_cents: Mapped[int] = mapped_column(default=0, server_default="0")
    status: Mapped[str] = mapped_column(String(20), default=AllocationStatus.ACTIVE)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
    released_at: Mapped[datetime | None]

    line: Mapped[RequestLine] = relationship()
    structure: Mapped[Organisation] = relationship()
    beneficiary: Mapped[Beneficiary | None] = relationship()
    payments: Mapped[list["Payment"]] = relationship(back_populates="allocation",
                                                    order_by="Payment.id")

    @property
    def for_own_use(self) -> bool:
        return self.beneficiary_id is None
