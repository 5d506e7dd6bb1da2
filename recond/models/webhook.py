"""Webhooks: an organisation's endpoint for the events it chose, the outbox of deliveries
written in the transaction of each change, and every attempt to deliver one."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recond.clock import utcnow
from recond.extensions import db
from recond.models.organisation import Organisation


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # every attempt failed: given up
    CANCELLED = "cancelled"  # the webhook was switched off before it went out


class Webhook(db.Model):
    __tablename__ = "webhook"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    # Event names (recond.webhooks.events.EVENTS), in the order of that list.
    events: Mapped[list[str]] = mapped_column(JSON)
    # The signing key, shown once to the administrator; the receiver keeps it to check each
    # delivery's signature. Kept as is: signing needs it (a hash would not do).
    secret: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    organisation: Mapped[Organisation] = relationship()


class WebhookDelivery(db.Model):
    """One event for one webhook: written with the change that caused it (the outbox), sent by
    the worker once that change is committed. The payload holds no personal data."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        # What the worker's sweep reads: the pending deliveries whose attempt is overdue.
        Index("ix_webhook_delivery_pending", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhook.id"), index=True)
    event: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]

    webhook: Mapped[Webhook] = relationship()
    tries: Mapped[list["WebhookAttempt"]] = relationship(back_populates="delivery",
                                                         order_by="WebhookAttempt.id")


class WebhookAttempt(db.Model):
    """One try of a delivery: the receiver's status and the start of its answer, or why no
    answer came (refused address, timeout, connection error)."""

    __tablename__ = "webhook_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_delivery.id"), index=True)
    number: Mapped[int]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None]
    response_body: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(String(300), default="")
    duration_ms: Mapped[int] = mapped_column(default=0)

    delivery: Mapped[WebhookDelivery] = relationship(back_populates="tries")
