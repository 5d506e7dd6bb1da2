"""The social price grid, through `recond.distribution.pricing`: versions published by the
coordination only, never under the floor, one price per cell, a version in force from its
date, an allocation keeping the price it was made with, and the grid form read cell by cell."""
from datetime import timedelta

import pytest
from werkzeug.datastructures import MultiDict

from recond import lifecycle
from recond.categories import CATEGORIES, GRADES
from recond.clock import utcnow
from recond.distribution import pricing
from recond.errors import Conflict, InvalidInput, NotPermitted
from recond.extensions import db
from recond.models import Tier
from tests.builders import PRICE_CENTS


def _entries(cents: int, **only) -> list[dict]:
    return [{"category": c, "grade": g, "tier": str(t), "amount_cents": cents}
            for c in CATEGORIES for g in GRADES for t in Tier
            if all({"category": c, "grade": g, "tier": t}[k] == v for k, v in only.items())]


def test_a_new_version_leaves_earlier_allocations_their_price(world):
    device = world.device("reserved")
    before = lifecycle.active_allocation(device)
    assert (before.price_cents, before.grid_version) == (PRICE_CENTS, 1)
    grid = pricing.publish_grid(world["coordinator"], _entries(5500), based_on=1)
    db.session.commit()
    assert grid.version == 2 and pricing.current_grid() == grid == pricing.get_grid(2)
    assert pricing.price_cents(grid, "laptop", "A", Tier.MINIMA_SOCIAUX) == 5500
    db.session.refresh(before)
    assert (before.price_cents, before.grid_version) == (PRICE_CENTS, 1)
    later = lifecycle.active_allocation(world.device("reserved"))
    assert (later.price_cents, later.grid_version) == (5500, 2)
    assert [g.version for g in pricing.grids()] == [2, 1] and pricing.latest_version() == 2


@pytest.mark.parametrize("role", ["tech_a", "collector_a", "structure_s", "donor_x"])
def test_only_the_coordination_publishes(world, role):
    with pytest.raises(NotPermitted):
        pricing.publish_grid(world[role], _entries(5000))
    pricing.publish_grid(world["admin"], _entries(5000))


def test_never_under_the_floor_never_free(world):
    floor = pricing.floor_cents()
    with pytest.raises(InvalidInput) as refused:
        pricing.publish_grid(world["coordinator"], _entries(floor - 1))
    assert "10,00" in str(refused.value.message) or "10.00" in str(refused.value.message)
    with pytest.raises(InvalidInput):
        pricing.publish_grid(world["coordinator"], _entries(0, category="laptop"))
    assert pricing.publish_grid(world["coordinator"], _entries(floor)).version == 2


@pytest.mark.parametrize("wrong", [
    {"category": "toaster"}, {"grade": "Z"}, {"tier": "millionaire"}, {"amount_cents": "40"},
    {"amount_cents": 40.5},
])
def test_a_cell_that_does_not_exist_or_a_price_that_is_not_cents_is_refused(world, wrong):
    entries = _entries(5000)
    entries[0] = entries[0] | wrong
    with pytest.raises(InvalidInput):
        pricing.publish_grid(world["coordinator"], entries)
    assert pricing.latest_version() == 1


def test_one_price_per_cell(world):
    entries = _entries(5000)
    with pytest.raises(InvalidInput):
        pricing.publish_grid(world["coordinator"], entries + [entries[0] | {"amount_cents": 6000}])


def test_a_grid_published_over_one_not_seen_is_a_conflict(world):
    pricing.publish_grid(world["coordinator"], _entries(5000), based_on=1)
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        pricing.publish_grid(world["admin"], _entries(6000), based_on=1)
    assert refused.value.code == "grid_published_meanwhile"
    assert pricing.latest_version() == 2


def test_a_grid_is_in_force_from_its_date(world):
    tomorrow = utcnow() + timedelta(days=1)
    coming = pricing.publish_grid(world["coordinator"], _entries(7000), effective_from=tomorrow)
    db.session.commit()
    assert pricing.current_grid().version == 1
    assert pricing.current_grid(at=tomorrow + timedelta(seconds=1)) == coming


def test_cells_show_a_grid_and_prefill_the_next(world):
    grid = pricing.current_grid()
    cells = pricing.cells(grid)
    assert len(cells) == len(CATEGORIES) * len(GRADES) * len(Tier)
    assert cells[("laptop", "A", str(Tier.OWN_USE))] == PRICE_CENTS
    assert pricing.cells(None) == {}


def test_the_grid_form_is_read_cell_by_cell_to_the_cent(app):
    form = MultiDict({"price-laptop-A-minima_sociaux": "35,50", "price-phone-C-own_use": " 12 ",
                      "price-laptop-B-job_seeker": ""})
    entries = pricing.entries_from_form(form)
    assert sorted((e["category"], e["grade"], e["tier"], e["amount_cents"]) for e in entries) == [
        ("laptop", "A", "minima_sociaux", 3550), ("phone", "C", "own_use", 1200)]
    with pytest.raises(InvalidInput) as refused:
        pricing.entries_from_form(MultiDict({"price-laptop-A-minima_sociaux": "35,505"}))
    assert refused.value.code == "invalid_amount" and "A" in str(refused.value.message)
    with pytest.raises(InvalidInput):
        pricing.entries_from_form(MultiDict({}))
