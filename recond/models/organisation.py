"""Organisations: every user belongs to one, and it bounds what they may see."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from recond.clock import utcnow
from recond.extensions import db


class OrganisationKind(StrEnum):
    DONOR = "donor"
    COLLECTOR = "collector"
    WORKSHOP = "workshop"
    STRUCTURE = "structure"
    COORDINATION = "coordination"


class Organisation(db.Model):
    __tablename__ = "organisation"
    __table_args__ = (
        CheckConstraint("siret IS NULL OR length(siret) = 14", name="siret_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    siret: Mapped[str | None] = mapped_column(String(14), unique=True)
    insee_code: Mapped[str | None] = mapped_column(String(5))
    territory: Mapped[str | None] = mapped_column(String(40), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r} {self.kind}>"
