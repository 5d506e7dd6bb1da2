"""Social pricing: the grid in force, the floor under every price, and money shown to people.

Minimal for now: publishing a grid and reading a price. The structures issue adds the
coordinator's editing pages; the rules here stay.
"""
from __future__ import annotations

from datetime import datetime

from babel.numbers import format_currency
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from recond import categories
from recond.clock import utcnow
from recond.errors import InvalidInput, NotPermitted
from recond.extensions import db
from recond.models import PriceEntry, PriceGrid, Role, Tier, User


def floor_cents() -> int:
    return current_app.config["PRICE_FLOOR_CENTS"]


def format_money(cents: int) -> str:
    locale = get_locale() or "fr"
    return format_currency(cents / 100, "EUR", locale=str(locale))


def current_grid(at: datetime | None = None) -> PriceGrid | None:
    return db.session.scalar(
        select(PriceGrid)
        .where(PriceGrid.effective_from <= (at or utcnow()))
        .order_by(PriceGrid.version.desc())
        .limit(1)
    )


def price_cents(grid: PriceGrid, category: str, grade: str, tier: str) -> int | None:
    return db.session.scalar(
        select(PriceEntry.amount_cents).where(
            PriceEntry.grid_id == grid.id,
            PriceEntry.category == category,
            PriceEntry.grade == grade,
            PriceEntry.tier == tier,
        )
    )


def publish_grid(actor: User, entries: list[dict], effective_from: datetime | None = None) -> PriceGrid:
    """A new version of the grid; earlier versions and the allocations priced by them stay."""
    if actor.role not in (Role.COORDINATOR, Role.ADMIN):
        raise NotPermitted(_l("Only coordinators set the price grid."))
    floor = floor_cents()
    for entry in entries:
        if entry["category"] not in categories.CATEGORIES or entry["grade"] not in categories.GRADES \
                or entry["tier"] not in set(Tier):
            raise InvalidInput(_l("Unknown category, grade or tier in the price grid."))
        if not isinstance(entry["amount_cents"], int) or entry["amount_cents"] < floor:
            raise InvalidInput(
                _l("Every price must be at least %(floor)s: the remaining charge is never free.",
                   floor=format_money(floor))
            )
    version = (db.session.scalar(select(func.max(PriceGrid.version))) or 0) + 1
    grid = PriceGrid(version=version, effective_from=effective_from or utcnow(),
                     created_by_id=actor.id)
    db.session.add(grid)
    for entry in entries:
        grid.entries.append(PriceEntry(**entry))
    db.session.flush()
    return grid
