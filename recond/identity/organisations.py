"""Organisations as the administration and the coordination keep them: which kinds each may
create, the list each may see, the edit, and deactivation (its users signed out, its rows and
history kept).

An organisation's profile for donation receipts (Cerfa n° 16216) is kept here too: its legal
form and full address, and, for a collection partner (the beneficiary that issues receipts),
its RNA number, status on the form's list, object and signatory.

Structures are the directory's entries (`recond.distribution.structures` owns their fields);
donor companies are created by their collection partner (`recond.collection.donors`), and
appear here for administrators.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, false, select

from recond import clock
from recond.identity import accounts, security_log
from recond.distribution import structures
from recond.documents import cerfa_16216 as cerfa
from recond.errors import InvalidInput, NotFound, NotPermitted, Refused
from recond.extensions import db
from recond.models import Organisation, OrganisationKind, Role, User
from recond.territories import territory_of

KIND_LABELS = {
    OrganisationKind.COORDINATION: _l("Coordination"),
    OrganisationKind.WORKSHOP: _l("Workshop"),
    OrganisationKind.COLLECTOR: _l("Collection partner"),
    OrganisationKind.STRUCTURE: _l("Mediation structure"),
    OrganisationKind.DONOR: _l("Donor company"),
    OrganisationKind.PARTNER: _l("Reconditioning partner"),
}
# What each role may create and keep; admins keep every kind.
KEPT_KINDS = {
    Role.ADMIN: frozenset(OrganisationKind),
    Role.COORDINATOR: frozenset({OrganisationKind.WORKSHOP, OrganisationKind.COLLECTOR,
                                 OrganisationKind.STRUCTURE, OrganisationKind.PARTNER}),
}
EDITABLE = ("name", "siret", "address", "postcode", "insee_code", "phone", "email")


def kept_kinds(actor: User) -> frozenset[str]:
    return KEPT_KINDS.get(Role(actor.role), frozenset())


def can_keep(actor: User, org: Organisation) -> bool:
    return org.kind in kept_kinds(actor) and org.id != actor.organisation_id


def organisation_scope(actor: User) -> ColumnElement[bool]:
    kinds = kept_kinds(actor)
    return Organisation.kind.in_(sorted(kinds)) if kinds else false()


def listing(actor: User, kind: str | None = None) -> list[Organisation]:
    query = select(Organisation).where(organisation_scope(actor))
    if kind:
        query = query.where(Organisation.kind == kind)
    return db.session.scalars(query.order_by(Organisation.kind, Organisation.name)).all()


def get_organisation(actor: User, org_id: int, *, lock: bool = False) -> Organisation:
    query = select(Organisation).where(Organisation.id == org_id, organisation_scope(actor))
    if lock:
        query = query.with_for_update()
    org = db.session.scalar(query)
    if org is None:
        raise NotFound(_l("No such organisation in what you may manage."))
    return org


def create(actor: User, kind: str, **values: Any) -> Organisation:
    if kind not in kept_kinds(actor):
        raise NotPermitted(_l("You may not create this kind of organisation."))
    name = (values.get("name") or "").strip()
    if not name:
        raise InvalidInput(_l("An organisation has a name."))
    if kind == OrganisationKind.STRUCTURE:
        org = structures.create_structure(actor, **{k: v for k, v in values.items() if k in structures.FIELDS})
    else:
        if kind == OrganisationKind.DONOR and not (values.get("siret") or "").strip():
            raise InvalidInput(_l("A donor company is identified by its SIRET."), code="invalid_siret")
        _check_name_free(name)
        _check_siret_free(values.get("siret"))
        org = accounts.create_organisation(name, kind, siret=values.get("siret") or None,
                                           insee_code=(values.get("insee_code") or "").strip() or None,
                                           address=(values.get("address") or "").strip() or None)
        _set_contact(org, values)
    security_log.record("organisation_created", actor=actor, organisation_id=org.id,
                        details={"kind": kind, "name": org.name})
    return org


def update(actor: User, org: Organisation, **values: Any) -> Organisation:
    org = get_organisation(actor, org.id)
    if org.kind == OrganisationKind.STRUCTURE:
        return structures.update_structure(actor, org, **{k: v for k, v in values.items()
                                                          if k in structures.FIELDS})
    name = (values.get("name") or org.name).strip()
    if name != org.name:
        _check_name_free(name)
        org.name = name
    if "siret" in values:
        siret = accounts.checked_siret(values["siret"])
        if siret != org.siret:
            _check_siret_free(siret)
        if org.kind == OrganisationKind.DONOR and not siret:
            raise InvalidInput(_l("A donor company is identified by its SIRET."), code="invalid_siret")
        org.siret = siret
    _set_contact(org, values)
    db.session.flush()
    return org


def deactivate(actor: User, org: Organisation) -> Organisation:
    """Nobody of `org` signs in any more; its deposits, devices and history stay as they are."""
    org = get_organisation(actor, org.id, lock=True)
    if not can_keep(actor, org):
        raise Refused(_l("You may not deactivate your own organisation."))
    if not org.active:
        return org
    org.active = False
    org.deactivated_at = clock.utcnow()
    db.session.flush()
    for user in db.session.scalars(select(User).where(User.organisation_id == org.id)):
        accounts.end_sessions(user, actor=actor)
    security_log.record("organisation_deactivated", actor=actor, organisation_id=org.id)
    return org


def reactivate(actor: User, org: Organisation) -> Organisation:
    org = get_organisation(actor, org.id, lock=True)
    org.active = True
    org.deactivated_at = None
    db.session.flush()
    security_log.record("organisation_reactivated", actor=actor, organisation_id=org.id)
    return org


def issues_donation_receipts(org: Organisation) -> bool:
    """A collection partner takes the gifts, so it issues their receipts."""
    return org.kind == OrganisationKind.COLLECTOR


def update_receipt_profile(actor: User, org: Organisation, **values: Any) -> Organisation:
    """What a donation receipt prints about the organisation, filled once: legal form, full
    address, and for an issuer its RNA, status (from the form's list), object and signatory."""
    org = get_organisation(actor, org.id)
    set_postal_identity(org, values)
    if issues_donation_receipts(org):
        if "rna" in values:
            rna = (values["rna"] or "").strip().upper() or None
            if rna is not None and not (len(rna) == 10 and rna[0] == "W" and rna[1:].isdigit()):
                raise InvalidInput(_l("An RNA number is W followed by 9 digits, such as "
                                      "W922001234."), code="invalid_rna")
            org.rna = rna
        if "tax_status" in values:
            status = (values["tax_status"] or "").strip() or None
            if status is not None and status not in cerfa.STATUSES:
                raise InvalidInput(_l("Choose the status from the list of form 16216."),
                                   code="invalid_status")
            org.tax_status = status
        for key, limit in (("tax_status_detail", 300), ("purpose", 500), ("signatory_name", 200),
                           ("signatory_position", 200)):
            if key in values:
                setattr(org, key, (values[key] or "").strip()[:limit] or None)
    db.session.flush()
    return org


def set_postal_identity(org: Organisation, values: dict[str, Any]) -> None:
    """The legal form and the full address a receipt prints (donor or beneficiary)."""
    _set_contact(org, {k: values[k] for k in ("address", "postcode") if k in values})
    for key, limit in (("legal_form", 100), ("commune", 120)):
        if key in values:
            setattr(org, key, (values[key] or "").strip()[:limit] or None)


def _set_contact(org: Organisation, values: dict[str, Any]) -> None:
    if "postcode" in values:
        postcode = (values["postcode"] or "").strip() or None
        if postcode is not None and not (len(postcode) == 5 and postcode.isdigit()):
            raise InvalidInput(_l("A postcode has 5 digits."))
        org.postcode = postcode
    for key in ("address", "phone", "email"):
        if key in values:
            setattr(org, key, (values[key] or "").strip() or None)
    if "insee_code" in values:
        code = (values["insee_code"] or "").strip() or None
        if code is not None and not (len(code) == 5 and code[:2].isalnum() and code[2:].isdigit()):
            raise InvalidInput(_l("An INSEE commune code has 5 characters, such as 92050."))
        org.insee_code, org.territory = code, territory_of(code)


def _check_name_free(name: str) -> None:
    if db.session.scalar(select(Organisation.id).where(Organisation.name == name)) is not None:
        raise InvalidInput(_l("An organisation named “%(name)s” already exists.", name=name))


def _check_siret_free(siret: str | None) -> None:
    siret = accounts.checked_siret(siret)
    if siret and db.session.scalar(select(Organisation.id).where(Organisation.siret == siret)) is not None:
        raise InvalidInput(_l("An organisation with SIRET %(siret)s already exists.", siret=siret),
                           code="invalid_siret")
