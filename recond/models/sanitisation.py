"""Sanitisation records: the evidence, per storage medium, that a donor's data is gone.

A record says which NIST SP 800-88 category was reached (clear, purge, destroy), by which
technique and tool, how it was verified, when, by whom, and whether it passed. The evidence
file (an nwipe log, a PDF report) is kept with its SHA-256.
"""
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, ForeignKey, Index, JSON, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from recond.clock import utcnow
from recond.extensions import db
from recond.models.device import StorageMedium

if TYPE_CHECKING:  # the user model imports nothing from here; no cycle at run time
    from recond.models.user import User


class SanitisationMethod(StrEnum):  # NIST SP 800-88 Rev. 1 categories
    CLEAR = "clear"
    PURGE = "purge"
    DESTROY = "destroy"


class Verification(StrEnum):
    NONE = "none"
    LAST_PASS = "last_pass"
    ALL_PASSES = "all_passes"


class SanitisationEvidence(db.Model):
    """An uploaded wipe log or report, as it was received. The same file uploaded again in a
    workshop is the same evidence: the database holds one row per (workshop, SHA-256)."""

    __tablename__ = "sanitisation_evidence"
    __table_args__ = (UniqueConstraint("workshop_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    parser: Mapped[str] = mapped_column(String(20))
    tool: Mapped[str] = mapped_column(String(100), default="")
    # What the parser read: one entry per drive, kept so the page needs no re-parse.
    drives: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class SanitisationRecord(db.Model):
    """One medium's sanitisation. A drive of a log is the evidence for one medium only: the
    database refuses a second record for the same (evidence, drive), whoever races whom."""

    __tablename__ = "sanitisation_record"
    __table_args__ = (
        UniqueConstraint("evidence_id", "drive"),
        # The same wipe of the same drive, whichever upload, copy or workshop brought its log.
        Index("uq_sanitisation_record_drive_wipe", "drive_wipe", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    medium_id: Mapped[int] = mapped_column(ForeignKey("storage_medium.id"), index=True)
    cycle: Mapped[int]
    method: Mapped[str] = mapped_column(String(10))
    technique: Mapped[str] = mapped_column(String(100), default="")
    tool: Mapped[str] = mapped_column(String(100), default="")
    rounds: Mapped[int | None]
    passes: Mapped[int | None]  # overwriting passes per round (DoD Short: 3)
    blanking: Mapped[bool | None]  # a final zero pass written and checked; None: not known
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)  # the drive as the tool saw it
    verification: Mapped[str] = mapped_column(String(12), default=Verification.NONE)
    passed: Mapped[bool]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("sanitisation_evidence.id"), index=True)
    # Which drive of the evidence this is (nwipe's device name), and what it reported.
    drive: Mapped[str | None] = mapped_column(String(100))
    # What identifies that wipe of that drive in any copy of its log (wipe_evidence.drive_wipe):
    # the tool, the drive's name, serial bytes, model and size, the wipe's start and end.
    drive_wipe: Mapped[str | None] = mapped_column(String(64))
    errors: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The log disagreed with the medium (size or serial) and the technician confirmed the
    # match anyway, saying why: the certificate says so.
    matched_by_hand: Mapped[bool] = mapped_column(default=False)
    match_reason: Mapped[str | None] = mapped_column(String(500))
    performed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    performed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A destruction (method destroy): who destroyed the medium (the workshop or its contractor)
    # and the reference of their paperwork, e.g. the contractor's certificate number.
    destroyed_by: Mapped[str | None] = mapped_column(String(200))
    reference: Mapped[str | None] = mapped_column(String(100))

    medium: Mapped[StorageMedium] = relationship()
    evidence: Mapped[SanitisationEvidence | None] = relationship()
    performer: Mapped["User | None"] = relationship("User")


class Certificate(db.Model):
    """A certificate of sanitisation as issued: its PDF, that PDF's SHA-256, and a short code
    printed on it, so that anyone can check on Recond's public page that a copy is unaltered."""

    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"), index=True)
    deposit_id: Mapped[int | None] = mapped_column(ForeignKey("deposit.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    media_count: Mapped[int]
    # The devices it covers (ids), so the public page can tell what became of them later.
    covered_device_ids: Mapped[list[int] | None] = mapped_column(JSON)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
