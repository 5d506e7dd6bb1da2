"""Transfer notes: devices one workshop sends to another, each scanned out at the first and in
at the second, and the codes scanned on arrival that were not on the note."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recond.clock import utcnow
from recond.extensions import db
from recond.models.device import Device
from recond.models.organisation import Organisation


class TransferStatus(StrEnum):
    PREPARING = "preparing"
    SHIPPED = "shipped"
    RECEIVED = "received"


# A note that left the sending workshop: what arrived, is missing or came unexpected counts.
LEFT_THE_SENDER = frozenset({TransferStatus.SHIPPED, TransferStatus.RECEIVED})


class TransferNote(db.Model):
    __tablename__ = "transfer_note"
    __table_args__ = (CheckConstraint("from_workshop_id <> to_workshop_id",
                                      name="two_workshops"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    from_workshop_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    to_workshop_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=TransferStatus.PREPARING)
    notes: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    shipped_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    from_workshop: Mapped[Organisation] = relationship(foreign_keys=[from_workshop_id])
    to_workshop: Mapped[Organisation] = relationship(foreign_keys=[to_workshop_id])
    items: Mapped[list["TransferItem"]] = relationship(back_populates="note",
                                                       order_by="TransferItem.id")
    unexpected: Mapped[list["TransferUnexpectedScan"]] = relationship(
        back_populates="note", order_by="TransferUnexpectedScan.id")

    @property
    def number(self) -> str:
        return f"TR-{self.id:06d}"


class TransferItem(db.Model):
    __tablename__ = "transfer_item"
    __table_args__ = (UniqueConstraint("note_id", "device_id", name="uq_transfer_item_device"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("transfer_note.id"), index=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    received_at: Mapped[datetime | None]
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    note: Mapped[TransferNote] = relationship(back_populates="items")
    device: Mapped[Device] = relationship()


class TransferUnexpectedScan(db.Model):
    """A code the receiving workshop scanned that is not on the note."""

    __tablename__ = "transfer_unexpected_scan"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("transfer_note.id"), index=True)
    code: Mapped[str] = mapped_column(String(300))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"))
    scanned_at: Mapped[datetime] = mapped_column(default=utcnow)

    note: Mapped[TransferNote] = relationship(back_populates="unexpected")
