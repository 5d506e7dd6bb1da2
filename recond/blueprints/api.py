"""The JSON API under /api/v1: bearer tokens, JSON errors, the same domain code as the pages.

Writes need a token; reads also accept the signed-in session (the scan station's pages use
it). Cookies never authorise a write, so the API needs no CSRF token.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, jsonify, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import Row

from recond import inventory, jobs, lifecycle, scan, scopes
from recond.identity import accounts, bearers, login_guard, security_log
from recond.blueprints.guard import (
    Unauthenticated, bearer_checked_in_query, current_actor, public, requires,
)
from recond.lifecycle import jobs as lifecycle_jobs
from recond.blueprints.api_spec import openapi_document
from recond.errors import DomainError, InvalidInput, NotFound, TooLarge
from recond.extensions import csrf, db
from recond.models import Device
from recond.public_id import url_of
from recond.whole_numbers import whole_number

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.before_request
def authenticate() -> None:
    if request.method in ("GET", "HEAD"):
        # A read needs no transaction: each query sees committed data, and we save the
        # BEGIN and ROLLBACK round-trips on the hottest endpoints (scan, device lookups).
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    header = request.headers.get("Authorization", "")
    if header:
        # Guessing tokens is slowed like guessing passwords: per client address.
        login_guard.check(("token", request.remote_addr or ""))
        scheme, _, token = header.partition(" ")
        user = None
        if scheme.lower() == "bearer":
            # A view that checks the bearer in its own statement (the scan) takes the worker's
            # snapshot of the token's holder; every other view loads the user as before.
            view = current_app.view_functions.get(request.endpoint)
            user = (bearers.resolve(token.strip()) if getattr(view, "recond_bearer", False)
                    else accounts.user_for_token(token.strip()))
        if user is None:
            refuse_token()
        g.api_actor = user
    elif request.method not in ("GET", "HEAD", "OPTIONS"):
        raise Unauthenticated()  # a cookie never stands in for a token on a write


def refuse_token():
    login_guard.failed(("token", request.remote_addr or ""))
    security_log.record("token_failed", address=request.remote_addr)
    db.session.commit()  # the refusal below rolls back; the log keeps the failure
    raise Unauthenticated()


def _json_body() -> dict[str, Any]:
    limit = current_app.config["API_MAX_JSON_BYTES"]
    if (request.content_length or 0) > limit:
        raise TooLarge(_l("The body is larger than %(n)s bytes.", n=limit))
    body = request.get_data(cache=True)
    if len(body) > limit:
        raise TooLarge(_l("The body is larger than %(n)s bytes.", n=limit))
    data = request.get_json(silent=True)
    if data is None:
        raise DomainError(_l("The body is not valid JSON."), code="malformed_json")
    if not isinstance(data, dict):
        raise InvalidInput(_l("The body must be a JSON object."))
    return data


def json_whole(value: Any, *, minimum: int = 1) -> int | None:
    """A JSON integer (never a boolean, never digits in a string) an id column can hold."""
    return whole_number(value, minimum=minimum) if isinstance(value, int) else None


def job_json(handle: jobs.JobHandle, url: str, **extra: Any) -> dict[str, Any]:
    """The one shape of a background job in the API, whatever the job (a batch, a manifest
    import, a batch of labels): its id, its status as rq says it (queued, started, finished,
    failed), where to poll it, and what the job adds (`done`: rows imported so far)."""
    return {"id": handle.id, "status": handle.status, "url": url, **extra}


def device_json(device: Device | Row, actor, with_history: bool = False) -> dict[str, Any]:
    """A device as the API shows it, from the ORM object or from a row of its columns
    (`scan.CARD`: the scan reads no ORM object)."""
    body = {
        "public_id": device.public_id,
        "url": url_of(device.public_id),
        "category": device.category,
        "brand": device.brand,
        "model": device.model,
        "serial": device.serial,
        "asset_tag": device.asset_tag,
        "specs": device.specs,
        "status": device.status,
        "grade": device.grade,
        "operating_system": device.operating_system,
        "workshop_id": device.workshop_id,
        "version": device.version,
        "actions": [a.name for a in lifecycle.available_actions(actor, device)],
    }
    if with_history:
        body["history"] = [{
            "action": e.action, "from": e.from_status, "to": e.to_status,
            "at": e.at.isoformat() + "Z", "actor": e.actor.name if e.actor else None,
            "organisation": e.organisation.name if e.organisation else None,
            "payload": scopes.visible_details(actor, e),
        } for e in inventory.history(device)]
    return body


@bp.route("/openapi.json")
@public
def openapi():
    return jsonify(openapi_document())


@bp.route("/me")
@requires("signed_in")
def me():
    actor = current_actor()
    return jsonify(email=actor.email, name=actor.name, role=actor.role,
                   organisation=actor.organisation.name)


@bp.route("/devices")
@requires("devices.read")
def list_devices():
    actor = current_actor()
    page = inventory.search_by_query(actor, request.args)
    return jsonify(items=[device_json(d, actor) for d in page.items], page=page.page,
                   per_page=page.per_page, total=page.total)


@bp.route("/devices/<public_id>")
@requires("devices.read")
def get_device(public_id: str):
    actor = current_actor()
    device = scopes.get_visible_device(actor, public_id.upper())
    return jsonify(device_json(device, actor, with_history=True))


@bp.route("/scan")
@requires("devices.read")
@bearer_checked_in_query
def scan_code():
    try:
        found = scan.card(current_actor(), request.args.get("code", ""))
    except Unauthenticated:
        refuse_token()  # the token was revoked (or its holder deactivated) since this worker read it
    return jsonify(match="device", device=device_json(found.device, found.reader))


@bp.route("/devices/<public_id>/actions", methods=["POST"])
@requires("devices.act")
def device_action(public_id: str):
    actor = current_actor()
    body = _json_body()
    action = body.pop("action", None)
    version = body.pop("version", None)
    if not isinstance(action, str):
        raise InvalidInput(_l("Say which action: {\"action\": \"…\"}."), code="missing_action")
    if version is not None and json_whole(version, minimum=0) is None:
        raise InvalidInput(_l("“version” must be a whole number."))
    device = lifecycle.act(actor, public_id.upper(), action, body, expected_version=version)
    answer = device_json(device, actor)  # before the commit expires it: no second read
    db.session.commit()
    return jsonify(answer)


@bp.route("/batch", methods=["POST"])
@requires("devices.act")
def batch():
    actor = current_actor()
    body = _json_body()
    action, devices, payload = body.get("action"), body.get("devices"), body.get("payload", {})
    if set(body) - {"action", "devices", "payload"} or not isinstance(action, str) \
            or not isinstance(payload, dict) or not isinstance(devices, list) \
            or not devices or len(devices) > lifecycle_jobs.MAX_BATCH or not all(
                isinstance(d, str) and 0 < len(d) <= lifecycle_jobs.MAX_ID_LENGTH for d in devices):
        raise InvalidInput(_l("A batch is {\"action\": …, \"devices\": [up to %(n)s IDs], "
                              "\"payload\": {…}}.", n=lifecycle_jobs.MAX_BATCH))
    deferred = lifecycle_jobs.prepare_batch(actor, [d.upper() for d in devices], action, payload)
    db.session.commit()
    handle = jobs.enqueue_committed(deferred)
    response = jsonify(job=job_json(handle, url_for("api.job", job_id=handle.id)),
                       results=handle.result)
    response.status_code = 200 if handle.inline else 202
    return response


@bp.route("/jobs/<job_id>")
@requires("signed_in")
def job(job_id: str):
    actor = current_actor()
    handle = jobs.fetch(job_id)
    if handle is None or handle.meta.get("actor_id") != actor.id:
        raise NotFound(_l("No such job of yours."))
    return jsonify(job=job_json(handle, url_for("api.job", job_id=handle.id)), results=handle.result)
