"""Functional test reports: what the technician found, whatever the outcome (ready, repair,
parts, recycle). Grading writes one; a failed test writes one without moving the device."""
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from recond.clock import utcnow
from recond.extensions import db


class TestReport(db.Model):
    __tablename__ = "test_report"
    __test__ = False  # not a pytest test class, whatever its name

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), index=True)
    cycle: Mapped[int]
    checklist: Mapped[dict[str, Any]] = mapped_column(JSON)
    battery_health: Mapped[int | None]
    grade: Mapped[str | None] = mapped_column(String(1))
    outcome: Mapped[str] = mapped_column(String(10))  # ready, repair, parts, recycle
    note: Mapped[str] = mapped_column(String(500), default="")
    tested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    tested_at: Mapped[datetime] = mapped_column(default=utcnow)
