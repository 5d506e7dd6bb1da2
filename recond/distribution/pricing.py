"""Social pricing: the grid in force, the floor under every price, the grid form's cells.

A grid is never edited: a coordinator publishes a new version, and every allocation keeps the
price (and the version) it was made with.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, func, select
from sqlalchemy.exc import IntegrityError

from recond import capabilities, categories, money
from recond.clock import utcnow
from recond.errors import Conflict, InvalidInput
from recond.extensions import db
from recond.models import PriceEntry, PriceGrid, Tier, User


TIER_LABELS = {
    Tier.MINIMA_SOCIAUX: _l("Minima sociaux (RSA, ASS, AAH, minimum vieillesse)"),
    Tier.JOB_SEEKER: _l("Job-seekers"),
    Tier.YOUNG_OR_STUDENT: _l("Young people, students on grants"),
    Tier.LOW_INCOME: _l("Other low incomes"),
    Tier.OWN_USE: _l("Structure's own use"),
}
BENEFICIARY_TIERS = [t for t in Tier if t != Tier.OWN_USE]


def floor_cents() -> int:
    return current_app.config["PRICE_FLOOR_CENTS"]


def current_grid(at: datetime | None = None) -> PriceGrid | None:
    return db.session.scalar(
        select(PriceGrid)
        .where(PriceGrid.effective_from <= (at or utcnow()))
        .order_by(PriceGrid.version.desc())
        .limit(1)
    )


def grid_and_price(category: str, grade: str | None, tier: str,
                   at: datetime | None = None) -> tuple[PriceGrid | None, int | None]:
    """The grid in force and its price for this cell (None when it has none), in one read:
    what the allocate guard asks."""
    cell = and_(PriceEntry.grid_id == PriceGrid.id, PriceEntry.category == category,
                PriceEntry.grade == grade if grade is not None else false(),
                PriceEntry.tier == tier)
    row = db.session.execute(
        select(PriceGrid, PriceEntry.amount_cents).outerjoin(PriceEntry, cell)
        .where(PriceGrid.effective_from <= (at or utcnow()))
        .order_by(PriceGrid.version.desc()).limit(1)).first()
    return (None, None) if row is None else (row[0], row[1])


def price_cents(grid: PriceGrid, category: str, grade: str, tier: str) -> int | None:
    return db.session.scalar(
        select(PriceEntry.amount_cents).where(
            PriceEntry.grid_id == grid.id,
            PriceEntry.category == category,
            PriceEntry.grade == grade,
            PriceEntry.tier == tier,
        )
    )


def publish_grid(actor: User, entries: list[dict], effective_from: datetime | None = None,
                 *, based_on: int | None = None) -> PriceGrid:
    """A new version of the grid; earlier versions and the allocations priced by them stay.

    `based_on` is the latest version the coordinator saw: if another was published since, or
    is being published at this very moment (two versions cannot share a number), this one is
    refused as a conflict, never silently stacked on a grid its author has not read.
    """
    capabilities.require(actor, "pricing.publish")
    floor = floor_cents()
    cells_seen = set()
    for entry in entries:
        if entry["category"] not in categories.CATEGORIES or entry["grade"] not in categories.GRADES \
                or entry["tier"] not in set(Tier):
            raise InvalidInput(_l("Unknown category, grade or tier in the price grid."))
        if not isinstance(entry["amount_cents"], int) or entry["amount_cents"] < floor:
            raise InvalidInput(
                _l("Every price must be at least %(floor)s: the remaining charge is never free.",
                   floor=money.format_money(floor))
            )
        cell = (entry["category"], entry["grade"], entry["tier"])
        if cell in cells_seen:
            raise InvalidInput(_l("The price grid gives two prices for one cell."))
        cells_seen.add(cell)
    latest = latest_version()
    if based_on is not None and based_on != latest:
        raise _published_meanwhile(latest)
    grid = PriceGrid(version=latest + 1, effective_from=effective_from or utcnow(),
                     created_by_id=actor.id)
    db.session.add(grid)
    for entry in entries:
        grid.entries.append(PriceEntry(**entry))
    try:
        db.session.flush()
    except IntegrityError:
        # Another publication took this version number first (the unique version holds it).
        raise _published_meanwhile(latest + 1) from None
    return grid


def _published_meanwhile(version: int) -> Conflict:
    return Conflict(_l("Another coordinator published price grid version %(v)s meanwhile. Read "
                       "it, then publish yours again if it is still needed.", v=version),
                    code="grid_published_meanwhile")


def latest_version() -> int:
    """The highest version published (in force or yet to come); 0 before the first."""
    return db.session.scalar(select(func.max(PriceGrid.version))) or 0


def grids() -> list[PriceGrid]:
    return db.session.scalars(select(PriceGrid).order_by(PriceGrid.version.desc())).all()


def get_grid(version: int) -> PriceGrid | None:
    return db.session.scalar(select(PriceGrid).where(PriceGrid.version == version))


def cells(grid: PriceGrid | None) -> dict[tuple[str, str, str], int]:
    """(category, grade, tier) -> cents, for showing a grid and pre-filling the next one."""
    if grid is None:
        return {}
    return {(e.category, e.grade, e.tier): e.amount_cents for e in grid.entries}


def entries_from_form(form) -> list[dict]:
    """The grid form has one field per cell, `price-<category>-<grade>-<tier>`; an empty cell
    means no price (allocation is then refused for that cell)."""
    entries = []
    for category in categories.CATEGORIES:
        for grade in categories.GRADES:
            for tier in Tier:
                raw = form.get(f"price-{category}-{grade}-{tier}", "").strip()
                if not raw:
                    continue
                try:
                    cents = money.parse_euros(raw)
                except InvalidInput as problem:
                    raise InvalidInput(_l("%(category)s, grade %(grade)s, %(tier)s: %(problem)s",
                                          category=categories.CATEGORIES[category].label,
                                          grade=grade, tier=TIER_LABELS[tier],
                                          problem=problem.message), code=problem.code) from None
                entries.append({"category": category, "grade": grade, "tier": str(tier),
                                "amount_cents": cents})
    if not entries:
        raise InvalidInput(_l("The grid has no price at all."))
    return entries
