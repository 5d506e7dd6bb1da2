"""Emission factors per device category: the kilograms of CO2e a device handed over for reuse
avoids, against buying a new one, with the source and its date that the impact report prints.

The published figures below serve until an administrator records a version of a factor;
every edit is a new version (the table is append-only), so earlier values are kept and each
report names the version it used. A category without a published figure has no factor: the
administrator fills it from a source, nothing is invented here (docs/impact.md).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from recond import capabilities
from recond.categories import CATEGORIES
from recond.clock import local_today
from recond.errors import Conflict, InvalidInput
from recond.extensions import db
from recond.models import EmissionFactor, User
from recond.weights import parse_kg

_ADEME_2022 = ("ADEME, « Évaluation de l'impact environnemental d'un ensemble de produits "
               "reconditionnés », collection Expertises, septembre 2022")
_ADEME_DATE = date(2022, 9, 9)  # published on that day (ADEME's announcement)
# What the study publishes per category: kg CO2e avoided per year of use of a refurbished
# device rather than a new one. One year is counted: a floor, the second life being longer.
PUBLISHED: dict[str, tuple[int, str]] = {
    "laptop": (27_000, f"{_ADEME_2022} : 27 kg CO2e évités par année d'utilisation d'un "
                       "ordinateur portable reconditionné plutôt que neuf ; une année comptée."),
    "phone": (24_600, f"{_ADEME_2022} : 24,6 kg CO2e évités par année d'utilisation d'un "
                      "smartphone reconditionné plutôt que neuf ; une année comptée."),
    "tablet": (20_000, f"{_ADEME_2022} : 20 kg CO2e évités par année d'utilisation d'une "
                       "tablette reconditionnée plutôt que neuve ; une année comptée."),
}
SOURCE_MAX = 500


@dataclass(frozen=True)
class Factor:
    """The factor a category has now: a recorded version, or the published figure (version 0),
    or nothing (version 0, no grams) when no figure was published."""
    category: str
    grams_co2e: int | None
    source: str
    source_date: date | None
    version: int
    recorded_at: datetime | None = None
    recorded_by: str | None = None

    @property
    def is_set(self) -> bool:
        return self.grams_co2e is not None


def published(category: str) -> Factor:
    grams, source = PUBLISHED.get(category, (None, ""))
    return Factor(category, grams, source, _ADEME_DATE if grams is not None else None, 0)


def current() -> dict[str, Factor]:
    """Every category's factor now, in the categories' order."""
    latest = select(EmissionFactor.category, func.max(EmissionFactor.version).label("version")) \
        .group_by(EmissionFactor.category).subquery()
    rows = {row.category: row for row in db.session.scalars(
        select(EmissionFactor).join(latest, (latest.c.category == EmissionFactor.category)
                                    & (latest.c.version == EmissionFactor.version)))}
    return {code: _factor(rows[code]) if code in rows else published(code) for code in CATEGORIES}


def history() -> list[EmissionFactor]:
    """Every recorded version, newest first within each category."""
    return list(db.session.scalars(select(EmissionFactor).order_by(
        EmissionFactor.category, EmissionFactor.version.desc())))


def record(actor: User, category: str, *, kg: str, source: str, source_date: str,
           seen_version: int) -> EmissionFactor:
    """A new version of a category's factor. `kg` empty: no figure (nothing counted). Refused
    when someone recorded another version since the page showed `seen_version`."""
    capabilities.require(actor, "impact.factors")
    if category not in CATEGORIES:
        raise InvalidInput(_l("Choose a category of the list."), code="invalid_category")
    kg = (kg or "").strip()
    grams = parse_kg(kg) if kg else None
    source = " ".join((source or "").split())
    if not source:
        raise InvalidInput(_l("Name the source of the factor: document, publisher, year, the "
                              "figure as published."), code="source_required")
    if len(source) > SOURCE_MAX:
        raise InvalidInput(_l("The source is at most %(max)s characters.", max=SOURCE_MAX),
                           code="source_too_long")
    on = _source_date(source_date)
    if current()[category].version != seen_version:
        raise _changed()
    factor = EmissionFactor(category=category, version=seen_version + 1, grams_co2e=grams,
                            source=source, source_date=on, recorded_by_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(factor)
    except IntegrityError:
        raise _changed() from None
    return factor


def _source_date(raw: str) -> date:
    try:
        on = date.fromisoformat(str(raw or "").strip())
    except ValueError:
        raise InvalidInput(_l("Give the date of the source (day, month, year)."),
                           code="invalid_date") from None
    if on > today():
        raise InvalidInput(_l("The source's date cannot be in the future."), code="invalid_date")
    return on


def today() -> date:
    """Today in the programme's zone (RECOND_TIMEZONE), where the forms are filled."""
    return local_today(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Europe/Paris")


def _changed() -> Conflict:
    return Conflict(_l("Someone recorded this factor meanwhile: read its new value, then "
                       "record yours again if it still applies."), code="factor_changed")


def _factor(row: EmissionFactor) -> Factor:
    return Factor(row.category, row.grams_co2e, row.source, row.source_date, row.version,
                  row.recorded_at, row.recorded_by.name if row.recorded_by else None)
