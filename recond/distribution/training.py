"""Training sessions held by structures and their attendance, which every release requires;
their corrections (kept as append-only revisions) until a session has served a release;
and the editable list of topics a session may cover.

Which session opens a given release is `training_gate`'s business."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from recond.clock import utcnow
from recond import capabilities
from recond.errors import InvalidInput, NotFound, Refused
from recond.extensions import db
from recond.models import (
    Allocation, Attendance, Beneficiary, Device, ReleaseTraining, SessionRevision, TrainingSession,
    TrainingTopic, User,
)

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
    capabilities.require(actor, "training.topics")
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
    capabilities.require(actor, "training.topics")
    topic = db.session.get(TrainingTopic, topic_id)
    if topic is None:
        raise NotFound(_l("No such topic."))
    topic.active = False
    db.session.flush()
    return topic


def sessions_of(actor: User) -> list[TrainingSession]:
    capabilities.require(actor, "training.record")
    return db.session.scalars(
        select(TrainingSession).where(TrainingSession.structure_id == actor.organisation_id)
        .options(selectinload(TrainingSession.attendances).joinedload(Attendance.beneficiary))
        .order_by(TrainingSession.held_on.desc(), TrainingSession.id.desc()).limit(200)).all()


def _checked(actor: User, *, held_on: date, trainer: str, topics: str | list[int],
             duration_minutes: int, beneficiaries, absent, staff, place: str) -> dict:
    """What a session says, validated: the same rules for a new session and a correction."""
    capabilities.require(actor, "training.record")
    staff = [name.strip()[:200] for name in staff if name and name.strip()]
    if not beneficiaries and not staff and not absent:
        raise InvalidInput(_l("A session has at least one attendee."))
    if not trainer or not trainer.strip():
        raise InvalidInput(_l("Say who trained."))
    if not isinstance(duration_minutes, int) or not 0 < duration_minutes <= MAX_MINUTES:
        raise InvalidInput(_l("A session lasts between 1 minute and 8 hours."))
    if held_on is None or held_on > utcnow().date():
        raise InvalidInput(_l("A session is recorded once held: its date cannot be in the future."))
    if not isinstance(topics, str):
        chosen = db.session.scalars(select(TrainingTopic).where(TrainingTopic.id.in_(topics))).all()
        chosen.sort(key=lambda topic: topics.index(topic.id))  # in the order they were chosen
        if len(chosen) != len(set(topics)):
            raise InvalidInput(_l("Unknown topic."))
        topics = "; ".join(t.label for t in chosen)
    marks: dict[tuple[str, object], bool] = {}
    for person, present in [(b, True) for b in beneficiaries] + [(b, False) for b in absent]:
        if person.structure_id != actor.organisation_id or person.purged_at is not None:
            raise NotFound(_l("No such beneficiary in your structure."))
        if ("beneficiary", person.id) in marks:
            raise InvalidInput(_l("%(ref)s is marked twice.", ref=person.reference))
        marks[("beneficiary", person.id)] = present
    for name in staff:
        marks[("staff", name)] = True
    return dict(held_on=held_on, trainer=trainer.strip()[:200], topics=topics[:500],
                duration_minutes=duration_minutes, place=(place or "").strip()[:200], marks=marks)


def _attendance(key: tuple[str, object], present: bool) -> Attendance:
    kind, who = key
    if kind == "beneficiary":
        return Attendance(beneficiary_id=who, present=present)
    return Attendance(staff_name=who, present=present)


def record_session(actor: User, *, held_on: date, trainer: str, topics: str | list[int] = "",
                   duration_minutes: int = 120, beneficiaries: list[Beneficiary] = (),
                   absent: list[Beneficiary] = (), staff: list[str] = (),
                   place: str = "") -> TrainingSession:
    values = _checked(actor, held_on=held_on, trainer=trainer, topics=topics,
                      duration_minutes=duration_minutes, beneficiaries=beneficiaries,
                      absent=absent, staff=staff, place=place)
    marks = values.pop("marks")
    session = TrainingSession(structure_id=actor.organisation_id, created_by_id=actor.id, **values)
    session.attendances.extend(_attendance(key, present) for key, present in marks.items())
    db.session.add(session)
    db.session.flush()
    return session


# --- corrections --------------------------------------------------------------------------------

_CORRECTABLE = ("held_on", "duration_minutes", "trainer", "topics", "place")


def get_session(actor: User, session_id: int) -> TrainingSession:
    session = db.session.get(TrainingSession, session_id)
    if session is None or not capabilities.can(actor, "training.record") or \
            session.structure_id != actor.organisation_id:
        raise NotFound(_l("No such training session in your structure."))
    return session


def release_served(session: TrainingSession) -> Allocation | None:
    """The first release this session opened, if any: then it is frozen."""
    return db.session.scalar(
        select(Allocation).join(ReleaseTraining, ReleaseTraining.allocation_id == Allocation.id)
        .where(ReleaseTraining.session_id == session.id)
        .order_by(ReleaseTraining.opened_at, ReleaseTraining.id).limit(1))


def frozen_reason(session: TrainingSession):
    allocation = release_served(session)
    if allocation is None:
        return None
    return _l("This session opened the handover of device %(id)s on %(date)s: it can no "
              "longer be corrected. Record a new session instead.",
              id=db.session.get(Device, allocation.device_id).public_id,
              date=allocation.released_at.strftime("%d/%m/%Y") if allocation.released_at else "—")


def served_ids(sessions: list[TrainingSession]) -> set[int]:
    """Which of these sessions have served a release (one query for a whole list)."""
    ids = [s.id for s in sessions]
    if not ids:
        return set()
    return set(db.session.scalars(select(ReleaseTraining.session_id)
                                  .where(ReleaseTraining.session_id.in_(ids))))


def attendance_of(session: TrainingSession) -> dict[str, list]:
    """The session's marks as `correct_session` takes them (beneficiaries present, absent,
    staff): what a correction that leaves the attendance alone passes back. A purged
    beneficiary is left out; `correct_session` keeps their mark as it was."""
    listed = [a for a in session.attendances if a.beneficiary and not a.beneficiary.purged_at]
    return {"beneficiaries": [a.beneficiary for a in listed if a.present],
            "absent": [a.beneficiary for a in listed if not a.present],
            "staff": [a.staff_name for a in session.attendances if a.staff_name]}


def _mark_label(key: tuple[str, object]) -> dict:
    kind, who = key
    return {"beneficiary_id": who} if kind == "beneficiary" else {"staff": who}


def correct_session(actor: User, session_id: int, *, reason: str, held_on: date, trainer: str,
                    topics: str | list[int] = "", duration_minutes: int = 120,
                    beneficiaries: list[Beneficiary] = (), absent: list[Beneficiary] = (),
                    staff: list[str] = (), place: str = "") -> SessionRevision:
    """Replace what a session says (date, duration, trainer, topics, place, attendance) and
    keep the change as a revision. Refused once the session has served a release."""
    session = get_session(actor, session_id)
    # The row lock orders us with a release reading this session (training_gate.open_gate):
    # whichever commits second sees the other.
    db.session.execute(select(TrainingSession.id).where(TrainingSession.id == session.id)
                       .with_for_update())
    db.session.refresh(session)
    frozen = frozen_reason(session)
    if frozen is not None:
        raise Refused(frozen, code="session_frozen")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_l("Say why the session is corrected."))
    values = _checked(actor, held_on=held_on, trainer=trainer, topics=topics,
                      duration_minutes=duration_minutes, beneficiaries=beneficiaries,
                      absent=absent, staff=staff, place=place)
    new_marks = values.pop("marks")
    changes: dict = {}
    for name in _CORRECTABLE:
        before, after = getattr(session, name), values[name]
        if before != after:
            changes[name] = [str(before) if name == "held_on" else before,
                             str(after) if name == "held_on" else after]
            setattr(session, name, after)
    current = {(("beneficiary", a.beneficiary_id) if a.beneficiary_id is not None
                else ("staff", a.staff_name)): a for a in session.attendances}
    for key, mark in current.items():
        # A purged beneficiary is no longer listed anywhere: their mark stays as it was.
        if mark.beneficiary is not None and mark.beneficiary.purged_at is not None:
            new_marks.setdefault(key, mark.present)
    moved = []
    for key in current.keys() | new_marks.keys():
        before = current[key].present if key in current else None
        after = new_marks.get(key)
        if before == after:
            continue
        moved.append({**_mark_label(key), "before": _mark_word(before), "after": _mark_word(after)})
        if after is None:
            session.attendances.remove(current[key])
            db.session.delete(current[key])
        elif before is None:
            session.attendances.append(_attendance(key, after))
        else:
            current[key].present = after
    if moved:
        changes["attendance"] = sorted(moved, key=lambda m: (m.get("staff") or "", m.get("beneficiary_id") or 0))
    if not changes:
        raise InvalidInput(_l("Nothing was changed."))
    revision = SessionRevision(session_id=session.id, changed_by_id=actor.id,
                               reason=reason[:500], changes=changes)
    db.session.add(revision)
    db.session.flush()
    return revision


def _mark_word(present: bool | None) -> str:
    return "none" if present is None else ("present" if present else "absent")


def revisions_of(session: TrainingSession) -> list[SessionRevision]:
    return db.session.scalars(select(SessionRevision).where(SessionRevision.session_id == session.id)
                              .order_by(SessionRevision.changed_at, SessionRevision.id)).all()


_FIELD_LABELS = {"held_on": _l("Date"), "duration_minutes": _l("Duration (minutes)"),
                 "trainer": _l("Trainer"), "topics": _l("Topics"), "place": _l("Place")}
_MARK_LABELS = {"present": _l("present"), "absent": _l("absent"), "none": _l("not marked")}


def describe(revisions: list[SessionRevision]) -> list[dict]:
    """Each revision as lines a person reads: what, before, after (references, not ids)."""
    ids = {m["beneficiary_id"] for r in revisions for m in r.changes.get("attendance", [])
           if "beneficiary_id" in m}
    refs = dict(db.session.execute(select(Beneficiary.id, Beneficiary.reference)
                                   .where(Beneficiary.id.in_(ids))).all()) if ids else {}
    described = []
    for revision in revisions:
        lines = []
        for name, label in _FIELD_LABELS.items():
            if name in revision.changes:
                before, after = revision.changes[name]
                if name == "held_on":
                    before, after = (date.fromisoformat(v).strftime("%d/%m/%Y") for v in (before, after))
                lines.append((label, before or "—", after or "—"))
        for mark in revision.changes.get("attendance", []):
            who = mark.get("staff") or refs.get(mark.get("beneficiary_id"), _l("deleted beneficiary"))
            lines.append((who, _MARK_LABELS[mark["before"]], _MARK_LABELS[mark["after"]]))
        described.append({"revision": revision, "lines": lines})
    return described
