"""Beneficiaries are pseudonymous, and their references are erased after the retention period."""
from datetime import timedelta

import pytest

from recond.distribution import beneficiaries, training
from recond import lifecycle
from recond.clock import utcnow
from recond.errors import InvalidInput, NotFound, NotPermitted, Refused
from recond.extensions import db
from recond.lifecycle import active_allocation
from recond.models import Beneficiary, TrainingSession


@pytest.mark.parametrize("reference, looks_like", [
    ("1.85.05.78.006.084.36", "social security number"),
    ("1-85-05-78-006-084-36", "social security number"),
    ("185052A00608436", "social security number"),  # Corse: 2A
    ("2 85 05 2B 006 084", "social security number"),
    ("1850578006048", "social security number"), ("185057800604812", "social security number"),
    ("0612345678", "phone number"), ("06 12 34 56 78", "phone number"),
    ("06.12.34.56.78", "phone number"), ("+33 6 12 34 56 78", "phone number"),
    ("+33 (0)1 47 00 00 00", "phone number"), ("0033612345678", "phone number"),
    ("x@y.fr", "e-mail"), ("jean.dupont@exemple.fr", "e-mail"),
    ("DUPONT.Jean", "name"), ("Mme_Martin", "name"), ("jean.dupont", "name"),
    ("Marie Dupont", "name"), ("M. Martin 12", "name"), ("Mme-12", "name"),
    ("Jean.Dupont7", "name"), ("dupont-jean-2", "name"),
    ("DUPONT-JEAN-2", "name"), ("Dupont2", "name"), ("MARTIN.SOPHIE.1985", "name"),
    ("SOPHIE-1985", "name"), ("jean2", "name"), ("Luc-7", "name"), ("dossier_417", "name"),
    ("BENEF-12", "name"), ("Zoé7", "name"),
    ("00447911123456", "phone number"), ("0044 7911 123456", "phone number"),
    ("+44 7911 123456", "phone number"), ("00 49 30 12345678", "phone number"),
    ("CS 92 0042", "spaces"),
])
def test_a_reference_that_identifies_a_person_is_refused(app, reference, looks_like):
    with pytest.raises(InvalidInput) as refused:
        beneficiaries.check_reference(reference)
    problem, _, explanation = str(refused.value).partition(" Use your own file reference")
    assert looks_like in problem and "CS92-0042" in explanation
    assert refused.value.code == "not_pseudonymous"


@pytest.mark.parametrize("reference", ["CS92-0042", "2026/017", "BEN-A12", "FJ-2026-099",
                                       "BEN-ABC-12", "ASSO-12", "CCAS-2026-0042", "A1",
                                       "cs92-0042", "2026.017_b", "0042-0042"])
def test_a_structures_file_reference_is_accepted(app, reference):
    assert beneficiaries.check_reference(f" {reference} ") == reference


def test_enrolment_checks_the_reference(world):
    with pytest.raises(InvalidInput, match="reference and an eligibility tier"):
        beneficiaries.enrol(world["structure_s"], "  ", "job_seeker")
    with pytest.raises(InvalidInput, match="social security number"):
        beneficiaries.enrol(world["structure_s"], "185052A00608436", "job_seeker")
    assert beneficiaries.enrol(world["structure_s"], "2026/017", "job_seeker").reference == "2026/017"


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
    pending = active_allocation(world.device("delivered")).beneficiary  # on its way: kept
    now = utcnow()
    assert beneficiaries.purge_expired(now + timedelta(days=700), months=24) == 0
    assert beneficiaries.purge_expired(now + timedelta(days=740), months=24) == 1
    db.session.commit()
    person = db.session.get(Beneficiary, person.id)
    assert person.reference == f"purged-{person.id}" and person.postcode is None and person.purged_at
    assert db.session.get(Beneficiary, pending.id).purged_at is None
    assert person not in beneficiaries.of_structure(world["structure_s"])
    app.config["BENEFICIARY_RETENTION_MONTHS"] = 1
    assert beneficiaries.purge_expired(now + timedelta(days=40)) == 0  # nothing left to purge


def test_a_beneficiary_with_a_device_still_on_its_way_is_kept(world):
    released = world.device("released")
    person = active_allocation(released).beneficiary
    pending = world.device("delivered")
    allocation = active_allocation(pending)
    left_out = allocation.beneficiary_id  # never equipped now: purged after enrolment
    allocation.beneficiary_id = person.id  # a second device for the same person, not yet handed over
    allocation.second_device_reason = "Deux enfants scolarisés"  # the database asks why
    db.session.commit()
    assert beneficiaries.purge_expired(utcnow() + timedelta(days=3650), months=24) == 1
    assert db.session.get(Beneficiary, left_out).purged_at is not None
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


def test_one_never_equipped_is_purged_a_retention_period_after_enrolment(app, world):
    waiting = world.beneficiary()
    cancelled = world.beneficiary()
    device = world.device("ready")
    line = world.approved_line()
    lifecycle.perform(world["coordinator"], device, "allocate",
                      {"line_id": line.id, "beneficiary_id": cancelled.id})
    lifecycle.perform(world["coordinator"], device, "cancel_allocation", {})
    db.session.commit()
    now = utcnow()
    assert beneficiaries.purge_expired(now + timedelta(days=700), months=24) == 0
    assert beneficiaries.purge_expired(now + timedelta(days=740), months=24) == 2
    db.session.commit()
    for person in (waiting, cancelled):
        person = db.session.get(Beneficiary, person.id)
        assert person.reference == f"purged-{person.id}" and person.purged_at


def test_the_cli_purges_one_never_equipped(app, world):
    world.beneficiary()
    result = app.test_cli_runner().invoke(args=["purge-beneficiaries", "--months", "0"])
    assert "1 beneficiary references erased" in result.output


def test_a_beneficiary_is_edited_or_deleted_before_any_allocation(world):
    person = world.beneficiary(reference="FJ-001")
    session = world.train(present=[person, world.beneficiary()])
    beneficiaries.update(world["structure_s"], person.id, "CS92-0042", "low_income", "92700")
    db.session.commit()
    person = db.session.get(Beneficiary, person.id)
    assert (person.reference, person.tier, person.postcode) == ("CS92-0042", "low_income", "92700")
    with pytest.raises(InvalidInput, match="phone number"):
        beneficiaries.update(world["structure_s"], person.id, "0612345678", "low_income")
    with pytest.raises(InvalidInput, match="already recorded"):
        beneficiaries.update(world["structure_s"], person.id, world.beneficiary().reference, "low_income")
    with pytest.raises(NotFound):
        beneficiaries.update(world["structure_t"], person.id, "CS92-0043", "low_income")
    with pytest.raises(NotFound):
        beneficiaries.delete(world["structure_t"], person.id)
    db.session.rollback()
    assert beneficiaries.delete(world["structure_s"], person.id) == "CS92-0042"
    db.session.commit()
    assert db.session.get(Beneficiary, person.id) is None
    # the session loses the mark and says so in its revisions
    assert [a.beneficiary_id for a in db.session.get(TrainingSession, session.id).attendances] \
        != [person.id] and len(db.session.get(TrainingSession, session.id).attendances) == 1
    assert training.revisions_of(session)[0].changes["attendance"][0]["after"] == "none"


def test_a_beneficiary_allocated_a_device_is_neither_edited_nor_deleted(world):
    device = world.device("reserved")
    person = active_allocation(device).beneficiary
    with pytest.raises(Refused, match="editing is no longer possible"):
        beneficiaries.update(world["structure_s"], person.id, "CS92-0099", "low_income")
    with pytest.raises(Refused, match="deleting is no longer possible"):
        beneficiaries.delete(world["structure_s"], person.id)
    lifecycle.perform(world["coordinator"], device, "cancel_allocation", {})
    db.session.commit()
    with pytest.raises(Refused, match="had a device allocated"):
        beneficiaries.delete(world["structure_s"], person.id)


def test_one_on_a_session_that_served_a_release_cannot_be_deleted(world):
    device = world.device("delivered")
    allocation = active_allocation(device)
    bystander = world.beneficiary()
    world.pay(device)
    world.train(present=[allocation.beneficiary, bystander])
    lifecycle.perform(world["structure_s"], device, "release")
    db.session.commit()
    with pytest.raises(Refused, match="served a handover"):
        beneficiaries.delete(world["structure_s"], bystander.id)
    assert beneficiaries.update(world["structure_s"], bystander.id, "CS92-0100", "low_income")
