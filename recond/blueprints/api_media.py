"""Storage-media endpoints of /api/v1: the same domain calls as the device's media page."""
from __future__ import annotations

from flask import jsonify

from recond import scopes
from recond.workshop import storage_media
from recond.blueprints.guard import current_actor, requires
from recond.blueprints.api import _json_body, bp
from recond.extensions import db



def _answer(device, status: int = 200, **extra):
    body = storage_media.overview(current_actor(), device)
    db.session.commit()
    response = jsonify({**extra, **body})
    response.status_code = status
    return response


@bp.route("/devices/<public_id>/media")
@requires("media.read")
def list_media(public_id: str):
    actor = current_actor()
    device = scopes.get_visible_device(actor, public_id.upper())
    return jsonify(storage_media.overview(actor, device))


@bp.route("/devices/<public_id>/media", methods=["POST"])
@requires("media.keep")
def add_medium(public_id: str):
    actor = current_actor()
    device = scopes.get_visible_device(actor, public_id.upper())
    medium = storage_media.add(actor, device, _json_body())
    return _answer(device, 201, medium_id=medium.id)


@bp.route("/devices/<public_id>/media/<int:medium_id>", methods=["PATCH"])
@requires("media.keep")
def correct_medium(public_id: str, medium_id: int):
    actor = current_actor()
    device = scopes.get_visible_device(actor, public_id.upper())
    storage_media.correct(actor, device, medium_id, _json_body())
    return _answer(device)


@bp.route("/devices/<public_id>/media/<int:medium_id>/destruction", methods=["POST"])
@requires("media.keep")
def destroy_medium(public_id: str, medium_id: int):
    actor = current_actor()
    device = scopes.get_visible_device(actor, public_id.upper())
    storage_media.destroy(actor, device, medium_id, _json_body())
    return _answer(device, 201)


@bp.route("/devices/<public_id>/media/<int:medium_id>/removal", methods=["POST"])
@requires("media.keep")
def remove_medium(public_id: str, medium_id: int):
    actor = current_actor()
    device = scopes.get_visible_device(actor, public_id.upper())
    storage_media.remove(actor, device, medium_id, _json_body())
    return _answer(device, 201)


@bp.route("/devices/<public_id>/no-storage", methods=["POST"])
@requires("media.keep")
def no_storage(public_id: str):
    actor = current_actor()
    device = scopes.get_visible_device(actor, public_id.upper())
    storage_media.no_storage_found(actor, device, _json_body())
    return _answer(device, 201)
