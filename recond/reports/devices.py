"""The devices' figures, read at the workshops: how many in each status, what came in and went
out week by week, how long each stage takes, and the stock ready to allocate. The flows are
read from the stage passages (`reports.rollups`: the rolled days and the rest), counted where
each passage happened; the snapshots from the worker's last count of the devices. Always
aggregates (GROUP BY in the database, never rows pulled to be counted here), bounded by the
reader's scope (a workshop's technician: that workshop, `filters.scoped`) and filtered by
workshop and category (`reports.filters`)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select

from recond import scopes
from recond.extensions import db
from recond.lifecycle.statuses import Status
from recond.models import Device, User
from recond.reports import rollups
from recond.reports.filters import Filter, scoped

# The order a device goes through the chain (the funnel's rows, the lead times' stages).
FUNNEL = (Status.REGISTERED, Status.RECEIVED, Status.WIPED, Status.OS_INSTALLED, Status.READY,
          Status.RESERVED, Status.DELIVERED, Status.RELEASED, Status.RECYCLED, Status.DISMANTLED)
STAGES = (Status.RECEIVED, Status.WIPED, Status.OS_INSTALLED, Status.READY, Status.RESERVED,
          Status.DELIVERED, Status.RELEASED)
STEPS = tuple(zip(STAGES, STAGES[1:]))  # (received, wiped), (wiped, os_installed) …
# Into the workshop: a reception or a device taken back; out of the chain: handed over to a
# beneficiary, recycled as WEEE or dismantled for parts.
FLOW_IN = (Status.RECEIVED,)
FLOW_OUT = (Status.RELEASED, Status.RECYCLED, Status.DISMANTLED)
# The steps the programme counts in a period: the history rows of these actions.
MILESTONES = ("receive", "grade", "allocate", "deliver", "release", "recycle", "dismantle")


def conditions(actor: User | None, f: Filter) -> list:
    """The devices a live count counts: the reader's scope (none for the public's aggregates,
    which name no device, nor for the coordination), the workshop and the category."""
    found = [scopes.device_scope(actor)] if actor is not None and not actor.sees_everything \
        else []
    if f.workshop_id is not None:
        found.append(Device.workshop_id == f.workshop_id)
    if f.category is not None:
        found.append(Device.category == f.category)
    return found


def counted(actor: User | None, f: Filter) -> tuple[dict[tuple[str, str, str | None], int],
                                                     datetime | None]:
    """The devices by (status, category, grade) now: as the worker last counted them (and
    when), else counted here (None: now)."""
    f = scoped(actor, f)
    snapshot = rollups.statuses(f)
    if snapshot is not None:
        return snapshot
    return {(status, category, grade): int(n) for status, category, grade, n in db.session.execute(
        select(Device.status, Device.category, Device.grade, func.count())
        .where(*conditions(actor, f)).group_by(Device.status, Device.category, Device.grade))}, \
        None


def funnel(actor: User | None, f: Filter) -> list[tuple[str, int]]:
    """Devices in each status now (a snapshot: the period does not apply), every status listed."""
    by_status: dict[str, int] = defaultdict(int)
    for (status, _, _), n in counted(actor, f)[0].items():
        by_status[status] += n
    return [(status.value, by_status.get(status.value, 0)) for status in FUNNEL]


@dataclass
class Week:
    monday: date
    came_in: int = 0
    went_out: int = 0


def weekly_flow(actor: User | None, f: Filter) -> list[Week]:
    """Per week of the period (weeks start on Monday; the first and last count only the days in
    the period): devices received or taken back, and devices that left the chain — counted at
    the workshop where it happened."""
    f = scoped(actor, f)
    found = rollups.passages(f, ("day", "to_status"), lambda t: [
        t.to_status.in_([s.value for s in FLOW_IN + FLOW_OUT])])
    weeks = {}
    monday = f.start - timedelta(days=f.start.weekday())
    while monday <= f.end:
        weeks[monday] = Week(monday)
        monday += timedelta(days=7)
    for (when, status), (n, _) in found.items():
        week = weeks[when - timedelta(days=when.weekday())]
        if status in FLOW_IN:
            week.came_in += n
        else:
            week.went_out += n
    return list(weeks.values())


def milestones(actor: User | None, f: Filter) -> list[tuple[str, int]]:
    """How many times each step of the chain was done in the period, at the workshop where it
    was done (a device taken back and refurbished again counts again)."""
    f = scoped(actor, f)
    found = rollups.passages(f, ("action",), lambda t: [t.action.in_(MILESTONES)])
    return [(action, found.get((action,), [0])[0]) for action in MILESTONES]


@dataclass
class LeadTime:
    start: str  # the stage the device was in
    end: str  # the stage it went to
    count: int  # passages measured
    median_hours: float | None
    p90_hours: float | None


def lead_times(actor: User | None, f: Filter) -> list[LeadTime]:
    """For each step (received → wiped, …, delivered → released): how long devices stayed in the
    first stage before going straight to the next, for the passages that ended in the period —
    from the history row that brought the device into the stage (the latest one, for a device
    taken back) to the row that moved it on, as the engine recorded it (`StagePassage`). Median
    and 90th percentile, interpolated between the two nearest passages (a spreadsheet's
    PERCENTILE), each passage counted in its 5 % duration bucket (`rollups.percentiles`)."""
    f = scoped(actor, f)
    found = rollups.passages(f, ("from_status", "to_status", "bucket"), lambda t: [
        or_(*(and_(t.from_status == a.value, t.to_status == b.value) for a, b in STEPS))])
    buckets: dict[tuple[str, str], list] = defaultdict(list)
    for (a, b, bucket), (n, seconds) in found.items():
        buckets[(a, b)].append((bucket, n, seconds))
    times = []
    for a, b in STEPS:
        step = buckets.get((a.value, b.value))
        if not step:
            times.append(LeadTime(a.value, b.value, 0, None, None))
            continue
        median, p90 = rollups.percentiles(step, (0.5, 0.9))
        times.append(LeadTime(a.value, b.value, sum(n for _, n, _ in step),
                              round(median / 3600, 1), round(p90 / 3600, 1)))
    return times


def stock(actor: User | None, f: Filter) -> list[tuple[str, str | None, int]]:
    """Devices ready to allocate now, by category and grade (a snapshot)."""
    return sorted(((category, grade, n) for (status, category, grade), n
                   in counted(actor, f)[0].items() if status == Status.READY and n),
                  key=lambda row: (row[0], row[1] or ""))


def stock_by_category(rows) -> dict[str, dict[str | None, int]]:
    table: dict[str, dict[str | None, int]] = defaultdict(dict)
    for category, grade, n in rows:
        table[category][grade] = n
    return dict(table)
