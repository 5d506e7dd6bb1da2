"""Donation receipts (Cerfa n° 16216) as issued: a sequential order number per issuing
organisation and year, the content frozen at issue, the PDF and its SHA-256.

A receipt is never edited nor deleted (the migration adds triggers that make the database
refuse it); a correction is a new receipt that names the one it cancels and replaces.
"""
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON, CheckConstraint, ForeignKey, LargeBinary, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from recond.clock import utcnow
from recond.extensions import db
from recond.models.deposit import Deposit
from recond.models.organisation import Organisation


class DonationReceipt(db.Model):
    __tablename__ = "donation_receipt"
    __table_args__ = (
        # The order number: one per issuer and year, never given twice (two issuers at once
        # cannot both take it: the second insert fails).
        UniqueConstraint("issuer_id", "year", "sequence", name="uq_donation_receipt_number"),
        CheckConstraint("sequence > 0", name="sequence_positive"),
        CheckConstraint("amount_cents >= 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    year: Mapped[int]
    sequence: Mapped[int]
    number: Mapped[str] = mapped_column(String(20))  # "2026-0042", as printed
    # Printed on the receipt: anyone checks it on /verify, as a certificate's code.
    code: Mapped[str] = mapped_column(String(16), unique=True)
    deposit_id: Mapped[int] = mapped_column(ForeignKey("deposit.id"), index=True)
    # The receipt this one cancels and replaces; a receipt is replaced once at most.
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("donation_receipt.id"), unique=True)
    correction_reason: Mapped[str | None] = mapped_column(Text)
    amount_cents: Mapped[int]
    # Everything the PDF prints (beneficiary, donor, gift, devices, signatory), as issued.
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)

    issuer: Mapped[Organisation] = relationship()
    deposit: Mapped[Deposit] = relationship()
    replaces: Mapped["DonationReceipt | None"] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<DonationReceipt {self.number} issuer={self.issuer_id}>"
