"""Training sessions a structure holds, and who attended: the condition of every release.
Also the corrections made to a session (append-only revisions) and, for each release, the
session that opened its gate (from then on that session is frozen)."""
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recond.clock import utcnow
from recond.extensions import db
from recond.models.beneficiary import Beneficiary
from recond.models.user import User


class TrainingSession(db.Model):
    __tablename__ = "training_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    held_on: Mapped[date]
    duration_minutes: Mapped[int] = mapped_column(default=120)
    trainer: Mapped[str] = mapped_column(String(200), default="")
    topics: Mapped[str] = mapped_column(String(500), default="")  # labels, as they were then
    place: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    attendances: Mapped[list["Attendance"]] = relationship(back_populates="session")


class TrainingTopic(db.Model):
    """The editable list of topics a session may cover; retired topics stay for old sessions."""

    __tablename__ = "training_topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(120), unique=True)
    active: Mapped[bool] = mapped_column(default=True)


class Attendance(db.Model):
    __tablename__ = "attendance"
    __table_args__ = (
        # A beneficiary reference or a staff member's name: one of the two, never both.
        CheckConstraint(
            "(beneficiary_id IS NULL) <> (staff_name IS NULL)", name="beneficiary_or_staff"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id"), index=True)
    beneficiary_id: Mapped[int | None] = mapped_column(ForeignKey("beneficiary.id"), index=True)
    staff_name: Mapped[str | None] = mapped_column(String(200))
    present: Mapped[bool] = mapped_column(default=True)

    session: Mapped[TrainingSession] = relationship(back_populates="attendances")
    beneficiary: Mapped[Beneficiary | None] = relationship()


class SessionRevision(db.Model):
    """One correction of a session or its attendance: who, when, why and what changed
    (`changes`: field -> [before, after]; attendance as a list of marks before and after).
    Append-only: the database refuses UPDATE and DELETE (migration 0009_training)."""

    __tablename__ = "training_session_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id"), index=True)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(String(500))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    changed_by: Mapped[User | None] = relationship()


class ReleaseTraining(db.Model):
    """The session that opened the release gate of an allocation. A session named here has
    served a release: it can no longer be corrected."""

    __tablename__ = "release_training"

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocation.id"), unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
