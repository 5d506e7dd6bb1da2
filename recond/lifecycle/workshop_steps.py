"""Guards and effects of the workshop's own steps: a device's arrival (only from a collected
deposit), its grading (the checklist passes, the battery fits the grade) and its ways out
(the WEEE lot, with its weight where known, or spare parts)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from recond import categories
from recond.workshop import grading, recycling
from recond.lifecycle.statuses import Status
from recond.extensions import db
from recond.models import Deposit, TestReport
from recond.models.deposit import PICKUP_PENDING

if TYPE_CHECKING:
    from recond.categories import Category
    from recond.lifecycle.actions import Context


def from_a_collected_deposit(ctx: Context) -> list:
    """A device reaches the workshop (received, or recycled or dismantled straight away) only
    from a deposit its collection partner marked collected: a pledge is not a delivery."""
    deposit = ctx.device.deposit
    if ctx.device.status != Status.REGISTERED or deposit is None \
            or deposit.status not in PICKUP_PENDING:
        return []
    ctx.details["deposit"] = deposit.number
    return [never_collected(deposit)]


def never_collected(deposit: Deposit):
    """What a refusal says of a deposit only pledged (the reception page says it too)."""
    return _l("Deposit %(number)s was never marked collected: its collection partner or the "
              "coordination marks it collected first, then its devices are received.",
              number=deposit.number)


def grade_sources(category: Category) -> frozenset[Status]:
    if category.has_os:
        return frozenset({Status.OS_INSTALLED})
    if category.has_storage:
        return frozenset({Status.WIPED})
    return frozenset({Status.RECEIVED})


def checklist_passes(ctx: Context) -> list:
    failed = [str(categories.CHECK_LABELS.get(k, k)) for k, ok in ctx.values["checklist"].items()
              if not ok]
    if failed:
        return [_l("The device failed: %(items)s. Send it to repair or recycling instead.",
                   items=", ".join(failed))]
    return []


def battery_fits_the_grade(ctx: Context) -> list:
    """Grade A with a battery at 5 % means nothing: each grade has its least battery health."""
    return grading.battery_reasons(ctx.category, ctx.values["grade"],
                                   ctx.values.get("battery_health"))


def set_grade(ctx: Context) -> None:
    ctx.device.grade = ctx.values["grade"]
    db.session.add(TestReport(
        device_id=ctx.device.id, cycle=ctx.device.cycle, checklist=ctx.values["checklist"],
        battery_health=ctx.values.get("battery_health"), grade=ctx.values["grade"],
        outcome="ready", note=ctx.values.get("note", ""), tested_by_id=ctx.actor.id))


def into_recycling_lot(ctx: Context) -> None:
    """WEEE: into the workshop's open lot, with the device's weight when it was weighed."""
    lot = recycling.open_lot(ctx.device.workshop_id or ctx.actor.organisation_id)
    ctx.device.recycling_lot_id = lot.id
    ctx.record["recycling_lot"] = lot.number
    grams = ctx.record.pop("weight_kg", None)
    if grams is not None:
        ctx.device.weight_grams = ctx.record["weight_grams"] = grams
