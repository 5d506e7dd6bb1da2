"""Structures' equipment requests, the coordinator's decision, and how far each is fulfilled.

    submitted -> approved | partly_approved | rejected   (a coordinator, with a comment)
    approved | partly_approved -> being_fulfilled -> fulfilled   (as devices are allocated
                                                                  and delivered)
    submitted | approved | partly_approved | being_fulfilled -> cancelled
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from recond import capabilities, categories, scopes
from recond.identity import notices
from recond.webhooks import events as webhook_events
from recond.clock import utcnow
from recond.errors import InvalidInput, NotFound, Refused
from recond.extensions import db
from recond.models import (
    ALLOCATABLE_STATUSES, Allocation, AllocationStatus, EquipmentRequest, Purpose, RequestLine,
    RequestStatus, User,
)

STATUS_LABELS = {
    RequestStatus.SUBMITTED: _l("submitted"),
    RequestStatus.APPROVED: _l("approved"),
    RequestStatus.PARTLY_APPROVED: _l("partly approved"),
    RequestStatus.REJECTED: _l("rejected"),
    RequestStatus.BEING_FULFILLED: _l("being fulfilled"),
    RequestStatus.FULFILLED: _l("fulfilled"),
    RequestStatus.CANCELLED: _l("cancelled"),
}
PURPOSE_LABELS = {
    Purpose.BENEFICIARIES: _l("for beneficiaries"),
    Purpose.OWN_USE: _l("for the structure's own use (collective workshop, staff)"),
}
CANCELLABLE = (RequestStatus.SUBMITTED, *ALLOCATABLE_STATUSES)
MAX_QUANTITY = 500


@dataclass(frozen=True)
class LineWish:
    category: str
    quantity: int
    min_ram_gb: int | None = None
    min_storage_gb: int | None = None


def visible_requests(user: User):
    return (select(EquipmentRequest).where(scopes.request_scope(user))
            .options(selectinload(EquipmentRequest.lines), joinedload(EquipmentRequest.structure))
            .order_by(EquipmentRequest.id.desc()))


def get_request(user: User, request_id: int) -> EquipmentRequest:
    request = db.session.scalar(select(EquipmentRequest).where(
        EquipmentRequest.id == request_id, scopes.request_scope(user)))
    if request is None:
        raise NotFound(_l("No such request in what you may see."))
    return request


def submit(actor: User, *, purpose: str, lines: list[LineWish | tuple[str, int]],
           justification: str = "") -> EquipmentRequest:
    capabilities.require(actor, "requests.create")
    if purpose not in set(Purpose) or not lines:
        raise InvalidInput(_l("A request has a purpose and at least one line."))
    request = EquipmentRequest(structure_id=actor.organisation_id, purpose=purpose,
                               justification=justification.strip(), created_by_id=actor.id)
    for wish in lines:
        wish = wish if isinstance(wish, LineWish) else LineWish(*wish)
        if wish.category not in categories.CATEGORIES or not 1 <= wish.quantity <= MAX_QUANTITY:
            raise InvalidInput(_l("Each line names a known category and a quantity from 1 to "
                                  "%(max)s.", max=MAX_QUANTITY))
        for minimum in (wish.min_ram_gb, wish.min_storage_gb):
            if minimum is not None and not 0 < minimum <= 100_000:
                raise InvalidInput(_l("A minimum spec is a positive number of GB."))
        request.lines.append(RequestLine(category=wish.category, quantity=wish.quantity,
                                         min_ram_gb=wish.min_ram_gb,
                                         min_storage_gb=wish.min_storage_gb))
    db.session.add(request)
    db.session.flush()
    return request


def decide(actor: User, request: EquipmentRequest, approved: dict[int, int],
           comment: str = "") -> EquipmentRequest:
    """Approve each line up to its quantity; all lines at zero is a rejection. Anything less
    than everything needs a comment the structure will read."""
    capabilities.require(actor, "requests.decide")
    # Locked and read afresh: of two coordinators deciding at once, the second waits and
    # finds it decided.
    request = db.session.scalar(select(EquipmentRequest).where(EquipmentRequest.id == request.id)
                                .with_for_update().execution_options(populate_existing=True))
    if request.status != RequestStatus.SUBMITTED:
        raise Refused(_l("This request was already decided (%(status)s).",
                         status=STATUS_LABELS[RequestStatus(request.status)]))
    comment = comment.strip()
    # A quantity for a line the request does not have is a mistake, never silently ignored
    # (the page sends its own lines; an API client names them by id).
    if set(approved) - {line.id for line in request.lines}:
        raise InvalidInput(_l("Approve only the lines of request %(number)s.",
                              number=request.number), code="unknown_line")
    for line in request.lines:
        quantity = approved.get(line.id, 0)
        if not isinstance(quantity, int) or not 0 <= quantity <= line.quantity:
            raise InvalidInput(_l("Approve between 0 and %(n)s devices on each line.", n=line.quantity))
        line.approved_quantity = quantity
    total = sum(line.approved_quantity for line in request.lines)
    if total == 0:
        request.status = RequestStatus.REJECTED
    elif all(line.approved_quantity == line.quantity for line in request.lines):
        request.status = RequestStatus.APPROVED
    else:
        request.status = RequestStatus.PARTLY_APPROVED
    if request.status != RequestStatus.APPROVED and not comment:
        raise InvalidInput(_l("Say why in a comment: the structure reads it."), code="comment_needed")
    request.decision_comment = comment
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    db.session.flush()
    notices.request_decided(request, status=STATUS_LABELS[RequestStatus(request.status)])
    webhook_events.request_decided(request)
    return request


def approve(actor: User, request: EquipmentRequest) -> EquipmentRequest:
    return decide(actor, request, {line.id: line.quantity for line in request.lines})


def cancel(actor: User, request: EquipmentRequest) -> EquipmentRequest:
    capabilities.require(actor, "requests.cancel")
    request = get_request(actor, request.id)
    if not can_cancel(actor, request):
        raise Refused(_l("A request that is %(status)s cannot be cancelled.",
                         status=STATUS_LABELS[RequestStatus(request.status)]))
    if live_allocations(request):
        raise Refused(_l("Devices are allocated on this request: cancel those allocations or "
                         "take the devices back first."), code="allocations_live")
    request.status = RequestStatus.CANCELLED
    db.session.flush()
    return request


def can_decide(user: User, request: EquipmentRequest) -> bool:
    return capabilities.can(user, "requests.decide") and request.status == RequestStatus.SUBMITTED


def can_cancel(user: User, request: EquipmentRequest) -> bool:
    return capabilities.can(user, "requests.cancel") and request.status in CANCELLABLE


def live_allocations(request: EquipmentRequest) -> int:
    return db.session.scalar(
        select(func.count(Allocation.id)).join(RequestLine, Allocation.line_id == RequestLine.id)
        .where(RequestLine.request_id == request.id, Allocation.status == AllocationStatus.ACTIVE))


def line_progress(request: EquipmentRequest) -> dict[int, dict[str, int]]:
    """Per line: devices allocated (live or handed over) and delivered."""
    rows = db.session.execute(
        select(Allocation.line_id, func.count(Allocation.id), func.count(Allocation.delivered_at))
        .join(RequestLine, Allocation.line_id == RequestLine.id)
        .where(RequestLine.request_id == request.id, Allocation.status == AllocationStatus.ACTIVE)
        .group_by(Allocation.line_id)).all()
    progress = {line.id: {"allocated": 0, "delivered": 0} for line in request.lines}
    for line_id, allocated, delivered in rows:
        progress[line_id] = {"allocated": allocated, "delivered": delivered}
    return progress


def refresh(request: EquipmentRequest) -> None:
    """Called by the lifecycle after allocate, cancel_allocation, deliver and return."""
    if request.status not in (*ALLOCATABLE_STATUSES, RequestStatus.FULFILLED):
        return
    progress = line_progress(request)
    allocated = sum(p["allocated"] for p in progress.values())
    delivered = sum(p["delivered"] for p in progress.values())
    approved = sum(line.approved_quantity for line in request.lines)
    if approved and delivered >= approved:
        request.status = RequestStatus.FULFILLED
    elif allocated:
        request.status = RequestStatus.BEING_FULFILLED
    elif all(line.approved_quantity == line.quantity for line in request.lines):
        request.status = RequestStatus.APPROVED
    else:
        request.status = RequestStatus.PARTLY_APPROVED
