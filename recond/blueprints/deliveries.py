"""Delivery notes: the workshop prepares and ships them; the structure scans what arrives."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from recond.distribution import deliveries
from recond import capabilities
from recond.blueprints.guard import current_actor, requires
from recond.blueprints.workshop_forms import ScanForm
from recond.distribution import delivery_note_pdf as delivery_note
from recond.errors import InvalidInput
from recond.extensions import db
from recond.whole_numbers import whole_number


bp = Blueprint("deliveries", __name__, url_prefix="/deliveries")


@bp.route("/")
@requires("deliveries.read")
def index():
    actor = current_actor()
    waiting = deliveries.awaiting_shipment(actor) if capabilities.can(actor, "deliveries.prepare") else []
    return render_template("deliveries/index.html", waiting=waiting,
                           notes=db.session.scalars(deliveries.visible_notes(actor).limit(200)).all())


@bp.route("/", methods=["POST"])
@requires("deliveries.prepare")
def open_note():
    structure = whole_number(request.form.get("structure", ""))
    if structure is None:
        raise InvalidInput(_l("Choose the structure the devices go to."))
    note = deliveries.open_note(current_actor(), structure,
                                request.form.get("kind", "shipment"))
    db.session.commit()
    return redirect(url_for("deliveries.show", note_id=note.id))


@bp.route("/<int:note_id>", methods=["GET", "POST"])
@requires("deliveries.read")
def show(note_id: int):
    actor = current_actor()
    note = deliveries.get_note(actor, note_id)
    form = ScanForm()
    result = None
    if form.validate_on_submit():
        if capabilities.can(actor, "deliveries.receive"):
            result = deliveries.receive_scan(actor, note, form.code.data)
        else:
            device = deliveries.add_device(actor, note, form.code.data)
            result = deliveries.ArrivalScan("added", _l("%(id)s added to the note.", id=device.public_id), device)
        db.session.commit()
        form = ScanForm(formdata=None)
    return render_template("deliveries/show.html", note=note, form=form, result=result,
                           state=deliveries.state(note), scanning=deliveries.scans_now(actor, note),
                           may_prepare=deliveries.may_prepare(actor, note),
                           may_receive=deliveries.may_receive(actor, note),
                           left_the_workshop=deliveries.left_the_workshop(note))


@bp.route("/<int:note_id>/items/<int:item_id>/remove", methods=["POST"])
@requires("deliveries.prepare")
def remove(note_id: int, item_id: int):
    actor = current_actor()
    deliveries.remove_device(actor, deliveries.get_note(actor, note_id), item_id)
    db.session.commit()
    return redirect(url_for("deliveries.show", note_id=note_id))


@bp.route("/<int:note_id>/ship", methods=["POST"])
@requires("deliveries.prepare")
def ship(note_id: int):
    actor = current_actor()
    note = deliveries.ship(actor, deliveries.get_note(actor, note_id))
    db.session.commit()
    flash(_l("Delivery note %(number)s shipped. Print it and put it with the devices.",
             number=note.number), "success")
    return redirect(url_for("deliveries.show", note_id=note.id))


@bp.route("/<int:note_id>/close", methods=["POST"])
@requires("deliveries.receive")
def close(note_id: int):
    actor = current_actor()
    note = deliveries.close(actor, deliveries.get_note(actor, note_id))
    db.session.commit()
    flash(_l("Delivery note %(number)s closed.", number=note.number), "success")
    return redirect(url_for("deliveries.show", note_id=note.id))


@bp.route("/<int:note_id>/note.pdf")
@requires("deliveries.read")
def pdf(note_id: int):
    note = deliveries.get_note(current_actor(), note_id)
    return Response(delivery_note.build(note), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{note.number}.pdf"'})
