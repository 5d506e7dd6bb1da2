"""The engine: the one place that changes a device's status and writes its history.

Every function takes the actor explicitly, flushes and never commits: the request or the job
that called it commits once, or rolls everything back.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from recond import access, categories, public_id
from recond.errors import Conflict, DomainError, InvalidInput, NotFound, NotPermitted, Refused
from recond.extensions import db
from recond.lifecycle.actions import ACTIONS, Action, Context
from recond.lifecycle.statuses import STATUS_LABELS, Status, status_write
from recond.models import Deposit, Device, DeviceEvent, Role, StorageMedium, User

REGISTER_ROLES = frozenset({Role.COLLECTOR, Role.TECHNICIAN, Role.COORDINATOR})


def available_actions(actor: User, device: Device) -> list[Action]:
    """The actions this actor could try now (guards may still refuse them)."""
    category = categories.get(device.category)
    return [a for a in ACTIONS.values()
            if actor.role in a.roles and device.status in a.sources(category)]


def perform(actor: User, device: Device, action_name: str, payload: dict[str, Any] | None = None,
            *, expected_version: int | None = None) -> DeviceEvent:
    action = ACTIONS.get(action_name)
    if action is None:
        raise InvalidInput(_l("Unknown action “%(action)s”.", action=action_name),
                           code="unknown_action")
    if actor.role not in action.roles:
        raise NotPermitted(_l("Your role may not “%(action)s” a device.", action=action.label))
    if not access.can_see_device(actor, device):
        raise NotFound(_l("No device %(id)s in what you may see.", id=device.public_id))
    if expected_version is not None and expected_version != device.version:
        raise _conflict(device.public_id)
    category = categories.get(device.category)
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
                      details={"reasons": [str(r) for r in reasons]})
    public = device.public_id  # unreadable after a failed flush
    try:
        if action.effect is not None:
            action.effect(ctx)
        return _transition(actor, device, action.name, action.target, ctx.record)
    except (StaleDataError, IntegrityError):
        # Someone committed first: the device's version moved, or a unique rule (one live
        # allocation per device) caught the second writer. Either way, a conflict.
        raise _conflict(public) from None


def register(actor: User, deposit: Deposit, *, category: str, brand: str = "", model: str = "",
             serial: str | None = None, asset_tag: str | None = None,
             specs: dict[str, Any] | None = None, media: list[dict[str, Any]] = ()) -> Device:
    """A device enters Recond as `registered`, with a fresh public ID and its first history row."""
    if actor.role not in REGISTER_ROLES:
        raise NotPermitted(_l("Your role may not register devices."))
    visible = db.session.scalar(
        select(Deposit.id).where(Deposit.id == deposit.id, access.deposit_scope(actor)))
    if visible is None:
        raise NotFound(_l("No such deposit in what you may see."))
    if categories.get(category) is None:
        raise InvalidInput(_l("Unknown category “%(category)s”.", category=category))
    with status_write():
        device = Device(
            public_id=_unused_public_id(), deposit_id=deposit.id,
            workshop_id=deposit.workshop_id, category=category, brand=brand, model=model,
            serial=serial or None, serial_key=serial_key(serial), asset_tag=asset_tag or None,
            specs=specs or {}, status=Status.REGISTERED,
        )
    db.session.add(device)
    for medium in media:
        device.media.append(StorageMedium(**medium))
    db.session.flush()
    db.session.add(DeviceEvent(device_id=device.id, action="register", from_status=None,
                               to_status=Status.REGISTERED, actor_id=actor.id,
                               organisation_id=actor.organisation_id,
                               payload={"deposit": deposit.number}))
    db.session.flush()
    return device


def perform_batch(actor: User, public_ids: list[str], action_name: str,
                  payload: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Apply one action to many devices; each succeeds or fails on its own (a savepoint each)."""
    results = []
    for pid in public_ids:
        try:
            with db.session.begin_nested():
                device = access.get_visible_device(actor, pid)
                event = perform(actor, device, action_name, payload)
            results.append({"public_id": pid, "ok": True, "status": event.to_status})
        except DomainError as error:
            results.append({"public_id": pid, "ok": False, "code": error.code,
                            "message": str(error.message)})
    return results


def serial_key(serial: str | None) -> str | None:
    if not serial:
        return None
    return "".join(serial.split()).upper() or None


def _transition(actor: User, device: Device, action: str, target: Status,
                record: dict[str, Any]) -> DeviceEvent:
    from_status = device.status
    with status_write():
        device.status = target
    event = DeviceEvent(device_id=device.id, action=action, from_status=from_status,
                        to_status=target, actor_id=actor.id,
                        organisation_id=actor.organisation_id, payload=record)
    db.session.add(event)
    db.session.flush()
    return event


def _conflict(public: str) -> Conflict:
    return Conflict(_l("Someone else changed device %(id)s meanwhile. Reload it and try again.",
                       id=public))


def _parse(action: Action, category, payload: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise InvalidInput(_l("The action's details must be an object."))
    known = {f.name for f in action.fields}
    unknown = sorted(set(payload) - known)
    errors: dict[str, str] = {name: str(_l("is not a field of this action")) for name in unknown}
    values: dict[str, Any] = {}
    for field in action.fields:
        if field.name not in payload:
            if field.required:
                errors[field.name] = str(_l("is required"))
            continue
        try:
            values[field.name] = field.parse(payload[field.name], category)
        except ValueError as problem:
            errors[field.name] = str(problem.args[0])
    if errors:
        listed = "; ".join(f"{name} {message}" for name, message in errors.items())
        raise InvalidInput(_l("Some details are wrong: %(errors)s.", errors=listed),
                           details={"fields": errors})
    return values


def _unused_public_id() -> str:
    while True:
        candidate = public_id.generate()
        if db.session.scalar(select(Device.id).where(Device.public_id == candidate)) is None:
            return candidate
