"""Sanitisation records: the evidence, per storage medium, that a donor's data is gone.

Minimal now (NIST SP 800-88 category and result); the workshop's nwipe import enriches it.
"""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recond.clock import utcnow
from recond.extensions import db
from recond.models.device import StorageMedium


class SanitisationMethod(StrEnum):  # NIST SP 800-88 Rev. 1 categories
    CLEAR = "clear"
    PURGE = "purge"
    DESTROY = "destroy"


class SanitisationRecord(db.Model):
    __tablename__ = "sanitisation_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    medium_id: Mapped[int] = mapped_column(ForeignKey("storage_medium.id"), index=True)
    cycle: Mapped[int]
    method: Mapped[str] = mapped_column(String(10))
    technique: Mapped[str] = mapped_column(String(100), default="")
    tool: Mapped[str] = mapped_column(String(100), default="")
    passed: Mapped[bool]
    performed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    performed_at: Mapped[datetime] = mapped_column(default=utcnow)

    medium: Mapped[StorageMedium] = relationship()
