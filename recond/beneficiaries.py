"""Pseudonymous beneficiaries: a structure's file reference and a tier; never a name."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from recond.errors import InvalidInput, NotPermitted
from recond.extensions import db
from recond.models import Beneficiary, Role, Tier, User


def enrol(actor: User, reference: str, tier: str, postcode: str | None = None) -> Beneficiary:
    if actor.role != Role.STRUCTURE:
        raise NotPermitted(_l("Only structures record beneficiaries."))
    if tier not in set(Tier) or tier == Tier.OWN_USE or not reference.strip():
        raise InvalidInput(_l("A beneficiary has the structure's reference and an eligibility tier."))
    beneficiary = Beneficiary(structure_id=actor.organisation_id, reference=reference.strip(),
                              tier=tier, postcode=postcode)
    db.session.add(beneficiary)
    db.session.flush()
    return beneficiary
