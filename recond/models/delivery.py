"""Delivery notes: the devices a workshop ships (or hands over in person) to a structure, and
what the structure scanned on arrival (each expected device delivered, anything unexpected kept
to be shown)."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recond.clock import utcnow
from recond.extensions import db
from recond.models.device import Device
from recond.models.organisation import Organisation


class DeliveryStatus(StrEnum):
    PREPARING = "preparing"
    SHIPPED = "shipped"
    RECEIVED = "received"


# A note that left the workshop: what arrived, what is missing and what came unexpected count.
LEFT_THE_WORKSHOP = frozenset({DeliveryStatus.SHIPPED, DeliveryStatus.RECEIVED})


class DeliveryKind(StrEnum):
    SHIPMENT = "shipment"  # the workshop sends the devices
    HAND = "hand"          # handed over in person (collected at the workshop, brought by hand)


class DeliveryNote(db.Model):
    __tablename__ = "delivery_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=DeliveryStatus.PREPARING)
    kind: Mapped[str] = mapped_column(String(20), default=DeliveryKind.SHIPMENT,
                                      server_default=DeliveryKind.SHIPMENT.value)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    shipped_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    workshop: Mapped[Organisation] = relationship(foreign_keys=[workshop_id])
    structure: Mapped[Organisation] = relationship(foreign_keys=[structure_id])
    items: Mapped[list["DeliveryItem"]] = relationship(back_populates="note",
                                                       order_by="DeliveryItem.id")
    unexpected: Mapped[list["UnexpectedScan"]] = relationship(back_populates="note",
                                                              order_by="UnexpectedScan.id")

    @property
    def number(self) -> str:
        return f"BL-{self.id:06d}"


class DeliveryItem(db.Model):
    __tablename__ = "delivery_item"
    __table_args__ = (UniqueConstraint("note_id", "device_id", name="uq_delivery_item_device"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("delivery_note.id"), index=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    received_at: Mapped[datetime | None]

    note: Mapped[DeliveryNote] = relationship(back_populates="items")
    device: Mapped[Device] = relationship()


class UnexpectedScan(db.Model):
    """A code the structure scanned on arrival that is not on the note."""

    __tablename__ = "delivery_unexpected_scan"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("delivery_note.id"), index=True)
    code: Mapped[str] = mapped_column(String(300))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"))
    scanned_at: Mapped[datetime] = mapped_column(default=utcnow)

    note: Mapped[DeliveryNote] = relationship(back_populates="unexpected")
