"""Which workshop a deposit goes to: chosen by the collection partner when pledging, or
proposed from the pickup site's territory and each workshop's current load; the coordination
may send it elsewhere until the reception starts.

A workshop's load is what it still has to do: devices routed to it not yet received and devices
being refurbished there (`statuses.WORKSHOP_QUEUE`)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l, ngettext
from sqlalchemy import func, select

from recond import capabilities, lifecycle, scopes
from recond.errors import InvalidInput, Refused
from recond.extensions import db
from recond.lifecycle import statuses
from recond.models import Deposit, DepositStatus, Device, Organisation, OrganisationKind, User
from recond.territories import LABELS as TERRITORY_LABELS, territory_of

CHOSEN, PROPOSED, CHANGED = "chosen", "proposed", "changed"
ROUTING_LABELS = {
    CHOSEN: _l("chosen by the collection partner"),
    PROPOSED: _l("proposed by territory and load"),
    CHANGED: _l("changed by the coordination"),
}

EVENT_LABELS = {"routed": _l("Deposit sent to another workshop")}


@dataclass(frozen=True)
class Proposal:
    workshop: Organisation
    load: int
    same_territory: bool  # in the pickup site's territory (else: the least loaded anywhere)


def in_progress(count: int) -> str:
    """A workshop's load in words."""
    return ngettext("%(num)d device in progress", "%(num)d devices in progress", count)


def loads() -> dict[int, int]:
    """Devices each workshop still has to handle, by workshop id (a workshop with none: 0)."""
    return dict(db.session.execute(
        select(Device.workshop_id, func.count(Device.id))
        .where(Device.status.in_([s.value for s in statuses.WORKSHOP_QUEUE]),
               Device.workshop_id.is_not(None))
        .group_by(Device.workshop_id)).all())


def active_workshops() -> list[Organisation]:
    return db.session.scalars(select(Organisation).where(
        Organisation.kind == OrganisationKind.WORKSHOP, Organisation.active.is_(True))
        .order_by(Organisation.name)).all()


def propose(insee_code: str | None) -> Proposal:
    """The workshop of the site's territory with the fewest devices in progress; without one
    there, the least loaded of all. Ties go by name, so the same facts give the same answer."""
    workshops = active_workshops()
    if not workshops:
        raise InvalidInput(_l("There is no active workshop to send the deposit to."),
                           code="no_workshop")
    territory = territory_of(insee_code)
    local = [w for w in workshops if territory is not None and w.territory == territory]
    load = loads()
    best = min(local or workshops, key=lambda w: (load.get(w.id, 0), w.name))
    return Proposal(best, load.get(best.id, 0), bool(local))


def choices() -> list[tuple[int, str]]:
    """The active workshops as a pledge or the coordination chooses among them: each with its
    territory and what it has in progress."""
    load = loads()
    return [(w.id, str(_l("%(name)s — %(territory)s, %(load)s", name=w.name,
                          territory=TERRITORY_LABELS.get(w.territory or "", "—"),
                          load=in_progress(load.get(w.id, 0)))))
            for w in active_workshops()]


def site_insee(deposit_site, donor: Organisation) -> str | None:
    """Where the devices are picked up: the site's commune, else the donor company's."""
    return (deposit_site.insee_code if deposit_site is not None else None) or donor.insee_code


def may_reroute(actor: User, deposit: Deposit) -> bool:
    return capabilities.can(actor, "deposits.route") and _not_started(deposit)


def reroute(actor: User, deposit: Deposit, workshop: Organisation) -> Deposit:
    """The coordination sends the deposit to another workshop before its reception starts: the
    deposit and its registered devices change workshop, each device's history says so."""
    capabilities.require(actor, "deposits.route")
    scopes.require_visible_deposit(actor, deposit)
    deposit = db.session.scalar(select(Deposit).where(Deposit.id == deposit.id)
                                .with_for_update().execution_options(populate_existing=True))
    if workshop.kind != OrganisationKind.WORKSHOP or not workshop.active:
        raise InvalidInput(_l("No such workshop: choose one of the workshops."))
    if not _not_started(deposit):
        raise Refused(_l("The reception of %(number)s has started at %(workshop)s: move its "
                         "devices with a transfer note instead.", number=deposit.number,
                         workshop=deposit.workshop.name), code="reception_started")
    if workshop.id == deposit.workshop_id:
        return deposit
    before = deposit.workshop.name
    deposit.workshop_id, deposit.routing = workshop.id, CHANGED
    db.session.flush()
    db.session.expire(deposit, ["workshop"])
    for device in db.session.scalars(select(Device).where(Device.deposit_id == deposit.id)
                                     .order_by(Device.id)):
        lifecycle.move(actor, device, "routed", workshop.id,
                       {"deposit": deposit.number, "from_workshop": before,
                        "to_workshop": workshop.name})
    return deposit


def _not_started(deposit: Deposit) -> bool:
    """No device of the deposit left `registered`, and the reception is not closed."""
    if deposit.status == DepositStatus.RECEIVED:
        return False
    return db.session.scalar(select(Device.id).where(
        Device.deposit_id == deposit.id,
        Device.status != lifecycle.Status.REGISTERED).limit(1)) is None
