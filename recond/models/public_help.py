"""The help a device's public page offers whoever holds the device: the coordination's support
line, where to find a place of digital mediation, and a beginner's guide per operating system.
One row: there is one coordination per installation."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from recond.extensions import db


class PublicHelp(db.Model):
    __tablename__ = "public_help"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    support_phone: Mapped[str] = mapped_column(String(30), default="", server_default="")
    support_hours: Mapped[str] = mapped_column(String(200), default="", server_default="")
    support_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # Where to find a place of digital mediation (the national map, the département's page).
    places_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # The beginner's guide of an operating system, by its name in the catalogue ("Linux Mint");
    # `guide_url` is the one for an operating system without its own.
    guides: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    guide_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
