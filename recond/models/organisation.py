"""Organisations: every user belongs to one, and it bounds what they may see."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recond.clock import utcnow
from recond.extensions import db


class OrganisationKind(StrEnum):
    DONOR = "donor"
    COLLECTOR = "collector"
    WORKSHOP = "workshop"
    STRUCTURE = "structure"
    COORDINATION = "coordination"
    # A reconditioning partner bound by a convention that does not use Recond itself (one
    # that does is a workshop): its output comes back as a manifest.
    PARTNER = "partner"


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
    postcode: Mapped[str | None] = mapped_column(String(5))
    commune: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    legal_form: Mapped[str | None] = mapped_column(String(100))  # SAS, association loi 1901…
    # What a donation receipt (Cerfa n° 16216) says of the organisation that issues it: its
    # RNA number (an association without SIREN), its status on the form's list (a code of
    # recond.documents.cerfa_16216.STATUSES, with the detail some need, such as a decree's
    # date), its object, and who signs.
    rna: Mapped[str | None] = mapped_column(String(10))
    tax_status: Mapped[str | None] = mapped_column(String(30))
    tax_status_detail: Mapped[str | None] = mapped_column(String(300))
    purpose: Mapped[str | None] = mapped_column(String(500))
    signatory_name: Mapped[str | None] = mapped_column(String(200))
    signatory_position: Mapped[str | None] = mapped_column(String(200))
    # Structures: the open-data "lieux de médiation numérique" identity and description.
    # `qpv` is set by the coordination (the open-data file does not say it) and kept by imports.
    lieu_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    typologies: Mapped[str] = mapped_column(String(300), default="", server_default="")
    services: Mapped[str] = mapped_column(Text, default="", server_default="")
    qpv: Mapped[bool] = mapped_column(default=False, server_default=false())
    # A donor company is managed by the collection partner that brought it in.
    managed_by_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A deactivated organisation keeps its rows and history; its users can no longer sign in.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    deactivated_at: Mapped[datetime | None]

    sites: Mapped[list["DonorSite"]] = relationship(back_populates="organisation",
                                                    order_by="DonorSite.id")
    contacts: Mapped[list["DonorContact"]] = relationship(back_populates="organisation",
                                                          order_by="DonorContact.id")

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r} {self.kind}>"


class DonorSite(db.Model):
    """Where a donor company's devices wait for pickup."""

    __tablename__ = "donor_site"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    label: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(300))
    postcode: Mapped[str] = mapped_column(String(5))
    insee_code: Mapped[str | None] = mapped_column(String(5))

    organisation: Mapped[Organisation] = relationship(back_populates="sites")


class DonorContact(db.Model):
    __tablename__ = "donor_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")

    organisation: Mapped[Organisation] = relationship(back_populates="contacts")
