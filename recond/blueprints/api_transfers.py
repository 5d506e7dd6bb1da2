"""Transfer notes between workshops in /api/v1: the same steps as the /transfers pages — open a
note for another workshop, scan devices onto it, ship it; the receiving workshop scans what
arrives and closes it — and each note's account of what arrived, is missing or came unexpected."""
from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_babel import lazy_gettext as _l

from recond.blueprints.api import _json_body, bp, json_whole
from recond.blueprints.guard import current_actor, requires
from recond.errors import InvalidInput
from recond.extensions import db
from recond.models import TransferNote
from recond.scan import MAX_CODE_LENGTH
from recond.workshop import transfers


def _utc(value) -> str | None:
    return value.isoformat() + "Z" if value else None


def transfer_json(note: TransferNote, with_items: bool = False) -> dict[str, Any]:
    body = {"id": note.id, "number": note.number, "status": note.status,
            "from_workshop": {"id": note.from_workshop_id, "name": note.from_workshop.name},
            "to_workshop": {"id": note.to_workshop_id, "name": note.to_workshop.name},
            "notes": note.notes, "created_at": _utc(note.created_at),
            "shipped_at": _utc(note.shipped_at), "closed_at": _utc(note.closed_at),
            "devices": len(note.items)}
    if with_items:
        state = transfers.state(note)
        body.update(
            items=[{"public_id": i.device.public_id, "serial": i.device.serial,
                    "category": i.device.category, "arrived_at": _utc(i.received_at)}
                   for i in state.expected],
            missing=[i.device.public_id for i in state.missing],
            unexpected=[u.code for u in state.unexpected])
    return body


@bp.route("/transfers")
@requires("transfers.read")
def list_transfers():
    notes = db.session.scalars(transfers.visible_notes(current_actor()).limit(200)).all()
    return jsonify(items=[transfer_json(n) for n in notes])


@bp.route("/transfers", methods=["POST"])
@requires("transfers.prepare")
def open_transfer():
    body = _json_body()
    workshop, notes = json_whole(body.get("to_workshop_id")), body.get("notes", "")
    if set(body) - {"to_workshop_id", "notes"} or workshop is None \
            or not isinstance(notes, str) or len(notes) > 300:
        raise InvalidInput(_l("A transfer is {\"to_workshop_id\": …, \"notes\": …}."))
    note = transfers.open_note(current_actor(), workshop, notes)
    db.session.commit()
    response = jsonify(transfer_json(note, with_items=True))
    response.status_code = 201
    return response


@bp.route("/transfers/<int:note_id>")
@requires("transfers.read")
def get_transfer(note_id: int):
    return jsonify(transfer_json(transfers.get_note(current_actor(), note_id), with_items=True))


@bp.route("/transfers/<int:note_id>/scans", methods=["POST"])
@requires("transfers.read")
def scan_transfer(note_id: int):
    """One code: onto the note while the sender prepares it, as an arrival once shipped."""
    actor = current_actor()
    body = _json_body()
    code = body.get("code")
    if set(body) - {"code"} or not isinstance(code, str) or not code.strip() \
            or len(code) > MAX_CODE_LENGTH:
        raise InvalidInput(_l("A scan is {\"code\": \"…\"}: an ID, a serial number or an asset tag."))
    note = transfers.get_note(actor, note_id)
    if transfers.may_receive(actor, note):
        result = transfers.receive_scan(actor, note, code)
        outcome, device = result.outcome, result.device
    else:
        outcome, device = "added", transfers.add_device(actor, note, code)
    db.session.commit()
    return jsonify(outcome=outcome, public_id=device.public_id if device else None,
                   transfer=transfer_json(note, with_items=True))


@bp.route("/transfers/<int:note_id>/ship", methods=["POST"])
@requires("transfers.prepare")
def ship_transfer(note_id: int):
    actor = current_actor()
    note = transfers.ship(actor, transfers.get_note(actor, note_id))
    db.session.commit()
    return jsonify(transfer_json(note, with_items=True))


@bp.route("/transfers/<int:note_id>/close", methods=["POST"])
@requires("transfers.receive")
def close_transfer(note_id: int):
    actor = current_actor()
    note = transfers.close(actor, transfers.get_note(actor, note_id))
    db.session.commit()
    return jsonify(transfer_json(note, with_items=True))


def openapi_paths(errors, id_in_path) -> dict[str, Any]:
    """These endpoints in the OpenAPI document."""
    workshop = {"type": "object", "properties": {"id": {"type": "integer"},
                                                 "name": {"type": "string"}}}
    note = {"type": "object", "properties": {
        "id": {"type": "integer"}, "number": {"type": "string", "description": "TR-000042"},
        "status": {"type": "string", "enum": ["preparing", "shipped", "received"]},
        "from_workshop": workshop, "to_workshop": workshop, "notes": {"type": "string"},
        "created_at": {"type": "string"}, "shipped_at": {"type": ["string", "null"]},
        "closed_at": {"type": ["string", "null"]}, "devices": {"type": "integer"},
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "public_id": {"type": "string"}, "serial": {"type": ["string", "null"]},
            "category": {"type": "string"}, "arrived_at": {"type": ["string", "null"]}}}},
        "missing": {"type": "array", "items": {"type": "string"},
                    "description": "devices on a shipped note that have not arrived"},
        "unexpected": {"type": "array", "items": {"type": "string"},
                       "description": "codes scanned on arrival that are not on the note"}}}

    def ok(schema, text="OK"):
        return {"description": text, "content": {"application/json": {"schema": schema}}}

    def body(schema):
        return {"required": True, "content": {"application/json": {"schema": schema}}}

    note_id = id_in_path("note_id")
    step = {"parameters": [note_id], "responses": {"200": ok(note), **errors(401, 403, 404, 409)}}
    return {
        "/transfers": {
            "get": {"summary": "Transfer notes: from the caller's workshop, or shipped to it; "
                               "the coordination all", "responses": {
                "200": ok({"type": "object", "properties": {"items": {"type": "array",
                                                                      "items": note}}}),
                **errors(401, 403)}},
            "post": {"summary": "Open a transfer note to another workshop (its technicians)",
                     "requestBody": body({
                         "type": "object", "required": ["to_workshop_id"],
                         "additionalProperties": False, "properties": {
                             "to_workshop_id": {"type": "integer", "minimum": 1,
                                                "maximum": 2147483647},
                             "notes": {"type": "string", "maxLength": 300}}}),
                     "responses": {"201": ok(note, "Opened"),
                                   **errors(400, 401, 403, 404, 413, 422)}}},
        "/transfers/{note_id}": {"get": {
            "summary": "One transfer note: its devices, what arrived, is missing, came "
                       "unexpected", "parameters": [note_id],
            "responses": {"200": ok(note), **errors(401, 403, 404)}}},
        "/transfers/{note_id}/scans": {"post": {
            "summary": "Scan a code: onto the note while the sending workshop prepares it; "
                       "as an arrival at the receiving workshop once it is shipped",
            "description": "outcome: added, arrived (the device is now the receiving "
                           "workshop's), already (it had arrived) or unexpected (not on the "
                           "note: listed as such).",
            "parameters": [note_id],
            "requestBody": body({"type": "object", "required": ["code"],
                                 "additionalProperties": False, "properties": {
                                     "code": {"type": "string", "minLength": 1,
                                              "maxLength": MAX_CODE_LENGTH,
                                              "pattern": "\\S"}}}),
            "responses": {"200": ok({"type": "object", "properties": {
                "outcome": {"type": "string",
                            "enum": ["added", "arrived", "already", "unexpected"]},
                "public_id": {"type": ["string", "null"]}, "transfer": note}}),
                **errors(400, 401, 403, 404, 409, 413, 422)}}},
        "/transfers/{note_id}/ship": {"post": {
            "summary": "Ship the note (the sending workshop): each device's history says so",
            **step}},
        "/transfers/{note_id}/close": {"post": {
            "summary": "Close a shipped note with devices missing (the receiving workshop)",
            **step}},
    }
