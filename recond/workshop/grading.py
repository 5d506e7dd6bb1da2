"""What a grade means: the written definition of each cosmetic grade and the least battery
health it accepts (`RECOND_GRADE_BATTERY_MIN`, A ≥ 80 %, B ≥ 70 %, C ≥ 50 % by default).
A device whose battery is below the lowest grade's minimum is not graded: it goes to repair
(a new battery) or to parts. The `grade` action's guard and the grading form read this."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from recond import categories
from recond.categories import Category


def battery_minimums() -> dict[str, int]:
    """Grade -> the least battery health, in percent, from the best grade to the lowest."""
    return dict(current_app.config["GRADE_BATTERY_MIN"])


def has_battery(category: Category | None) -> bool:
    return category is not None and "battery" in category.checklist


def battery_reasons(category: Category, grade: str, health: int | None) -> list:
    """Why this battery does not fit this grade (empty when it does, or has no battery)."""
    if not has_battery(category) or health is None:
        return []
    minimums = battery_minimums()
    if health >= minimums[grade]:
        return []
    fitting = [g for g, least in minimums.items() if health >= least]
    if fitting:
        return [_l("The battery holds %(health)s %%: grade %(grade)s needs at least %(least)s %%. "
                   "Grade it %(best)s at best, or replace the battery first.",
                   health=health, grade=grade, least=minimums[grade], best=fitting[0])]
    lowest = list(minimums)[-1]
    return [_l("The battery holds %(health)s %%, below the %(least)s %% even grade %(grade)s "
               "needs: send the device to repair (battery replacement) or to parts.",
               health=health, least=minimums[lowest], grade=lowest)]


def definition(grade: str) -> str:
    """The grade's written definition, with the battery it needs (devices that have one)."""
    return gettext("%(definition)s Battery, for devices that have one: at least %(least)s %%.",
                   definition=categories.GRADE_DEFINITIONS[grade],
                   least=battery_minimums()[grade])


def battery_rule() -> str:
    """What the grading form says under the battery field."""
    minimums = battery_minimums()
    thresholds = [gettext("%(grade)s from %(least)s %%", grade=g, least=p)
                  for g, p in minimums.items()]
    return gettext("Required for a device with a battery: %(thresholds)s. Below %(least)s %%, "
                   "send it to repair (battery replacement) or to parts instead.",
                   thresholds=", ".join(thresholds), least=minimums[list(minimums)[-1]])
