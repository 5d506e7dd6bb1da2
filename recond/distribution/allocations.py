"""The coordinator's allocation desk: the approved lines still waiting, the ready devices Recond
proposes for each (right category, minimum specs met, oldest ready first), the stock, and the
fairness view (allocated against requested, per structure, per territory, and the QPV share).

`desk()` is the desk page's read model: every line with its proposals and recipients, in a
fixed number of queries however many lines wait (one per line would not survive a busy month).
The page is built around the line, the unit a coordinator fills: one form per line with one
beneficiary choice, one device choice (the oldest ready preselected) and one button, so twenty
allocations in a row are twenty clicks down the page. A device that fits several lines is shown
once, under the oldest request that still needs it (`offers`), naming the other lines it fits;
a line that cannot be served now gets the reason (`blocked`) shown beside its disabled button.

The allocation itself is the lifecycle's `allocate` action: its guards hold whatever this
module proposes (the line's approved quantity, one live device per beneficiary unless a reason
is given), under a lock and in the database's own unique indexes.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from recond.distribution import pricing
from recond.extensions import db
from recond.lifecycle import Status
from recond.models import (
    ALLOCATABLE_STATUSES, Allocation, AllocationStatus, Beneficiary, Device, DeviceEvent,
    EquipmentRequest, Organisation, OrganisationKind, PriceGrid, Purpose, RequestLine,
    RequestStatus,
)
from recond.territories import LABELS as TERRITORY_LABELS
from recond.whole_numbers import whole_number

PROPOSALS = 8
_SCAN_LIMIT = 500  # candidates read to find the proposals when minimum specs filter many out


@dataclass
class OpenLine:
    line: RequestLine
    allocated: int

    @property
    def remaining(self) -> int:
        return self.line.approved_quantity - self.allocated

    @property
    def for_beneficiaries(self) -> bool:
        """The device goes to one of the structure's beneficiaries (not to its own use)."""
        return self.line.request.purpose == Purpose.BENEFICIARIES


def open_lines() -> list[OpenLine]:
    """Approved lines with devices still to allocate, oldest request first."""
    allocated = (select(Allocation.line_id, func.count(Allocation.id).label("n"))
                 .where(Allocation.status == AllocationStatus.ACTIVE)
                 .group_by(Allocation.line_id).subquery())
    rows = db.session.execute(
        select(RequestLine, func.coalesce(allocated.c.n, 0))
        .join(EquipmentRequest, RequestLine.request_id == EquipmentRequest.id)
        .outerjoin(allocated, allocated.c.line_id == RequestLine.id)
        .options(joinedload(RequestLine.request).joinedload(EquipmentRequest.structure))
        .where(EquipmentRequest.status.in_(ALLOCATABLE_STATUSES),
               RequestLine.approved_quantity > func.coalesce(allocated.c.n, 0))
        .order_by(EquipmentRequest.created_at, EquipmentRequest.id, RequestLine.id)).all()
    return [OpenLine(line, n) for line, n in rows]


def ready_since():
    """When each device last became ready: the order of the proposals."""
    return (select(DeviceEvent.device_id, func.max(DeviceEvent.at).label("at"))
            .where(DeviceEvent.to_status == Status.READY).group_by(DeviceEvent.device_id).subquery())


def storage_gb(device: Device) -> int | None:
    total = sum(m.capacity_gb or 0 for m in device.media if m.removed_at is None)
    if total:
        return total
    value = device.specs.get("storage_gb")
    return whole_number(str(value or ""))


def ram_gb(device: Device) -> int | None:
    value = device.specs.get("ram_gb")
    try:
        return int(float(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def meets(device: Device, line: RequestLine) -> bool:
    if line.min_ram_gb and (ram_gb(device) or 0) < line.min_ram_gb:
        return False
    if line.min_storage_gb and (storage_gb(device) or 0) < line.min_storage_gb:
        return False
    return True


def proposals(line: RequestLine, limit: int = PROPOSALS) -> list[Device]:
    return [d for d in _candidates({line.category})[line.category] if meets(d, line)][:limit]


def _candidates(categories: set[str]) -> dict[str, list[Device]]:
    """The ready devices of these categories, oldest ready first, at most `_SCAN_LIMIT` of each:
    one query for all the categories (a window per category), one for their storage media."""
    found: dict[str, list[Device]] = {category: [] for category in categories}
    if not categories:
        return found
    since = ready_since()
    ranked = (select(Device.id, func.row_number().over(
        partition_by=Device.category,
        order_by=(since.c.at.asc().nulls_first(), Device.id)).label("rank"))
        .outerjoin(since, since.c.device_id == Device.id)
        .where(Device.status == Status.READY, Device.category.in_(categories)).subquery())
    devices = db.session.scalars(
        select(Device).join(ranked, ranked.c.id == Device.id)
        .options(selectinload(Device.media))  # the storage check reads them
        .where(ranked.c.rank <= _SCAN_LIMIT).order_by(ranked.c.rank)).all()
    for device in devices:
        found[device.category].append(device)
    return found


@dataclass
class Recipients:
    """Whom a structure's device can go to: the beneficiaries still waiting, then those already
    holding a live device (a second one needs the coordinator's reason)."""
    waiting: list[Beneficiary]
    equipped: list[Beneficiary]

    def __bool__(self) -> bool:
        return bool(self.waiting or self.equipped)


def recipients(structure_id: int) -> Recipients:
    return _recipients({structure_id})[structure_id]


def _recipients(structure_ids: set[int]) -> dict[int, Recipients]:
    """Each structure's recipients, in one query for all of them."""
    found = {structure_id: Recipients([], []) for structure_id in structure_ids}
    if not structure_ids:
        return found
    held = (select(Allocation.beneficiary_id, func.count(Allocation.id).label("n"))
            .where(Allocation.status == AllocationStatus.ACTIVE,
                   Allocation.beneficiary_id.is_not(None))
            .group_by(Allocation.beneficiary_id).subquery())
    rows = db.session.execute(
        select(Beneficiary, held.c.n).outerjoin(held, held.c.beneficiary_id == Beneficiary.id)
        .where(Beneficiary.structure_id.in_(structure_ids), Beneficiary.purged_at.is_(None))
        .order_by(Beneficiary.created_at, Beneficiary.id)).all()
    for person, n in rows:
        recipients_of = found[person.structure_id]
        (recipients_of.equipped if n else recipients_of.waiting).append(person)
    return found


def waiting_beneficiaries(structure_id: int) -> list[Beneficiary]:
    """The structure's beneficiaries without a live allocation: whom a device can go to."""
    return recipients(structure_id).waiting


@dataclass
class Offer:
    """A proposed device as the desk shows it: once, with the other lines it would fit."""
    device: Device
    also_fits: list[OpenLine]


@dataclass
class Desk:
    """What the allocation desk shows, read at once."""
    lines: list[OpenLine]
    proposals: dict[int, list[Device]]     # line id -> ready devices meeting it
    recipients: dict[int, Recipients]      # structure id -> its beneficiaries
    stock: list[tuple[str, str | None, int]]
    grid: PriceGrid | None                 # the price grid in force (none: allocation is refused)
    offers: dict[int, list[Offer]]         # line id -> the devices shown under it, each once
    blocked: dict[int, str | None]         # line id -> why it cannot be allocated now, if so


def desk(limit: int = PROPOSALS) -> Desk:
    """The desk page in a fixed number of queries, however many lines wait: the lines (with
    their requests and structures), the ready candidates of all their categories, the media
    those candidates carry, the structures' beneficiaries, the stock and the grid."""
    lines = open_lines()
    candidates = _candidates({o.line.category for o in lines})
    proposed = {o.line.id: [d for d in candidates[o.line.category] if meets(d, o.line)][:limit]
                for o in lines}
    found = _recipients({o.line.request.structure_id for o in lines})
    grid = pricing.current_grid()
    offers = _offers(lines, proposed)
    return Desk(
        lines=lines, proposals=proposed, recipients=found, stock=stock(), grid=grid,
        offers=offers,
        blocked={o.line.id: _blocked(o, found[o.line.request.structure_id], proposed[o.line.id],
                                     offers[o.line.id], grid) for o in lines})


def _offers(lines: list[OpenLine], proposed: dict[int, list[Device]]) -> dict[int, list[Offer]]:
    """Each proposed device under one line only: the lines, oldest request first, each take the
    devices they still need; a device left over goes under the first line it fits. Any line it
    fits would accept it (the allocation checks the line, not this page); this only keeps the
    same device from being offered in several places at once."""
    fits: dict[int, list[OpenLine]] = defaultdict(list)
    for open_ in lines:
        for device in proposed[open_.line.id]:
            fits[device.id].append(open_)
    home: dict[int, int] = {}
    for open_ in lines:
        taken = 0
        for device in proposed[open_.line.id]:
            if taken >= open_.remaining:
                break
            if device.id not in home:
                home[device.id] = open_.line.id
                taken += 1
    for device_id, fitting in fits.items():
        home.setdefault(device_id, fitting[0].line.id)
    return {open_.line.id: [Offer(d, [o for o in fits[d.id] if o is not open_])
                            for d in proposed[open_.line.id] if home[d.id] == open_.line.id]
            for open_ in lines}


def _blocked(open_: OpenLine, people: Recipients, proposed: list[Device], offered: list[Offer],
             grid: PriceGrid | None) -> str | None:
    """Why the desk cannot allocate to this line now (the allocation would refuse it too)."""
    if grid is None:
        return _l("No price grid is in force: publish one before allocating.")
    if open_.for_beneficiaries and not people:
        return _l("The structure has recorded no beneficiary yet.")
    if not proposed:
        return _l("No ready device meets this line.")
    if not offered:
        return _l("The devices meeting this line are offered under older requests first.")
    return None


def stock() -> list[tuple[str, str | None, int]]:
    return db.session.execute(
        select(Device.category, Device.grade, func.count(Device.id))
        .where(Device.status == Status.READY)
        .group_by(Device.category, Device.grade).order_by(Device.category, Device.grade)).all()


@dataclass
class Share:
    name: str
    requested: int = 0
    approved: int = 0
    allocated: int = 0
    qpv: bool = False

    @property
    def rate(self) -> float | None:
        return self.allocated / self.approved if self.approved else None


@dataclass
class Fairness:
    structures: list[Share]
    territories: list[Share]
    allocated: int
    allocated_qpv: int

    @property
    def qpv_share(self) -> float | None:
        return self.allocated_qpv / self.allocated if self.allocated else None


def fairness() -> Fairness:
    """Allocated (live or handed over) against requested and approved, from live requests."""
    counted = (RequestStatus.SUBMITTED, *ALLOCATABLE_STATUSES, RequestStatus.FULFILLED)
    asked = db.session.execute(
        select(EquipmentRequest.structure_id, func.sum(RequestLine.quantity),
               func.sum(RequestLine.approved_quantity))
        .join(RequestLine, RequestLine.request_id == EquipmentRequest.id)
        .where(EquipmentRequest.status.in_(counted)).group_by(EquipmentRequest.structure_id)).all()
    given = dict(db.session.execute(
        select(Allocation.structure_id, func.count(Allocation.id))
        .where(Allocation.status == AllocationStatus.ACTIVE).group_by(Allocation.structure_id)).all())
    structures = {o.id: o for o in db.session.scalars(
        select(Organisation).where(Organisation.kind == OrganisationKind.STRUCTURE))}
    shares: dict[int, Share] = {}
    for structure_id, requested, approved in asked:
        org = structures[structure_id]
        shares[structure_id] = Share(org.name, int(requested or 0), int(approved or 0), qpv=org.qpv)
    for structure_id, n in given.items():
        org = structures[structure_id]
        shares.setdefault(structure_id, Share(org.name, qpv=org.qpv)).allocated = n
    territories: dict[str, Share] = defaultdict(lambda: Share(""))
    for structure_id, share in shares.items():
        key = structures[structure_id].territory or ""
        territory = territories[key]
        territory.name = str(TERRITORY_LABELS.get(key, "")) if key else ""
        territory.requested += share.requested
        territory.approved += share.approved
        territory.allocated += share.allocated
    return Fairness(
        structures=sorted(shares.values(), key=lambda s: s.name),
        territories=sorted(territories.values(), key=lambda s: (s.name == "", s.name)),
        allocated=sum(s.allocated for s in shares.values()),
        allocated_qpv=sum(s.allocated for s in shares.values() if s.qpv))
