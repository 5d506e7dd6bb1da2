"""The actions of the device lifecycle: who may perform each, from which statuses, its payload,
its guards and its effects. Guards return the reasons they refuse (empty when they pass)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import false, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from recond import capabilities, categories, money
from recond.collection import convention_terms
from recond.distribution import equipment_requests, payments, pricing, training_gate
from recond.workshop import os_catalogue, sanitisation
from recond.clock import utcnow
from recond.categories import Category
from recond.errors import Conflict
from recond.lifecycle import partner_returns as partner
from recond.lifecycle import workshop_steps as bench
from recond.lifecycle.fields import Field
from recond.lifecycle.statuses import WITH_STRUCTURE, WORKSHOP_QUEUE, Status
from recond.extensions import db
from recond.models import (
    ALLOCATABLE_STATUSES, Allocation, AllocationStatus, Beneficiary, DeliveryItem, DeliveryNote,
    DeliveryStatus, Device, EquipmentRequest, OsImage, Purpose, RequestLine, Role, Tier, User,
)


@dataclass
class Context:
    actor: User
    device: Device
    category: Category
    values: dict[str, Any]
    record: dict[str, Any] = field(default_factory=dict)  # what the history row keeps
    terms: Any = None  # what a guard found and the effect uses (allocate: line, beneficiary)
    details: dict[str, Any] = field(default_factory=dict)  # added to a refusal (e.g. a link)

    @property
    def allocation(self) -> Allocation | None:
        return active_allocation(self.device)


@dataclass(frozen=True)
class Action:
    name: str
    label: Any
    done: Any  # how the history tells it happened
    target: Status
    sources: Callable[[Category], frozenset[Status]]
    fields: tuple[Field, ...] = ()
    guards: tuple[Callable[[Context], list], ...] = ()
    effect: Callable[[Context], None] | None = None
    # Offered on a device's page and at the scan station; False: performed only by its own
    # journey (a partner's return manifest), never a button.
    by_hand: bool = True

    @property
    def capability(self) -> str:
        """Who may perform it is the capability table's "act.<name>", not the action's own."""
        return f"act.{self.name}"

    @property
    def roles(self) -> frozenset[Role]:
        return capabilities.roles(self.capability)


def active_allocation(device: Device) -> Allocation | None:
    return db.session.scalar(
        select(Allocation).where(
            Allocation.device_id == device.id, Allocation.status == AllocationStatus.ACTIVE
        )
    )


def _from(*statuses: Status) -> Callable[[Category], frozenset[Status]]:
    return lambda category: frozenset(statuses)


# --- wipe -------------------------------------------------------------------------------------

def _every_medium_sanitised(ctx: Context) -> list:
    reasons = sanitisation.missing_sanitisation(ctx.device)
    if reasons:
        ctx.details["media_page"] = sanitisation.media_page(ctx.device)
    return reasons


# --- install_os ----------------------------------------------------------------------------------

def _image_fits(ctx: Context) -> list:
    image = db.session.get(OsImage, ctx.values["image_id"])
    if image is None or not image.active or image.family != ctx.category.os_family:
        return [_l("This operating system is not in the catalogue for this kind of device.")]
    ctx.terms = image
    return []


def _set_os(ctx: Context) -> None:
    image = ctx.terms
    ctx.device.operating_system = image.label
    ctx.record.update(os=image.label, image_sha256=image.image_sha256)


# --- allocate -----------------------------------------------------------------------------------

def _allocation_terms(ctx: Context) -> list:
    """Check the line, the beneficiary and the price; keep what the effect needs in ctx.

    The line's row is locked before its live allocations are counted, then the beneficiary's
    (always in that order): two coordinators allocating on one line, or to one person, wait for
    each other on PostgreSQL. SQLite has no row lock; there the unique places of `Allocation`
    refuse the second writer (a conflict).
    """
    line = _locked_line(ctx.values["line_id"])
    if line is None:
        return [_l("Request line %(line)s does not exist.", line=ctx.values["line_id"])]
    request = line.request
    reasons = []
    if request.status not in ALLOCATABLE_STATUSES:
        reasons.append(_l("The request of this line is not approved."))
    if line.category != ctx.device.category:
        reasons.append(_l("This line asks for a %(wanted)s, not a %(got)s.",
                          wanted=categories.CATEGORIES[line.category].label,
                          got=ctx.category.label))
    beneficiary = None
    beneficiary_id = ctx.values.get("beneficiary_id")
    second_reason = ctx.values.get("second_device_reason") or None
    ctx.record.pop("second_device_reason", None)  # kept below only when it justifies a second
    own_use = request.purpose == Purpose.OWN_USE
    if not own_use and beneficiary_id:
        beneficiary = _locked(Beneficiary, beneficiary_id)
        if beneficiary is not None and beneficiary.structure_id != request.structure_id:
            beneficiary = None
    held, equipped = _live_places(line, beneficiary)
    free = sorted(set(range(1, line.approved_quantity + 1)) - held)
    if len(held) >= line.approved_quantity or not free:
        reasons.append(_l("All %(n)s devices approved on this line are already allocated.",
                          n=line.approved_quantity))
    if own_use:
        tier = Tier.OWN_USE
        if beneficiary_id:
            reasons.append(_l("This request is for the structure's own use: no beneficiary."))
        second_reason = None
    else:
        if beneficiary is None:
            reasons.append(_l("Say which of the structure's beneficiaries receives the device."))
            return reasons
        tier = beneficiary.tier
        if not equipped:
            second_reason = None  # a first device needs no reason
        elif second_reason is None:
            reasons.append(_l("Beneficiary %(ref)s already holds a device: a second one is "
                              "allocated only with the reason it is justified.",
                              ref=beneficiary.reference))
    grid, price = pricing.grid_and_price(ctx.device.category, ctx.device.grade, tier)
    if grid is None:
        reasons.append(_l("No price grid is in force."))
    elif ctx.device.grade is None:
        reasons.append(_l("The device has no grade."))
    else:
        if price is not None:  # a partner convention's output is sold under its price cap
            price, capping = convention_terms.capped_price(ctx.device, price)
            if capping is not None:
                ctx.record["price_cap_convention"] = capping.number
        if price is None:
            reasons.append(_l("The current price grid has no price for this category, grade "
                              "and tier."))
        elif price < pricing.floor_cents():
            reasons.append(_l("The price %(price)s is below the floor of %(floor)s: the "
                              "remaining charge is never free.",
                              price=money.format_money(price),
                              floor=money.format_money(pricing.floor_cents())))
    if not reasons:
        ctx.record.update(structure_id=request.structure_id, tier=str(tier),
                          price_cents=price, grid_version=grid.version)
        if second_reason is not None:
            ctx.record["second_device_reason"] = second_reason
        ctx.terms = (line, beneficiary, free[0], second_reason)
    return reasons


def _locked(model, id_: int):
    """The row, read again and locked until the transaction ends (FOR UPDATE; no-op on SQLite)."""
    return db.session.scalar(select(model).where(model.id == id_)
                             .with_for_update(of=model)
                             .execution_options(populate_existing=True))


def _locked_line(id_: int) -> RequestLine | None:
    """The request line, locked (FOR UPDATE of its row alone), read with its request and the
    request's lines, which the guard and `equipment_requests.refresh` then read as loaded."""
    return db.session.execute(
        select(RequestLine).where(RequestLine.id == id_)
        .options(joinedload(RequestLine.request, innerjoin=True).joinedload(EquipmentRequest.lines))
        .with_for_update(of=RequestLine)
        .execution_options(populate_existing=True)).unique().scalar_one_or_none()


def _live_places(line: RequestLine, beneficiary: Beneficiary | None) -> tuple[set[int], bool]:
    """The places of the line its live allocations hold, and whether the beneficiary already
    holds a live device: one read, after both rows were locked."""
    rows = db.session.execute(
        select(Allocation.line_id, Allocation.slot, Allocation.beneficiary_id).where(
            Allocation.status == AllocationStatus.ACTIVE,
            or_(Allocation.line_id == line.id,
                Allocation.beneficiary_id == beneficiary.id if beneficiary else false()))).all()
    held = {slot for line_id, slot, _ in rows if line_id == line.id}
    equipped = beneficiary is not None and any(b == beneficiary.id for _, _, b in rows)
    return held, equipped


def live_allocations_of(beneficiary: Beneficiary) -> int:
    return db.session.scalar(select(func.count(Allocation.id)).where(
        Allocation.beneficiary_id == beneficiary.id,
        Allocation.status == AllocationStatus.ACTIVE))


def _reserve(ctx: Context) -> None:
    line, beneficiary, slot, second_reason = ctx.terms
    allocation = Allocation(
        device_id=ctx.device.id, line_id=line.id, structure_id=line.request.structure_id,
        beneficiary_id=beneficiary.id if beneficiary else None, tier=ctx.record["tier"],
        price_cents=ctx.record["price_cents"], grid_version=ctx.record["grid_version"],
        slot=slot, second_device_reason=second_reason, created_by_id=ctx.actor.id,
    )
    db.session.add(allocation)
    try:
        db.session.flush()
    except IntegrityError as error:
        # Another allocation committed between our count and our insert (SQLite: no row lock).
        conflict = _taken_meanwhile(error)
        if conflict is None:
            raise  # the device itself: the engine says someone else changed it
        raise conflict from None
    ctx.record["allocation_id"] = allocation.id
    ctx.record.pop("beneficiary_id", None)  # the history is readable by donors: no beneficiary
    equipment_requests.refresh(line.request)


def _taken_meanwhile(error: IntegrityError) -> Conflict | None:
    """Say which rule the database held: PostgreSQL names the index, SQLite its columns."""
    text = str(error.orig)
    if "uq_allocation_active_slot" in text or "allocation.slot" in text:
        return Conflict(_l("Another allocation took the last approved place on this line at the "
                           "same moment. Reload the allocation desk."), code="line_full")
    if "uq_allocation_active_beneficiary" in text or "allocation.beneficiary_id" in text:
        return Conflict(_l("This beneficiary received a device at the same moment: a second one "
                           "needs its reason. Reload the allocation desk."),
                        code="beneficiary_equipped")
    return None


def _end_allocation(status: AllocationStatus) -> Callable[[Context], None]:
    def effect(ctx: Context) -> None:
        allocation = ctx.allocation
        if allocation is not None:
            allocation.status = status
            ctx.record["allocation_id"] = allocation.id
            db.session.flush()
            equipment_requests.refresh(allocation.line.request)
    return effect


def _stamp_allocation(column: str) -> Callable[[Context], None]:
    """Deliver and release date the allocation (the retention period runs from release)."""
    def effect(ctx: Context) -> None:
        allocation = ctx.allocation
        if allocation is not None:
            setattr(allocation, column, utcnow())
            ctx.record["allocation_id"] = allocation.id
            db.session.flush()
            equipment_requests.refresh(allocation.line.request)
    return effect


# --- deliver ------------------------------------------------------------------------------------

def _on_a_shipped_note(ctx: Context) -> list:
    """A device is delivered only as an item of a shipped note addressed to the actor's
    structure (a hand delivery is a note too), whatever the entry point."""
    item = db.session.scalar(
        select(DeliveryItem).join(DeliveryNote)
        .where(DeliveryItem.device_id == ctx.device.id, DeliveryItem.received_at.is_(None),
               DeliveryNote.status == DeliveryStatus.SHIPPED,
               DeliveryNote.structure_id == ctx.actor.organisation_id)
        .order_by(DeliveryNote.id.desc()).limit(1))
    if item is None:
        return [_l("%(id)s is on no shipped delivery note addressed to your structure: a device "
                   "is delivered by scanning it from its delivery note.", id=ctx.device.public_id)]
    ctx.terms = item
    return []


def _receive_item(ctx: Context) -> None:
    """The note's item is received with the device; the note is received with its last item."""
    item, now = ctx.terms, utcnow()
    item.received_at = now
    note = item.note
    ctx.record["delivery_note"] = note.number
    db.session.flush()
    if all(i.received_at for i in note.items):
        note.status = DeliveryStatus.RECEIVED
        note.closed_at = now
    _stamp_allocation("delivered_at")(ctx)


# --- release ------------------------------------------------------------------------------------

def _hold_the_charge(ctx: Context) -> list:
    """The release takes the row lock payments take: no refund slips in between the check of
    the charge and the handover, and no payment lands after it."""
    allocation = ctx.allocation
    if allocation is not None:
        payments.lock(allocation)
    return []


def charge_paid(ctx: Context) -> list:
    allocation = ctx.allocation
    if allocation is None:
        return [_l("This device has no allocation.")]
    if allocation.paid_cents < allocation.price_cents:
        return [_l("The remaining charge of %(amount)s is not recorded as paid "
                   "(%(paid)s recorded).",
                   amount=money.format_money(allocation.price_cents),
                   paid=money.format_money(allocation.paid_cents))]
    return []


def training_attended(ctx: Context) -> list:
    """An associated session: attended, recent enough before the allocation, long enough
    (training_gate says which of the three fails)."""
    allocation = ctx.allocation
    if allocation is None:
        return []
    return training_gate.gate(allocation)[1]


def _hand_over(ctx: Context) -> None:
    """Date the release and record the session that opened its gate (which freezes it)."""
    _stamp_allocation("released_at")(ctx)
    allocation = ctx.allocation
    if allocation is not None:
        training_gate.open_gate(allocation)


def _next_cycle(ctx: Context) -> None:
    _end_allocation(AllocationStatus.RETURNED)(ctx)
    ctx.device.cycle += 1  # sanitisation of the previous stay no longer counts
    ctx.device.grade = None


_REASON = Field("reason", "text", _l("Reason"))
# What the workshop may still send out for good: everything before it leaves the workshop.
_LEAVES_FROM = (Status.REGISTERED, Status.RECEIVED, Status.WIPED, Status.OS_INSTALLED, Status.READY)
_NOTE = Field("note", "text", _l("Note"), required=False)

ACTIONS: dict[str, Action] = {a.name: a for a in (
    Action("receive", _l("Receive"), _l("Received at the workshop"), Status.RECEIVED,
           _from(Status.REGISTERED), (_NOTE,), (bench.from_a_collected_deposit,)),
    Action("wipe", _l("Mark wiped"), _l("Data wiped"), Status.WIPED,
           lambda c: frozenset({Status.RECEIVED}) if c.has_storage else frozenset(),
           (_NOTE,), (_every_medium_sanitised,)),
    Action("install_os", _l("Install OS"), _l("Operating system installed"), Status.OS_INSTALLED,
           lambda c: frozenset({Status.WIPED}) if c.has_os else frozenset(),
           (Field("image_id", "os_image", _l("Operating system")),
            Field("language", "choice", _l("Language"), choices=os_catalogue.LANGUAGES),
            Field("keyboard", "choice", _l("Keyboard"), choices=os_catalogue.KEYBOARDS),
            Field("screen_reader", "bool", _l("Screen reader enabled"), required=False),
            Field("magnifier", "bool", _l("Magnifier enabled"), required=False), _NOTE),
           (_image_fits,), _set_os),
    # "Grade" the verb: a button says what it does ("Évaluer"), the noun is a column's title.
    Action("grade", lazy_pgettext("action", "Grade"), _l("Tested and graded"), Status.READY, bench.grade_sources,
           (Field("grade", "choice", _l("Cosmetic grade"), choices=categories.GRADES),
            Field("checklist", "checklist", _l("Functional checklist")),
            Field("battery_health", "percent", _l("Battery health, in percent"), required=False,
                  needed_by="battery"), _NOTE),
           (bench.checklist_passes, bench.battery_fits_the_grade), bench.set_grade),
    Action("allocate", _l("Allocate"), _l("Allocated"), Status.RESERVED, _from(Status.READY),
           (Field("line_id", "int", _l("Request line")),
            Field("beneficiary_id", "int", _l("Beneficiary"), required=False),
            Field("second_device_reason", "text", _l("Why a second device is justified"),
                  required=False)),
           (_allocation_terms,), _reserve),
    Action("cancel_allocation", _l("Cancel allocation"), _l("Allocation cancelled"), Status.READY,
           _from(Status.RESERVED), (_NOTE,),
           effect=_end_allocation(AllocationStatus.CANCELLED)),
    Action("deliver", _l("Confirm delivery"), _l("Delivered"), Status.DELIVERED,
           _from(Status.RESERVED), (_NOTE,), (_on_a_shipped_note,), _receive_item),
    Action("release", _l("Hand over"), _l("Handed over"), Status.RELEASED,
           _from(Status.DELIVERED), (_NOTE,), (_hold_the_charge, charge_paid, training_attended),
           _hand_over),
    Action("return", _l("Take back"), _l("Taken back"), Status.RECEIVED,
           _from(*WITH_STRUCTURE), (_REASON,), effect=_next_cycle),
    Action("recycle", _l("Recycle (WEEE)"), _l("Sent to recycling (WEEE)"), Status.RECYCLED,
           _from(*_LEAVES_FROM), (_REASON, Field("weight_kg", "weight", _l("Weight (kg)"),
                                                 required=False)),
           (bench.from_a_collected_deposit,), bench.into_recycling_lot),
    Action("dismantle", _l("Dismantle for spare parts"), _l("Dismantled for spare parts"),
           Status.DISMANTLED, _from(*_LEAVES_FROM), (_REASON,), (bench.from_a_collected_deposit,)),
    Action("return_from_partner", _l("Return reconditioned by partner"),
           _l("Returned reconditioned by a partner"), Status.READY, _from(*WORKSHOP_QUEUE),
           (Field("partner_return_id", "int", _l("Partner return")),
            Field("grade", "choice", _l("Cosmetic grade"), choices=categories.GRADES),
            Field("os", "text", _l("Operating system"), max_length=100)),
           (partner.of_the_convention, partner.certificate_kept), partner.into_stock,
           by_hand=False),
)}
