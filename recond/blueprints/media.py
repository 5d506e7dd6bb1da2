"""The storage media page of a device: list, add, correct, destroy, remove, none found."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from recond import scopes
from recond.workshop import storage_media
from recond.blueprints.guard import current_actor, requires
from recond.extensions import db


bp = Blueprint("media", __name__)


def _form() -> dict:
    return {k: v for k, v in request.form.items() if k != "csrf_token"}


def _done(public_id: str, message):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("media.index", public_id=public_id))


@bp.route("/d/<public_id>/media")
@requires("media.read")
def index(public_id: str):
    actor = current_actor()
    device = scopes.get_visible_device(actor, public_id.upper())
    return render_template("media/index.html", device=device,
                           media=storage_media.overview(actor, device),
                           kinds=storage_media.KIND_LABELS,
                           interfaces=storage_media.INTERFACE_LABELS,
                           destructions=storage_media.DESTRUCTION_LABELS,
                           destinations=storage_media.DESTINATION_LABELS,
                           fates=storage_media.FATE_LABELS)


@bp.route("/d/<public_id>/media", methods=["POST"])
@requires("media.keep")
def add(public_id: str):
    actor = current_actor()
    device = scopes.get_visible_device(actor, public_id.upper())
    medium = storage_media.add(actor, device, _form())
    return _done(device.public_id, _l("Storage medium %(medium)s added.",
                                      medium=storage_media.medium_name(medium)))


@bp.route("/d/<public_id>/media/<int:medium_id>", methods=["POST"])
@requires("media.keep")
def correct(public_id: str, medium_id: int):
    actor = current_actor()
    device = scopes.get_visible_device(actor, public_id.upper())
    medium = storage_media.correct(actor, device, medium_id, _form())
    return _done(device.public_id, _l("Storage medium %(medium)s corrected.",
                                      medium=storage_media.medium_name(medium)))


@bp.route("/d/<public_id>/media/<int:medium_id>/destruction", methods=["POST"])
@requires("media.keep")
def destroy(public_id: str, medium_id: int):
    actor = current_actor()
    device = scopes.get_visible_device(actor, public_id.upper())
    record = storage_media.destroy(actor, device, medium_id, _form())
    return _done(device.public_id, _l("Destruction of storage medium %(medium)s recorded.",
                                      medium=storage_media.medium_name(record.medium)))


@bp.route("/d/<public_id>/media/<int:medium_id>/removal", methods=["POST"])
@requires("media.keep")
def remove(public_id: str, medium_id: int):
    actor = current_actor()
    device = scopes.get_visible_device(actor, public_id.upper())
    medium = storage_media.remove(actor, device, medium_id, _form())
    return _done(device.public_id, _l("Removal of storage medium %(medium)s recorded.",
                                      medium=storage_media.medium_name(medium)))


@bp.route("/d/<public_id>/no-storage", methods=["POST"])
@requires("media.keep")
def no_storage(public_id: str):
    actor = current_actor()
    device = scopes.get_visible_device(actor, public_id.upper())
    storage_media.no_storage_found(actor, device, _form())
    return _done(device.public_id, _l("Recorded: no storage found in this device."))
