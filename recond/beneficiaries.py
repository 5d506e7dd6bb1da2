"""Pseudonymous beneficiaries: a structure's own file reference, an eligibility tier and
perhaps a postcode; never a name, never a national identifier (GDPR data minimisation).

The retention setting (`RECOND_BENEFICIARY_RETENTION_MONTHS`, 24 by default) purges a
reference that many months after the release of the person's last device: the row stays so
that counts and prices still add up, but it no longer points to anyone.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from recond.clock import utcnow
from recond.errors import InvalidInput, NotFound, NotPermitted
from recond.extensions import db
from recond.models import Allocation, AllocationStatus, Beneficiary, Role, Tier, User

# A structure's file reference: letters, digits and a few separators; nothing that reads like
# a name with spaces, an e-mail or a social security number (13 or 15 digits).
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")
_NIR = re.compile(r"^[12]\d{12}(\d{2})?$")


def enrol(actor: User, reference: str, tier: str, postcode: str | None = None) -> Beneficiary:
    if actor.role != Role.STRUCTURE:
        raise NotPermitted(_l("Only structures record beneficiaries."))
    reference = (reference or "").strip()
    if tier not in set(Tier) or tier == Tier.OWN_USE or not reference:
        raise InvalidInput(_l("A beneficiary has the structure's reference and an eligibility tier."))
    if not _REFERENCE.match(reference) or _NIR.match(reference):
        raise InvalidInput(_l("Use your own file reference (letters, digits, - _ . /, no spaces), "
                              "never a name or a social security number."), code="not_pseudonymous")
    postcode = (postcode or "").strip() or None
    if postcode is not None and not re.fullmatch(r"\d{5}", postcode):
        raise InvalidInput(_l("A postcode has 5 digits."))
    if db.session.scalar(select(Beneficiary.id).where(
            Beneficiary.structure_id == actor.organisation_id, Beneficiary.reference == reference)):
        raise InvalidInput(_l("Reference %(ref)s is already recorded.", ref=reference))
    beneficiary = Beneficiary(structure_id=actor.organisation_id, reference=reference,
                              tier=tier, postcode=postcode)
    db.session.add(beneficiary)
    db.session.flush()
    return beneficiary


def of_structure(actor: User) -> list[Beneficiary]:
    if actor.role != Role.STRUCTURE:
        raise NotPermitted(_l("Only structures keep beneficiaries."))
    return db.session.scalars(
        select(Beneficiary).where(Beneficiary.structure_id == actor.organisation_id,
                                  Beneficiary.purged_at.is_(None))
        .order_by(Beneficiary.reference)).all()


def get_beneficiary(actor: User, beneficiary_id: int) -> Beneficiary:
    beneficiary = db.session.get(Beneficiary, beneficiary_id)
    if beneficiary is None or actor.role != Role.STRUCTURE or \
            beneficiary.structure_id != actor.organisation_id or beneficiary.purged_at:
        raise NotFound(_l("No such beneficiary in your structure."))
    return beneficiary


def retention_months() -> int:
    return current_app.config["BENEFICIARY_RETENTION_MONTHS"]


def purge_expired(now: datetime | None = None, months: int | None = None) -> int:
    """Wipe the references of beneficiaries whose devices were all released more than
    `months` ago (and who have no device still on its way). Returns how many were purged."""
    now = now or utcnow()
    months = retention_months() if months is None else months
    limit = now - timedelta(days=round(months * 30.44))
    last_release = (select(Allocation.beneficiary_id, func.max(Allocation.released_at).label("at"))
                    .where(Allocation.beneficiary_id.is_not(None),
                           Allocation.released_at.is_not(None))
                    .group_by(Allocation.beneficiary_id).subquery())
    pending = select(Allocation.beneficiary_id).where(
        Allocation.status == AllocationStatus.ACTIVE, Allocation.released_at.is_(None),
        Allocation.beneficiary_id.is_not(None))
    expired = db.session.scalars(
        select(Beneficiary).join(last_release, last_release.c.beneficiary_id == Beneficiary.id)
        .where(last_release.c.at < limit, Beneficiary.purged_at.is_(None),
               Beneficiary.id.not_in(pending))).all()
    for beneficiary in expired:
        beneficiary.reference = f"purged-{beneficiary.id}"
        beneficiary.postcode = None
        beneficiary.purged_at = now
    db.session.flush()
    return len(expired)
