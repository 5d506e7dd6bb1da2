"""Partner conventions, the coordination's side: a convention is signed with a reconditioning
partner (a workshop that uses Recond, or a partner that does not), deposits and devices are
supplied under it, and its balance says what was supplied, what is owed, what came back and
how far behind the promised pace the partner is.

Returned: devices the partner's manifests brought back (`recond.collection.partner_returns`),
and — for a partner that uses Recond as a workshop — the supplied devices it took to `ready`
itself. Owed: the number agreed, or the agreed share of what was actually supplied (rounded
down). The pace is even over the period: by a given day, the owed output times the share of
the period gone by (rounded down) should have come back; the rest is overdue.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from recond import capabilities, categories, clock, money, scan, scopes
from recond.collection import convention_terms
from recond.distribution import pricing
from recond.errors import Conflict, InvalidInput, NotFound, Refused
from recond.extensions import db
from recond.lifecycle.statuses import REUSED, STATUS_LABELS, WORKSHOP_QUEUE, Status
from recond.models import (
    Convention, ConventionDeposit, ConventionReturn, ConventionSupply, Deposit, Device,
    Organisation, OrganisationKind, PartnerReturn, User,
)
from recond.whole_numbers import whole_number

PARTNER_KINDS = frozenset({OrganisationKind.WORKSHOP, OrganisationKind.PARTNER})
MAX_DEVICES = 1_000_000
MAX_SUPPLY_CODES = 500


@dataclass(frozen=True)
class Balance:
    supplied: int
    owed: int
    returned: int
    expected: int  # what should have come back by `on`, at the promised pace
    on: date

    @property
    def overdue(self) -> int:
        return max(0, self.expected - self.returned)

    @property
    def behind(self) -> bool:
        return self.overdue > 0

    @property
    def outstanding(self) -> int:
        return max(0, self.owed - self.returned)


def today() -> date:
    """Today in the programme's time zone, from the clock tests move."""
    return clock.local(clock.utcnow()).date()


def visible(actor: User):
    capabilities.require(actor, "conventions.read")
    return select(Convention).where(scopes.convention_scope(actor))


def listing(actor: User) -> list[tuple[Convention, Balance]]:
    found = db.session.scalars(visible(actor).order_by(Convention.starts_on.desc(),
                                                        Convention.id.desc())).all()
    balances = balances_of(found)
    return [(c, balances[c.id]) for c in found]


def get_convention(actor: User, number: str) -> Convention:
    found = db.session.scalar(visible(actor).where(Convention.number == number.upper()))
    if found is None:
        raise NotFound(_l("No convention %(number)s in what you may see.", number=number[:30]))
    return found


def partners() -> list[Organisation]:
    return db.session.scalars(select(Organisation).where(
        Organisation.kind.in_(PARTNER_KINDS), Organisation.active)
        .order_by(Organisation.name)).all()


def create_convention(actor: User, *, partner_id, title: str, starts_on: date | None,
                      ends_on: date | None, category_codes: list[str], supply_promised,
                      output_owed=None, output_ratio_percent=None, price_cap: str) -> Convention:
    """A convention as signed. Each wrong value is said at once, nothing is written."""
    capabilities.require(actor, "conventions.manage")
    errors = []
    partner = db.session.get(Organisation, whole_number(partner_id) or 0)
    if partner is None or partner.kind not in PARTNER_KINDS:
        errors.append(_l("Choose the reconditioning partner (a workshop or a partner)."))
    title = (title or "").strip()
    if not title or len(title) > 200:
        errors.append(_l("Give the convention a title of at most 200 characters."))
    if starts_on is None or ends_on is None or ends_on <= starts_on:
        errors.append(_l("The period needs a start and an end after it."))
    codes = sorted(set(category_codes))
    if not codes or any(code not in categories.CATEGORIES for code in codes):
        errors.append(_l("Choose the categories of devices the convention covers."))
    supply = whole_number(supply_promised, minimum=1, maximum=MAX_DEVICES)
    if supply is None:
        errors.append(_l("The supply promised is a whole number of devices, at least 1."))
    owed = whole_number(output_owed, minimum=1, maximum=MAX_DEVICES) if output_owed else None
    ratio = whole_number(output_ratio_percent, minimum=1, maximum=100) \
        if output_ratio_percent else None
    if (owed is None) == (ratio is None) or (output_owed and owed is None) \
            or (output_ratio_percent and ratio is None):
        errors.append(_l("Say what the partner owes: a number of reconditioned devices, or a "
                         "percentage of the supply (1 to 100) — one of the two."))
    cap = None
    try:
        cap = money.parse_euros(price_cap or "")
    except InvalidInput as problem:
        errors.append(problem.message)
    if cap is not None and cap < pricing.floor_cents():
        errors.append(_l("The price cap cannot be under the floor of %(floor)s: the remaining "
                         "charge is never free.", floor=money.format_money(pricing.floor_cents())))
    if errors:
        raise InvalidInput(" ".join(str(e) for e in errors))
    convention = Convention(number=f"TMP-{secrets.token_hex(6)}",
                            partner_id=partner.id, title=title, starts_on=starts_on,
                            ends_on=ends_on, categories=codes, supply_promised=supply,
                            output_owed=owed, output_ratio_percent=ratio, price_cap_cents=cap,
                            created_by_id=actor.id)
    db.session.add(convention)
    db.session.flush()
    convention.number = f"CONV-{convention.id:04d}"  # from the id: unique without a race
    db.session.flush()
    return convention


def supply_deposit(actor: User, number: str, deposit_number: str) -> Deposit:
    """Every device of the deposit, now and later, goes to the partner under the convention."""
    capabilities.require(actor, "conventions.manage")
    convention = get_convention(actor, number)
    deposit = db.session.scalar(select(Deposit).where(
        Deposit.number == (deposit_number or "").strip().upper()[:20],
        scopes.deposit_scope(actor)))
    if deposit is None:
        raise NotFound(_l("No deposit %(number)s in what you may see.",
                          number=(deposit_number or "")[:20]))
    marked = db.session.get(ConventionDeposit, deposit.id)
    if marked is not None:
        other = db.session.get(Convention, marked.convention_id)
        raise Refused(_l("Deposit %(deposit)s is already supplied under convention %(number)s.",
                         deposit=deposit.number, number=other.number), code="already_supplied")
    db.session.add(ConventionDeposit(deposit_id=deposit.id, convention_id=convention.id,
                                     marked_by_id=actor.id))
    _flush_once()
    return deposit


def supply_devices(actor: User, number: str, typed: str) -> list[Device]:
    """Devices handed to the partner from stock, one code (ID or serial) a line: all or none,
    each refusal naming its line."""
    capabilities.require(actor, "conventions.manage")
    convention = get_convention(actor, number)
    codes = [line.strip() for line in (typed or "").splitlines() if line.strip()]
    if not codes:
        raise InvalidInput(_l("Scan or type the devices to supply, one a line."))
    if len(codes) > MAX_SUPPLY_CODES:
        raise InvalidInput(_l("At most %(n)s devices at a time.", n=MAX_SUPPLY_CODES))
    errors, devices, seen = [], [], set()
    for number, code in enumerate(codes, start=1):
        try:
            device = scan.resolve(actor, code)
        except (NotFound, InvalidInput) as problem:
            errors.append(_l("line %(line)s: %(problem)s", line=number, problem=problem.message))
            continue
        problem = _cannot_supply(device, convention, seen)
        if problem is not None:
            errors.append(_l("line %(line)s: %(problem)s", line=number, problem=problem))
            continue
        seen.add(device.id)
        devices.append(device)
    if errors:
        raise InvalidInput(_l("Nothing was supplied: %(errors)s.",
                              errors="; ".join(str(e) for e in errors)), code="supply_refused")
    for device in devices:
        db.session.add(ConventionSupply(device_id=device.id, convention_id=convention.id,
                                        supplied_by_id=actor.id))
    _flush_once()
    return devices


def _flush_once() -> None:
    """A deposit or a device is supplied under one convention once: the primary key holds it
    when two coordinators supply it at the same moment, and the second hears so."""
    try:
        db.session.flush()
    except IntegrityError:
        raise Conflict(_l("Someone supplied it under a convention at the same moment. Reload "
                          "the page."), code="already_supplied") from None


def _cannot_supply(device: Device, convention: Convention, seen: set[int]):
    if device.id in seen:
        return _l("%(id)s is already on an earlier line", id=device.public_id)
    if device.category not in convention.categories:
        return _l("%(id)s is a %(category)s, which the convention does not cover",
                  id=device.public_id, category=categories.CATEGORIES[device.category].label)
    if device.status not in WORKSHOP_QUEUE:
        return _l("%(id)s is %(status)s: only devices not yet reconditioned are supplied",
                  id=device.public_id, status=STATUS_LABELS[Status(device.status)])
    if convention_terms.convention_of(device) is not None:
        return _l("%(id)s is already supplied under a convention", id=device.public_id)
    return None


def _pairs():
    """(convention, device) for every device supplied, through a deposit or from stock."""
    return select(ConventionSupply.convention_id.label("convention_id"),
                  ConventionSupply.device_id.label("device_id")).union(
        select(ConventionDeposit.convention_id, Device.id)
        .join(Device, Device.deposit_id == ConventionDeposit.deposit_id)).subquery()


def balances_of(conventions: list[Convention], on: date | None = None) -> dict[int, Balance]:
    """Every convention's balance in three queries, however many there are."""
    if not conventions:
        return {}
    on = on or today()
    ids = [c.id for c in conventions]
    pairs = _pairs()
    supplied = dict(db.session.execute(
        select(pairs.c.convention_id, func.count(pairs.c.device_id))
        .where(pairs.c.convention_id.in_(ids)).group_by(pairs.c.convention_id)).all())
    by_manifest = dict(db.session.execute(
        select(ConventionReturn.convention_id, func.count(ConventionReturn.device_id))
        .where(ConventionReturn.convention_id.in_(ids))
        .group_by(ConventionReturn.convention_id)).all())
    # A partner that uses Recond brings its output to `ready` through the workshop's own steps.
    by_own_use = dict(db.session.execute(
        select(pairs.c.convention_id, func.count(Device.id))
        .join(Device, Device.id == pairs.c.device_id)
        .join(Convention, Convention.id == pairs.c.convention_id)
        .where(pairs.c.convention_id.in_(ids), Device.status.in_(REUSED),
               Device.workshop_id == Convention.partner_id,
               Device.id.not_in(select(ConventionReturn.device_id)))
        .group_by(pairs.c.convention_id)).all())
    result = {}
    for c in conventions:
        count = supplied.get(c.id, 0)
        owed = c.output_owed if c.output_owed is not None else \
            count * c.output_ratio_percent // 100
        result[c.id] = Balance(supplied=count, owed=owed,
                               returned=by_manifest.get(c.id, 0) + by_own_use.get(c.id, 0),
                               expected=expected_by(c, owed, on), on=on)
    return result


def balance(convention: Convention, on: date | None = None) -> Balance:
    return balances_of([convention], on)[convention.id]


def expected_by(convention: Convention, owed: int, on: date) -> int:
    """What an even pace over the period has returned by the day `on` (rounded down)."""
    period = (convention.ends_on - convention.starts_on).days
    elapsed = min(max((on - convention.starts_on).days, 0), period)
    return owed * elapsed // period


def behind_pace(actor: User) -> list[tuple[Convention, Balance]]:
    """The coordination's warning: conventions whose returns fall behind the promised pace."""
    return [(c, b) for c, b in listing(actor) if b.behind]


@dataclass
class Page:
    convention: Convention
    balance: Balance
    deposits: list[Deposit]
    returns: list[PartnerReturn]
    returned: list[tuple[Device, ConventionReturn | None]]
    may_manage: bool


def page(actor: User, number: str) -> Page:
    convention = get_convention(actor, number)
    return Page(convention, balance(convention), deposits_of(convention), returns_of(convention),
                returned_devices(convention), capabilities.can(actor, "conventions.manage"))


def returns_of(convention: Convention) -> list[PartnerReturn]:
    return db.session.scalars(select(PartnerReturn).where(
        PartnerReturn.convention_id == convention.id).order_by(PartnerReturn.id.desc())).all()


def deposits_of(convention: Convention) -> list[Deposit]:
    return db.session.scalars(select(Deposit).join(
        ConventionDeposit, ConventionDeposit.deposit_id == Deposit.id)
        .where(ConventionDeposit.convention_id == convention.id).order_by(Deposit.id)).all()


def supplied_devices(convention: Convention) -> list[Device]:
    return db.session.scalars(select(Device).where(convention_terms.supplied(convention.id))
                              .order_by(Device.id)).all()


def returned_devices(convention: Convention) -> list[tuple[Device, ConventionReturn | None]]:
    """What came back: by manifest (with its return row), and through the partner's own use."""
    by_manifest = db.session.execute(
        select(Device, ConventionReturn).join(ConventionReturn,
                                              ConventionReturn.device_id == Device.id)
        .where(ConventionReturn.convention_id == convention.id).order_by(Device.id)).all()
    own = db.session.scalars(select(Device).where(
        convention_terms.supplied(convention.id), Device.status.in_(REUSED),
        Device.workshop_id == convention.partner_id,
        Device.id.not_in(select(ConventionReturn.device_id))).order_by(Device.id)).all()
    return [(d, r) for d, r in by_manifest] + [(d, None) for d in own]


def certificate(actor: User, return_id: int) -> tuple[PartnerReturn, bytes]:
    """The partner's sanitisation certificate, for whoever may see its convention."""
    found = db.session.scalar(select(PartnerReturn).join(Convention).where(
        PartnerReturn.id == return_id, scopes.convention_scope(actor)))
    if found is None or not capabilities.can(actor, "conventions.read"):
        raise NotFound(_l("No such return in what you may see."))
    return found, found.certificate
