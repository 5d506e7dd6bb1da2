"""Collection endpoints of /api/v1: a collection partner's own tool can post a whole lot."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import jsonify, request, url_for
from flask_babel import lazy_gettext as _l

from recond.collection import deposits, donors, reception, registration
from recond import jobs
from recond.blueprints.guard import current_actor, requires
from recond.blueprints.api import _json_body, bp, device_json, job_json, json_whole
from recond.errors import InvalidInput
from recond.extensions import db
from recond.collection.manifests import importer
from recond.models import Deposit, DeviceImport



def deposit_json(deposit: Deposit, with_reception: bool = False) -> dict[str, Any]:
    body = {"number": deposit.number, "status": deposit.status,
            "donor": {"id": deposit.donor_id, "name": deposit.donor.name},
            "collector": deposit.collector.name, "workshop": deposit.workshop.name,
            "workshop_routing": deposit.routing or "chosen",
            "items": [{"category": i.category, "quantity": i.quantity} for i in deposit.items],
            "available_from": deposit.available_from.isoformat() if deposit.available_from else None,
            "pickup_on": deposit.pickup_on.isoformat() if deposit.pickup_on else None,
            "pickup_slot": deposit.pickup_slot, "summary": deposits.summary(deposit)}
    if with_reception:  # one deposit: its reception as the pages show it (reception.facts)
        body.update(reception_json(reception.facts(deposit)))
    return body


def reception_json(facts: reception.ReceptionFacts) -> dict[str, Any]:
    def code(device) -> dict[str, Any]:
        return {"public_id": device.public_id, "serial": device.serial}
    missing = [code(d) for d in facts.missing]
    late = [code(a.device) | {"received_at": a.at.isoformat() + "Z"} for a in facts.late]
    return {
        "reception": {
            "open": facts.is_open,
            "closed_at": facts.closed_at.isoformat() + "Z" if facts.closed_at else None,
            "expected": len(facts.expected), "received": [code(d) for d in facts.received],
            "late": late, "missing": missing, "unexpected": facts.unexpected},
        # What is still wrong once the reception is closed (before: null).
        "discrepancies": None if facts.is_open else {
            "missing": missing, "late": late, "unexpected": facts.unexpected},
    }


def import_json(device_import: DeviceImport, preview: importer.Preview | None = None) -> dict[str, Any]:
    body = {"id": device_import.id, "status": device_import.status,
            "filename": device_import.filename, "format": device_import.file_format,
            "encoding": device_import.encoding, "separator": device_import.separator,
            "mapping": device_import.mapping, "total_rows": device_import.total_rows,
            "valid_rows": device_import.valid_rows, "imported_rows": device_import.imported_rows,
            "job_id": device_import.job_id}
    failure = importer.failure(device_import)
    if failure is not None:
        body["error"] = failure
    if preview is not None:
        body["already_imported"] = preview.already_imported is not None
        body["rows"] = [{"line": r.line, "cells": r.cells, "errors": r.errors}
                        for r in preview.rows if r.errors][:100]
    return body


@bp.route("/deposits")
@requires("deposits.read")
def list_deposits():
    actor = current_actor()
    return jsonify(items=[deposit_json(d) for d in
                          db.session.scalars(deposits.visible_deposits(actor).limit(500))])


@bp.route("/deposits/<number>")
@requires("deposits.read")
def get_deposit(number: str):
    return jsonify(deposit_json(deposits.get_deposit(current_actor(), number), with_reception=True))


@bp.route("/deposits", methods=["POST"])
@requires("deposits.manage")
def create_deposit():
    actor = current_actor()
    body = _json_body()
    items, site_id = body.get("items", []), body.get("site_id")
    donor_id, workshop_id = json_whole(body.get("donor_id")), json_whole(body.get("workshop_id"))
    if set(body) - {"donor_id", "workshop_id", "site_id", "available_from", "items"} \
            or donor_id is None or "workshop_id" in body and workshop_id is None \
            or not (site_id is None or json_whole(site_id) is not None) \
            or not isinstance(items, list) or not all(
                isinstance(i, dict) and set(i) == {"category", "quantity"}
                and isinstance(i["category"], str) and json_whole(i["quantity"]) is not None
                for i in items):
        raise InvalidInput(_l("A deposit is {\"donor_id\": …, \"workshop_id\": …, \"items\": "
                              "[{\"category\": …, \"quantity\": …}]}."))
    try:
        available = date.fromisoformat(body["available_from"]) if body.get("available_from") else None
    except (TypeError, ValueError):
        raise InvalidInput(_l("“available_from” is a date: YYYY-MM-DD.")) from None
    deposit = deposits.create_deposit(
        actor, donor=donors.get_donor(actor, donor_id),
        workshop=deposits.workshop(workshop_id) if workshop_id is not None else None,
        items=[(i["category"], i["quantity"]) for i in items], site_id=site_id,
        available_from=available)
    db.session.commit()
    response = jsonify(deposit_json(deposit))
    response.status_code = 201
    return response


@bp.route("/deposits/<number>/devices", methods=["POST"])
@requires("devices.register")
def register_device(number: str):
    actor = current_actor()
    deposit = deposits.get_deposit(actor, number)
    body = _json_body()
    fields = registration.TEXT_CELLS + registration.SIZE_CELLS
    if set(body) - set(fields) \
            or not all(isinstance(body.get(f, ""), str) for f in registration.TEXT_CELLS) \
            or not all(isinstance(body.get(f, ""), (str, int)) and not isinstance(body.get(f), bool)
                       for f in registration.SIZE_CELLS):
        raise InvalidInput(_l("A device has text fields: %(fields)s.", fields=", ".join(fields)))
    device = registration.register_one(actor, deposit, {f: str(body.get(f, "")) for f in fields})
    db.session.commit()
    response = jsonify(device_json(device, actor))
    response.status_code = 201
    return response


@bp.route("/deposits/<number>/manifests", methods=["POST"])
@requires("devices.register")
def upload_manifest(number: str):
    actor = current_actor()
    deposit = deposits.get_deposit(actor, number)
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput(_l("Send the file as multipart/form-data, field “file”."), code="no_file")
    preview = importer.receive(actor, deposit, upload.filename or "manifest", upload.read())
    db.session.commit()
    response = jsonify(import_json(preview.device_import, preview))
    response.status_code = 201
    return response


@bp.route("/imports/<int:import_id>")
@requires("devices.register")
def get_import(import_id: int):
    actor = current_actor()
    device_import = importer.get_import(actor, import_id)
    body = import_json(device_import)
    handle = jobs.fetch(device_import.job_id) if device_import.job_id else None
    if handle is not None:
        job = body["job"] = job_json(handle, url_for("api.get_import", import_id=import_id),
                                     done=handle.meta.get("done", 0))
        body["progress"] = {"done": job["done"], "job_status": job["status"]}  # before "job" was
    return jsonify(body)


@bp.route("/imports/<int:import_id>/commit", methods=["POST"])
@requires("devices.register")
def commit_import(import_id: int):
    actor = current_actor()
    body = _json_body()
    all_or_nothing = body.get("all_or_nothing", True)
    mapping = body.get("mapping")
    if set(body) - {"all_or_nothing", "mapping"} or not isinstance(all_or_nothing, bool) \
            or (mapping is not None and not (isinstance(mapping, dict) and all(
                v is None or v == -1 or json_whole(v, minimum=0) is not None
                for v in mapping.values()))):
        raise InvalidInput(_l("Commit takes {\"all_or_nothing\": true|false, \"mapping\": {…}}."))
    device_import = importer.get_import(actor, import_id)
    job = importer.start(actor, device_import, all_or_nothing, mapping)
    db.session.commit()
    handle = jobs.enqueue_committed(job)
    if handle is not None:
        response = jsonify({"import": import_json(device_import),
                            "job": job_json(handle, url_for("api.get_import", import_id=import_id))})
        response.status_code = 202
        return response
    return jsonify(import_json(device_import))

