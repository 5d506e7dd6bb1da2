"""Devices and their storage media.

`Device.status` is written by `recond.lifecycle` only; `version` is the optimistic lock that
turns two simultaneous actions on one device into one success and one conflict.
"""
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recond.clock import utcnow
from recond.extensions import db
from recond.models.deposit import Deposit
from recond.models.organisation import Organisation


class Device(db.Model):
    __tablename__ = "device"
    __table_args__ = (
        CheckConstraint("weight_grams IS NULL OR weight_grams > 0", name="weight_positive"),
        # The device list's sorts and filters (recond.inventory.listing): each sort key ends
        # with the id that breaks ties, so a sorted page is read from an index, in order.
        Index("ix_device_updated", "updated_at", "id"),
        Index("ix_device_status_updated", "status", "updated_at", "id"),
        Index("ix_device_brand_model", "brand", "model", "id"),
        Index("ix_device_grade", "grade", "id"),
        Index("ix_device_asset_tag", "asset_tag"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True)
    deposit_id: Mapped[int | None] = mapped_column(ForeignKey("deposit.id"), index=True)
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    category: Mapped[str] = mapped_column(String(20), index=True)
    brand: Mapped[str] = mapped_column(String(100), default="")
    model: Mapped[str] = mapped_column(String(200), default="")
    serial: Mapped[str | None] = mapped_column(String(100))
    # Upper-cased, spaces removed: what a scanner's input is compared with.
    serial_key: Mapped[str | None] = mapped_column(String(100), index=True)
    asset_tag: Mapped[str | None] = mapped_column(String(100))
    specs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), index=True)
    grade: Mapped[str | None] = mapped_column(String(1))
    operating_system: Mapped[str | None] = mapped_column(String(100))
    # Incremented each time the device (re)enters the workshop: sanitisation of an earlier
    # cycle never counts for a returned device.
    cycle: Mapped[int] = mapped_column(default=1)
    # The cycle in which a technician opened the device and found no storage at all: the
    # `wipe` guard then has nothing to wait for (a returned device is looked at again).
    no_storage_cycle: Mapped[int | None]
    recycling_lot_id: Mapped[int | None] = mapped_column(ForeignKey("recycling_lot.id"), index=True)
    # Weighed when it left as WEEE (the hand-over slip lists it); unknown otherwise.
    weight_grams: Mapped[int | None]
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When it entered its present status (the time of that history row), written with the status
    # so that the reports' lead time of each transition costs no read; NULL: ask the history.
    status_since: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    deposit: Mapped[Deposit | None] = relationship()
    # Where the device is: part of who may see it (recond.scopes); a transfer changes it.
    workshop: Mapped[Organisation | None] = relationship(foreign_keys=[workshop_id])
    media: Mapped[list["StorageMedium"]] = relationship(
        back_populates="device", order_by="StorageMedium.id"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Device {self.public_id} {self.status}>"


class StorageMedium(db.Model):
    """A disk, SSD, eMMC or phone flash of a device; the unit that sanitisation certifies."""

    __tablename__ = "storage_medium"

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # hdd, ssd, nvme, emmc, flash
    interface: Mapped[str | None] = mapped_column(String(20))  # sata, nvme, sas, ide, usb…
    brand: Mapped[str] = mapped_column(String(100), default="")
    model: Mapped[str] = mapped_column(String(200), default="")
    # Indexed: the device list finds a device by one of its disks' serials.
    serial: Mapped[str | None] = mapped_column(String(100), index=True)
    capacity_gb: Mapped[int | None]
    # When the medium left the device, and how: destroyed, kept (at the workshop), recycling,
    # or absent (recorded at registration, not found in the device). None: still in it.
    removed_at: Mapped[datetime | None]
    fate: Mapped[str | None] = mapped_column(String(20))

    device: Mapped[Device] = relationship(back_populates="media")
