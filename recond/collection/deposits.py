"""Deposits from pledge to reception: the collection partner's side of a donation.

    pledged -> pickup_planned -> collected -> received (reception closed, discrepancies kept)

The workshop receives devices one scan at a time (`reception.py`); closing the reception is
what moves the deposit to `received`.
"""
from __future__ import annotations

import secrets
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from recond import capabilities, categories, scopes
from recond.collection import donors, routing
from recond.clock import utcnow
from recond.collection import deposit_receipt_pdf as deposit_receipt
from recond.documents import cerfa_16216 as cerfa
from recond.errors import InvalidInput, NotFound, Refused
from recond.extensions import db
from recond.lifecycle import statuses
from recond.models import (
    Deposit, DepositItem, DepositStatus, Device, DonationReceipt, Organisation, OrganisationKind,
    User,
)
from recond.models.deposit import PICKUP_PENDING, RECEPTION_OPEN

S = DepositStatus
MAX_QUANTITY = 100_000  # devices of one category announced in one pledge


def visible_deposits(user: User):
    return select(Deposit).where(scopes.deposit_scope(user)).order_by(Deposit.id.desc())


def get_deposit(user: User, number: str) -> Deposit:
    deposit = db.session.scalar(visible_deposits(user).where(Deposit.number == number.upper()))
    if deposit is None:
        raise NotFound(_l("No deposit %(number)s in what you may see.", number=number))
    return deposit


def create_deposit(actor: User, *, donor: Organisation, workshop: Organisation | None = None,
                   collector: Organisation | None = None, items: list[tuple[str, int]] = (),
                   site_id: int | None = None, available_from: date | None = None,
                   notes: str = "") -> Deposit:
    """A pledge: the company announces how many devices of which categories, where, when.
    Without a workshop, the one `routing.propose` finds for the pickup site."""
    capabilities.require(actor, "deposits.manage")
    if not actor.sees_everything:  # a collection partner pledges as itself
        collector = actor.organisation
    if collector is None or collector.kind != OrganisationKind.COLLECTOR:
        raise InvalidInput(_l("A deposit needs a collection partner."))
    if donor.kind != OrganisationKind.DONOR \
            or workshop is not None and workshop.kind != OrganisationKind.WORKSHOP:
        raise InvalidInput(_l("A deposit goes from a donor company to a workshop."))
    donors.get_donor(actor, donor.id)  # a collector pledges for the donors it manages only
    site = next((s for s in donor.sites if s.id == site_id), None)
    if site_id is not None and site is None:
        raise NotFound(_l("That site is not one of the donor's."))
    how = routing.CHOSEN
    if workshop is None:
        workshop, how = routing.propose(routing.site_insee(site, donor)).workshop, routing.PROPOSED
    deposit = Deposit(number=f"TMP-{secrets.token_hex(6)}", donor_id=donor.id,
                      collector_id=collector.id, workshop_id=workshop.id, site_id=site_id,
                      routing=how,
                      available_from=available_from, notes=notes, created_by_id=actor.id)
    for category, quantity in items:
        if category not in categories.CATEGORIES or not isinstance(quantity, int) \
                or not 1 <= quantity <= MAX_QUANTITY:
            raise InvalidInput(_l("Each declared line has a known category and a quantity."))
        deposit.items.append(DepositItem(category=category, quantity=quantity))
    db.session.add(deposit)
    db.session.flush()
    deposit.number = f"DEP-{deposit.id:06d}"  # from the id: unique without a race
    db.session.flush()
    return deposit


def plan_pickup(actor: User, deposit: Deposit, *, on: date, slot: str) -> Deposit:
    _collecting(actor, deposit)
    if not slot.strip():
        raise InvalidInput(_l("Say when during the day (e.g. 9 h – 12 h)."))
    deposit.pickup_on, deposit.pickup_slot = on, slot.strip()[:40]
    deposit.status = S.PICKUP_PLANNED
    db.session.flush()
    return deposit


def mark_collected(actor: User, deposit: Deposit) -> Deposit:
    _collecting(actor, deposit)
    deposit.status, deposit.collected_at = S.COLLECTED, utcnow()
    db.session.flush()
    return deposit


def locked(actor: User, deposit: Deposit) -> Deposit:
    """The deposit, visible to the actor, locked and read afresh: a change of the declared
    value and the issue of a receipt on one deposit happen one after the other."""
    scopes.require_visible_deposit(actor, deposit)
    return db.session.scalar(select(Deposit).where(Deposit.id == deposit.id)
                             .with_for_update().execution_options(populate_existing=True))


def record_valuation(actor: User, deposit: Deposit, *, valuation_cents: int, signatory: str,
                     basis: str) -> Deposit:
    """The value the donor company declares for its tax receipt: entered, never estimated,
    with its basis. Once a receipt is issued the value is locked: a new one comes with a
    corrective receipt."""
    capabilities.require(actor, "deposits.valuation")
    deposit = locked(actor, deposit)
    issued = receipt_number(deposit)
    if issued is not None:
        raise Refused(_l("Receipt n° %(number)s was issued with this value, which can no longer "
                         "change here: the coordination issues a corrective receipt with the new "
                         "value.", number=issued), code="valuation_locked")
    if not isinstance(valuation_cents, int) or valuation_cents < 0 or not signatory.strip() \
            or basis not in cerfa.VALUATION_BASES:
        raise InvalidInput(_l("A valuation has an amount, its basis (cost price or stock value) "
                              "and the name of who declares it."))
    deposit.valuation_cents, deposit.valuation_signatory = valuation_cents, signatory.strip()[:200]
    deposit.valuation_basis = basis
    db.session.flush()
    return deposit


def receipt_number(deposit: Deposit) -> str | None:
    """The latest donation receipt issued for the deposit: while there is one, the declared
    value is locked."""
    return db.session.scalar(select(DonationReceipt.number).where(
        DonationReceipt.deposit_id == deposit.id).order_by(DonationReceipt.id.desc()).limit(1))


def permissions(actor: User, deposit: Deposit) -> dict[str, bool]:
    """What the deposit's page offers this actor now (the actions themselves check again;
    receiving is `reception.may_receive`)."""
    return {
        "may_print_labels": capabilities.can(actor, "labels.print"),
        "may_issue_certificate": capabilities.can(actor, "certificates.issue"),
        "may_plan_pickup": capabilities.can(actor, "deposits.manage")
        and deposit.status in PICKUP_PENDING,
        "may_register": capabilities.can(actor, "devices.register")
        and deposit.status in RECEPTION_OPEN,
        "may_record_valuation": capabilities.can(actor, "deposits.valuation")
        and receipt_number(deposit) is None,
        "may_reroute": routing.may_reroute(actor, deposit),
    }


def summary(deposit: Deposit) -> dict[str, int]:
    """What became of a deposit's devices: for donors, the reason they give again."""
    return summaries([deposit])[deposit.id]


def summaries(lots: list[Deposit]) -> dict[int, dict[str, int]]:
    """`summary` of many deposits in one query, by deposit id (their items loaded with them)."""
    counts: dict[int, dict[str, int]] = {d.id: {} for d in lots}
    for deposit_id, status, n in db.session.execute(
            select(Device.deposit_id, Device.status, func.count(Device.id))
            .where(Device.deposit_id.in_(list(counts))).group_by(Device.deposit_id, Device.status)):
        counts[deposit_id][status] = n

    def of(deposit: Deposit) -> dict[str, int]:
        rows = counts[deposit.id]

        def count(group: frozenset) -> int:
            return sum(rows.get(status, 0) for status in group)
        return {"declared": sum(i.quantity for i in deposit.items),
                "registered": sum(rows.values()),
                "awaiting": count(statuses.AWAITING_WORKSHOP),
                "in_progress": count(statuses.AT_WORKSHOP),
                "reused": count(statuses.REUSED), "released": count(statuses.HANDED_OVER),
                "recycled": count(statuses.RECYCLED_AS_WEEE),
                "dismantled": count(statuses.DISMANTLED_FOR_PARTS)}
    return {d.id: of(d) for d in lots}


def _collecting(actor: User, deposit: Deposit) -> None:
    capabilities.require(actor, "deposits.manage",
                         _l("Only collection partners and coordinators plan pickups."))
    scopes.require_visible_deposit(actor, deposit)
    if deposit.status not in PICKUP_PENDING:
        raise Refused(_l("Deposit %(number)s is already %(status)s.", number=deposit.number,
                         status=STATUS_LABELS[S(deposit.status)]), code="wrong_status")


STATUS_LABELS = {
    S.PLEDGED: _l("pledged"),
    S.PICKUP_PLANNED: _l("pickup planned"),
    S.COLLECTED: _l("collected"),
    S.RECEIVED: _l("received at the workshop"),
}


def devices_shown(actor: User, deposit: Deposit):
    """The deposit's devices its page lists: those the reader may see (a workshop's technician
    does not see those transferred to another workshop)."""
    return select(Device).where(Device.deposit_id == deposit.id, scopes.device_scope(actor)) \
        .order_by(Device.id).limit(500)


def devices_by_category(deposit: Deposit) -> dict[str, int]:
    return dict(db.session.execute(
        select(Device.category, func.count(Device.id)).where(Device.deposit_id == deposit.id)
        .group_by(Device.category)).all())


def receipt_pdf(actor: User, number: str) -> tuple[Deposit, bytes]:
    """The deposit receipt, for everyone who may see the deposit."""
    deposit = get_deposit(actor, number)
    return deposit, deposit_receipt.build(deposit, sum(devices_by_category(deposit).values()))


def workshop(organisation_id: int) -> Organisation:
    found = db.session.get(Organisation, organisation_id)
    if found is None or found.kind != OrganisationKind.WORKSHOP:
        raise NotFound(_l("No such workshop: choose one of the workshops."))
    return found


def workshops() -> list[Organisation]:
    return db.session.scalars(select(Organisation).where(
        Organisation.kind == OrganisationKind.WORKSHOP).order_by(Organisation.name)).all()
