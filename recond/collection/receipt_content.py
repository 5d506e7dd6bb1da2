"""What a donation receipt says, gathered once at issue and frozen: the beneficiary and the
donor as their profiles stand, the gift, each device received, the declared value in figures
and in words, the signatory. The PDF is drawn from this, never from the live rows again.

Also what is still missing before a receipt can say all that, in words the issuer can act on.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from recond import clock, money_words
from recond.categories import CATEGORIES
from recond.documents import cerfa_16216 as cerfa
from recond.extensions import db
from recond.models import Deposit, DepositStatus, Device, DeviceEvent, Organisation


def received_devices(deposit: Deposit) -> list[Device]:
    """The devices the workshop actually received: those with a `receive` in their history.
    A device recorded missing was never received and is not given on paper."""
    received = exists().where(DeviceEvent.device_id == Device.id, DeviceEvent.action == "receive")
    return db.session.scalars(select(Device).where(Device.deposit_id == deposit.id, received)
                              .order_by(Device.id)).all()


def gift_day(deposit: Deposit) -> datetime:
    """When the goods changed hands: the collection (the beneficiary took them), else the
    reception's close for a deposit brought to the workshop."""
    return clock.local(deposit.collected_at or deposit.reception_closed_at or deposit.created_at)


def missing(deposit: Deposit, devices: list[Device]) -> list:
    """Why no receipt can be issued now (empty: it can), each reason saying what to do."""
    reasons = []
    if deposit.status != DepositStatus.RECEIVED:
        reasons.append(_l("The reception is not closed: a receipt lists the goods actually "
                          "received, so it waits for the workshop to close the reception."))
    elif not devices:
        reasons.append(_l("No device of this deposit was received: there is nothing to give a "
                          "receipt for."))
    if deposit.valuation_cents is None or not deposit.valuation_signatory \
            or deposit.valuation_basis not in cerfa.VALUATION_BASES:
        reasons.append(_l("The donor company has not declared the value of its gift, its basis "
                          "(cost price or stock value) and who declares it."))
    issuer, donor = deposit.collector, deposit.donor
    absent = [label for label, present in _issuer_fields(issuer) if not present]
    if absent:
        reasons.append(_l("The profile of %(name)s, which issues the receipt, lacks: %(fields)s.",
                          name=issuer.name, fields=", ".join(str(a) for a in absent)))
    absent = [label for label, present in _donor_fields(donor) if not present]
    if absent:
        reasons.append(_l("The donor company %(name)s lacks: %(fields)s.", name=donor.name,
                          fields=", ".join(str(a) for a in absent)))
    return reasons


def freeze(deposit: Deposit, devices: list[Device], *, number: str, issued_at: datetime,
           replaces=None, reason: str | None = None) -> dict:
    """The receipt's whole content, in French, as it will stay."""
    issuer, donor = deposit.collector, deposit.donor
    with force_locale("fr"):
        goods = [{"public_id": d.public_id, "category": str(CATEGORIES[d.category].label),
                  "brand": d.brand or "", "model": d.model or "", "serial": d.serial or ""}
                 for d in devices]
    return {
        "number": number,
        "deposit": deposit.number,
        "issued_on": clock.local(issued_at).date().isoformat(),
        "place": issuer.commune,
        "beneficiary": {
            "name": issuer.name, "siren": cerfa.siren(issuer.siret), "rna": issuer.rna,
            **_address(issuer), "purpose": issuer.purpose, "status": issuer.tax_status,
            "status_line": cerfa.status_line(issuer.tax_status, issuer.tax_status_detail)},
        "donor": {"name": donor.name, "legal_form": donor.legal_form,
                  "siren": cerfa.siren(donor.siret), **_address(donor)},
        "gift": {"date": gift_day(deposit).date().isoformat(), "form": cerfa.GIFT_FORM,
                 "nature": cerfa.GIFT_NATURE, "payment_method": cerfa.PAYMENT_METHOD},
        "goods": goods,
        "amount_cents": deposit.valuation_cents,
        "amount_words": money_words.euros_in_words(deposit.valuation_cents),
        "valuation": {"basis": deposit.valuation_basis,
                      "basis_label": cerfa.VALUATION_BASES[deposit.valuation_basis],
                      "declared_by": deposit.valuation_signatory},
        "signatory": {"name": issuer.signatory_name, "position": issuer.signatory_position},
        "replaces": None if replaces is None else {
            "number": replaces.number, "issued_on": replaces.content["issued_on"],
            "reason": reason},
    }


def _address(org: Organisation) -> dict:
    return {"address": org.address, "postcode": org.postcode, "commune": org.commune}


def _issuer_fields(org: Organisation) -> list[tuple[object, bool]]:
    detail_needed = org.tax_status in cerfa.DETAIL_REQUIRED
    return [(_l("its SIREN (SIRET) or RNA number"), bool(cerfa.siren(org.siret) or org.rna)),
            *_address_fields(org),
            (_l("its object"), bool(org.purpose)),
            (_l("its status on form 16216"), org.tax_status in cerfa.STATUSES),
            (cerfa.DETAIL_REQUIRED.get(org.tax_status, ""),
             not detail_needed or bool(org.tax_status_detail)),
            (_l("the signatory's name"), bool(org.signatory_name)),
            (_l("the signatory's position"), bool(org.signatory_position))]


def _donor_fields(org: Organisation) -> list[tuple[object, bool]]:
    return [(_l("its legal form"), bool(org.legal_form)),
            (_l("its SIREN (SIRET)"), bool(cerfa.siren(org.siret))), *_address_fields(org)]


def _address_fields(org: Organisation) -> list[tuple[object, bool]]:
    return [(_l("its street address"), bool(org.address)),
            (_l("its postcode"), bool(org.postcode)), (_l("its commune"), bool(org.commune))]
