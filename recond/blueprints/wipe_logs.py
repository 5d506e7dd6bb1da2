"""Wipe logs at the workshop: upload, match each drive to a storage medium, record."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from recond.workshop import wipe_evidence
from recond.blueprints.guard import current_actor, requires
from recond.blueprints.workshop_forms import WipeLogForm
from recond.errors import InvalidInput
from recond.extensions import db
from recond.models import SanitisationEvidence
from recond.whole_numbers import whole_number

bp = Blueprint("wipe_logs", __name__, url_prefix="/wipe-logs")


@bp.route("/", methods=["GET", "POST"])
@requires("wipe_logs")
def index():
    actor = current_actor()
    form = WipeLogForm()
    if form.validate_on_submit():
        received = wipe_evidence.receive(actor, form.log.data.filename, form.log.data.read())
        db.session.commit()
        if received.known:
            flash(_l("This log was already uploaded: here it is, with what was recorded from it."),
                  "info")
        return redirect(url_for("wipe_logs.show", evidence_id=received.evidence.id))
    if request.method == "POST":
        raise InvalidInput(_l("Choose the log file."), code="no_file")
    recent = db.session.scalars(db.select(SanitisationEvidence).where(
        SanitisationEvidence.workshop_id == actor.organisation_id)
        .order_by(SanitisationEvidence.id.desc()).limit(30)).all()
    return render_template("wipe_logs/index.html", form=form, recent=recent)


@bp.route("/<int:evidence_id>")
@requires("wipe_logs")
def show(evidence_id: int):
    actor = current_actor()
    evidence = wipe_evidence.get_evidence(actor, evidence_id)
    return render_template("wipe_logs/show.html", evidence=evidence,
                           drives=wipe_evidence.drive_rows(evidence),
                           proposals=wipe_evidence.proposals(actor, evidence),
                           recorded=wipe_evidence.recorded(evidence),
                           media=wipe_evidence.open_media(actor))


@bp.route("/<int:evidence_id>/assign", methods=["POST"])
@requires("wipe_logs")
def assign(evidence_id: int):
    actor = current_actor()
    evidence = wipe_evidence.get_evidence(actor, evidence_id)
    chosen, reasons = {}, {}
    for index, drive in enumerate(evidence.drives):
        value = request.form.get(f"drive-{index}", "")
        if value:
            medium_id = whole_number(value)
            if medium_id is None:
                raise InvalidInput(_l("Choose a storage medium from the list."))
            chosen[drive["device"]] = medium_id
            reasons[drive["device"]] = request.form.get(f"reason-{index}", "")
    records = wipe_evidence.assign(actor, evidence, chosen, reasons)
    db.session.commit()
    flash(_l("%(n)s sanitisation records written.", n=len(records)), "success")
    return redirect(url_for("wipe_logs.show", evidence_id=evidence.id))
