"""The catalogue of free operating systems the workshop installs, edited by administrators."""
from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from recond.clock import utcnow
from recond.extensions import db


class OsImage(db.Model):
    __tablename__ = "os_image"
    __table_args__ = (UniqueConstraint("name", "version", name="uq_os_image_release"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(40))
    # computers (laptops, desktops, tablets) or phones: what the image installs on
    family: Mapped[str] = mapped_column(String(20))
    # SHA-256 of the installation image, as the technician checked it; empty until recorded
    image_sha256: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"
