"""The events webhooks hear of, recorded where each change happens and in its transaction (the
outbox): a device's status (by the lifecycle engine, the one writer of a status), a deposit's
reception closed, a request decided. Once that transaction commits, each delivery is queued
for the worker; if it rolls back, nothing was recorded and nothing is sent.

Who hears of what: a webhook belongs to an organisation and receives only events about objects
in that organisation's scope, read with `recond.scopes` as the organisation as a whole — a
donor its deposits and their devices, a collection partner its deposits and their devices, a
workshop its own, a structure its requests and the devices allocated to it, the coordination
everything. A device's change is sent to whoever saw the device before it or sees it after
(a structure hears that a reservation for it was cancelled, and of its allocation).

What a payload says: public identifiers (device ID, deposit and request numbers), statuses,
counts, categories and times. Never a person: no beneficiary, tier, price, name, e-mail or
free-text comment (a comment may name someone).
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import event as orm_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from recond import scopes
from recond.extensions import db
from recond.models import (
    Deposit, Device, DeviceEvent, EquipmentRequest, Organisation, OrganisationKind, Webhook,
    WebhookDelivery,
)

DEVICE_STATUS = "device.status_changed"
DEPOSIT_RECEIVED = "deposit.received"
REQUEST_DECIDED = "request.decided"
EVENTS = (DEVICE_STATUS, DEPOSIT_RECEIVED, REQUEST_DECIDED)
EVENT_LABELS = {
    DEVICE_STATUS: _l("A device's status changed"),
    DEPOSIT_RECEIVED: _l("A deposit was received (its reception closed)"),
    REQUEST_DECIDED: _l("A request was decided"),
}
# Kept in the session for one transaction: the active webhooks (a small table, read once per
# transaction however many devices a batch moves), and the deliveries to queue at commit.
_HOOKS = "recond_webhooks"
_TO_QUEUE = "recond_webhook_deliveries"


def forget_cached_hooks() -> None:
    """After a webhook is added, switched on or off: read them again in this transaction."""
    db.session.info.pop(_HOOKS, None)


def _subscribed(event: str) -> list[tuple[int, int, str]]:
    """(webhook id, organisation id, organisation kind) of the active webhooks of `event`."""
    hooks = db.session.info.get(_HOOKS)
    if hooks is None:
        hooks = db.session.info[_HOOKS] = [tuple(row) for row in db.session.execute(
            select(Webhook.id, Webhook.events, Organisation.id, Organisation.kind)
            .join(Organisation, Organisation.id == Webhook.organisation_id)
            .where(Webhook.active.is_(True), Organisation.active.is_(True)))]
    return [(hook, org, kind) for hook, events, org, kind in hooks if event in (events or ())]


def _seeing(event: str, sees, object_id: int) -> set[int]:
    return {hook for hook, org, kind in _subscribed(event)
            if sees(scopes.organisation_reader(kind, org), object_id)}


def watching_device(device: Device) -> set[int]:
    """The webhooks that see the device now (asked before a change, to tell them of it even
    when the change takes the device out of their scope). One query however many webhooks:
    the organisations that see the device, matched to the webhooks here."""
    hooks = _subscribed(DEVICE_STATUS)
    everything = {hook for hook, _org, kind in hooks if kind == OrganisationKind.COORDINATION}
    if len(everything) == len(hooks):
        return everything
    seeing = scopes.organisations_seeing_device(device.id)
    return everything | {hook for hook, org, kind in hooks if (kind, org) in seeing}


def device_status_changed(device: Device, change: DeviceEvent, watched_before: set[int]) -> None:
    if not _subscribed(DEVICE_STATUS):
        return
    hooks = watched_before | watching_device(device)
    _record(DEVICE_STATUS, hooks, {
        "device": device.public_id, "category": device.category, "action": change.action,
        "from": change.from_status, "to": change.to_status, "at": _iso(change.at),
    })


def deposit_received(deposit: Deposit, *, expected: int, received: int, missing: int) -> None:
    if not _subscribed(DEPOSIT_RECEIVED):
        return
    _record(DEPOSIT_RECEIVED, _seeing(DEPOSIT_RECEIVED, scopes.sees_deposit, deposit.id), {
        "deposit": deposit.number, "status": deposit.status,
        "at": _iso(deposit.reception_closed_at), "devices_expected": expected,
        "devices_received": received, "devices_missing": missing,
    })


def request_decided(request: EquipmentRequest) -> None:
    if not _subscribed(REQUEST_DECIDED):
        return
    _record(REQUEST_DECIDED, _seeing(REQUEST_DECIDED, scopes.sees_request, request.id), {
        "request": request.number, "decision": request.status, "at": _iso(request.decided_at),
        "lines": [{"category": line.category, "quantity": line.quantity,
                   "approved_quantity": line.approved_quantity} for line in request.lines],
    })


def _record(event: str, hooks: set[int], payload: dict) -> None:
    if not hooks:
        return
    deliveries = [WebhookDelivery(webhook_id=hook, event=event, payload=payload)
                  for hook in sorted(hooks)]
    db.session.add_all(deliveries)
    db.session.flush()
    db.session.info.setdefault(_TO_QUEUE, []).extend(d.id for d in deliveries)


def _iso(at: datetime | None) -> str | None:
    return at.isoformat(timespec="seconds") + "Z" if at is not None else None


@orm_event.listens_for(Session, "after_commit")
def _queue_after_commit(session: Session) -> None:
    """The change is committed: queue its deliveries (never before, or a receiver could hear
    of a change that is then rolled back). Queuing uses Redis only, not the session; should
    Redis refuse, the rows stay pending and the worker's sweep sends them."""
    from recond.webhooks import delivery

    session.info.pop(_HOOKS, None)
    queued = session.info.pop(_TO_QUEUE, None)
    if queued:
        delivery.queue(queued)


@orm_event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    if session.in_nested_transaction():
        # A savepoint undone (one device of a batch): the batch's other deliveries stay. An
        # id of the undone savepoint finds no row, and its job does nothing.
        return
    session.info.pop(_HOOKS, None)
    session.info.pop(_TO_QUEUE, None)
