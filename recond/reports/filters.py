"""What a report is about: a period, and perhaps one workshop, one territory, one category —
read from a GET form, checked, and bounded by the reader's scope (a workshop's technician sees
their own workshop's devices, whatever the form says).

Which filter applies where (the page says it too): the workshop filters the devices' figures
(statuses, flows, lead times, stock); the territory the structures' figures (requests,
allocations, training, payments), by the structure's EPT; the category both, wherever there is
one; the period every flow (a snapshot such as the stock ignores it)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from recond import categories
from recond.errors import InvalidInput
from recond.extensions import db
from recond.models import Organisation, OrganisationKind, User
from recond.territories import LABELS as TERRITORY_LABELS, Territory

DEFAULT_DAYS = 90
LONGEST_DAYS = 3 * 366  # a report over more than three years is refused, not slowly computed


@dataclass(frozen=True)
class Filter:
    start: date  # first day, included
    end: date  # last day, included
    workshop_id: int | None = None
    territory: str | None = None
    category: str | None = None

    @property
    def since(self) -> datetime:
        """The period's first instant (naive UTC, as stored)."""
        return datetime.combine(self.start, time.min)

    @property
    def until(self) -> datetime:
        """The instant just after the period (exclusive bound)."""
        return datetime.combine(self.end + timedelta(days=1), time.min)

    def as_args(self) -> dict[str, str]:
        """The filter as the form's query string (export links carry it along)."""
        args = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        for key, value in (("workshop", self.workshop_id), ("territory", self.territory),
                           ("category", self.category)):
            if value:
                args[key] = str(value)
        return args


def month(value: str) -> Filter:
    """A calendar month written YYYY-MM (the monthly summary)."""
    try:
        first = datetime.strptime((value or "").strip(), "%Y-%m").date()
    except ValueError:
        raise InvalidInput(_l("Give the month as YYYY-MM, for example 2026-03."),
                           code="invalid_month") from None
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return Filter(first, following - timedelta(days=1))


def parse(actor: User | None, args, today: date | None = None, *, strict: bool = False) -> Filter:
    """The filter from a query string; a value that cannot be used is refused (422) with what
    was wrong, rather than silently widened to everything. A form sends "" for "all"; the API
    (`strict`) leaves the parameter out instead, and an empty one is refused."""
    if strict and (empty := [k for k in ("from", "to", "workshop", "territory", "category")
                             if k in args and not args.get(k, "").strip()]):
        raise InvalidInput(_l("“%(name)s” is empty: leave it out for all.", name=empty[0]),
                           code="invalid")
    today = today or date.today()
    end = _day(args.get("to"), _l("The end of the period")) or today
    start = _day(args.get("from"), _l("The start of the period")) \
        or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise InvalidInput(_l("The period starts after it ends."), code="invalid_period")
    if (end - start).days >= LONGEST_DAYS:
        raise InvalidInput(_l("A period is at most three years long."), code="invalid_period")
    category = (args.get("category") or "").strip() or None
    if category is not None and category not in categories.CATEGORIES:
        raise InvalidInput(_l("Unknown category “%(category)s”.", category=category[:30]))
    territory = (args.get("territory") or "").strip() or None
    if territory is not None and territory not in set(Territory):
        raise InvalidInput(_l("Unknown territory “%(territory)s”.", territory=territory[:40]))
    workshop = (args.get("workshop") or "").strip() or None
    workshop_id = None
    if workshop is not None:
        workshop_id = int(workshop) if workshop.isdigit() and len(workshop) < 10 else None
        if workshop_id is None or workshop_id not in dict(workshops()):
            raise InvalidInput(_l("Unknown workshop."), code="invalid_workshop")
    return scoped(actor, Filter(start, end, workshop_id, territory, category))


def scoped(actor: User | None, chosen: Filter) -> Filter:
    """Whoever does not see every organisation (a workshop's technician) reads their own
    workshop only: the filter says so, and the page shows it."""
    if actor is not None and not actor.sees_everything:
        return replace(chosen, workshop_id=actor.organisation_id)
    return chosen


def workshops() -> list[tuple[int, str]]:
    return list(db.session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.kind == OrganisationKind.WORKSHOP).order_by(Organisation.name)))


def territories() -> list[tuple[str, object]]:
    return [(t.value, TERRITORY_LABELS[t]) for t in Territory]


def _day(value, what) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value) if len(value) == 10 else _wrong(what)
    except ValueError:
        return _wrong(what)
    if not 2000 <= day.year <= 2100:  # nothing to report outside; and date arithmetic holds
        raise InvalidInput(_l("%(what)s is outside the years 2000 to 2100.", what=what),
                           code="invalid_date")
    return day


def _wrong(what):
    raise InvalidInput(_l("%(what)s is not a date (YYYY-MM-DD).", what=what), code="invalid_date")
