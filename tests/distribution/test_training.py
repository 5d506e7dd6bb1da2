"""Training sessions can be corrected, with each correction kept, until one served a release."""
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from recond import lifecycle
from recond.distribution import training
from recond.errors import InvalidInput, NotFound, Refused
from recond.extensions import db
from recond.models import SessionRevision, TrainingSession


def _correct(world, session, structure="structure_s", **changes):
    values = dict(held_on=session.held_on, trainer=session.trainer, topics=session.topics,
                  duration_minutes=session.duration_minutes, place=session.place,
                  beneficiaries=[a.beneficiary for a in session.attendances
                                 if a.beneficiary and a.present],
                  absent=[a.beneficiary for a in session.attendances
                          if a.beneficiary and not a.present],
                  staff=[a.staff_name for a in session.attendances if a.staff_name],
                  reason="typo on the sheet")
    values.update(changes)
    return training.correct_session(world[structure], session.id, **values)


def test_a_correction_changes_the_session_and_keeps_who_when_and_what(world):
    person, other = world.beneficiary(), world.beneficiary()
    session = world.train(present=[person], absent=[other], minutes=20)
    revision = _correct(world, session, duration_minutes=90, held_on=date.today() - timedelta(days=1),
                        trainer="Julien", beneficiaries=[person, other], absent=[],
                        reason="the sheet said 90 minutes")
    db.session.commit()
    session = db.session.get(TrainingSession, session.id)
    assert (session.duration_minutes, session.trainer) == (90, "Julien")
    assert all(a.present for a in session.attendances)
    assert revision.changed_by_id == world["structure_s"].id and revision.changed_at
    assert revision.reason == "the sheet said 90 minutes"
    assert revision.changes["duration_minutes"] == [20, 90]
    assert revision.changes["trainer"] == ["Formatrice", "Julien"]
    assert revision.changes["held_on"] == [date.today().isoformat(),
                                           (date.today() - timedelta(days=1)).isoformat()]
    assert revision.changes["attendance"] == [
        {"beneficiary_id": other.id, "before": "absent", "after": "present"}]
    _correct(world, session, beneficiaries=[person], absent=[], reason="was not there after all")
    db.session.commit()
    assert [r.reason for r in training.revisions_of(session)] == [
        "the sheet said 90 minutes", "was not there after all"]
    assert training.revisions_of(session)[1].changes["attendance"] == [
        {"beneficiary_id": other.id, "before": "present", "after": "none"}]


def test_a_correction_follows_the_rules_of_a_new_session(world):
    person = world.beneficiary()
    session = world.train(present=[person])
    with pytest.raises(InvalidInput, match="future"):
        _correct(world, session, held_on=date.today() + timedelta(days=3))
    with pytest.raises(InvalidInput, match="8 hours"):
        _correct(world, session, duration_minutes=0)
    with pytest.raises(InvalidInput, match="why"):
        _correct(world, session, duration_minutes=60, reason="  ")
    with pytest.raises(InvalidInput, match="Nothing"):
        _correct(world, session)
    with pytest.raises(NotFound):
        _correct(world, session, "structure_t", duration_minutes=60)
    stranger = world.beneficiary("structure_t")
    with pytest.raises(NotFound):
        _correct(world, session, beneficiaries=[person, stranger])
    db.session.rollback()
    assert db.session.get(TrainingSession, session.id).duration_minutes == 120
    assert training.revisions_of(session) == []


def test_a_session_that_served_a_release_is_frozen(world):
    device = world.device("delivered")
    allocation = lifecycle.active_allocation(device)
    world.pay(device)
    session = world.train(present=[allocation.beneficiary])
    _correct(world, session, duration_minutes=100)  # still correctable before the release
    lifecycle.perform(world["structure_s"], device, "release")
    db.session.commit()
    with pytest.raises(Refused) as refused:
        _correct(world, session, duration_minutes=45)
    assert device.public_id in str(refused.value) and "no longer be corrected" in str(refused.value)
    assert refused.value.code == "session_frozen"


def test_marking_the_beneficiary_absent_by_correction_closes_the_gate(world):
    device = world.device("delivered")
    allocation = lifecycle.active_allocation(device)
    world.pay(device)
    session = world.train(present=[allocation.beneficiary])
    _correct(world, session, beneficiaries=[], absent=[allocation.beneficiary])
    db.session.commit()
    with pytest.raises(Refused, match="No training session"):
        lifecycle.perform(world["structure_s"], device, "release")


def test_revisions_are_append_only_in_the_database(world):
    session = world.train(present=[world.beneficiary()])
    _correct(world, session, duration_minutes=45)
    db.session.commit()
    for statement in ("UPDATE training_session_revision SET reason = 'forged'",
                      "DELETE FROM training_session_revision"):
        with pytest.raises(DBAPIError):
            db.session.execute(text(statement))
        db.session.rollback()
    assert db.session.query(SessionRevision).one().reason == "typo on the sheet"


def test_a_correction_keeps_the_mark_of_a_purged_beneficiary(world):
    from recond.distribution import beneficiaries
    from recond.clock import utcnow

    person, gone = world.beneficiary(), world.beneficiary()
    session = world.train(present=[person, gone], minutes=20)
    assert beneficiaries.purge_expired(utcnow() + timedelta(days=3650), months=24) == 2
    db.session.commit()
    revision = training.correct_session(
        world["structure_s"], session.id, reason="durée relue", held_on=session.held_on,
        trainer=session.trainer, topics=session.topics, duration_minutes=60, staff=["Agent"])
    assert "attendance" in revision.changes  # staff added, the purged marks untouched
    assert {a.beneficiary_id for a in session.attendances if a.beneficiary_id} == {person.id, gone.id}
