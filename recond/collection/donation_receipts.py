"""Donation receipts as issued documents: issued once per gift, after the reception, for the
goods actually received; numbered per issuing organisation and year ("2026-0042") without a
gap a reader could wonder about or a number given twice; frozen, kept with their SHA-256 and
checkable on /verify. A correction is a new receipt that cancels and replaces the previous
one; the declared value is locked by the first receipt and changes only through a correction.

The issuer is the deposit's collection partner: the beneficiary of the gift.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from recond import capabilities, clock, scopes
from recond.collection import deposits, receipt_content
from recond.documents import cerfa_16216 as cerfa
from recond.documents import codes
from recond.errors import Conflict, InvalidInput, NotFound, Refused
from recond.extensions import db
from recond.models import Deposit, DonationReceipt, Organisation, User

MAX_REASON = 500


def visible_receipts(actor: User):
    capabilities.require(actor, "donation_receipts.read")
    return (select(DonationReceipt).join(Deposit, Deposit.id == DonationReceipt.deposit_id)
            .where(scopes.deposit_scope(actor)).order_by(DonationReceipt.id.desc()))


def get_receipt(actor: User, receipt_id: int) -> DonationReceipt:
    found = db.session.scalar(visible_receipts(actor).where(DonationReceipt.id == receipt_id))
    if found is None:
        raise NotFound(_l("No such donation receipt in what you may see."))
    return found


def of_deposit(deposit: Deposit) -> list[DonationReceipt]:
    return db.session.scalars(select(DonationReceipt).where(
        DonationReceipt.deposit_id == deposit.id).order_by(DonationReceipt.id)).all()


def replacements(receipts: list[DonationReceipt]) -> dict[int, DonationReceipt]:
    """Which receipt cancelled and replaced each of these (by the replaced receipt's id)."""
    ids = [r.id for r in receipts]
    if not ids:
        return {}
    newer = db.session.scalars(select(DonationReceipt).where(DonationReceipt.replaces_id.in_(ids)))
    return {r.replaces_id: r for r in newer}


def live_receipt(deposit: Deposit) -> DonationReceipt | None:
    """The receipt in force for a deposit: issued and not replaced."""
    newer = aliased(DonationReceipt)
    return db.session.scalar(select(DonationReceipt).where(
        DonationReceipt.deposit_id == deposit.id,
        ~select(newer.id).where(newer.replaces_id == DonationReceipt.id).exists()))


def state(actor: User, deposit: Deposit) -> dict:
    """What the deposit's page says and offers about its receipts (the actions check again)."""
    if not capabilities.can(actor, "donation_receipts.read"):
        return {"may_read": False}
    receipts = of_deposit(deposit)
    replaced_by = replacements(receipts)
    live = next((r for r in reversed(receipts) if r.id not in replaced_by), None)
    may_issue = capabilities.can(actor, "donation_receipts.issue")
    return {"may_read": True, "receipts": receipts, "replaced_by": replaced_by, "live": live,
            "missing": receipt_content.missing(deposit, receipt_content.received_devices(deposit))
            if may_issue and live is None else [],
            "may_issue": may_issue and live is None, "may_correct": may_issue and live is not None}


def issue(actor: User, deposit: Deposit) -> DonationReceipt:
    """The first receipt of a gift; a deposit has one receipt in force at a time."""
    capabilities.require(actor, "donation_receipts.issue")
    deposit = deposits.locked(actor, deposit)
    live = live_receipt(deposit)
    if live is not None:
        raise Refused(_l("Receipt n° %(number)s was already issued for this gift: to change "
                         "anything, issue a corrective receipt.", number=live.number),
                      code="receipt_issued")
    return _issue(actor, deposit)


def correct(actor: User, receipt: DonationReceipt, *, reason: str,
            valuation_cents: int | None = None, basis: str | None = None,
            declared_by: str | None = None) -> DonationReceipt:
    """A new receipt, with a new number, that cancels and replaces `receipt`; with a new
    value when the donor declared one (the only way the value changes once issued)."""
    capabilities.require(actor, "donation_receipts.issue")
    deposit = deposits.locked(actor, receipt.deposit)
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise InvalidInput(_l("Say why the receipt is corrected (at most %(n)s characters).",
                              n=MAX_REASON), code="no_reason")
    live = live_receipt(deposit)
    if live is None or live.id != receipt.id:
        raise Refused(_l("Receipt n° %(number)s was already cancelled and replaced by n° "
                         "%(newer)s: correct that one.", number=receipt.number,
                         newer=live.number if live else "—"), code="receipt_replaced")
    if valuation_cents is not None:
        _set_valuation(deposit, valuation_cents, basis, declared_by)
    return _issue(actor, deposit, replaces=receipt, reason=reason)


def check(code: str, sha256: str | None = None) -> dict:
    """What the public page says about a receipt's code: its number, issuer and date, whether
    it was cancelled and replaced, and whether a PDF is the one issued. Never the donor, the
    goods or the amount: whoever holds the PDF has them."""
    receipt = db.session.scalar(select(DonationReceipt).where(
        DonationReceipt.code == code.strip().upper())) if code and len(code) <= 20 else None
    if receipt is None:
        return {"found": False}
    newer = db.session.scalar(select(DonationReceipt).where(
        DonationReceipt.replaces_id == receipt.id))
    return {"found": True, "kind": "donation_receipt", "code": receipt.code,
            "number": receipt.number, "issuer": receipt.issuer.name,
            "issued_at": receipt.issued_at, "sha256": receipt.sha256,
            "replaces": receipt.replaces.number if receipt.replaces else None,
            "replaced_by": {"number": newer.number, "issued_at": newer.issued_at} if newer else None,
            "matches": None if not sha256 else sha256.strip().lower() == receipt.sha256}


def _issue(actor: User, deposit: Deposit, *, replaces: DonationReceipt | None = None,
           reason: str | None = None) -> DonationReceipt:
    devices = receipt_content.received_devices(deposit)
    reasons = receipt_content.missing(deposit, devices)
    if reasons:
        raise Refused(_l("The receipt cannot be issued yet: %(reasons)s",
                         reasons=" ".join(str(r) for r in reasons)), code="receipt_incomplete",
                      details={"missing": [str(r) for r in reasons]})
    issued_at = clock.utcnow()
    year = clock.local(issued_at).year
    sequence = _next_sequence(deposit.collector_id, year)
    number = f"{year}-{sequence:04d}"
    content = receipt_content.freeze(deposit, devices, number=number, issued_at=issued_at,
                                     replaces=replaces, reason=reason)
    code = codes.new_code()
    from recond.collection import donation_receipt_pdf  # reportlab: on the first receipt only

    pdf = donation_receipt_pdf.build(content, code=code,
                                     verify_url=f"{current_app.config['PUBLIC_URL']}/verify")
    receipt = DonationReceipt(
        issuer_id=deposit.collector_id, year=year, sequence=sequence, number=number, code=code,
        deposit_id=deposit.id, replaces_id=replaces.id if replaces else None,
        correction_reason=reason, amount_cents=deposit.valuation_cents, content=content,
        sha256=codes.sha256_of(pdf), pdf=pdf, issued_by_id=actor.id, issued_at=issued_at)
    db.session.add(receipt)
    try:
        db.session.flush()
    except IntegrityError:  # the unique number or replacement: someone issued at that moment
        raise Conflict(_l("Another receipt was issued at the same moment: try again."),
                       code="receipt_number_taken") from None
    return receipt


def _next_sequence(issuer_id: int, year: int) -> int:
    """The issuer's next order number for the year. The issuer's row is locked first, so two
    issuers at once take numbers one after the other; the unique constraint on (issuer, year,
    sequence) refuses a duplicate whatever happens."""
    db.session.execute(select(Organisation.id).where(Organisation.id == issuer_id).with_for_update())
    last = db.session.scalar(select(func.max(DonationReceipt.sequence)).where(
        DonationReceipt.issuer_id == issuer_id, DonationReceipt.year == year))
    return (last or 0) + 1


def _set_valuation(deposit: Deposit, cents: int, basis: str | None, declared_by: str | None) -> None:
    if not isinstance(cents, int) or isinstance(cents, bool) or cents < 0 \
            or basis not in cerfa.VALUATION_BASES or not (declared_by or "").strip():
        raise InvalidInput(_l("A new value has an amount, its basis (cost price or stock value) "
                              "and the name of who declares it for the donor."),
                           code="invalid_valuation")
    deposit.valuation_cents, deposit.valuation_basis = cents, basis
    deposit.valuation_signatory = declared_by.strip()[:200]
