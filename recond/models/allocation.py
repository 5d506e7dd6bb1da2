"""Allocations of a device to a structure's request line, with the price frozen and what was paid
of it (the payments themselves: recond/models/payment.py).

The quotas live in the database too: a live allocation takes one of its line's numbered places
(`slot`, 1 to the approved quantity) and a place is held by one live allocation at most, so two
writers counting at once cannot both take the last one; a beneficiary holds one live allocation
without a recorded reason at most."""
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
        # A line never holds more live allocations than approved: the domain gives each one a
        # place from 1 to the approved quantity, and a place is taken once (SQLite has no row
        # lock: this is what refuses the second of two writers who counted at the same moment).
        Index(
            "uq_allocation_active_slot", "line_id", "slot", unique=True,
            sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'"),
        ),
        # One live device per beneficiary, unless the coordinator wrote why a second one is
        # justified: only the allocations without a reason are counted here.
        Index(
            "uq_allocation_active_beneficiary", "beneficiary_id", unique=True,
            sqlite_where=text("status = 'active' AND second_device_reason IS NULL"),
            postgresql_where=text("status = 'active' AND second_device_reason IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("request_line.id"), index=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    beneficiary_id: Mapped[int | None] = mapped_column(ForeignKey("beneficiary.id"))
    # Which of the line's approved places (1, 2, …) this allocation takes; always chosen by the
    # domain. The default is there because SQLite adds a NOT NULL column only with one.
    slot: Mapped[int] = mapped_column(server_default="1")
    # Why the beneficiary gets a second live device (the coordinator's words), else None.
    second_device_reason: Mapped[str | None] = mapped_column(String(500))
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
