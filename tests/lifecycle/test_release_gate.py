"""No training recorded, no release: the gate from every side."""
import pytest

from recond import lifecycle, payments
from recond.errors import InvalidInput, NotFound, Refused
from recond.extensions import db


def _release(world, device, structure="structure_s"):
    return lifecycle.perform(world[structure], device, "release")


@pytest.fixture
def delivered(world):
    device = world.device("delivered")
    return device, lifecycle.active_allocation(device)


def test_released_when_paid_and_trained(world, delivered):
    device, allocation = delivered
    world.pay(device)
    world.train(present=[allocation.beneficiary])
    assert _release(world, device).to_status == "released"


def test_refused_with_both_reasons_when_nothing_is_recorded(world, delivered):
    device, allocation = delivered
    with pytest.raises(Refused) as refused:
        _release(world, device)
    reasons = refused.value.details["reasons"]
    assert len(reasons) == 2
    assert "not recorded as paid" in reasons[0]
    assert allocation.beneficiary.reference in reasons[1]


def test_refused_without_training_even_when_paid(world, delivered):
    device, _ = delivered
    world.pay(device)
    with pytest.raises(Refused, match="No training session"):
        _release(world, device)


def test_refused_when_the_session_was_for_another_beneficiary(world, delivered):
    device, _ = delivered
    world.pay(device)
    world.train(present=[world.beneficiary()])
    with pytest.raises(Refused, match="No training session"):
        _release(world, device)


def test_refused_when_the_session_is_another_devices_beneficiary(world, delivered):
    device, _ = delivered
    other = world.device("delivered")
    world.pay(device)
    world.train(present=[lifecycle.active_allocation(other).beneficiary])
    with pytest.raises(Refused, match="No training session"):
        _release(world, device)
    assert _release_other_ok(world, other)


def _release_other_ok(world, other):
    world.pay(other)
    return _release(world, other).to_status == "released"


def test_refused_when_the_beneficiary_was_marked_absent(world, delivered):
    device, allocation = delivered
    world.pay(device)
    world.train(absent=[allocation.beneficiary])
    with pytest.raises(Refused, match="No training session"):
        _release(world, device)


def test_refused_when_only_partly_paid(world, delivered):
    device, allocation = delivered
    world.pay(device, amount=allocation.price_cents - 1)
    world.train(present=[allocation.beneficiary])
    with pytest.raises(Refused, match="not recorded as paid"):
        _release(world, device)


def test_a_payment_is_positive_and_recorded_by_the_allocations_structure(world, delivered):
    device, allocation = delivered
    with pytest.raises(InvalidInput):
        payments.record_payment(world["structure_s"], allocation, amount_cents=0, method="cash")
    with pytest.raises(NotFound):
        payments.record_payment(world["structure_t"], allocation, amount_cents=100, method="cash")


def test_own_use_needs_staff_trained(world):
    device = world.device("delivered", own_use=True)
    world.pay(device)
    with pytest.raises(Refused, match="staff member"):
        _release(world, device)
    world.train(staff=["Agent d'accueil"])
    assert _release(world, device).to_status == "released"


def test_only_the_allocations_structure_releases(world, delivered):
    device, allocation = delivered
    world.pay(device)
    world.train(present=[allocation.beneficiary])
    with pytest.raises(NotFound):
        _release(world, device, "structure_t")


def test_a_session_of_another_structure_does_not_count(world, delivered):
    device, allocation = delivered
    world.pay(device)
    # structure T cannot even record S's beneficiary in its session
    with pytest.raises(NotFound):
        world.train("structure_t", present=[allocation.beneficiary])
    db.session.rollback()
    with pytest.raises(Refused, match="No training session"):
        _release(world, device)
