"""Payment entries against an allocation's remaining charge. An entry is never edited: a
mistake is put right by a correction, money given back by a refund, each a new entry with its
reason."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recond.clock import utcnow
from recond.extensions import db
from recond.models.allocation import Allocation
from recond.models.user import User


class PaymentKind(StrEnum):
    PAYMENT = "payment"        # money received: positive
    REFUND = "refund"          # money given back: negative
    CORRECTION = "correction"  # a wrong entry put right: either sign


class Payment(db.Model):
    __tablename__ = "payment"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'payment' AND amount_cents > 0) OR (kind = 'refund' AND amount_cents < 0) "
            "OR (kind = 'correction' AND amount_cents <> 0)", name="signed_by_kind"),
        CheckConstraint("kind = 'payment' OR length(reason) > 0", name="reason_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=PaymentKind.PAYMENT,
                                      server_default=PaymentKind.PAYMENT.value)
    amount_cents: Mapped[int]
    method: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    allocation: Mapped[Allocation] = relationship(back_populates="payments")
    recorded_by: Mapped[User | None] = relationship()
