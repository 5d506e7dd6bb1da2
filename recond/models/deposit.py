"""Deposits: a donor company's lot of devices, logged by a collection partner, from the pledge
to the reconciled reception at the workshop; the devices declared, scanned and imported."""
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from recond.clock import utcnow
from recond.extensions import db
from recond.models.organisation import DonorSite, Organisation


class DepositStatus(StrEnum):
    PLEDGED = "pledged"
    PICKUP_PLANNED = "pickup_planned"
    COLLECTED = "collected"
    RECEIVED = "received"


# Named groups: a pickup is planned or done before collection; devices are registered and
# received while the reception is open; closing the reception ends it.
PICKUP_PENDING = frozenset({DepositStatus.PLEDGED, DepositStatus.PICKUP_PLANNED})
RECEPTION_OPEN = frozenset({DepositStatus.PLEDGED, DepositStatus.PICKUP_PLANNED,
                            DepositStatus.COLLECTED})


class Deposit(db.Model):
    __tablename__ = "deposit"
    __table_args__ = (CheckConstraint("valuation_cents IS NULL OR valuation_cents >= 0",
                                      name="valuation_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    donor_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    collector_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("donor_site.id"))
    # How the workshop was decided (recond.collection.routing.ROUTING_LABELS): chosen by the
    # collection partner, proposed by territory and load, or changed by the coordination.
    routing: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=DepositStatus.PLEDGED)
    available_from: Mapped[date | None]
    pickup_on: Mapped[date | None]
    pickup_slot: Mapped[str | None] = mapped_column(String(40))
    collected_at: Mapped[datetime | None]
    reception_closed_at: Mapped[datetime | None]
    reception_closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # What closing the reception found: {"missing": [...], "unexpected": [...]}.
    discrepancies: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Declared by the donor company for its tax receipt; Recond never estimates it.
    valuation_cents: Mapped[int | None]
    valuation_signatory: Mapped[str | None] = mapped_column(String(200))
    # On what basis the donor valued its gift (recond.documents.cerfa_16216.VALUATION_BASES).
    valuation_basis: Mapped[str | None] = mapped_column(String(20))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    donor: Mapped[Organisation] = relationship(foreign_keys=[donor_id])
    collector: Mapped[Organisation] = relationship(foreign_keys=[collector_id])
    workshop: Mapped[Organisation] = relationship(foreign_keys=[workshop_id])
    site: Mapped[DonorSite | None] = relationship()
    items: Mapped[list["DepositItem"]] = relationship(back_populates="deposit",
                                                      order_by="DepositItem.id")


class DepositItem(db.Model):
    """What the donor announced: so many devices of a category."""

    __tablename__ = "deposit_item"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deposit_id: Mapped[int] = mapped_column(ForeignKey("deposit.id"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int]
    description: Mapped[str] = mapped_column(String(300), default="")

    deposit: Mapped[Deposit] = relationship(back_populates="items")


class ReceptionScan(db.Model):
    """Each code scanned as a deposit comes off the van, matched or not."""

    __tablename__ = "reception_scan"

    id: Mapped[int] = mapped_column(primary_key=True)
    deposit_id: Mapped[int] = mapped_column(ForeignKey("deposit.id"), index=True)
    code: Mapped[str] = mapped_column(String(300))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"))
    outcome: Mapped[str] = mapped_column(String(20))  # received, late, already_received, unexpected
    scanned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    scanned_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeviceImport(db.Model):
    """A manifest file uploaded for a deposit: previewed, then committed (once)."""

    __tablename__ = "device_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    deposit_id: Mapped[int] = mapped_column(ForeignKey("deposit.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    # Kept in the database so that a worker on another machine can read it.
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    file_format: Mapped[str] = mapped_column(String(10))
    encoding: Mapped[str | None] = mapped_column(String(20))
    separator: Mapped[str | None] = mapped_column(String(1))
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="previewed")
    total_rows: Mapped[int] = mapped_column(default=0)
    valid_rows: Mapped[int] = mapped_column(default=0)
    imported_rows: Mapped[int] = mapped_column(default=0)
    all_or_nothing: Mapped[bool] = mapped_column(default=True)
    job_id: Mapped[str | None] = mapped_column(String(64))
    # When the job was queued: a job Redis does not know yet is lost only after a grace period.
    queued_at: Mapped[datetime | None]
    # Why the last background run failed: a code (worker_lost, interrupted, or the domain
    # error's), and the domain error's message in the language of whoever asked for the import.
    error_code: Mapped[str | None] = mapped_column(String(40))
    error_message: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    committed_at: Mapped[datetime | None]

    deposit: Mapped[Deposit] = relationship()

    # What the import page asks (templates never compare a bare status).
    @property
    def is_queued(self) -> bool:
        return self.status == "queued"

    @property
    def is_committed(self) -> bool:
        return self.status == "committed"

    @property
    def is_failed(self) -> bool:
        return self.status == "failed"
