"""Structures' equipment requests and the coordinator's decision. Minimal for now: the
structures issue adds the pages, partial approval and fulfilment tracking."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from recond import categories
from recond.errors import InvalidInput, NotPermitted
from recond.extensions import db
from recond.models import EquipmentRequest, Purpose, RequestLine, RequestStatus, Role, User


def submit(actor: User, *, purpose: str, lines: list[tuple[str, int]],
           justification: str = "") -> EquipmentRequest:
    if actor.role != Role.STRUCTURE:
        raise NotPermitted(_l("Only structures request equipment."))
    if purpose not in set(Purpose) or not lines:
        raise InvalidInput(_l("A request has a purpose and at least one line."))
    request = EquipmentRequest(structure_id=actor.organisation_id, purpose=purpose,
                               justification=justification, created_by_id=actor.id)
    for category, quantity in lines:
        if category not in categories.CATEGORIES or quantity < 1:
            raise InvalidInput(_l("Each line names a known category and a quantity."))
        request.lines.append(RequestLine(category=category, quantity=quantity))
    db.session.add(request)
    db.session.flush()
    return request


def approve(actor: User, request: EquipmentRequest) -> EquipmentRequest:
    if actor.role != Role.COORDINATOR:
        raise NotPermitted(_l("Only coordinators approve requests."))
    if request.status != RequestStatus.SUBMITTED:
        raise InvalidInput(_l("Only a submitted request can be approved."))
    for line in request.lines:
        line.approved_quantity = line.quantity
    request.status = RequestStatus.APPROVED
    db.session.flush()
    return request
