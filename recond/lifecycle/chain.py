"""The history proves itself: each device's events are chained by a keyed hash, and
checkpoints now and then seal the whole history.

Each `DeviceEvent.link` is HMAC-SHA256(key, previous link of the same device + the row's
content). The triggers and the application role's grants stop the application from editing
history; the chain is for what they cannot stop — the database's owner (or anyone with a copy
of the files) setting the triggers aside and rewriting rows. Such an edit no longer matches its
link, and `verify` names the first event where the chain breaks. The key is not in the database
(`RECOND_HISTORY_KEY`, or else `RECOND_SECRET_KEY`, through `key()`), so the owner cannot
recompute the links after an edit either.

Why one chain per device, not one for the whole history: a global chain makes every history
write, on any device, wait for the one before it (each needs the last link), and a manifest
import holding that point for a minute would stall every scan in the workshop. Per device, the
link is taken under a guarantee the engine already has: every event bumps its device's
optimistic version in the same transaction, so of two actions on one device at once only one
commits, and the one that commits had read the device, and so the last link, after the other
committed (see `engine._append`) — the chain cannot fork, with no new lock.

What a per-device chain alone cannot see is a removal at the end: the last events of a device,
or all of them (the device row with it). Checkpoints cover that: `verify` adds one recording
how many events there are up to an id and a digest of their links, itself chained to the
previous checkpoint.
A row removed, or slipped in, below a checkpoint's id no longer adds up. Only events newer than
`SEAL_MARGIN` are left out of a checkpoint (a transaction still open could yet commit rows with
lower ids: a manifest import may run for the job timeout, an hour). What the owner could still
cut from the end of a device's history without a trace is what came after the last
checkpoint; and removing the last checkpoints themselves is seen only against a copy kept
elsewhere. So `recond verify-history` runs daily (deploy/) and prints the checkpoint's link,
which the journal keeps out of the database as an anchor.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Mapping

from flask import current_app
from sqlalchemy import exists, func, select

from recond.clock import utcnow
from recond.extensions import db
from recond.models import Device, DeviceEvent, HistoryCheckpoint

GENESIS = ""  # the "previous link" of a device's first event
SEAL_MARGIN = timedelta(hours=2)  # longer than any transaction may stay open (job timeout: 1 h)
# One encoder for every link (a manifest import links tens of thousands of rows at once).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_COLUMNS = (DeviceEvent.id, DeviceEvent.device_id, DeviceEvent.action, DeviceEvent.from_status,
            DeviceEvent.to_status, DeviceEvent.actor_id, DeviceEvent.organisation_id,
            DeviceEvent.at, DeviceEvent.payload, DeviceEvent.link)


def key() -> bytes:
    source = current_app.config.get("HISTORY_KEY") or current_app.config["SECRET_KEY"]
    return hmac.new(str(source).encode(), b"recond device history v1", hashlib.sha256).digest()


def link(secret: bytes, previous: str, event: Mapping[str, Any]) -> str:
    """The link of one event (a row, a mapping or a model) after `previous`. Its payload must be
    what JSON gives back (the engine makes it so before linking): keys sorted here."""
    if not isinstance(event, Mapping):
        event = {name: getattr(event, name) for name in
                 ("device_id", "action", "from_status", "to_status", "actor_id",
                  "organisation_id", "at", "payload")}
    content = [previous, event["device_id"], event["action"], event["from_status"],
               event["to_status"], event["actor_id"], event["organisation_id"],
               event["at"].isoformat(timespec="microseconds"), event["payload"]]
    return hmac.digest(secret, _CANONICAL.encode(content).encode(), "sha256").hex()


def last_link(device_id: int) -> str:
    return db.session.scalar(select(DeviceEvent.link).where(DeviceEvent.device_id == device_id)
                             .order_by(DeviceEvent.id.desc()).limit(1)) or GENESIS


def first_break(device: Device) -> DeviceEvent | None:
    """The device's first event that does not match its link (None: its history is intact).
    What this cannot see alone — its last events removed — the checkpoints see."""
    secret, previous = key(), GENESIS
    for event in db.session.scalars(select(DeviceEvent).where(DeviceEvent.device_id == device.id)
                                    .order_by(DeviceEvent.id)):
        if event.link != link(secret, previous, event):
            return event
        previous = event.link
    return None


@dataclass
class Break:
    event_id: int
    device: str
    action: str
    at: datetime

    def __str__(self) -> str:
        return (f"event #{self.event_id} ({self.action} of {self.at:%Y-%m-%d %H:%M:%S} UTC, "
                f"device {self.device}) does not match its link: it was altered, or an event "
                f"before it on that device was removed")


@dataclass
class Report:
    events: int = 0
    devices: int = 0
    broken: int = 0  # events that do not match their link; the first `limit` in `breaks`
    breaks: list[Break] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # checkpoints, devices without history
    sealed: HistoryCheckpoint | None = None
    last_checkpoint: HistoryCheckpoint | None = None

    @property
    def intact(self) -> bool:
        return not self.broken and not self.problems


class _Tally:
    """Count and digest of the links seen so far, in id order, snapshot at checkpoint ids."""

    def __init__(self, boundaries: list[int]) -> None:
        self.pending = sorted(set(boundaries))
        self.count = 0
        self.hasher = hashlib.sha256()
        self.at: dict[int, tuple[int, str]] = {}

    def before(self, event_id: int | None) -> None:
        while self.pending and (event_id is None or event_id > self.pending[0]):
            self.at[self.pending.pop(0)] = (self.count, self.hasher.hexdigest())

    def add(self, event_link: str | None) -> None:
        self.count += 1
        self.hasher.update((event_link or "-").encode())


def verify(seal_margin: timedelta | None = SEAL_MARGIN, limit: int = 20) -> Report:
    """Check every device's chain and every checkpoint; when all holds and `seal_margin` is
    given, add a checkpoint through the last event older than the margin. Flushes only."""
    secret = key()
    checkpoints = list(db.session.scalars(select(HistoryCheckpoint).order_by(HistoryCheckpoint.id)))
    horizon = None
    if seal_margin is not None:
        horizon = db.session.scalar(select(func.max(DeviceEvent.id))
                                    .where(DeviceEvent.at <= utcnow() - seal_margin))
    tally = _Tally([c.through_event_id for c in checkpoints] + ([horizon] if horizon else []))
    report = Report(last_checkpoint=checkpoints[-1] if checkpoints else None)
    heads: dict[int, str] = {}
    rows = db.session.execute(select(*_COLUMNS).order_by(DeviceEvent.id)
                              .execution_options(yield_per=2000))
    for row in rows.mappings():
        tally.before(row["id"])
        tally.add(row["link"])
        if row["link"] != link(secret, heads.get(row["device_id"], GENESIS), row):
            report.broken += 1
            if len(report.breaks) < limit:
                report.breaks.append(_break(row))
        # The next event is checked against the link as stored: one edit, one break.
        heads[row["device_id"]] = row["link"]
    tally.before(None)
    report.events, report.devices = tally.count, len(heads)
    report.problems += _checkpoint_problems(secret, checkpoints, tally)
    silent = db.session.scalars(select(Device.public_id).where(
        ~exists().where(DeviceEvent.device_id == Device.id)).order_by(Device.id).limit(limit)).all()
    report.problems += [f"device {public} has no history at all: its events were removed"
                        for public in silent]
    if report.intact and horizon and (not checkpoints or horizon > checkpoints[-1].through_event_id):
        report.sealed = _seal(secret, checkpoints[-1] if checkpoints else None, horizon,
                              *tally.at[horizon])
        report.last_checkpoint = report.sealed
    return report


def _break(row) -> Break:
    public = db.session.scalar(select(Device.public_id).where(Device.id == row["device_id"]))
    return Break(row["id"], public or f"#{row['device_id']} (deleted)", row["action"], row["at"])


def _checkpoint_link(secret: bytes, previous: str, through: int, events: int, digest: str,
                     at: datetime) -> str:
    message = json.dumps([previous, through, events, digest, at.isoformat(timespec="microseconds")])
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


def _checkpoint_problems(secret: bytes, checkpoints: list[HistoryCheckpoint],
                         tally: _Tally) -> list[str]:
    problems, previous = [], GENESIS
    for checkpoint in checkpoints:
        name = f"checkpoint #{checkpoint.id} of {checkpoint.at:%Y-%m-%d %H:%M:%S} UTC"
        if checkpoint.link != _checkpoint_link(secret, previous, checkpoint.through_event_id,
                                               checkpoint.events, checkpoint.digest, checkpoint.at):
            problems.append(f"{name} does not match its link: it was altered, or one before it "
                            f"was removed")
        count, digest = tally.at[checkpoint.through_event_id]
        if (count, digest) != (checkpoint.events, checkpoint.digest):
            problems.append(f"{name} sealed {checkpoint.events} events up to event "
                            f"#{checkpoint.through_event_id}; there are now {count}"
                            + ("" if count != checkpoint.events else ", not the same ones")
                            + ": events were removed or added below it")
        previous = checkpoint.link
    return problems


def _seal(secret: bytes, previous: HistoryCheckpoint | None, through: int, events: int,
          digest: str) -> HistoryCheckpoint:
    at = utcnow()
    checkpoint = HistoryCheckpoint(
        at=at, through_event_id=through, events=events, digest=digest,
        link=_checkpoint_link(secret, previous.link if previous else GENESIS, through, events,
                              digest, at))
    db.session.add(checkpoint)
    db.session.flush()
    return checkpoint
