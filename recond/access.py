"""Who may use what: the roles each view declares, and each role's organisation scope.

Scope is a SQL condition added to the queries themselves, so a guessed URL finds nothing
rather than something a template forgot to hide.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import ColumnElement, false, select, true

from recond.errors import NotFound, NotPermitted
from recond.extensions import db
from recond.models import Allocation, AllocationStatus, Deposit, Device, DeviceEvent, Role, User

ALL_ROLES = frozenset(Role)
PUBLIC = "public"


class Unauthenticated(Exception):
    """No valid session or token; HTML views redirect to the login page, the API answers 401."""


def current_actor() -> User | None:
    actor = g.get("api_actor")
    if actor is not None:
        return actor
    if current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def roles_required(*roles: Role | str) -> Callable:
    """Declare (and enforce) the roles that may use a view."""
    allowed = frozenset(Role(r) for r in roles)

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            actor = current_actor()
            if actor is None:
                raise Unauthenticated()
            if actor.role not in allowed:
                raise NotPermitted(_l("Your role may not use this page."))
            return view(*args, **kwargs)

        wrapper.recond_roles = allowed
        return wrapper

    return decorate


def public(view: Callable) -> Callable:
    """Declare a view open to anyone (login page, health check, OpenAPI document)."""
    view.recond_roles = PUBLIC
    return view


def device_scope(user: User) -> ColumnElement[bool]:
    org = user.organisation_id
    match user.role:
        case Role.ADMIN | Role.COORDINATOR:
            return true()
        case Role.TECHNICIAN:
            return Device.workshop_id == org
        case Role.COLLECTOR:
            return Device.deposit_id.in_(select(Deposit.id).where(Deposit.collector_id == org))
        case Role.DONOR:
            return Device.deposit_id.in_(select(Deposit.id).where(Deposit.donor_id == org))
        case Role.STRUCTURE:
            return Device.id.in_(
                select(Allocation.device_id).where(
                    Allocation.structure_id == org, Allocation.status == AllocationStatus.ACTIVE
                )
            )
    return false()


def deposit_scope(user: User) -> ColumnElement[bool]:
    org = user.organisation_id
    match user.role:
        case Role.ADMIN | Role.COORDINATOR:
            return true()
        case Role.COLLECTOR:
            return Deposit.collector_id == org
        case Role.DONOR:
            return Deposit.donor_id == org
        case Role.TECHNICIAN:
            return Deposit.workshop_id == org
    return false()


def visible_devices(user: User):
    return select(Device).where(device_scope(user))


def can_see_device(user: User, device: Device) -> bool:
    if user.sees_everything:
        return True
    return db.session.scalar(
        select(Device.id).where(Device.id == device.id, device_scope(user))
    ) is not None


def get_visible_device(user: User, public_id: str) -> Device:
    device = db.session.scalar(visible_devices(user).where(Device.public_id == public_id))
    if device is None:
        raise NotFound(_l("No device %(id)s in what you may see.", id=public_id))
    return device


def wants_json() -> bool:
    return request.path.startswith("/api/")


# History details that speak of the allocation: not for donors' or collectors' eyes.
_ALLOCATION_KEYS = frozenset({"structure_id", "tier", "price_cents", "grid_version",
                              "allocation_id", "line_id", "beneficiary_id",
                              "second_device_reason"})
# The allocation's terms (the beneficiary's tier, the price, the beneficiary): only for the
# structure concerned and the coordination, never for the workshop.
_TERMS_KEYS = frozenset({"tier", "price_cents", "grid_version", "beneficiary_id", "beneficiary",
                         "second_device_reason"})


def sees_allocation_terms(reader: User, structure_id: int | None) -> bool:
    """May this reader see the tier, price and beneficiary of an allocation to that structure?"""
    if reader.sees_everything:
        return True
    return reader.role == Role.STRUCTURE and structure_id is not None \
        and reader.organisation_id == structure_id


def visible_details(reader: User, event: DeviceEvent) -> dict:
    """What a reader may see of a history row's details: the one rule the device page and the
    API's history both apply (a row is rendered for its reader, not filtered in a template)."""
    payload = dict(event.payload or {})
    if reader.role in (Role.DONOR, Role.COLLECTOR):
        payload = {k: v for k, v in payload.items() if k not in _ALLOCATION_KEYS}
    if not sees_allocation_terms(reader, payload.get("structure_id")):
        payload = {k: v for k, v in payload.items() if k not in _TERMS_KEYS}
    return payload
