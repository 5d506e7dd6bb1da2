"""The reports' rollups, kept by the worker (`recond.reports.rollups`) so that a dashboard reads
a few thousand rows whatever the size of the history: the stage passages counted per day, and
a snapshot of the devices counted by status. Both can always be rebuilt from the history's
rollup (`stage_passage`) and the devices; nothing here is evidence of anything."""
from datetime import date, datetime

from sqlalchemy import BigInteger, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from recond.extensions import db

# The rollups hold each figure at four grains, so that any filter reads only its own rows: every
# workshop and category together, per workshop, per category, and per workshop and category.
ALL_WORKSHOPS = 0  # no organisation has this id
ALL_CATEGORIES = "*"  # no category has this code


class PassageDay(db.Model):
    """The passages of one day (UTC) that went from a status to another by an action, at one
    grain, per duration bucket: how many, and their total duration in seconds."""

    __tablename__ = "passage_day"

    workshop_id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(30), primary_key=True)
    from_status: Mapped[str] = mapped_column(String(20), primary_key=True)
    to_status: Mapped[str] = mapped_column(String(20), primary_key=True)
    bucket: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    passages: Mapped[int]
    seconds: Mapped[int] = mapped_column(BigInteger)


class PassageDayTotal(db.Model):
    """The same passages without their duration buckets: what the counts read (steps done, the
    weekly flow), about a hundredth of `passage_day`'s rows. Rolled from `passage_day`."""

    __tablename__ = "passage_day_total"

    workshop_id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(30), primary_key=True)
    from_status: Mapped[str] = mapped_column(String(20), primary_key=True)
    to_status: Mapped[str] = mapped_column(String(20), primary_key=True)
    passages: Mapped[int]
    seconds: Mapped[int] = mapped_column(BigInteger)


class StatusCount(db.Model):
    """The devices per workshop, category, status and grade at `ReportRollup.counted_at`."""

    __tablename__ = "status_count"

    workshop_id: Mapped[int] = mapped_column(primary_key=True)  # 0: no workshop
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    grade: Mapped[str] = mapped_column(String(1), primary_key=True)  # "": not graded
    devices: Mapped[int]


class ReportRollup(db.Model):
    """Where the rollups stand (one row, id 1, written by the first roll): every day before
    `days_before` is in `passage_day` and `passage_day_total`; `status_count` was counted at
    `counted_at`. No row: not rolled up yet, read live."""

    __tablename__ = "report_rollup"

    id: Mapped[int] = mapped_column(primary_key=True)
    days_before: Mapped[date | None]
    counted_at: Mapped[datetime | None]
