"""Two people enrolling the same reference at once (a double click, two counters): on
PostgreSQL with real threads, each in its own transaction, both checking the reference before
either writes; one is recorded, the other answered "already recorded" (422), never a 5xx."""
from sqlalchemy import func, select

from recond.distribution import beneficiaries
from recond.errors import DomainError
from recond.extensions import db
from recond.models import Beneficiary, User
from tests.builders import World
from tests.models.test_training_concurrency import RACES, _together


def _enrol(user_id, reference):
    def step():
        actor = db.session.get(User, user_id)
        return lambda: beneficiaries.enrol(actor, reference, "job_seeker")
    return step


def _correct(user_id, beneficiary_id, reference):
    def step():
        actor = db.session.get(User, user_id)
        return lambda: beneficiaries.update(actor, beneficiary_id, reference, "job_seeker")
    return step


def _status(outcome) -> int:
    if outcome == "ok":
        return 200
    return outcome.status if isinstance(outcome, DomainError) else 500


def test_two_enrolments_of_one_reference_record_it_once(pg_app):
    world = World.build()
    user = world["structure_s"].id
    for n in range(RACES):
        reference = f"FJ-{n:04d}"
        outcomes = _together(pg_app, _enrol(user, reference), _enrol(user, reference))
        assert sorted(_status(o) for o in outcomes) == [200, 422], outcomes
        refused = next(o for o in outcomes if o != "ok")
        assert f"Reference {reference} is already recorded" in str(refused.message)
    assert db.session.scalar(select(func.count(Beneficiary.id))) == RACES


def test_an_enrolment_and_a_correction_to_the_same_reference_record_it_once(pg_app):
    world = World.build()
    user = world["structure_s"].id
    for n in range(RACES):
        reference = f"FJ-{n:04d}"
        other = world.beneficiary().id
        outcomes = _together(pg_app, _enrol(user, reference), _correct(user, other, reference))
        assert sorted(_status(o) for o in outcomes) == [200, 422], outcomes
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Beneficiary.id)).where(
        Beneficiary.reference.like("FJ-%"))) == RACES
