"""The device history: one row per accepted action, never updated nor deleted, each row
chained to the device's previous one by a keyed hash (`link`); and the checkpoints that seal
the whole history now and then (`recond.lifecycle.chain` says why both).

The application only ever inserts here; the migrations add triggers that make the database
itself refuse UPDATE and DELETE on these tables, and the application's database role is granted
no more than SELECT and INSERT on them.
"""
import math
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recond.clock import utcnow
from recond.extensions import db
from recond.models.organisation import Organisation
from recond.models.user import User


class DeviceEvent(db.Model):
    __tablename__ = "device_event"
    __table_args__ = (
        # The reports (recond.reports) read the history by period: the statuses reached (flows,
        # lead times) and the actions done (the programme's steps).
        Index("ix_device_event_to_status_at", "to_status", "at"),
        Index("ix_device_event_action_at", "action", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # HMAC-SHA256 (hex) of the device's previous link and this row's content: written by the
    # engine with the row, checked by `recond verify-history` and the device page.
    link: Mapped[str | None] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class StagePassage(db.Model):
    """How long a device stayed in a status before a transition moved it on: one row per
    transition, written by the engine with the history row (a rollup of the history, which it
    can always be rebuilt from). The reports' lead times read a range of it by `left_at`
    instead of looking up, for each transition, when the device had entered its status."""

    __tablename__ = "stage_passage"
    __table_args__ = (Index("ix_stage_passage_to_status_left_at", "to_status", "left_at"),
                      # the reports' days not yet rolled up (`recond.reports.rollups`)
                      Index("ix_stage_passage_left_at", "left_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    entered_at: Mapped[datetime]
    left_at: Mapped[datetime]
    seconds: Mapped[int]
    # What the reports count a passage by, as it was when it happened: the action that moved
    # the device on, the workshop where it was done, the device's category, and the duration's
    # bucket (`duration_bucket`). Empty only on rows older than migration 0029 that it could
    # not fill.
    action: Mapped[str | None] = mapped_column(String(30))
    workshop_id: Mapped[int | None] = mapped_column()
    category: Mapped[str | None] = mapped_column(String(20))
    bucket: Mapped[int | None] = mapped_column(SmallInteger)


# Durations are counted in buckets 5 % wide (bucket b holds [1.05**b, 1.05**(b+1)) seconds),
# so that a period's median and 90th percentile are read from a few hundred counts per step,
# however many passages there were. Each bucket also keeps the sum of its durations: a
# percentile lands on its bucket's mean, exact when the bucket's passages lasted alike, and
# never further than the bucket's width (5 %) from the exact one.
BUCKET_RATIO = 1.05


def duration_bucket(seconds: int) -> int:
    return int(math.floor(math.log(max(seconds, 1)) / math.log(BUCKET_RATIO)))


class HistoryCheckpoint(db.Model):
    """A seal over every history row up to `through_event_id`: how many there were and a digest
    of their links, chained to the previous checkpoint. Written by `recond verify-history`."""

    __tablename__ = "history_checkpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    through_event_id: Mapped[int]
    events: Mapped[int]
    digest: Mapped[str] = mapped_column(String(64))
    link: Mapped[str] = mapped_column(String(64))
