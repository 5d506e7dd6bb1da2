"""Partner conventions: the coordination supplies a reconditioning partner with X devices, the
partner owes Y reconditioned ones (or a share of what it received) within a period, sold at no
more than a price cap, for the département's allocation stock. What was supplied (deposits,
devices), and what came back (each return with the partner's sanitisation certificate)."""
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from recond.clock import utcnow
from recond.extensions import db
from recond.models.organisation import Organisation


class Convention(db.Model):
    __tablename__ = "convention"
    __table_args__ = (
        CheckConstraint("supply_promised > 0", name="supply_positive"),
        # The output owed is a number of devices or a share of the supply, never both.
        CheckConstraint("(output_owed IS NULL) <> (output_ratio_percent IS NULL)",
                        name="owed_or_ratio"),
        CheckConstraint("output_owed IS NULL OR output_owed > 0", name="owed_positive"),
        CheckConstraint("output_ratio_percent IS NULL OR "
                        "(output_ratio_percent > 0 AND output_ratio_percent <= 100)",
                        name="ratio_percent"),
        CheckConstraint("price_cap_cents > 0", name="price_cap_positive"),
        CheckConstraint("ends_on > starts_on", name="period_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    supply_promised: Mapped[int]
    output_owed: Mapped[int | None]
    output_ratio_percent: Mapped[int | None]
    price_cap_cents: Mapped[int]
    # Where the output goes: the département's allocation stock (the only destination today).
    destination: Mapped[str] = mapped_column(String(20), default="allocation")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    partner: Mapped[Organisation] = relationship()


class ConventionDeposit(db.Model):
    """A deposit whose devices all go to the partner under the convention."""

    __tablename__ = "convention_deposit"

    deposit_id: Mapped[int] = mapped_column(ForeignKey("deposit.id"), primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"), index=True)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConventionSupply(db.Model):
    """A device taken from stock and handed to the partner under the convention."""

    __tablename__ = "convention_supply"

    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"), index=True)
    supplied_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    supplied_at: Mapped[datetime] = mapped_column(default=utcnow)


class PartnerReturn(db.Model):
    """One manifest of reconditioned devices sent back by the partner, with its sanitisation
    certificate (a PDF, kept with its SHA-256 as the evidence of the wipe)."""

    __tablename__ = "partner_return"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"), index=True)
    manifest_filename: Mapped[str] = mapped_column(String(255))
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    certificate_filename: Mapped[str] = mapped_column(String(255))
    certificate_sha256: Mapped[str] = mapped_column(String(64))
    certificate: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    devices: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    convention: Mapped[Convention] = relationship()


class ConventionReturn(db.Model):
    """A device that came back reconditioned through a partner's manifest: one it was supplied
    (`supplied`) or one of its own (`new`)."""

    __tablename__ = "convention_return"
    __table_args__ = (CheckConstraint("origin IN ('supplied', 'new')", name="origin_known"),)

    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"), index=True)
    partner_return_id: Mapped[int] = mapped_column(ForeignKey("partner_return.id"), index=True)
    origin: Mapped[str] = mapped_column(String(10))
    returned_at: Mapped[datetime] = mapped_column(default=utcnow)
