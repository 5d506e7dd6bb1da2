"""Hardware captures: the inventory file a machine wrote about itself, kept as evidence.

The file is kept as it was received, with its SHA-256, next to what Recond read from it and
what it changed on the device; the same file uploaded again for the same device is the same
capture (one row per device and SHA-256, held by the database).
"""
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from recond.clock import utcnow
from recond.extensions import db
from recond.models.device import Device


class HardwareCapture(db.Model):
    __tablename__ = "hardware_capture"
    __table_args__ = (UniqueConstraint("device_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), index=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    # What was read (the inventory), and what it did: specs filled, media added or completed,
    # disks left out and why, and where the machine disagrees with what the donor declared.
    inventory: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    outcome: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    device: Mapped[Device] = relationship()
