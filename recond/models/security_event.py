"""The security log: who signed in, failed, was locked, invited, changed role, made or revoked
a token, exported personal data — when and from where.

Append-only like the device history: the migration adds triggers that make the database
refuse UPDATE and DELETE; only the retention purge (`recond purge-security-log`) removes rows
older than the retention period, by a door the trigger opens for it alone.
"""
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recond.clock import utcnow
from recond.extensions import db
from recond.models.user import User


class SecurityEvent(db.Model):
    __tablename__ = "security_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    # The client address as the application saw it (behind a reverse proxy: the client's
    # when RECOND_PROXY_COUNT says how many proxies to trust, the proxy's otherwise).
    address: Mapped[str | None] = mapped_column(String(45))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])
