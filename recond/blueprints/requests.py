"""Equipment requests: a structure's list and new request; a request's page, where a
coordinator decides line by line and either side may cancel."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from recond.distribution import equipment_requests
from recond.blueprints.guard import current_actor, requires
from recond.blueprints.structure_forms import LINE_COUNT, RequestForm
from recond.errors import InvalidInput
from recond.extensions import db
from recond.whole_numbers import whole_number


bp = Blueprint("requests", __name__, url_prefix="/requests")


@bp.route("/")
@requires("requests.read")
def index():
    actor = current_actor()
    return render_template("requests/index.html",
                           requests=db.session.scalars(equipment_requests.visible_requests(actor).limit(300)).all())


@bp.route("/new", methods=["GET", "POST"])
@requires("requests.create")
def new():
    form = RequestForm()
    if form.validate_on_submit():
        lines = [equipment_requests.LineWish(form[f"category_{n}"].data, form[f"quantity_{n}"].data,
                                    form[f"min_ram_{n}"].data, form[f"min_storage_{n}"].data)
                 for n in range(1, LINE_COUNT + 1)
                 if form[f"category_{n}"].data and form[f"quantity_{n}"].data]
        created = equipment_requests.submit(current_actor(), purpose=form.purpose.data, lines=lines,
                                   justification=form.justification.data)
        db.session.commit()
        flash(_l("Request %(number)s sent to the coordination.", number=created.number), "success")
        return redirect(url_for("requests.show", request_id=created.id))
    return render_template("requests/new.html", form=form, line_count=LINE_COUNT), \
        422 if form.errors else 200


@bp.route("/<int:request_id>")
@requires("requests.read")
def show(request_id: int):
    actor = current_actor()
    found = equipment_requests.get_request(actor, request_id)
    return render_template("requests/show.html", equipment_request=found,
                           progress=equipment_requests.line_progress(found),
                           deciding=equipment_requests.can_decide(actor, found),
                           cancellable=equipment_requests.can_cancel(actor, found))


@bp.route("/<int:request_id>/decision", methods=["POST"])
@requires("requests.decide")
def decide(request_id: int):
    actor = current_actor()
    found = equipment_requests.get_request(actor, request_id)
    approved = {}
    for line in found.lines:
        number = whole_number(request.form.get(f"approved-{line.id}", ""), minimum=0)
        approved[line.id] = -1 if number is None else number
    equipment_requests.decide(actor, found, approved, request.form.get("comment", "")[:2000])
    db.session.commit()
    flash(_l("Decision recorded: %(status)s.", status=equipment_requests.STATUS_LABELS[found.status]), "success")
    return redirect(url_for("requests.show", request_id=found.id))


@bp.route("/<int:request_id>/cancel", methods=["POST"])
@requires("requests.cancel")
def cancel(request_id: int):
    actor = current_actor()
    found = equipment_requests.get_request(actor, request_id)
    # Cancelling is final: the form asks for a ticked confirmation (the page says why).
    if request.form.get("confirm") != "yes":
        raise InvalidInput(_l("Tick the box to confirm that request %(number)s is cancelled.",
                              number=found.number), code="not_confirmed")
    found = equipment_requests.cancel(actor, found)
    db.session.commit()
    flash(_l("Request %(number)s cancelled.", number=found.number), "success")
    return redirect(url_for("requests.show", request_id=found.id))
