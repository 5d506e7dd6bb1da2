"""Training sessions held by structures and their attendance, which every release requires;
and the editable list of topics a session may cover."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from recond.clock import utcnow
from recond.errors import InvalidInput, NotFound, NotPermitted
from recond.extensions import db
from recond.models import Attendance, Beneficiary, Role, TrainingSession, TrainingTopic, User

# The roadmap's usual topics, offered on a new installation; coordinators edit the list.
DEFAULT_TOPICS = (
    "Premiers pas avec un ordinateur", "Sécurité en ligne", "Démarches administratives en ligne",
    "Utiliser le système libre installé", "Messagerie et visioconférence",
)
MAX_MINUTES = 8 * 60


def seed_default_topics() -> None:
    if db.session.scalar(select(TrainingTopic.id).limit(1)) is None:
        db.session.add_all(TrainingTopic(label=label) for label in DEFAULT_TOPICS)
        db.session.flush()


def topics(active_only: bool = True) -> list[TrainingTopic]:
    query = select(TrainingTopic).order_by(TrainingTopic.label)
    if active_only:
        query = query.where(TrainingTopic.active.is_(True))
    return db.session.scalars(query).all()


def add_topic(actor: User, label: str) -> TrainingTopic:
    if actor.role not in (Role.COORDINATOR, Role.ADMIN):
        raise NotPermitted(_l("Only coordinators edit the list of topics."))
    label = (label or "").strip()
    if not label or len(label) > 120:
        raise InvalidInput(_l("A topic has a name of at most 120 characters."))
    existing = db.session.scalar(select(TrainingTopic).where(TrainingTopic.label == label))
    if existing is not None:
        existing.active = True
        db.session.flush()
        return existing
    topic = TrainingTopic(label=label)
    db.session.add(topic)
    db.session.flush()
    return topic


def retire_topic(actor: User, topic_id: int) -> TrainingTopic:
    """Retired topics leave the list; sessions that covered them keep their words."""
    if actor.role not in (Role.COORDINATOR, Role.ADMIN):
        raise NotPermitted(_l("Only coordinators edit the list of topics."))
    topic = db.session.get(TrainingTopic, topic_id)
    if topic is None:
        raise NotFound(_l("No such topic."))
    topic.active = False
    db.session.flush()
    return topic


def sessions_of(actor: User) -> list[TrainingSession]:
    if actor.role != Role.STRUCTURE:
        raise NotPermitted(_l("Only structures record training sessions."))
    return db.session.scalars(
        select(TrainingSession).where(TrainingSession.structure_id == actor.organisation_id)
        .options(selectinload(TrainingSession.attendances).joinedload(Attendance.beneficiary))
        .order_by(TrainingSession.held_on.desc(), TrainingSession.id.desc()).limit(200)).all()


def record_session(actor: User, *, held_on: date, trainer: str, topics: str | list[int] = "",
                   duration_minutes: int = 120, beneficiaries: list[Beneficiary] = (),
                   absent: list[Beneficiary] = (), staff: list[str] = (),
                   place: str = "") -> TrainingSession:
    if actor.role != Role.STRUCTURE:
        raise NotPermitted(_l("Only structures record training sessions."))
    staff = [name.strip()[:200] for name in staff if name and name.strip()]
    if not beneficiaries and not staff and not absent:
        raise InvalidInput(_l("A session has at least one attendee."))
    if not trainer or not trainer.strip():
        raise InvalidInput(_l("Say who trained."))
    if not isinstance(duration_minutes, int) or not 0 < duration_minutes <= MAX_MINUTES:
        raise InvalidInput(_l("A session lasts between 1 minute and 8 hours."))
    if held_on > utcnow().date():
        raise InvalidInput(_l("A session is recorded once held: its date cannot be in the future."))
    if not isinstance(topics, str):
        chosen = db.session.scalars(select(TrainingTopic).where(TrainingTopic.id.in_(topics))).all()
        if len(chosen) != len(set(topics)):
            raise InvalidInput(_l("Unknown topic."))
        topics = "; ".join(t.label for t in chosen)
    session = TrainingSession(structure_id=actor.organisation_id, held_on=held_on,
                              trainer=trainer.strip()[:200], topics=topics[:500],
                              duration_minutes=duration_minutes, place=place.strip()[:200],
                              created_by_id=actor.id)
    seen: set[int] = set()
    for person, present in [(b, True) for b in beneficiaries] + [(b, False) for b in absent]:
        if person.structure_id != actor.organisation_id or person.purged_at is not None:
            raise NotFound(_l("No such beneficiary in your structure."))
        if person.id in seen:
            raise InvalidInput(_l("%(ref)s is marked twice.", ref=person.reference))
        seen.add(person.id)
        session.attendances.append(Attendance(beneficiary_id=person.id, present=present))
    for name in staff:
        session.attendances.append(Attendance(staff_name=name, present=True))
    db.session.add(session)
    db.session.flush()
    return session
