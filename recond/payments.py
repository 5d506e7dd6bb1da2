"""The remaining charge a beneficiary (or structure) pays, recorded against the allocation."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from recond.errors import InvalidInput, NotFound, NotPermitted
from recond.extensions import db
from recond.models import Allocation, AllocationStatus, Payment, Role, User

METHOD_LABELS = {
    "cash": _l("cash"), "card": _l("card"), "cheque": _l("cheque"), "transfer": _l("transfer"),
    "voucher": _l("voucher (chèque solidaire, pass)"),
}
METHODS = tuple(METHOD_LABELS)


def record_payment(actor: User, allocation: Allocation, *, amount_cents: int,
                   method: str) -> Payment:
    if actor.role != Role.STRUCTURE:
        raise NotPermitted(_l("Only structures record payments."))
    if allocation.structure_id != actor.organisation_id or allocation.status != AllocationStatus.ACTIVE:
        raise NotFound(_l("No such allocation in your structure."))
    if method not in METHODS or not isinstance(amount_cents, int) or amount_cents <= 0:
        raise InvalidInput(_l("A payment has a positive amount and a known method."))
    payment = Payment(allocation_id=allocation.id, amount_cents=amount_cents, method=method,
                      recorded_by_id=actor.id)
    db.session.add(payment)
    db.session.flush()
    return payment
