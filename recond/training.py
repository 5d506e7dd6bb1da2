"""Training sessions held by structures and their attendance, which every release requires."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from recond.errors import InvalidInput, NotFound, NotPermitted
from recond.extensions import db
from recond.models import Attendance, Beneficiary, Role, TrainingSession, User


def record_session(actor: User, *, held_on: date, trainer: str, topics: str = "",
                   duration_minutes: int = 120, beneficiaries: list[Beneficiary] = (),
                   absent: list[Beneficiary] = (), staff: list[str] = ()) -> TrainingSession:
    if actor.role != Role.STRUCTURE:
        raise NotPermitted(_l("Only structures record training sessions."))
    if not beneficiaries and not staff and not absent:
        raise InvalidInput(_l("A session has at least one attendee."))
    session = TrainingSession(structure_id=actor.organisation_id, held_on=held_on,
                              trainer=trainer, topics=topics, duration_minutes=duration_minutes,
                              created_by_id=actor.id)
    for person, present in [(b, True) for b in beneficiaries] + [(b, False) for b in absent]:
        if person.structure_id != actor.organisation_id:
            raise NotFound(_l("No such beneficiary in your structure."))
        session.attendances.append(Attendance(beneficiary_id=person.id, present=present))
    for name in staff:
        session.attendances.append(Attendance(staff_name=name.strip(), present=True))
    db.session.add(session)
    db.session.flush()
    return session
