"""The pickups calendar: the week's pledged pickups (each collection partner its own, the
coordination all), the same week as an iCalendar file, and planning a deposit's pickup."""
from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from recond.blueprints.guard import current_actor, requires
from recond.collection import pickups
from recond.errors import InvalidInput
from recond.extensions import db

bp = Blueprint("pickups", __name__, url_prefix="/pickups")


@bp.route("/")
@requires("pickups.read")
def week():
    return render_template("pickups/week.html",
                           week=pickups.week_of(current_actor(), request.args.get("week")))


@bp.route("/calendar.ics")
@requires("pickups.read")
def calendar():
    code, content = pickups.ics_of(current_actor(), request.args.get("week"))
    return Response(content, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="pickups-{code}.ics"'})


@bp.route("/<number>", methods=["GET", "POST"])
@requires("pickups.plan")
def plan(number: str):
    actor, error = current_actor(), None
    if request.method == "POST":
        form = request.form
        try:
            day = date.fromisoformat(form.get("day", "").strip()[:10])
        except ValueError:
            day = None
        try:
            pickup = pickups.schedule(actor, number, day=day, start=form.get("start", ""),
                                      end=form.get("end", ""), contact_id=form.get("contact_id", ""),
                                      expected_devices=form.get("expected_devices", ""),
                                      vehicle_capacity=form.get("vehicle_capacity", ""),
                                      crew=form.get("crew", ""))
        except InvalidInput as refused:  # shown above the form, what was typed kept
            db.session.rollback()
            error = refused.message
        else:
            db.session.commit()
            flash(_l("Pickup of %(number)s planned.", number=pickup.deposit.number), "success")
            return redirect(url_for("pickups.week", week=pickups.week_code(
                pickup.deposit.pickup_on)))
    deposit, pickup = pickups.get_for_planning(actor, number)
    return render_template("pickups/plan.html", deposit=deposit, pickup=pickup, error=error,
                           form=request.form if error else None,
                           declared=pickups.declared_devices(deposit)), 422 if error else 200
