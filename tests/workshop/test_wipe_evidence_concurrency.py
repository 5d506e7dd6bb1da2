"""Evidence is used once, whoever races whom: real concurrent transactions on PostgreSQL.

Threads, each with its own session and connection, all ready before any acts (a barrier):
several technicians assigning one drive of one log to different media, and several uploading
the same log at the same moment.
"""
from pathlib import Path

from sqlalchemy import func, select

from recond.workshop import wipe_evidence
from recond.errors import Refused
from recond.extensions import db
from recond.models import SanitisationEvidence, SanitisationRecord, User
from tests.builders import World
from tests.races import race

LOGS = Path(__file__).parents[1] / "fixtures" / "nwipe"
COMPLETE = ["zero-one-drive.log", "prng-three-drives-one-failed.log",
            "dodshort-two-rounds.log", "zero-failed-drive.log"]
THREADS = 4


def _racers(work):
    """THREADS steps, the i-th calling work(i, ready)."""
    return [lambda ready, i=i: work(i, ready) for i in range(THREADS)]


def test_concurrent_assignments_of_one_drive_give_one_record(pg_app):
    world = World.build()
    tech_id = world["tech_a"].id
    media = [world.advance(world.register(capacity_gb=None), "received").media[0].id
             for _ in range(THREADS)]
    races = []
    for name in COMPLETE:
        evidence = wipe_evidence.upload(world["tech_a"], name, (LOGS / name).read_bytes())
        db.session.commit()
        races += [(evidence.id, drive["device"]) for drive in evidence.drives]
    assert len(races) == 6
    for evidence_id, drive in races:
        def work(i, ready, evidence_id=evidence_id, drive=drive):
            actor = db.session.get(User, tech_id)
            evidence = wipe_evidence.get_evidence(actor, evidence_id)
            ready()
            return wipe_evidence.assign(actor, evidence, {drive: media[i]})

        outcomes = race(pg_app, *_racers(work))
        won = [o for o in outcomes if isinstance(o, list)]
        lost = [o for o in outcomes if not isinstance(o, list)]
        assert len(won) == 1, outcomes
        assert all(isinstance(o, Refused) and o.code == "already_recorded" for o in lost), outcomes
    db.session.expire_all()
    for evidence_id, drive in races:
        assert db.session.scalar(select(func.count()).select_from(SanitisationRecord).where(
            SanitisationRecord.evidence_id == evidence_id, SanitisationRecord.drive == drive)) == 1


def test_concurrent_uploads_of_one_log_keep_one(pg_app):
    world = World.build()
    tech_id = world["tech_a"].id
    for name in COMPLETE:
        content = (LOGS / name).read_bytes()

        def work(i, ready, content=content):
            actor = db.session.get(User, tech_id)
            ready()
            received = wipe_evidence.receive(actor, f"copy-{i}.log", content)
            db.session.flush()
            return received.evidence.id, received.known

        outcomes = race(pg_app, *_racers(work))
        assert all(isinstance(o, tuple) for o in outcomes), outcomes
        assert len({evidence_id for evidence_id, _ in outcomes}) == 1
        assert sorted(known for _, known in outcomes) == [False] + [True] * (THREADS - 1)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(SanitisationEvidence)) == len(COMPLETE)
