"""Deposits of donated devices. Minimal for now; the collection issue adds pledges, pickups,
manifest import and reception reconciliation."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from recond.errors import InvalidInput, NotPermitted
from recond.extensions import db
from recond.models import Deposit, Organisation, OrganisationKind, Role, User


def create_deposit(actor: User, *, donor: Organisation, workshop: Organisation,
                   collector: Organisation | None = None) -> Deposit:
    if actor.role not in (Role.COLLECTOR, Role.COORDINATOR):
        raise NotPermitted(_l("Only collection partners and coordinators log deposits."))
    if actor.role == Role.COLLECTOR:
        collector = actor.organisation
    if collector is None or collector.kind != OrganisationKind.COLLECTOR:
        raise InvalidInput(_l("A deposit needs a collection partner."))
    if donor.kind != OrganisationKind.DONOR or workshop.kind != OrganisationKind.WORKSHOP:
        raise InvalidInput(_l("A deposit goes from a donor company to a workshop."))
    count = db.session.scalar(select(func.count(Deposit.id))) or 0
    deposit = Deposit(number=f"DEP-{count + 1:06d}", donor_id=donor.id, collector_id=collector.id,
                      workshop_id=workshop.id, created_by_id=actor.id)
    db.session.add(deposit)
    db.session.flush()
    return deposit
