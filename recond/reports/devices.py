"""The devices' figures, read at the workshops: how many in each status, what came in and went
out week by week, how long each stage takes, and the stock ready to allocate. Each is one
aggregate query (GROUP BY in the database, never rows pulled to be counted here), scoped to the
reader (`scopes.device_scope`) and filtered by workshop and category (`reports.filters`)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select

from recond import scopes
from recond.extensions import db
from recond.lifecycle.statuses import Status
from recond.models import Device, DeviceEvent, StagePassage, User
from recond.reports.filters import Filter

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
    """The devices a figure counts: the reader's scope (none for the public's aggregates,
    which name no device, nor for the coordination), the workshop and the category. Empty when
    every device counts: the history's figures then need no join with the devices."""
    found = [scopes.device_scope(actor)] if actor is not None and not actor.sees_everything \
        else []
    if f.workshop_id is not None:
        found.append(Device.workshop_id == f.workshop_id)
    if f.category is not None:
        found.append(Device.category == f.category)
    return found


def funnel(actor: User | None, f: Filter) -> list[tuple[str, int]]:
    """Devices in each status now (a snapshot: the period does not apply), every status listed."""
    counts = dict(db.session.execute(
        select(Device.status, func.count()).where(*conditions(actor, f))
        .group_by(Device.status)).all())
    return [(status.value, int(counts.get(status, 0))) for status in FUNNEL]


def _of_devices(device_id, actor: User | None, f: Filter) -> list:
    """History rows of the devices a figure counts: no condition at all when every device
    counts (the coordination without a filter reads an index range, joined to nothing)."""
    found = conditions(actor, f)
    return [device_id.in_(select(Device.id).where(*found))] if found else []


@dataclass
class Week:
    monday: date
    came_in: int = 0
    went_out: int = 0


def weekly_flow(actor: User | None, f: Filter) -> list[Week]:
    """Per week of the period (weeks start on Monday; the first and last count only the days in
    the period): devices received or taken back, and devices that left the chain."""
    day = func.date(DeviceEvent.at)
    rows = db.session.execute(
        select(day, DeviceEvent.to_status, func.count())
        .where(DeviceEvent.to_status.in_([s.value for s in FLOW_IN + FLOW_OUT]),
               DeviceEvent.from_status.is_not(None),
               DeviceEvent.at >= f.since, DeviceEvent.at < f.until,
               *_of_devices(DeviceEvent.device_id, actor, f))
        .group_by(day, DeviceEvent.to_status))
    weeks = {}
    monday = f.start - timedelta(days=f.start.weekday())
    while monday <= f.end:
        weeks[monday] = Week(monday)
        monday += timedelta(days=7)
    for when, status, n in rows:
        when = when if isinstance(when, date) else date.fromisoformat(str(when)[:10])
        week = weeks[when - timedelta(days=when.weekday())]
        if status in FLOW_IN:
            week.came_in += n
        else:
            week.went_out += n
    return list(weeks.values())


def milestones(actor: User | None, f: Filter) -> list[tuple[str, int]]:
    """How many times each step of the chain was done in the period (a device taken back and
    refurbished again counts again)."""
    counts = dict(db.session.execute(
        select(DeviceEvent.action, func.count())
        .where(DeviceEvent.action.in_(MILESTONES), DeviceEvent.at >= f.since,
               DeviceEvent.at < f.until, *_of_devices(DeviceEvent.device_id, actor, f))
        .group_by(DeviceEvent.action)).all())
    return [(action, int(counts.get(action, 0))) for action in MILESTONES]


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
    and 90th percentile, interpolated between the two nearest values (a spreadsheet's
    PERCENTILE).

    PostgreSQL computes the percentiles itself (`percentile_cont`): however many passages, six
    rows come back. SQLite has no such function: the durations come back and pandas computes
    the same interpolation."""
    p = StagePassage
    passages = (select(p.from_status.label("start"), p.to_status.label("end"),
                       p.seconds.label("seconds"))
                .where(or_(*(and_(p.from_status == a.value, p.to_status == b.value)
                             for a, b in STEPS)),
                       p.left_at >= f.since, p.left_at < f.until,
                       *_of_devices(p.device_id, actor, f)))
    if db.session.get_bind().dialect.name == "postgresql":
        found = _percentiles_in_sql(passages.subquery())
    else:
        found = _percentiles_in_pandas(db.session.execute(passages).all())
    return [found.get((a.value, b.value), LeadTime(a.value, b.value, 0, None, None))
            for a, b in STEPS]


def _percentiles_in_sql(p) -> dict[tuple[str, str], LeadTime]:
    hours = p.c.seconds / 3600.0
    rows = db.session.execute(
        select(p.c.start, p.c.end, func.count(), func.percentile_cont(0.5).within_group(hours),
               func.percentile_cont(0.9).within_group(hours)).group_by(p.c.start, p.c.end))
    return {(a, b): LeadTime(a, b, int(n), round(float(median), 1), round(float(p90), 1))
            for a, b, n, median, p90 in rows}


def _percentiles_in_pandas(rows) -> dict[tuple[str, str], LeadTime]:
    import pandas as pd  # only where a report is computed: web workers stay light otherwise

    frame = pd.DataFrame(rows, columns=["start", "end", "seconds"])
    found: dict[tuple[str, str], LeadTime] = {}
    if not frame.empty:
        frame["hours"] = frame["seconds"] / 3600
        for (a, b), group in frame.groupby(["start", "end"]):
            found[(a, b)] = LeadTime(a, b, len(group), round(float(group["hours"].median()), 1),
                                     round(float(group["hours"].quantile(0.9)), 1))
    return found


def stock(actor: User | None, f: Filter) -> list[tuple[str, str | None, int]]:
    """Devices ready to allocate now, by category and grade (a snapshot)."""
    return [(category, grade, int(n)) for category, grade, n in db.session.execute(
        select(Device.category, Device.grade, func.count())
        .where(Device.status == Status.READY, *conditions(actor, f))
        .group_by(Device.category, Device.grade).order_by(Device.category, Device.grade))]


def stock_by_category(rows) -> dict[str, dict[str | None, int]]:
    table: dict[str, dict[str | None, int]] = defaultdict(dict)
    for category, grade, n in rows:
        table[category][grade] = n
    return dict(table)
