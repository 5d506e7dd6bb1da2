"""Functional tests that fail: the report is kept, and the device goes where the technician
decides — back to the bench for repair (it stays; a worn battery is replaced), or out as
spare parts (`dismantle`) or WEEE recycling (`recycle`).
A test that passes is recorded by the `grade` action itself."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from recond import capabilities, categories, lifecycle, scopes
from recond.errors import InvalidInput, Refused
from recond.extensions import db
from recond.lifecycle import ACTIONS
from recond.models import Device, TestReport, User

OUTCOMES = ("repair", "parts", "recycle")
# A device that leaves: spare parts are dismantled at the workshop, WEEE joins the open lot.
_LEAVES_BY = {"parts": "dismantle", "recycle": "recycle"}


def may_record(actor: User, device: Device) -> bool:
    """Whether the device page offers the failed-test form: a technician, at the testing stage."""
    return capabilities.can(actor, "devices.test") and \
        device.status in ACTIONS["grade"].sources(categories.get(device.category))


def record_failure(actor: User, device: Device, *, checklist: dict[str, Any], outcome: str,
                   battery_health: Any = None, note: str = "") -> TestReport:
    capabilities.require(actor, "devices.test")
    scopes.require_visible_device(actor, device)
    category = categories.get(device.category)
    if device.status not in ACTIONS["grade"].sources(category):
        raise Refused(_l("This device is not at the testing stage."), code="wrong_status")
    if outcome not in OUTCOMES:
        raise InvalidInput(_l("The outcome of a failed test is repair, parts or recycle."))
    fields = {f.name: f for f in ACTIONS["grade"].fields}
    checks = _parsed(fields["checklist"], checklist, category)
    battery = None if battery_health in (None, "") else \
        _parsed(fields["battery_health"], battery_health, category)
    failed = [str(categories.CHECK_LABELS.get(k, k)) for k, ok in checks.items() if not ok]
    note = (note or "").strip()[:500]
    if not failed and not note:
        raise InvalidInput(_l("Say what failed: untick the failed checks or write a note."))
    report = TestReport(device_id=device.id, cycle=device.cycle, checklist=checks,
                        battery_health=battery, outcome=outcome, note=note, tested_by_id=actor.id)
    db.session.add(report)
    if outcome in _LEAVES_BY:
        reason = note or ", ".join(failed)
        lifecycle.perform(actor, device, _LEAVES_BY[outcome], {"reason": reason[:500]})
    db.session.flush()
    return report


def _parsed(field: lifecycle.Field, raw: Any, category) -> Any:
    try:
        return field.parse(raw, category)
    except ValueError as problem:  # named by its label, in the reader's language
        raise InvalidInput(_l("“%(field)s” %(problem)s", field=field.label,
                              problem=problem.args[0]), details={"field": field.name}) from None


def reports(device: Device) -> list[TestReport]:
    return db.session.scalars(select(TestReport).where(TestReport.device_id == device.id)
                              .order_by(TestReport.id)).all()
