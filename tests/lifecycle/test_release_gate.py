"""No training recorded, no release: the gate from every side."""
from datetime import date, timedelta

import pytest

from recond import lifecycle
from recond.distribution import payments, training, training_gate
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


# --- the session must be associated with this handover: recent enough, long enough ---------

def _days_before_allocation(allocation, days):
    return allocation.created_at.date() - timedelta(days=days)


def test_a_session_held_too_long_before_the_allocation_does_not_count(world, delivered):
    device, allocation = delivered
    world.pay(device)
    world.train(present=[allocation.beneficiary], held_on=date(2020, 3, 2), minutes=120)
    with pytest.raises(Refused) as refused:
        _release(world, device)
    assert "too long before the allocation" in str(refused.value)
    assert "02/03/2020" in str(refused.value) and "180 days" in str(refused.value)
    assert "No training session" not in str(refused.value)


def test_the_validity_window_is_counted_from_the_allocation(world, delivered):
    device, allocation = delivered
    world.pay(device)
    world.train(present=[allocation.beneficiary], held_on=_days_before_allocation(allocation, 181))
    with pytest.raises(Refused, match="too long before"):
        _release(world, device)
    world.train(present=[allocation.beneficiary], held_on=_days_before_allocation(allocation, 180))
    assert _release(world, device).to_status == "released"


def test_a_session_shorter_than_the_minimum_does_not_count(world, delivered):
    device, allocation = delivered
    world.pay(device)
    world.train(present=[allocation.beneficiary], minutes=1)
    world.train(present=[allocation.beneficiary], minutes=29)
    with pytest.raises(Refused) as refused:
        _release(world, device)
    assert "too short (29 minutes at most)" in str(refused.value)
    assert "from 30 minutes" in str(refused.value)
    world.train(present=[allocation.beneficiary], minutes=30)
    assert _release(world, device).to_status == "released"


def test_an_old_one_minute_session_is_refused_for_its_age(world, delivered):
    """The issue's case: a one-minute session dated 2020 for a release now."""
    device, allocation = delivered
    world.pay(device)
    world.train(present=[allocation.beneficiary], held_on=date(2020, 1, 6), minutes=1)
    with pytest.raises(Refused, match="too long before the allocation"):
        _release(world, device)


def test_the_window_and_the_minimum_are_configured(app, world, delivered):
    device, allocation = delivered
    world.pay(device)
    world.train(present=[allocation.beneficiary], held_on=_days_before_allocation(allocation, 300),
                minutes=20)
    app.config["TRAINING_VALIDITY_DAYS"] = 365
    with pytest.raises(Refused, match="from 30 minutes"):
        _release(world, device)
    app.config["TRAINING_MIN_MINUTES"] = 15
    assert _release(world, device).to_status == "released"


def test_the_configuration_comes_from_the_environment(monkeypatch, tmp_path):
    from recond.config import from_environment

    assert from_environment(str(tmp_path))["TRAINING_VALIDITY_DAYS"] == 180
    assert from_environment(str(tmp_path))["TRAINING_MIN_MINUTES"] == 30
    monkeypatch.setenv("RECOND_TRAINING_VALIDITY_DAYS", "90")
    monkeypatch.setenv("RECOND_TRAINING_MIN_MINUTES", "45")
    config = from_environment(str(tmp_path))
    assert (config["TRAINING_VALIDITY_DAYS"], config["TRAINING_MIN_MINUTES"]) == (90, 45)


def test_own_use_staff_training_is_held_to_the_same_rules(world):
    device = world.device("delivered", own_use=True)
    world.pay(device)
    world.train(staff=["Agent d'accueil"], held_on=date(2021, 5, 1))
    with pytest.raises(Refused, match="Staff attended training only too long before"):
        _release(world, device)
    world.train(staff=["Agent d'accueil"], minutes=10)
    with pytest.raises(Refused, match="sessions staff attended were too short"):
        _release(world, device)


def test_the_release_records_the_session_that_opened_the_gate(world, delivered):
    device, allocation = delivered
    world.pay(device)
    old = world.train(present=[allocation.beneficiary], held_on=date(2020, 1, 6))
    good = world.train(present=[allocation.beneficiary], minutes=60)
    world.train(present=[allocation.beneficiary], minutes=5)
    _release(world, device)
    db.session.commit()
    assert training_gate.session_of_release(allocation).id == good.id
    assert training.frozen_reason(good) is not None and training.frozen_reason(old) is None
