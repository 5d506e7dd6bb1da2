"""Hardware captures at the workshop: upload a machine's inventory file (drag and drop, or
the file field), and read what it filled, what it left out and what differs."""
from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from recond.blueprints.guard import current_actor, requires
from recond.blueprints.workshop_forms import HardwareCaptureForm
from recond.errors import InvalidInput
from recond.extensions import db
from recond.workshop import hardware_capture, storage_media

bp = Blueprint("hardware_captures", __name__, url_prefix="/captures")


@bp.route("/")
@requires("hardware.read")
def index():
    form = HardwareCaptureForm(device=request.args.get("device", "")[:40])
    return render_template("hardware_captures/index.html", form=form,
                           recent=hardware_capture.recent(current_actor()))


@bp.route("/", methods=["POST"])
@requires("hardware.capture")
def upload():
    form = HardwareCaptureForm()
    if not form.validate_on_submit():
        raise InvalidInput(_l("Choose the capture file."), code="no_file")
    captured = hardware_capture.receive(current_actor(), form.capture.data.filename,
                                        form.capture.data.read(), form.device.data)
    db.session.commit()
    if captured.known:
        flash(_l("This capture was already read for this device: here it is."), "info")
    else:
        flash(_l("Capture read: device %(id)s updated.", id=captured.capture.device.public_id),
              "success")
    return redirect(url_for("hardware_captures.show", capture_id=captured.capture.id))


@bp.route("/<int:capture_id>")
@requires("hardware.read")
def show(capture_id: int):
    capture = hardware_capture.get(current_actor(), capture_id)
    return render_template("hardware_captures/show.html", capture=capture,
                           ignored_labels=hardware_capture.IGNORED_LABELS,
                           action_labels=hardware_capture.ACTION_LABELS,
                           field_labels=hardware_capture.FIELD_LABELS,
                           interface_labels=storage_media.INTERFACE_LABELS)


@bp.route("/<int:capture_id>/file")
@requires("hardware.read")
def file(capture_id: int):
    capture = hardware_capture.get(current_actor(), capture_id)
    response = make_response(capture.content)
    response.headers["Content-Type"] = "application/json"
    response.headers["Content-Disposition"] = \
        f'attachment; filename="capture-{capture.device.public_id}-{capture.id}.json"'
    return response
