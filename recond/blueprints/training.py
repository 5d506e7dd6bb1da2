"""A structure's training sessions and their attendance, and their corrections; the
coordination's list of topics."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from recond.distribution import beneficiaries, training
from recond.blueprints.guard import current_actor, requires
from recond.blueprints.auth import safe_next
from recond.blueprints.structure_forms import SessionCorrectionForm, SessionForm, TopicForm
from recond.errors import InvalidInput
from recond.extensions import db
from recond.whole_numbers import whole_number


bp = Blueprint("training", __name__)


def _topic_ids() -> list[int]:
    """The topics ticked: ids of the list, anything else (a forged "²") an unknown topic."""
    ids = [whole_number(t) for t in request.form.getlist("topic")]
    if None in ids:
        raise InvalidInput(_l("Unknown topic."))
    return ids


@bp.route("/training")
@requires("training.record")
def sessions():
    sessions = training.sessions_of(current_actor())
    return render_template("training/index.html", sessions=sessions,
                           served=training.served_ids(sessions))


@bp.route("/training/new", methods=["GET", "POST"])
@requires("training.record")
def new_session():
    actor = current_actor()
    form = SessionForm()
    people = beneficiaries.of_structure(actor)
    if form.validate_on_submit():
        marks = {p.id: request.form.get(f"attendance-{p.id}", "") for p in people}
        topic_ids = _topic_ids()
        session = training.record_session(
            actor, held_on=form.held_on.data, trainer=form.trainer.data, topics=topic_ids,
            duration_minutes=form.duration.data, place=form.place.data or "",
            beneficiaries=[p for p in people if marks[p.id] == "present"],
            absent=[p for p in people if marks[p.id] == "absent"],
            staff=(form.staff.data or "").splitlines())
        db.session.commit()
        flash(ngettext("Session of %(date)s recorded with %(num)d attendee.",
                       "Session of %(date)s recorded with %(num)d attendees.",
                       len(session.attendances), date=session.held_on.strftime("%d/%m/%Y")),
              "success")
        return redirect(safe_next(request.args.get("next"), url_for("training.sessions")))
    return render_template("training/new.html", form=form, people=people,
                           topics=training.topics(),
                           preselected=request.args.get("beneficiary", "")), 422 if form.errors else 200


@bp.route("/training/<int:session_id>", methods=["GET", "POST"])
@requires("training.record")
def session(session_id: int):
    """The session, its corrections, and the form to correct it while it may be."""
    actor = current_actor()
    held = training.get_session(actor, session_id)
    frozen = training.frozen_reason(held)
    people = beneficiaries.of_structure(actor)
    form = SessionCorrectionForm(obj=held, duration=held.duration_minutes,
                                 staff="\n".join(a.staff_name for a in held.attendances if a.staff_name))
    if form.validate_on_submit():
        marks = {p.id: request.form.get(f"attendance-{p.id}", "") for p in people}
        topic_ids = _topic_ids()
        training.correct_session(
            actor, session_id, reason=form.reason.data, held_on=form.held_on.data,
            trainer=form.trainer.data, topics=topic_ids, duration_minutes=form.duration.data,
            place=form.place.data or "",
            beneficiaries=[p for p in people if marks[p.id] == "present"],
            absent=[p for p in people if marks[p.id] == "absent"],
            staff=(form.staff.data or "").splitlines())
        db.session.commit()
        flash(_l("Session corrected; the correction is kept in its history."), "success")
        return redirect(url_for("training.session", session_id=session_id))
    covered = set(held.topics.split("; ")) if held.topics else set()
    marks = {a.beneficiary_id: "present" if a.present else "absent"
             for a in held.attendances if a.beneficiary_id}
    return render_template("training/session.html", held=held, form=form, frozen=frozen,
                           people=people, marks=marks, covered=covered,
                           topics=training.topics(active_only=False),
                           revisions=training.describe(training.revisions_of(held))), \
        422 if form.errors else 200


@bp.route("/training/topics", methods=["GET", "POST"])
@requires("training.topics")
def topics():
    form = TopicForm()
    if form.validate_on_submit():
        training.add_topic(current_actor(), form.label.data)
        db.session.commit()
        return redirect(url_for("training.topics"))
    return render_template("training/topics.html", form=form, topics=training.topics(active_only=False)), \
        422 if form.errors else 200


@bp.route("/training/topics/<int:topic_id>/retire", methods=["POST"])
@requires("training.topics")
def retire_topic(topic_id: int):
    training.retire_topic(current_actor(), topic_id)
    db.session.commit()
    return redirect(url_for("training.topics"))

