"""allocate, cancel_allocation, deliver: approved lines, social prices frozen, never free."""
from datetime import timedelta

import pytest

from recond.distribution import equipment_requests, pricing
from recond import lifecycle
from recond.categories import CATEGORIES, GRADES
from recond.clock import utcnow
from recond.errors import InvalidInput, NotFound, Refused
from recond.extensions import db
from recond.models import Tier
from tests.builders import PRICE_CENTS


def _allocate(world, device, line, beneficiary=None):
    payload = {"line_id": line.id}
    if beneficiary is not None:
        payload["beneficiary_id"] = beneficiary.id
    return lifecycle.perform(world["coordinator"], device, "allocate", payload)


def test_allocation_freezes_the_price_of_the_grid_in_force(world):
    device = world.device("ready")
    allocation = world.allocate(device)
    assert device.status == "reserved"
    assert allocation.price_cents == PRICE_CENTS and allocation.grid_version == 1
    pricing.publish_grid(world["coordinator"], [
        {"category": c, "grade": g, "tier": t, "amount_cents": 9900}
        for c in CATEGORIES for g in GRADES for t in Tier])
    db.session.commit()
    db.session.refresh(allocation)
    assert allocation.price_cents == PRICE_CENTS  # a new grid never reprices the past
    other = world.allocate(world.device("ready"))
    assert other.price_cents == 9900 and other.grid_version == 2


def test_a_grid_of_the_future_is_not_yet_in_force(world):
    pricing.publish_grid(world["coordinator"], [
        {"category": c, "grade": g, "tier": t, "amount_cents": 7000}
        for c in CATEGORIES for g in GRADES for t in Tier], effective_from=utcnow() + timedelta(days=30))
    db.session.commit()
    assert world.allocate(world.device("ready")).price_cents == PRICE_CENTS


def test_no_grid_can_hold_a_price_under_the_floor(world):
    with pytest.raises(InvalidInput, match="never free"):
        pricing.publish_grid(world["coordinator"], [
            {"category": "laptop", "grade": "A", "tier": Tier.MINIMA_SOCIAUX, "amount_cents": 0}])


def test_a_floor_raised_above_the_grid_refuses_allocation(app, world):
    device = world.device("ready")
    line, person = world.approved_line(), world.beneficiary()
    app.config["PRICE_FLOOR_CENTS"] = PRICE_CENTS + 1
    with pytest.raises(Refused, match="never free"):
        _allocate(world, device, line, person)


def test_the_line_must_be_approved_of_the_right_category_and_not_full(world):
    device = world.device("ready")
    person = world.beneficiary()
    pending = equipment_requests.submit(world["structure_s"], purpose="beneficiaries",
                                        lines=[("laptop", 1)])
    with pytest.raises(Refused, match="not approved"):
        _allocate(world, device, pending.lines[0], person)
    phones = world.approved_line(category="phone")
    with pytest.raises(Refused, match="asks for a Phone"):
        _allocate(world, device, phones, person)
    one = world.approved_line(quantity=1)
    _allocate(world, device, one, person)
    db.session.commit()
    with pytest.raises(Refused, match="already allocated"):
        _allocate(world, world.device("ready"), one, world.beneficiary())


def test_the_beneficiary_must_be_the_structures_own(world):
    device = world.device("ready")
    line = world.approved_line("structure_s")
    with pytest.raises(Refused, match="beneficiaries"):
        _allocate(world, device, line)
    with pytest.raises(Refused, match="beneficiaries"):
        _allocate(world, device, line, world.beneficiary("structure_t"))


def test_own_use_is_priced_at_the_own_use_tier_without_beneficiary(world):
    allocation = world.allocate(world.device("ready"), own_use=True)
    assert allocation.tier == Tier.OWN_USE and allocation.beneficiary_id is None


def test_an_unknown_line_is_refused(world):
    with pytest.raises(Refused, match="does not exist"):
        lifecycle.perform(world["coordinator"], world.device("ready"), "allocate", {"line_id": 999999})


def test_cancelling_returns_the_device_to_stock(world):
    device = world.device("reserved")
    allocation = lifecycle.active_allocation(device)
    lifecycle.perform(world["coordinator"], device, "cancel_allocation")
    db.session.commit()
    assert device.status == "ready" and allocation.status == "cancelled"
    assert lifecycle.active_allocation(device) is None
    world.allocate(device, "structure_t")
    assert device.status == "reserved"


def test_only_the_structure_it_is_allocated_to_confirms_delivery(world):
    device = world.device("reserved", structure="structure_s")
    with pytest.raises(NotFound):
        lifecycle.perform(world["structure_t"], device, "deliver")
    world.ship([device], "structure_s")
    lifecycle.perform(world["structure_s"], device, "deliver")
    assert device.status == "delivered"
