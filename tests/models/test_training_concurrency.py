"""A session corrected while it opens a release, a beneficiary deleted while allocated: on
PostgreSQL with real threads, each in its own transaction, one wins and the other is refused
with a reason; never both, never a 5xx."""
from sqlalchemy import func, select

from recond.distribution import beneficiaries, training
from recond import lifecycle
from recond.errors import DomainError
from recond.extensions import db
from recond.models import (
    Allocation, Beneficiary, Device, ReleaseTraining, SessionRevision, TrainingSession, User,
)
from tests.builders import World
from tests.races import race

RACES = 20


def _together(app, *steps):
    """Each step() reads and returns what it will do once all have read."""
    def racer(step):
        def run(ready):
            prepared = step()
            ready()
            prepared()
            return "ok"
        return run
    return race(app, *(racer(s) for s in steps))


def _release(device_id, user_id):
    def step():
        actor, device = db.session.get(User, user_id), db.session.get(Device, device_id)
        return lambda: lifecycle.perform(actor, device, "release")
    return step


def _mark_absent(session_id, beneficiary_id, user_id):
    def step():
        actor = db.session.get(User, user_id)
        held = db.session.get(TrainingSession, session_id)
        person = db.session.get(Beneficiary, beneficiary_id)
        return lambda: training.correct_session(
            actor, session_id, reason="absent after all", held_on=held.held_on,
            trainer=held.trainer, topics=held.topics, duration_minutes=held.duration_minutes,
            beneficiaries=[], absent=[person])
    return step


def test_a_correction_and_the_release_it_would_close_never_both_pass(pg_app):
    world = World.build()
    structure = world["structure_s"]
    for _ in range(RACES):
        device = world.device("delivered")
        allocation = lifecycle.active_allocation(device)
        world.pay(device)
        held = world.train(present=[allocation.beneficiary])
        db.session.commit()
        outcomes = _together(pg_app, _release(device.id, structure.id),
                             _mark_absent(held.id, allocation.beneficiary_id, structure.id))
        assert all(o == "ok" or isinstance(o, DomainError) for o in outcomes), outcomes
        assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
        db.session.expire_all()
        released = db.session.get(Device, device.id).status == "released"
        corrected = db.session.scalar(select(func.count(SessionRevision.id))
                                      .where(SessionRevision.session_id == held.id)) == 1
        opened = db.session.scalar(select(ReleaseTraining.session_id)
                                   .where(ReleaseTraining.allocation_id == allocation.id))
        assert released != corrected
        assert opened == (held.id if released else None)


def test_deleting_a_beneficiary_while_a_device_is_allocated_to_them(pg_app):
    world = World.build()
    line = world.approved_line(quantity=RACES)
    for _ in range(RACES):
        person_id, device_id = world.beneficiary().id, world.device("ready").id
        coordinator, structure = world["coordinator"], world["structure_s"]

        def allocate(device_id=device_id, person_id=person_id):
            actor, device_ = db.session.get(User, coordinator.id), db.session.get(Device, device_id)
            return lambda: lifecycle.perform(actor, device_, "allocate",
                                             {"line_id": line.id, "beneficiary_id": person_id})

        def delete(person_id=person_id):
            actor = db.session.get(User, structure.id)
            return lambda: beneficiaries.delete(actor, person_id)

        outcomes = _together(pg_app, allocate, delete)
        assert all(o == "ok" or isinstance(o, DomainError) for o in outcomes), outcomes
        assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
        db.session.expire_all()
        allocated = db.session.scalar(select(Allocation.id).where(
            Allocation.device_id == device_id)) is not None
        assert allocated == (db.session.get(Beneficiary, person_id) is not None)
