"""The reports' rollups (`recond.models.report_rollup`): each day, once it is over, its stage
passages counted at four grains; and the devices counted by status. The worker keeps them in
its maintenance round (every few minutes), `recond reports-rollup` on demand.

A figure over a period reads its rolled days from `passage_day` (the lead times, which need the
durations' buckets) or `passage_day_total` (the counts: a hundredth of the rows), and the rest
(today, and any day not rolled yet) from `stage_passage` itself, counted the same way, so it is
the same whether its days are rolled or not, and current to the last action. Without a worker
(the embedded default) nothing is rolled and every figure is read from `stage_passage`.

Why days rolled by the worker rather than counters the engine would update with each action:
every action of a workshop would update the same few rows (today's, that workshop's) and wait
on each other's locks; the worker writes each day once. Why a snapshot of the statuses: counting
ten million devices takes more than a second, the snapshot is minutes old at most, and the
page says when it was counted. Measured in docs/benchmarks.md ("Reports at … devices")."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from math import ceil, floor
from typing import Callable, Iterable

from sqlalchemy import delete, func, insert, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite

from recond.clock import utcnow
from recond.extensions import db
from recond.models import (
    Device, PassageDay, PassageDayTotal, ReportRollup, StagePassage, StatusCount,
)
from recond.models.report_rollup import ALL_CATEGORIES, ALL_WORKSHOPS
from recond.reports.filters import Filter

# A day is rolled one hour after it ended: no action begun that day is still being written.
MARGIN = timedelta(hours=1)
# The worker rolls at most this many days a round, so that a round stays short after a long
# pause; the command rolls every day at once.
DAYS_PER_ROUND = 31
# What a figure counts passages by: names common to `passage_day` and `stage_passage`.
KEYS = ("day", "action", "from_status", "to_status", "bucket")


def state(*, for_update: bool = False) -> ReportRollup:
    """Where the rollups stand; `for_update` (the writers) locks it. Without its row (never
    rolled) it reads as empty; the first writer inserts it (two at once: the second waits for
    the first's, then does nothing)."""
    query = select(ReportRollup).where(ReportRollup.id == 1)
    if not for_update:
        return db.session.scalar(query) or ReportRollup(id=1)
    dialect = db.session.get_bind().dialect.name
    upsert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(upsert(ReportRollup).values(id=1).on_conflict_do_nothing())
    return db.session.scalar(query.with_for_update())


def refresh(now: datetime | None = None, *, every_day: bool = False) -> int:
    """Roll the days that are over and count the statuses again; the caller commits. Returns
    the number of days rolled. Two workers at once: the second waits for the first's lock, then
    finds the days rolled."""
    now = now or utcnow()
    rollup = state(for_update=True)
    last = (now - MARGIN).date()  # days before this one are over
    first = rollup.days_before or _first_day()
    rolled = 0
    if first is not None and first < last:
        end = last if every_day else min(last, first + timedelta(days=DAYS_PER_ROUND))
        roll_days(first, end)
        rollup.days_before, rolled = end, (end - first).days
    elif first is None:
        rollup.days_before = last  # no passage yet: nothing before today to roll
    count_statuses()
    rollup.counted_at = now
    return rolled


def rebuild(now: datetime | None = None) -> int:
    """Every day rolled again from the passages (after a backfill or a bulk load)."""
    rollup = state(for_update=True)
    db.session.execute(delete(PassageDay))
    db.session.execute(delete(PassageDayTotal))
    rollup.days_before = None
    return refresh(now, every_day=True)


def _first_day() -> date | None:
    first = db.session.scalar(select(func.min(StagePassage.left_at)))
    return first.date() if first is not None else None


def _grains() -> list[tuple]:
    """(workshop column, category column, conditions) of each grain `passage_day` holds."""
    p = StagePassage
    every_workshop = literal_column(str(ALL_WORKSHOPS))
    every_category = literal_column(f"'{ALL_CATEGORIES}'")
    return [(every_workshop, every_category, []),
            (p.workshop_id, every_category, [p.workshop_id.is_not(None)]),
            (every_workshop, p.category, [p.category.is_not(None)]),
            (p.workshop_id, p.category, [p.workshop_id.is_not(None), p.category.is_not(None)])]


def roll_days(first: date, end: date) -> None:
    """The passages of the days [first, end) counted into `passage_day`, then its totals without
    the buckets into `passage_day_total` (replacing those days in both)."""
    p = StagePassage
    for table in (PassageDay, PassageDayTotal):
        db.session.execute(delete(table).where(table.day >= first, table.day < end))
    since, until = datetime.combine(first, time.min), datetime.combine(end, time.min)
    columns = ["workshop_id", "category", "day", "action", "from_status", "to_status", "bucket",
               "passages", "seconds"]
    for workshop, category, conditions in _grains():
        keys = [func.date(p.left_at), func.coalesce(p.action, ""), p.from_status, p.to_status,
                func.coalesce(p.bucket, 0)]
        grouped = [c for c in (workshop, category) if c is p.workshop_id or c is p.category]
        db.session.execute(insert(PassageDay).from_select(columns, select(
            workshop, category, *keys, func.count(), func.sum(p.seconds))
            .where(p.left_at >= since, p.left_at < until, *conditions)
            .group_by(*grouped, *keys)))
    d = PassageDay
    keys = [d.workshop_id, d.category, d.day, d.action, d.from_status, d.to_status]
    db.session.execute(insert(PassageDayTotal).from_select(
        [*(k.key for k in keys), "passages", "seconds"],
        select(*keys, func.sum(d.passages), func.sum(d.seconds))
        .where(d.day >= first, d.day < end).group_by(*keys)))


def count_statuses() -> None:
    """`status_count` counted again from the devices."""
    d = Device
    db.session.execute(delete(StatusCount))
    workshop, grade = func.coalesce(d.workshop_id, 0), func.coalesce(d.grade, "")
    db.session.execute(insert(StatusCount).from_select(
        ["workshop_id", "category", "status", "grade", "devices"],
        select(workshop, d.category, d.status, grade, func.count())
        .group_by(workshop, d.category, d.status, grade)))


def passages(f: Filter, keys: Iterable[str],
             where: Callable[[type], list] = lambda table: []) -> dict[tuple, list[int]]:
    """The passages that ended in the filter's period (and its workshop and category), counted
    by `keys` (names in KEYS): {key values: [passages, seconds]}. `where(table)` adds conditions
    on the columns both tables share (action, from_status, to_status)."""
    keys = tuple(keys)
    found: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    days_before = state().days_before
    if days_before is not None and f.start < days_before:
        t = PassageDay if "bucket" in keys else PassageDayTotal
        columns = [getattr(t, k) for k in keys]
        rows = db.session.execute(
            select(*columns, func.sum(t.passages), func.sum(t.seconds))
            .where(t.workshop_id == (f.workshop_id or ALL_WORKSHOPS),
                   t.category == (f.category or ALL_CATEGORIES),
                   t.day >= f.start, t.day < min(f.end + timedelta(days=1), days_before),
                   *where(t))
            .group_by(*columns))
        _add(found, rows, keys)
    since = max(f.since, datetime.combine(days_before, time.min)) if days_before else f.since
    if since < f.until:
        t = StagePassage
        live = {"day": func.date(t.left_at), "action": func.coalesce(t.action, ""),
                "from_status": t.from_status, "to_status": t.to_status,
                "bucket": func.coalesce(t.bucket, 0)}
        columns = [live[k] for k in keys]
        conditions = [t.left_at >= since, t.left_at < f.until, *where(t)]
        if f.workshop_id is not None:
            conditions.append(t.workshop_id == f.workshop_id)
        if f.category is not None:
            conditions.append(t.category == f.category)
        rows = db.session.execute(
            select(*columns, func.count(), func.sum(t.seconds)).where(*conditions)
            .group_by(*columns))
        _add(found, rows, keys)
    return dict(found)


def _add(found: dict, rows, keys: tuple[str, ...]) -> None:
    for *values, n, seconds in rows:
        if "day" in keys:  # SQLite's date() is text
            i = keys.index("day")
            if not isinstance(values[i], date):
                values[i] = date.fromisoformat(str(values[i])[:10])
        total = found[tuple(values)]
        total[0] += int(n)
        total[1] += int(seconds or 0)


def statuses(f: Filter) -> tuple[dict[tuple[str, str, str | None], int], datetime] | None:
    """The devices by (status, category, grade) in the filter's workshop and category, as last
    counted, and when; None before the first count (then a figure counts the devices)."""
    counted_at = state().counted_at
    if counted_at is None:
        return None
    t = StatusCount
    conditions = []
    if f.workshop_id is not None:
        conditions.append(t.workshop_id == f.workshop_id)
    if f.category is not None:
        conditions.append(t.category == f.category)
    rows = db.session.execute(
        select(t.status, t.category, t.grade, func.sum(t.devices)).where(*conditions)
        .group_by(t.status, t.category, t.grade))
    return {(status, category, grade or None): int(n) for status, category, grade, n in rows}, \
        counted_at


def percentiles(buckets: Iterable[tuple[int, int, int]],
                ranks: Iterable[float]) -> list[float]:
    """Percentiles (0–1) of durations counted in buckets [(bucket, passages, seconds)], in
    seconds, interpolated between the two nearest passages as a spreadsheet's PERCENTILE does,
    each passage standing at its bucket's mean duration."""
    ordered = sorted((b, n, s) for b, n, s in buckets if n)
    total = sum(n for _, n, _ in ordered)

    def nth(k: int) -> float:
        for _, n, seconds in ordered:
            if k < n:
                return seconds / n
            k -= n
        raise IndexError(k)

    found = []
    for rank in ranks:
        position = rank * (total - 1)
        low, high = nth(floor(position)), nth(ceil(position))
        found.append(low + (position - floor(position)) * (high - low))
    return found
