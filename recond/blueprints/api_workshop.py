"""Workshop endpoints of /api/v1: wipe logs, hardware captures, and labels for a selection or
a deposit."""
from __future__ import annotations

from flask import jsonify, request, url_for
from flask_babel import lazy_gettext as _l

from recond import jobs
from recond.workshop import hardware_capture, wipe_evidence
from recond.blueprints.guard import current_actor, requires
from recond.blueprints.api import _json_body, bp, job_json, json_whole
from recond.blueprints.labels import file_response
from recond.errors import InvalidInput
from recond.extensions import db
from recond.labels import printing



@bp.route("/wipe-logs", methods=["POST"])
@requires("wipe_logs")
def upload_wipe_log():
    actor = current_actor()
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput(_l("Send the file as multipart/form-data, field “file”."), code="no_file")
    received = wipe_evidence.receive(actor, upload.filename or "nwipe.log", upload.read())
    evidence = received.evidence
    proposals = wipe_evidence.proposals(actor, evidence)
    recorded = wipe_evidence.recorded(evidence)
    db.session.commit()
    response = jsonify(id=evidence.id, sha256=evidence.sha256, tool=evidence.tool,
                       known=received.known,
                       drives=[dict(d, proposed_medium_id=proposals[d["device"]],
                                    recorded_medium_id=recorded[d["device"]].medium_id
                                    if d["device"] in recorded else None)
                               for d in evidence.drives])
    response.status_code = 200 if received.known else 201  # the same log: the one already kept
    return response


@bp.route("/hardware-captures", methods=["POST"])
@requires("hardware.capture")
def upload_hardware_capture():
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput(_l("Send the file as multipart/form-data, field “file”."), code="no_file")
    captured = hardware_capture.receive(current_actor(), upload.filename or "capture.json",
                                        upload.read(), request.form.get("device"))
    db.session.commit()
    response = jsonify(hardware_capture.as_json(captured.capture, captured.known))
    response.status_code = 200 if captured.known else 201  # the same file: the capture kept
    return response


@bp.route("/hardware-captures/<int:capture_id>")
@requires("hardware.read")
def get_hardware_capture(capture_id: int):
    return jsonify(hardware_capture.as_json(hardware_capture.get(current_actor(), capture_id)))


@bp.route("/wipe-logs/<int:evidence_id>/assign", methods=["POST"])
@requires("wipe_logs")
def assign_wipe_log(evidence_id: int):
    actor = current_actor()
    body = _json_body()
    assignments, reasons = body.get("assignments"), body.get("reasons", {})
    # A medium's id, or 0 for a drive left unassigned; never a number no id can be (10**30).
    if set(body) - {"assignments", "reasons"} or not isinstance(assignments, dict) or not all(
            json_whole(v, minimum=0) is not None for v in assignments.values()):
        raise InvalidInput(_l("Assign drives as {\"assignments\": {\"/dev/sda\": medium_id}}."))
    if not isinstance(reasons, dict) or not all(isinstance(v, str) for v in reasons.values()):
        raise InvalidInput(_l("Confirm a match the log disagrees with as "
                              "{\"reasons\": {\"/dev/sda\": \"why it is this disk\"}}."))
    records = wipe_evidence.assign(actor, wipe_evidence.get_evidence(actor, evidence_id),
                                   assignments, reasons)
    db.session.commit()
    return jsonify(records=[{"id": r.id, "medium_id": r.medium_id, "drive": r.drive,
                             "passed": r.passed, "method": r.method, "passes": r.passes,
                             "rounds": r.rounds, "blanking": r.blanking,
                             "verification": r.verification, "size_bytes": r.size_bytes,
                             "started_at": _utc(r.started_at), "finished_at": _utc(r.finished_at),
                             "matched_by_hand": r.matched_by_hand, "match_reason": r.match_reason}
                            for r in records])


def _utc(value):
    return value.isoformat() + "Z" if value else None


@bp.route("/labels", methods=["POST"])
@requires("labels.print")
def print_labels():
    actor = current_actor()
    body = _json_body()
    devices, deposit = body.get("devices", []), body.get("deposit")
    kind, media_code = body.get("kind", "id"), body.get("media", "a4-3x7")
    fmt, copies, start, dpi = (body.get("format", "pdf"), body.get("copies", 1),
                               body.get("start", 1), body.get("dpi", 203))
    if set(body) - {"devices", "deposit", "kind", "media", "format", "copies", "start", "dpi"} \
            or not isinstance(devices, list) or not all(isinstance(d, str) for d in devices) \
            or not (deposit is None or isinstance(deposit, str)) \
            or not all(isinstance(v, str) for v in (kind, media_code, fmt)) \
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in (copies, start, dpi)):
        raise InvalidInput(_l("Labels take {\"devices\": [IDs] or \"deposit\": number, \"kind\", "
                              "\"media\", \"format\", \"copies\", \"start\", \"dpi\"}."))
    media = printing.choose(media_code, kind)
    labels = printing.labels_for(actor, public_ids=devices, deposit_number=deposit, kind=kind)
    if fmt == "pdf" and printing.runs_in_background(labels, copies):
        printing.document(labels[:1], media, kind, start=start, copies=copies)  # check the options now
        handle = jobs.enqueue(printing.run_batch, actor.id, devices, deposit, kind, media.code,
                              start, copies, actor_id=actor.id, retries=True,
                              inline_if_unavailable=printing.small_enough_inline(labels, copies))
        if handle.inline:  # Redis away: made here
            return file_response(handle.result, "application/pdf", f"labels-{deposit or len(labels)}")
        response = jsonify(job=job_json(handle, url_for("api.label_job", job_id=handle.id)))
        response.status_code = 202
        return response
    content, mimetype = printing.document(labels, media, kind, fmt=fmt, start=start,
                                          copies=copies, dpi=dpi)
    return file_response(content, mimetype, f"labels-{deposit or len(labels)}")


@bp.route("/labels/jobs/<job_id>")
@requires("labels.print")
def label_job(job_id: str):
    handle, content = printing.batch_job(current_actor(), job_id)
    if content is not None:
        return file_response(content, "application/pdf", f"labels-{job_id[:8]}")
    response = jsonify(job=job_json(handle, url_for("api.label_job", job_id=job_id)))
    response.status_code = 202
    return response
