"""Pseudonymous beneficiaries: a structure's own file reference, an eligibility tier and
perhaps a postcode; never a name, never a national identifier (GDPR data minimisation).

The reference check takes what a file code looks like — blocks of at most four letters
(`CS`, `BEN`, `ASSO`, `CCAS`; three or four only in capitals), digits, the separators - _ . /
and at least one digit — and refuses what identifies a person: a NIR (social security number,
with any separators, Corse 2A/2B), a phone number (French, or international with + or 00), an
e-mail, a name (a word of five letters or more, a short word not in capitals such as `jean2`,
a civility). A beneficiary is edited or deleted only before any allocation.

The retention setting (`RECOND_BENEFICIARY_RETENTION_MONTHS`, 24 by default) purges a
reference that many months after the release of the person's last device, or after the
enrolment of one never equipped: the row stays so that counts and prices still add up, but
it no longer points to anyone.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from recond.clock import utcnow
from recond import capabilities
from recond.errors import InvalidInput, NotFound, Refused
from recond.extensions import db
from recond.models import (
    Allocation, AllocationStatus, Attendance, Beneficiary, ReleaseTraining, SessionRevision,
    Tier, User,
)

# A structure's file reference: letters, digits and a few separators.
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")
_SEPARATORS = re.compile(r"[\s._/\\()-]+")
# NIR: sex, year, month, département (2A/2B in Corse), commune, order, perhaps the key.
_NIR = re.compile(r"^[1-478]\d{4}(?:\d{2}|2[AB])\d{6}(?:\d{2})?$", re.IGNORECASE)
# French numbers (0X XX XX XX XX), +33 / 0033 with or without the (0), and any international
# number: + or 00, then 8 digits or more.
_PHONE = re.compile(r"^(?:(?:(?:\+|00)33|33)0?[1-9]\d{8}|0[1-9]\d{8}|(?:\+|00)\d{8,})$")
_CIVILITY = re.compile(r"^(?:m\.|(?:mr|mme|mlle|mrs|ms|miss|monsieur|madame|mademoiselle|dr|docteur)"
                       r"(?:[\s._/-]|$))", re.IGNORECASE)
# A file code's letters come in short blocks: `CS`, `BEN`, `ASSO`, `CCAS`. Five letters in a
# row (`DUPONT`, `SOPHIE`, `dossier`) or a short word not in capitals (`jean2`, `Luc-7`) is
# what a name looks like.
_LETTERS = re.compile(r"[^\W\d_]+")
_LONGEST_LETTERS = 4
GOOD_EXAMPLES = "CS92-0042, 2026/017, BEN-A12, CCAS-2026-0042"


def check_reference(reference: str) -> str:
    """The reference, stripped, or InvalidInput saying what it looks like instead."""
    reference = (reference or "").strip()
    compact = _SEPARATORS.sub("", reference)
    looks_like = None
    if "@" in reference:
        looks_like = _l("“%(ref)s” looks like an e-mail address.", ref=reference)
    elif _NIR.match(compact):
        looks_like = _l("“%(ref)s” looks like a social security number (NIR).", ref=reference)
    elif _PHONE.match(compact):
        looks_like = _l("“%(ref)s” looks like a phone number.", ref=reference)
    elif any(len(word) > _LONGEST_LETTERS for word in _LETTERS.findall(reference)):
        looks_like = _l("“%(ref)s” has a word of five letters or more, as a person's name "
                        "has.", ref=reference)
    elif _CIVILITY.match(reference) or not any(c in "0123456789" for c in reference) or \
            _name_word(reference):
        looks_like = _l("“%(ref)s” looks like a person's name.", ref=reference)
    elif not _REFERENCE.match(reference):
        looks_like = _l("“%(ref)s” has spaces or signs other than - _ . /.", ref=reference)
    if looks_like is not None:
        raise InvalidInput(_l("%(problem)s Use your own file reference: digits, blocks of at "
                              "most four letters (in capitals from three) and - _ . /, with at "
                              "least one digit, e.g. %(examples)s. Never a name, a phone "
                              "number, an e-mail or a social security number.",
                              problem=looks_like, examples=GOOD_EXAMPLES),
                           code="not_pseudonymous")
    return reference


def _name_word(reference: str) -> bool:
    """`jean2`, `Luc-7`, `Zoé7`: a word of three or four letters not in capitals (a file code's
    `BEN` or `CCAS` is; two letters, `cs92`, may be in either case)."""
    return any(len(word) >= 3 and not word.isupper() for word in _LETTERS.findall(reference))


def _checked(actor: User, reference: str, tier: str, postcode: str | None) -> tuple:
    capabilities.require(actor, "beneficiaries.keep")
    reference = (reference or "").strip()
    if tier not in set(Tier) or tier == Tier.OWN_USE or not reference:
        raise InvalidInput(_l("A beneficiary has the structure's reference and an eligibility tier."))
    reference = check_reference(reference)
    postcode = (postcode or "").strip() or None
    if postcode is not None and not re.fullmatch(r"[0-9]{5}", postcode):  # ASCII: not "٩٢٠٠٠"
        raise InvalidInput(_l("A postcode has 5 digits."))
    return reference, tier, postcode


def _taken(actor: User, reference: str, but: int | None = None) -> None:
    query = select(Beneficiary.id).where(Beneficiary.structure_id == actor.organisation_id,
                                         Beneficiary.reference == reference)
    if but is not None:
        query = query.where(Beneficiary.id != but)
    if db.session.scalar(query):
        raise InvalidInput(_l("Reference %(ref)s is already recorded.", ref=reference))


def _write_unique(actor: User, reference: str, change, but: int | None = None) -> None:
    """Make the change and write it in a savepoint: when someone else recorded the same
    reference since `_taken` looked (two enrolments at once), the database's
    `uq_beneficiary_ref` refuses it and the answer is the same "already recorded"."""
    try:
        with db.session.begin_nested():  # flushes what was pending before, outside it
            change()
    except IntegrityError:
        _taken(actor, reference, but)  # raises: the other one is committed, so seen now
        raise


def enrol(actor: User, reference: str, tier: str, postcode: str | None = None) -> Beneficiary:
    reference, tier, postcode = _checked(actor, reference, tier, postcode)
    _taken(actor, reference)
    beneficiary = Beneficiary(structure_id=actor.organisation_id, reference=reference,
                              tier=tier, postcode=postcode)
    _write_unique(actor, reference, lambda: db.session.add(beneficiary))
    return beneficiary


def _locked_unallocated(actor: User, beneficiary_id: int, doing) -> Beneficiary:
    """The beneficiary, row-locked, refused once any allocation names them (the tier priced it,
    the reference is on its history)."""
    beneficiary = get_beneficiary(actor, beneficiary_id)
    db.session.execute(select(Beneficiary.id).where(Beneficiary.id == beneficiary.id)
                       .with_for_update())
    if db.session.scalar(select(Allocation.id).where(Allocation.beneficiary_id == beneficiary.id)
                         .limit(1)) is not None:
        raise Refused(_l("Beneficiary %(ref)s has had a device allocated: %(doing)s is no longer "
                         "possible.", ref=beneficiary.reference, doing=doing),
                      code="beneficiary_allocated")
    return beneficiary


def update(actor: User, beneficiary_id: int, reference: str, tier: str,
           postcode: str | None = None) -> Beneficiary:
    reference, tier, postcode = _checked(actor, reference, tier, postcode)
    beneficiary = _locked_unallocated(actor, beneficiary_id, _l("editing"))
    _taken(actor, reference, but=beneficiary.id)
    def change():
        beneficiary.reference, beneficiary.tier, beneficiary.postcode = reference, tier, postcode
    _write_unique(actor, reference, change, but=beneficiary.id)
    return beneficiary


def delete(actor: User, beneficiary_id: int) -> str:
    """Delete a beneficiary never allocated a device, with their attendance marks (each
    session keeps a revision saying so). Returns the reference that was deleted."""
    beneficiary = _locked_unallocated(actor, beneficiary_id, _l("deleting"))
    marks = db.session.scalars(select(Attendance).where(Attendance.beneficiary_id == beneficiary.id)
                               .order_by(Attendance.session_id)).all()
    served = db.session.scalar(select(ReleaseTraining.session_id).where(
        ReleaseTraining.session_id.in_([m.session_id for m in marks])).limit(1))
    if served is not None:
        raise Refused(_l("Beneficiary %(ref)s is on the attendance of a session that served a "
                         "handover: it cannot be deleted. Correct the reference instead.",
                         ref=beneficiary.reference), code="beneficiary_on_frozen_session")
    for mark in marks:
        db.session.add(SessionRevision(
            session_id=mark.session_id, changed_by_id=actor.id, reason="beneficiary deleted",
            changes={"attendance": [{"beneficiary_id": beneficiary.id,
                                     "before": "present" if mark.present else "absent",
                                     "after": "none"}]}))
        db.session.delete(mark)
    reference = beneficiary.reference
    db.session.delete(beneficiary)
    db.session.flush()
    return reference


def of_structure(actor: User) -> list[Beneficiary]:
    capabilities.require(actor, "beneficiaries.keep")
    return db.session.scalars(
        select(Beneficiary).where(Beneficiary.structure_id == actor.organisation_id,
                                  Beneficiary.purged_at.is_(None))
        .order_by(Beneficiary.reference)).all()


def editable_ids(people: list[Beneficiary]) -> set[int]:
    """Which of these beneficiaries may still be edited or deleted (never allocated)."""
    ids = [p.id for p in people]
    if not ids:
        return set()
    allocated = set(db.session.scalars(select(Allocation.beneficiary_id)
                                       .where(Allocation.beneficiary_id.in_(ids))))
    return set(ids) - allocated


def get_beneficiary(actor: User, beneficiary_id: int) -> Beneficiary:
    beneficiary = db.session.get(Beneficiary, beneficiary_id)
    if beneficiary is None or not capabilities.can(actor, "beneficiaries.keep") or \
            beneficiary.structure_id != actor.organisation_id or beneficiary.purged_at:
        raise NotFound(_l("No such beneficiary in your structure."))
    return beneficiary


def retention_months() -> int:
    return current_app.config["BENEFICIARY_RETENTION_MONTHS"]


def purge_expired(now: datetime | None = None, months: int | None = None) -> int:
    """Wipe the references of beneficiaries whose devices were all released more than
    `months` ago, or who were enrolled that long ago and never equipped (and who have no
    device still on its way). Returns how many were purged."""
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
    equipped = select(Allocation.beneficiary_id).where(
        Allocation.beneficiary_id.is_not(None), Allocation.released_at.is_not(None))
    expired += db.session.scalars(
        select(Beneficiary).where(Beneficiary.created_at < limit, Beneficiary.purged_at.is_(None),
                                  Beneficiary.id.not_in(equipped), Beneficiary.id.not_in(pending))
    ).all()
    for beneficiary in expired:
        beneficiary.reference = f"purged-{beneficiary.id}"
        beneficiary.postcode = None
        beneficiary.purged_at = now
    db.session.flush()
    return len(expired)
