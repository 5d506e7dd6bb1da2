"""The training that opens a release: which recorded session, if any, is *associated* with an
allocation's handover, and why none is when none is.

A session counts when the allocation's beneficiary (or, for the structure's own use, a staff
member) was marked present, it was held by the allocation's structure no earlier than
`RECOND_TRAINING_VALIDITY_DAYS` before the allocation, and it lasted at least
`RECOND_TRAINING_MIN_MINUTES`. On release, the session that opened the gate is recorded
(`ReleaseTraining`); from then on it is frozen (see `training.correct_session`).
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from recond.errors import Conflict, Refused
from recond.extensions import db
from recond.models import Allocation, Attendance, ReleaseTraining, TrainingSession


def validity_days() -> int:
    return current_app.config["TRAINING_VALIDITY_DAYS"]


def min_minutes() -> int:
    return current_app.config["TRAINING_MIN_MINUTES"]


def earliest_date(allocation: Allocation) -> date:
    """The first day a session may have been held on to count for this allocation."""
    return (allocation.created_at - timedelta(days=validity_days())).date()


def _attendance_query():
    """Sessions attended (present), newest first, with whom they count for."""
    return (select(TrainingSession.id, TrainingSession.held_on, TrainingSession.duration_minutes,
                   TrainingSession.structure_id, Attendance.beneficiary_id,
                   Attendance.staff_name.is_not(None).label("staff"))
            .join(Attendance, Attendance.session_id == TrainingSession.id)
            .where(Attendance.present.is_(True))
            .order_by(TrainingSession.held_on.desc(), TrainingSession.id.desc()))


def _counts_for(allocation: Allocation, row) -> bool:
    """Does this attendance count for the allocation's trainee?"""
    if row.structure_id != allocation.structure_id:
        return False
    return row.staff if allocation.for_own_use else row.beneficiary_id == allocation.beneficiary_id


def _sessions_of(allocation: Allocation, rows) -> list:
    """The distinct sessions among the rows that count for this allocation, newest first."""
    seen, found = set(), []
    for row in rows:
        if row.id not in seen and _counts_for(allocation, row):
            seen.add(row.id)
            found.append(row)
    return found


def _attended(allocation: Allocation) -> list:
    """(id, held_on, duration) of the sessions the allocation's trainee attended, newest
    first. Plain rows, not entities: a re-read after a lock sees what was committed."""
    query = _attendance_query().where(TrainingSession.structure_id == allocation.structure_id)
    if allocation.for_own_use:
        query = query.where(Attendance.staff_name.is_not(None))
    else:
        query = query.where(Attendance.beneficiary_id == allocation.beneficiary_id)
    return _sessions_of(allocation, db.session.execute(query).all())


def gate(allocation: Allocation) -> tuple[int | None, list]:
    """The session that opens this allocation's release (the most recent that counts), or
    None and the reasons: no session attended, attended only too long before the
    allocation, or attended recently but too briefly."""
    return _verdict(allocation, _attended(allocation))


def gates(allocations: list[Allocation]) -> dict[int, tuple[int | None, list]]:
    """`gate` of many allocations, read in one query whatever their number (a structure's
    home page lists every device waiting for its handover): the same verdicts, by allocation
    id. The caller loads the allocations' beneficiaries with them (a reason names one)."""
    if not allocations:
        return {}
    beneficiaries = {a.beneficiary_id for a in allocations if not a.for_own_use}
    rows = db.session.execute(_attendance_query().where(
        TrainingSession.structure_id.in_({a.structure_id for a in allocations}),
        Attendance.beneficiary_id.in_(beneficiaries) | Attendance.staff_name.is_not(None))).all()
    return {a.id: _verdict(a, _sessions_of(a, rows)) for a in allocations}


def _verdict(allocation: Allocation, rows: list) -> tuple[int | None, list]:
    """The gate, given the sessions the allocation's trainee attended, newest first."""
    earliest, minimum = earliest_date(allocation), min_minutes()
    recent = [row for row in rows if row.held_on >= earliest]
    for row in recent:
        if row.duration_minutes >= minimum:
            return row.id, []
    own_use = allocation.for_own_use
    ref = None if own_use else allocation.beneficiary.reference
    if not rows:
        if own_use:
            return None, [_l("No training session of the structure shows a staff member present: "
                             "record the session and its attendance first.")]
        return None, [_l("No training session of the structure shows beneficiary %(ref)s present: "
                         "record the session and its attendance first.", ref=ref)]
    if not recent:
        values = dict(ref=ref, last=rows[0].held_on.strftime("%d/%m/%Y"),
                      earliest=earliest.strftime("%d/%m/%Y"), days=validity_days())
        if own_use:
            return None, [_l("Staff attended training only too long before the allocation (last "
                             "session on %(last)s): a session counts from %(earliest)s, %(days)s "
                             "days before the allocation. Record a more recent session.", **values)]
        return None, [_l("Beneficiary %(ref)s attended training only too long before the "
                         "allocation (last session on %(last)s): a session counts from "
                         "%(earliest)s, %(days)s days before the allocation. Record a more "
                         "recent session.", **values)]
    values = dict(ref=ref, longest=max(row.duration_minutes for row in recent), minimum=minimum)
    if own_use:
        return None, [_l("The sessions staff attended were too short (%(longest)s minutes at "
                         "most): a session counts from %(minimum)s minutes.", **values)]
    return None, [_l("The sessions beneficiary %(ref)s attended were too short (%(longest)s "
                     "minutes at most): a session counts from %(minimum)s minutes.", **values)]


def open_gate(allocation: Allocation) -> ReleaseTraining:
    """Record which session opens this release, with that session's row locked, so that a
    correction committed meanwhile is seen and a later one finds the session frozen."""
    locked: set[int] = set()
    for _ in range(5):
        session_id, reasons = gate(allocation)
        if session_id is None:
            raise Refused(reasons[0], details={"reasons": [str(r) for r in reasons]})
        if session_id in locked:
            opened = ReleaseTraining(allocation_id=allocation.id, session_id=session_id)
            db.session.add(opened)
            db.session.flush()
            return opened
        # Lock, then look again: the answer is only trusted once read under the lock.
        db.session.execute(select(TrainingSession.id).where(TrainingSession.id == session_id)
                           .with_for_update())
        locked.add(session_id)
    raise Conflict(_l("The training sessions changed meanwhile. Reload and try again."))


def session_of_release(allocation: Allocation) -> TrainingSession | None:
    return db.session.scalar(
        select(TrainingSession).join(ReleaseTraining, ReleaseTraining.session_id == TrainingSession.id)
        .where(ReleaseTraining.allocation_id == allocation.id))
