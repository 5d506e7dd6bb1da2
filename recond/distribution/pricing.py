"""Social pricing: the grid in force, the floor under every price, and money shown to people.

A grid is never edited: a coordinator publishes a new version, and every allocation keeps the
price (and the version) it was made with.
"""
from __future__ import annotations

import re
from datetime import datetime

from babel.numbers import format_currency
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from recond import capabilities, categories
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
                   floor=format_money(floor))
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


_EUROS = re.compile(r"(-?)(\d+)(?:[.,](\d{1,2}))?", re.ASCII)
_TOO_PRECISE = re.compile(r"-?\d+[.,]\d{3,}", re.ASCII)
_LONGEST = 30  # characters: "10 000 000,00 €" and more room than anyone types


def parse_euros(raw: str, *, signed: bool = False, ceiling_cents: int = 10_000_000) -> int:
    """The one money parser: "35", "35,50", "35.5 €", "1 000" -> cents. A comma is the French
    decimal separator. More than two decimals ("12.345", "9,995") or an exponent ("1E1") is
    refused, never rounded: a typing mistake must not become a price or a payment."""
    shown = (raw or "").strip()[:20]
    if len((raw or "").strip()) > _LONGEST:  # "9" * 5000 is no amount, and no 500 either
        raise InvalidInput(_l("“%(value)s” is not an amount in euros: write it like 35 or 35,50.",
                              value=shown + "…"), code="invalid_amount")
    text = re.sub(r"[\s\u00a0\u202f€]", "", raw or "")
    if _TOO_PRECISE.fullmatch(text):
        raise InvalidInput(_l("“%(value)s” has more than two decimals: give the amount to the "
                              "cent, for example 12,35.", value=shown), code="invalid_amount")
    match = _EUROS.fullmatch(text)
    if match is None or (match.group(1) and not signed):
        raise InvalidInput(_l("“%(value)s” is not an amount in euros: write it like 35 or 35,50.",
                              value=shown), code="invalid_amount")
    cents = int(match.group(2)) * 100 + int((match.group(3) or "0").ljust(2, "0"))
    if cents > ceiling_cents:
        raise InvalidInput(_l("“%(value)s” is more than %(max)s.", value=shown,
                              max=format_money(ceiling_cents)), code="invalid_amount")
    return -cents if match.group(1) else cents


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
                    cents = parse_euros(raw)
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
