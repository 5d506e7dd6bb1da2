"""Transfer notes between workshops: the sending workshop prepares and ships them; the
receiving workshop scans what arrives."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from recond import capabilities
from recond.blueprints.guard import current_actor, requires
from recond.blueprints.workshop_forms import ScanForm
from recond.errors import InvalidInput
from recond.extensions import db
from recond.whole_numbers import whole_number
from recond.workshop import transfers

bp = Blueprint("transfers", __name__, url_prefix="/transfers")


@bp.route("/")
@requires("transfers.read")
def index():
    actor = current_actor()
    return render_template(
        "transfers/index.html",
        notes=db.session.scalars(transfers.visible_notes(actor).limit(200)).all(),
        destinations=transfers.destinations(actor)
        if capabilities.can(actor, "transfers.prepare") else [])


@bp.route("/", methods=["POST"])
@requires("transfers.prepare")
def open_note():
    workshop = whole_number(request.form.get("workshop", ""))
    if workshop is None:
        raise InvalidInput(_l("Choose the workshop the devices go to."))
    note = transfers.open_note(current_actor(), workshop, request.form.get("notes", ""))
    db.session.commit()
    return redirect(url_for("transfers.show", note_id=note.id))


@bp.route("/<int:note_id>", methods=["GET", "POST"])
@requires("transfers.read")
def show(note_id: int):
    actor = current_actor()
    note = transfers.get_note(actor, note_id)
    form = ScanForm()
    result = None
    if form.validate_on_submit():
        if transfers.may_receive(actor, note):
            result = transfers.receive_scan(actor, note, form.code.data)
        else:
            device = transfers.add_device(actor, note, form.code.data)
            result = transfers.ArrivalScan("added", _l("%(id)s added to the note.",
                                                       id=device.public_id), device)
        db.session.commit()
        form = ScanForm(formdata=None)
    return render_template("transfers/show.html", note=note, form=form, result=result,
                           state=transfers.state(note), scanning=transfers.scans_now(actor, note),
                           may_prepare=transfers.may_prepare(actor, note),
                           may_receive=transfers.may_receive(actor, note),
                           left_the_sender=transfers.left_the_sender(note))


@bp.route("/<int:note_id>/items/<int:item_id>/remove", methods=["POST"])
@requires("transfers.prepare")
def remove(note_id: int, item_id: int):
    actor = current_actor()
    transfers.remove_device(actor, transfers.get_note(actor, note_id), item_id)
    db.session.commit()
    return redirect(url_for("transfers.show", note_id=note_id))


@bp.route("/<int:note_id>/ship", methods=["POST"])
@requires("transfers.prepare")
def ship(note_id: int):
    actor = current_actor()
    note = transfers.ship(actor, transfers.get_note(actor, note_id))
    db.session.commit()
    flash(_l("Transfer note %(number)s shipped.", number=note.number), "success")
    return redirect(url_for("transfers.show", note_id=note.id))


@bp.route("/<int:note_id>/close", methods=["POST"])
@requires("transfers.receive")
def close(note_id: int):
    actor = current_actor()
    note = transfers.close(actor, transfers.get_note(actor, note_id))
    db.session.commit()
    flash(_l("Transfer note %(number)s closed.", number=note.number), "success")
    return redirect(url_for("transfers.show", note_id=note.id))
