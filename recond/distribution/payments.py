"""The remaining charge a beneficiary (or structure) pays, recorded against the allocation as
entries that are never edited: payments, refunds and corrections (each of the last two with its
reason).

The rule holds under concurrency: an entry is recorded under the allocation's row lock, the
running total lives on that row, and the database refuses a total below zero or above the
remaining charge. Nothing is recorded once the device is handed over.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from recond import money
from recond.errors import Conflict, InvalidInput, NotFound, Refused
from recond.extensions import db
from recond import capabilities
from recond.models import Allocation, AllocationStatus, Payment, PaymentKind, User

METHOD_LABELS = {
    "cash": _l("cash"), "card": _l("card"), "cheque": _l("cheque"), "transfer": _l("transfer"),
    "voucher": _l("voucher (chèque solidaire, pass)"),
}
METHODS = tuple(METHOD_LABELS)
KIND_LABELS = {
    PaymentKind.PAYMENT: _l("payment"),
    PaymentKind.REFUND: _l("refund"),
    PaymentKind.CORRECTION: _l("correction"),
}


def lock(allocation: Allocation) -> Allocation:
    """Take the allocation's row lock (PostgreSQL) and read it afresh: whoever records an entry
    or hands the device over waits for whoever holds it."""
    return db.session.scalar(
        select(Allocation).where(Allocation.id == allocation.id).with_for_update()
        .execution_options(populate_existing=True))


def left_to_pay(allocation: Allocation) -> int:
    return allocation.price_cents - allocation.paid_cents


def may_record(actor: User, allocation: Allocation) -> bool:
    """Whether the page offers the payment form: the allocation's structure, before release."""
    return capabilities.can(actor, "payments.record") and allocation.structure_id == actor.organisation_id \
        and allocation.status == AllocationStatus.ACTIVE and allocation.released_at is None


def record_payment(actor: User, allocation: Allocation, *, amount_cents: int, method: str,
                   kind: str = PaymentKind.PAYMENT, reason: str = "") -> Payment:
    """Record one entry. `amount_cents` is what was typed: positive for a payment or a refund
    (a refund gives it back), signed for a correction."""
    capabilities.require(actor, "payments.record")
    if allocation.structure_id != actor.organisation_id or allocation.status != AllocationStatus.ACTIVE:
        raise NotFound(_l("No such allocation in your structure."))
    reason = (reason or "").strip()
    if kind not in set(PaymentKind) or method not in METHODS or not isinstance(amount_cents, int) \
            or isinstance(amount_cents, bool) or amount_cents == 0 \
            or (kind != PaymentKind.CORRECTION and amount_cents < 0):
        raise InvalidInput(_l("A payment has a positive amount and a known method."))
    if kind != PaymentKind.PAYMENT and not reason:
        raise InvalidInput(_l("A correction or a refund says why: give the reason."),
                           details={"fields": {"reason": str(_l("is required"))}})
    signed = -amount_cents if kind == PaymentKind.REFUND else amount_cents
    allocation = lock(allocation)
    if allocation.released_at is not None:
        raise Refused(_l("The device was already handed over: nothing more is paid, refunded or "
                         "corrected on it."), code="already_handed_over")
    total = allocation.paid_cents + signed
    if total > allocation.price_cents:
        raise Refused(_l("%(amount)s is more than what is left to pay: %(left)s of the remaining "
                         "charge of %(price)s.", amount=money.format_money(abs(signed)),
                         left=money.format_money(left_to_pay(allocation)),
                         price=money.format_money(allocation.price_cents)), code="overpaid")
    if total < 0:
        raise Refused(_l("%(amount)s is more than what was paid so far (%(paid)s).",
                         amount=money.format_money(abs(signed)),
                         paid=money.format_money(allocation.paid_cents)), code="below_zero")
    payment = Payment(allocation_id=allocation.id, kind=str(kind), amount_cents=signed,
                      method=method, reason=reason[:500], recorded_by_id=actor.id)
    db.session.add(payment)
    # Added in SQL, not from what this transaction read: the database's check has the last word.
    allocation.paid_cents = Allocation.paid_cents + signed
    try:
        db.session.flush()
    except IntegrityError:
        raise Conflict(_l("Another entry was recorded meanwhile and this one would take the total "
                          "paid outside the remaining charge. Reload and try again.")) from None
    return payment

