"""Beneficiaries are pseudonymous, and their references are erased after the retention period."""
from datetime import timedelta

import pytest

from recond import beneficiaries, training
from recond.clock import utcnow
from recond.errors import InvalidInput, NotPermitted
from recond.extensions import db
from recond.lifecycle import active_allocation
from recond.models import Beneficiary


@pytest.mark.parametrize("reference", ["Marie Dupont", "1850578006048", "185057800604812", "x@y.fr", ""])
def test_a_reference_is_never_a_name_or_a_social_security_number(world, reference):
    with pytest.raises(InvalidInput):
        beneficiaries.enrol(world["structure_s"], reference, "job_seeker")


def test_a_reference_is_unique_in_its_structure_only(world):
    beneficiaries.enrol(world["structure_s"], "FJ-001", "job_seeker", "92700")
    with pytest.raises(InvalidInput, match="already"):
        beneficiaries.enrol(world["structure_s"], "FJ-001", "low_income")
    assert beneficiaries.enrol(world["structure_t"], "FJ-001", "low_income").reference == "FJ-001"
    with pytest.raises(NotPermitted):
        beneficiaries.enrol(world["coordinator"], "FJ-002", "low_income")


def test_references_are_purged_after_the_retention_period(app, world):
    released = world.device("released")
    person = active_allocation(released).beneficiary
    waiting = world.beneficiary()  # never received anything: kept
    now = utcnow()
    assert beneficiaries.purge_expired(now + timedelta(days=700), months=24) == 0
    assert beneficiaries.purge_expired(now + timedelta(days=740), months=24) == 1
    db.session.commit()
    person = db.session.get(Beneficiary, person.id)
    assert person.reference == f"purged-{person.id}" and person.postcode is None and person.purged_at
    assert db.session.get(Beneficiary, waiting.id).purged_at is None
    assert person not in beneficiaries.of_structure(world["structure_s"])
    app.config["BENEFICIARY_RETENTION_MONTHS"] = 1
    assert beneficiaries.purge_expired(now + timedelta(days=40)) == 0  # nothing left to purge


def test_a_beneficiary_with_a_device_still_on_its_way_is_kept(world):
    released = world.device("released")
    person = active_allocation(released).beneficiary
    pending = world.device("delivered")
    allocation = active_allocation(pending)
    allocation.beneficiary_id = person.id  # a second device for the same person, not yet handed over
    allocation.second_device_reason = "Deux enfants scolarisés"  # the database asks why
    db.session.commit()
    assert beneficiaries.purge_expired(utcnow() + timedelta(days=3650), months=24) == 0
    assert db.session.get(Beneficiary, person.id).purged_at is None


def test_the_cli_purges(app, world):
    world.device("released")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["purge-beneficiaries", "--months", "0"])
    assert "1 beneficiary references erased" in result.output


def test_topics_are_an_editable_list(world):
    topic = training.add_topic(world["coordinator"], "Protéger ses données")
    assert topic in training.topics()
    training.retire_topic(world["coordinator"], topic.id)
    assert topic not in training.topics()
    with pytest.raises(NotPermitted):
        training.add_topic(world["structure_s"], "x")


def test_a_session_names_its_topics_and_cannot_be_in_the_future(world):
    person = world.beneficiary()
    topics = training.topics()[:2]
    session = training.record_session(world["structure_s"], held_on=utcnow().date(), trainer="Léa",
                                      topics=[t.id for t in topics], beneficiaries=[person],
                                      place="Salle 2")
    assert session.topics == "; ".join(t.label for t in topics)
    with pytest.raises(InvalidInput, match="future"):
        training.record_session(world["structure_s"], held_on=utcnow().date() + timedelta(days=2),
                                trainer="Léa", beneficiaries=[person])
