"""A device's history as people read it: one row per event with one title (what happened),
and its details in words — labels instead of codes, yes or no, "—" for nothing, amounts and
dates as the reader writes them, counts through `ngettext`. Each reader sees only what
`scopes.visible_details` lets them; the API keeps the payload as stored."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from flask_babel import format_date, gettext, ngettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from recond import categories, money, scopes, weights
from recond.collection import convention_terms
from recond.distribution import pricing
from recond.extensions import db
from recond.lifecycle import ACTIONS
from recond.models import Device, DeviceEvent, Organisation, User
from recond.collection import routing
from recond.workshop import os_catalogue, storage_media, transfers

# Internal ids: what they point to is shown elsewhere, or not for this page at all.
_HIDDEN = frozenset({"image_id", "allocation_id", "line_id", "beneficiary_id"})

# How coded values read, key by key.
_CODES: dict[str, Callable[[str], Any]] = {
    "tier": lambda v: pricing.TIER_LABELS.get(v, v),
    "language": os_catalogue.language_label,
    "keyboard": lambda v: os_catalogue.KEYBOARD_LABELS.get(v, v),
    "channel": lambda v: categories.CHOICE_LABELS.get(v, v),
    "kind": lambda v: storage_media.KIND_LABELS.get(v, v),
    "interface": lambda v: storage_media.INTERFACE_LABELS.get(v, v),
    "destruction_method": lambda v: storage_media.DESTRUCTION_LABELS.get(v, v),
    "destination": lambda v: storage_media.DESTINATION_LABELS.get(v, v),
    "origin": lambda v: convention_terms.ORIGIN_LABELS.get(v, v),
}
_CORRECTION = " → "  # a corrected medium's payload: "before → after"


@dataclass
class Row:
    event: DeviceEvent
    title: str
    details: list[tuple[str, str]]


def events(device: Device) -> list[DeviceEvent]:
    # actor and organisation come in the same query: a timeline must not cost a query per row
    return db.session.scalars(
        select(DeviceEvent).where(DeviceEvent.device_id == device.id)
        .options(joinedload(DeviceEvent.actor), joinedload(DeviceEvent.organisation))
        .order_by(DeviceEvent.at, DeviceEvent.id)).all()


def rows(reader: User, device: Device) -> list[Row]:
    """The device's history for this reader, oldest first."""
    found = events(device)
    shown = [scopes.visible_details(reader, event) for event in found]
    structure_ids = {p["structure_id"] for p in shown if p.get("structure_id")}
    names = dict(db.session.execute(select(Organisation.id, Organisation.name)
                                    .where(Organisation.id.in_(structure_ids))).all()) \
        if structure_ids else {}
    return [Row(event, title(event.action), details(payload, names))
            for event, payload in zip(found, shown)]


def title(action: str) -> str:
    """What happened, in one phrase ("Tested and graded")."""
    if action in ACTIONS:
        return str(ACTIONS[action].done)
    if action == "register":
        return gettext("Registered")
    for labels in (storage_media.EVENT_LABELS, transfers.EVENT_LABELS, routing.EVENT_LABELS):
        if action in labels:
            return str(labels[action])
    return action


def details(payload: dict[str, Any], structure_names: dict[int, str]) -> list[tuple[str, str]]:
    return [(label(key), value(key, v, structure_names))
            for key, v in payload.items() if key not in _HIDDEN]


def label(key: str) -> str:
    for labels in (categories.DETAIL_LABELS, storage_media.DETAIL_LABELS, transfers.DETAIL_LABELS):
        if key in labels:
            return str(labels[key])
    return key


def value(key: str, raw: Any, structure_names: dict[int, str] | None = None) -> str:
    if raw is None or raw == "":
        return "—"
    if isinstance(raw, bool):
        return gettext("yes") if raw else gettext("no")
    if key == "structure_id":
        return (structure_names or {}).get(raw, "—")
    if key == "checklist":
        return _checklist(raw)
    if key == "price_cents":
        return money.format_money(raw)
    if key == "battery_health":
        return f"{raw} %"
    if key == "weight_grams":
        return weights.format_kg(raw)
    if key == "destroyed_on":
        return format_date(date.fromisoformat(raw), "long")
    if key in _CODES:
        parts = str(raw).split(_CORRECTION)
        return _CORRECTION.join(p if p == "—" else str(_CODES[key](p)) for p in parts)
    return str(raw)


def _checklist(checks: dict[str, bool]) -> str:
    failed = [str(categories.CHECK_LABELS.get(k, k)) for k, ok in checks.items() if not ok]
    if not failed:
        return ngettext("%(num)d check passed", "all %(num)d checks passed", len(checks))
    return ngettext("%(num)d check failed: %(items)s", "%(num)d checks failed: %(items)s",
                    len(failed), items=", ".join(failed))
