"""The engine: the one place that changes a device's status and writes its history, each row
chained to the device's previous one (`recond.lifecycle.chain`).

Every function takes the actor explicitly, flushes and never commits: the request or the job
that called it commits once, or rolls everything back.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from recond import capabilities, categories, public_id, scopes
from recond.clock import utcnow
from recond.errors import Conflict, DomainError, InvalidInput, NotFound, Refused
from recond.extensions import db
from recond.lifecycle import bulk_insert, chain
from recond.lifecycle.actions import ACTIONS, Action, Context
from recond.lifecycle.statuses import STATUS_LABELS, TRANSFERABLE, Status, status_write
from recond.models import (
    Deposit, Device, DeviceEvent, StagePassage, StorageMedium, TransferItem, TransferNote,
    TransferStatus, User,
)
from recond.models.deposit import RECEPTION_OPEN
from recond.models.history import duration_bucket
from recond.webhooks import events as webhook_events

def available_actions(actor: User, device: Device) -> list[Action]:
    """The actions this actor could try now (guards may still refuse them)."""
    category = categories.get(device.category)
    return [a for a in ACTIONS.values() if a.by_hand
            and capabilities.can(actor, a.capability) and device.status in a.sources(category)]


def _permitted_action(actor: User, action_name: Any) -> Action:
    action = ACTIONS.get(action_name) if isinstance(action_name, str) else None
    if action is None:
        raise InvalidInput(_l("Unknown action “%(action)s”.", action=str(action_name)[:50]),
                           code="unknown_action")
    capabilities.require(actor, action.capability,
                         _l("Your role may not “%(action)s” a device.", action=action.label))
    return action


# The link of a device's last event, read with the device (`act`).
_LAST_LINK = (select(DeviceEvent.link).where(DeviceEvent.device_id == Device.id)
              .order_by(DeviceEvent.id.desc()).limit(1).scalar_subquery())


def act(actor: User, public: str, action_name: str, payload: dict[str, Any] | None = None,
        *, expected_version: int | None = None) -> Device:
    """Perform an action on the device `actor` names by its public ID (the API, the batch).

    One statement reads the device within the actor's scope with what the guards and the
    history need — its deposit (a reception's guard) and the link of its last event — so the
    action then costs one update (status and version checked) and one history insert. No row
    lock: the update's version check already turns a second writer into a conflict, and under
    a lock PostgreSQL would hand back the device as it is after the wait with the last link
    from before it (a subquery reads the statement's snapshot), forking the chain.
    """
    row = db.session.execute(
        select(Device, _LAST_LINK).options(joinedload(Device.deposit))
        .where(Device.public_id == public, scopes.device_scope(actor))).first()
    if row is None:
        raise NotFound(_l("No device %(id)s in what you may see.", id=public))
    device, link = row
    perform(actor, device, action_name, payload, expected_version=expected_version,
            head=(device.version, link or chain.GENESIS))
    return device


def perform(actor: User, device: Device, action_name: str, payload: dict[str, Any] | None = None,
            *, expected_version: int | None = None,
            head: tuple[int, str] | None = None) -> DeviceEvent:
    """`head`: the device's version and the link of its last event, read together (`act`); the
    history then needs no read of its own while the version is still that one."""
    action = _permitted_action(actor, action_name)
    scopes.require_visible_device(actor, device)
    category = categories.get(device.category)
    if device.status not in action.sources(category) and _last_action(device) == action.name:
        # A second press (a resubmitted form, a double scan): say it is done, before saying
        # that the page was stale.
        raise Refused(_l("Already done: %(done)s. Nothing changed.", done=action.done),
                      code="wrong_status")
    if expected_version is not None and expected_version != device.version:
        raise _conflict(device.public_id)
    # Only a device at a workshop's bench or ready goes on a transfer note, and while on its way
    # nothing changes its status: any other status needs no look at the notes.
    transit = _in_transit(device) if device.status in TRANSFERABLE else None
    if transit is not None:
        raise Refused(_l("%(id)s is on its way to %(workshop)s (transfer note %(note)s): it is "
                         "received there before anything else.", id=device.public_id,
                         workshop=transit.to_workshop.name, note=transit.number),
                      code="in_transit")
    if device.status not in action.sources(category):
        raise Refused(
            _l("“%(action)s” is not possible while the device is %(status)s.",
               action=action.label, status=STATUS_LABELS[Status(device.status)]),
            code="wrong_status",
        )
    values = _parse(action, category, payload or {})
    ctx = Context(actor, device, category, values, record=dict(values))
    reasons = [reason for guard in action.guards for reason in guard(ctx)]
    if reasons:
        raise Refused(" ".join(str(r) for r in reasons) if len(reasons) > 1 else reasons[0],
                      details={"reasons": [str(r) for r in reasons], **ctx.details})
    public = device.public_id  # unreadable after a failed flush
    try:
        # Whose webhooks see the device before the effect (a cancelled reservation takes it
        # out of the structure's scope, which still hears of it).
        watched = webhook_events.watching_device(device)
        if action.effect is not None:
            action.effect(ctx)
        event = _transition(actor, device, action.name, action.target, ctx.record, head)
        webhook_events.device_status_changed(device, event, watched)
        return event
    except (StaleDataError, IntegrityError):
        # Someone committed first: the device's version moved, or a unique rule (one live
        # allocation per device) caught the second writer. Either way, a conflict.
        raise _conflict(public) from None


def register(actor: User, deposit: Deposit, *, category: str, brand: str = "", model: str = "",
             serial: str | None = None, asset_tag: str | None = None,
             specs: dict[str, Any] | None = None, media: list[dict[str, Any]] = ()) -> Device:
    """A device enters Recond as `registered`, with a fresh public ID and its first history row."""
    check_can_register(actor, deposit)
    if categories.get(category) is None:
        raise InvalidInput(_l("Unknown category “%(category)s”.", category=category))
    now = utcnow()
    with status_write():
        device = Device(
            public_id=_unused_public_id(), deposit_id=deposit.id,
            workshop_id=deposit.workshop_id, category=category, brand=brand, model=model,
            serial=serial or None, serial_key=serial_key(serial), asset_tag=asset_tag or None,
            specs=specs or {}, status=Status.REGISTERED, created_at=now, status_since=now,
        )
    db.session.add(device)
    for medium in media:
        device.media.append(StorageMedium(**medium))
    db.session.flush()
    _append(actor, device, "register", None, {"deposit": deposit.number}, new_device=True, at=now)
    db.session.flush()
    return device


def register_many(actor: User, deposit: Deposit, rows: list[dict[str, Any]],
                  progress: Callable[[int], None] | None = None, chunk: int = 2000) -> int:
    """Register many devices at once (a manifest): the same rules as `register`, bulk inserts.

    Each row: category, brand, model, serial, asset_tag, specs, media (list of dicts).
    """
    check_can_register(actor, deposit)
    for row in rows:
        if categories.get(row["category"]) is None:
            raise InvalidInput(_l("Unknown category “%(category)s”.", category=row["category"]))
    codes = _unused_public_ids(len(rows))
    now = utcnow()
    secret = chain.key()
    done = 0
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        devices = [{"public_id": codes[start + i], "deposit_id": deposit.id,
                    "workshop_id": deposit.workshop_id, "category": r["category"],
                    "brand": r.get("brand") or "", "model": r.get("model") or "",
                    "serial": r.get("serial") or None, "serial_key": serial_key(r.get("serial")),
                    "asset_tag": r.get("asset_tag") or None, "specs": r.get("specs") or {},
                    "status": Status.REGISTERED.value, "cycle": 1, "version": 1,
                    "created_at": now, "updated_at": now, "status_since": now}
                   for i, r in enumerate(part)]
        with status_write():  # bulk inserts bypass the ORM's attribute events; still the engine
            ids = bulk_insert.devices(devices)
        events = [{"device_id": device_id, "action": "register", "from_status": None,
                   "to_status": Status.REGISTERED.value, "actor_id": actor.id,
                   "organisation_id": actor.organisation_id, "at": now,
                   "payload": {"deposit": deposit.number}} for device_id in ids]
        for event in events:  # each device's first event: its chain starts here
            event["link"] = chain.link(secret, chain.GENESIS, event)
        bulk_insert.rows(DeviceEvent.__table__, events)
        bulk_insert.rows(StorageMedium.__table__, [
            {"device_id": device_id, "kind": m.get("kind") or "hdd", "brand": "", "model": "",
             "serial": m.get("serial"), "capacity_gb": m.get("capacity_gb"), "removed_at": None}
            for device_id, r in zip(ids, part) for m in r.get("media", ())])
        done += len(part)
        if progress is not None:
            progress(done)
    return done


def check_batch(actor: User, action_name: str, payload: dict[str, Any]) -> None:
    """What refuses a whole batch before it is queued: an unknown action, a role that may not
    do it, details that are not the action's or not of its types. What depends on each device
    (its status, its category's checklist, the guards) is then decided device by device."""
    _parse(_permitted_action(actor, action_name), None, payload)


def perform_batch(actor: User, public_ids: list[str], action_name: str,
                  payload: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Apply one action to many devices; each succeeds or fails on its own (a savepoint each)."""
    results = []
    for pid in public_ids:
        try:
            with db.session.begin_nested():
                device = act(actor, pid, action_name, payload)
            results.append({"public_id": pid, "ok": True, "status": device.status})
        except DomainError as error:
            results.append({"public_id": pid, "ok": False, "code": error.code,
                            "message": str(error.message)})
    return results


def note(actor: User, device: Device, action: str, payload: dict[str, Any]) -> DeviceEvent:
    """Write a history row for a change that is not a transition (a storage medium added,
    destroyed, removed…): the status stays, and from_status is empty as no status moved.

    The device's version moves too, so that an action decided on what the device was a moment
    ago (a `wipe` checking its media) gets a conflict instead of passing on stale facts.
    """
    public = device.public_id
    try:
        event = _append(actor, device, action, None, payload)
        db.session.flush()
    except StaleDataError:
        raise _conflict(public) from None
    return event


def move(actor: User, device: Device, action: str, workshop_id: int,
         payload: dict[str, Any]) -> DeviceEvent:
    """The device changes workshop (a transfer's arrival, a deposit routed elsewhere): its
    workshop is part of who may see it, so the change is history, written with it. The status
    stays."""
    device.workshop_id = workshop_id
    return note(actor, device, action, payload)


def serial_key(serial: str | None) -> str | None:
    if not serial:
        return None
    return "".join(serial.split()).upper() or None


def _transition(actor: User, device: Device, action: str, target: Status,
                record: dict[str, Any], head: tuple[int, str] | None = None) -> DeviceEvent:
    from_status = device.status
    entered_at = device.status_since or _entered_at(device)
    now = utcnow()
    with status_write():
        device.status = target
    device.status_since = now  # before the history's reads: one UPDATE with the status
    event = _append(actor, device, action, from_status, record, head=head, at=now)
    if entered_at is not None:
        # The reports' lead times: how long the device stayed in the status it leaves.
        seconds = round((event.at - entered_at).total_seconds())
        db.session.add(StagePassage(device_id=device.id, from_status=from_status,
                                    to_status=target, entered_at=entered_at, left_at=event.at,
                                    seconds=seconds, action=action,
                                    workshop_id=device.workshop_id, category=device.category,
                                    bucket=duration_bucket(seconds)))
    db.session.flush()
    return event


def _entered_at(device: Device):
    """When the device entered its present status: its latest history row that changed the
    status (a note repeats the status without entering it), or its registration."""
    return db.session.scalar(
        select(DeviceEvent.at).where(DeviceEvent.device_id == device.id,
                                     DeviceEvent.to_status == device.status,
                                     (DeviceEvent.from_status.is_not(None))
                                     | (DeviceEvent.action == "register"))
        .order_by(DeviceEvent.id.desc()).limit(1))


def _append(actor: User, device: Device, action: str, from_status: str | None,
            payload: dict[str, Any], *, new_device: bool = False,
            head: tuple[int, str] | None = None, at: datetime | None = None) -> DeviceEvent:
    """Write one history row, linked to the device's last one.

    The link is taken under the device's optimistic version: the device is touched here, so this
    transaction's flush bumps `device.version` (UPDATE … WHERE version = what we read). If another
    transaction wrote an event for this device since we read the device, our flush or commit
    fails with a conflict; the transaction that commits read the last link after the other one
    committed. The chain cannot fork, and needs no lock of its own.
    """
    if not new_device:
        device.updated_at = utcnow()
    # What is linked is exactly what the database will give back (JSON), never a dict that
    # someone could still change before the flush.
    event = DeviceEvent(device_id=device.id, action=action, from_status=from_status,
                        to_status=device.status, actor_id=actor.id,
                        organisation_id=actor.organisation_id, at=at or utcnow(),
                        payload=json.loads(json.dumps(payload)))
    if new_device:
        previous = chain.GENESIS
    elif head is not None and head[0] == device.version:
        previous = head[1]  # read with the device; the update's version check proves it last
    else:
        previous = chain.last_link(device.id)
    event.link = chain.link(chain.key(), previous, event)
    db.session.add(event)
    return event


def _in_transit(device: Device) -> TransferNote | None:
    """The shipped transfer note the device is on and has not yet arrived from, if any."""
    return db.session.scalar(
        select(TransferNote).join(TransferItem, TransferItem.note_id == TransferNote.id)
        .where(TransferItem.device_id == device.id, TransferItem.received_at.is_(None),
               TransferNote.status == TransferStatus.SHIPPED).limit(1))


def _last_action(device: Device) -> str | None:
    return db.session.scalar(select(DeviceEvent.action).where(DeviceEvent.device_id == device.id)
                             .order_by(DeviceEvent.id.desc()).limit(1))


def _conflict(public: str) -> Conflict:
    return Conflict(_l("Someone else changed device %(id)s meanwhile. Reload it and try again.",
                       id=public))


def _parse(action: Action, category, payload: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise InvalidInput(_l("The action's details must be an object."))
    known = {f.name: f for f in action.fields}
    unknown = sorted(set(payload) - set(known))
    errors: dict[str, str] = {name: str(_l("is not a field of this action")) for name in unknown}
    values: dict[str, Any] = {}
    for field in action.fields:
        if field.name not in payload:
            if field.required_for(category):
                errors[field.name] = str(_l("is required"))
            continue
        try:
            values[field.name] = field.parse(payload[field.name], category)
        except ValueError as problem:
            errors[field.name] = str(problem.args[0])
    if errors:
        # A person reads the field's label in their language; the API keeps the names in details.
        listed = "; ".join(str(_l("“%(field)s” %(problem)s",
                                  field=known[name].label if name in known else name,
                                  problem=message)) for name, message in errors.items())
        raise InvalidInput(_l("Some details are wrong: %(errors)s.", errors=listed),
                           details={"fields": errors})
    return values


def check_can_register(actor: User, deposit: Deposit) -> None:
    """May this actor add devices to this deposit (role, scope, reception still open)?"""
    capabilities.require(actor, "devices.register")
    visible = db.session.scalar(
        select(Deposit.id).where(Deposit.id == deposit.id, scopes.deposit_scope(actor)))
    if visible is None:
        raise NotFound(_l("No such deposit in what you may see."))
    if deposit.status not in RECEPTION_OPEN:
        raise Refused(_l("The reception of %(number)s is closed: register new devices in a new "
                         "deposit.", number=deposit.number), code="reception_closed")


def _unused_public_id() -> str:
    return _unused_public_ids(1)[0]


def _unused_public_ids(count: int) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        fresh = set(public_id.generate_many(count - len(codes))) - codes
        taken = set()
        pending = list(fresh)
        for start in range(0, len(pending), 1000):
            taken.update(db.session.scalars(
                select(Device.public_id).where(Device.public_id.in_(pending[start:start + 1000]))))
        codes |= fresh - taken
    return list(codes)
