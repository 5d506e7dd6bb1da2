"""Equipment requests from structures, line by line, approved by a coordinator."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recond.clock import utcnow
from recond.extensions import db
from recond.models.organisation import Organisation


class RequestStatus(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    PARTLY_APPROVED = "partly_approved"
    REJECTED = "rejected"
    BEING_FULFILLED = "being_fulfilled"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"


ALLOCATABLE_STATUSES = (
    RequestStatus.APPROVED, RequestStatus.PARTLY_APPROVED, RequestStatus.BEING_FULFILLED,
)


class Purpose(StrEnum):
    BENEFICIARIES = "beneficiaries"
    OWN_USE = "own_use"


class EquipmentRequest(db.Model):
    __tablename__ = "equipment_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.SUBMITTED)
    purpose: Mapped[str] = mapped_column(String(20), default=Purpose.BENEFICIARIES)
    justification: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decision_comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]

    structure: Mapped[Organisation] = relationship()
    lines: Mapped[list["RequestLine"]] = relationship(back_populates="request",
                                                      order_by="RequestLine.id")

    @property
    def number(self) -> str:
        return f"DEM-{self.id:06d}"


class RequestLine(db.Model):
    __tablename__ = "request_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("equipment_request.id"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int]
    approved_quantity: Mapped[int] = mapped_column(default=0)
    # Minimum specs, when the structure needs them (a video-call room needs 8 GB, say).
    min_ram_gb: Mapped[int | None]
    min_storage_gb: Mapped[int | None]

    request: Mapped[EquipmentRequest] = relationship(back_populates="lines")
