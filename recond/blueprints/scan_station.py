"""The scan station: scan, see the device and what comes next, act with one key; or scan many
and apply one action to all. Works with a USB scanner (keyboard wedge), typing, or a camera."""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l

from recond import lifecycle, scan
from recond import capabilities
from recond.blueprints.guard import current_actor, requires
from recond.errors import DomainError, InvalidInput
from recond.extensions import db
from recond.lifecycle import ACTIONS
from recond.whole_numbers import whole_number

bp = Blueprint("scan_station", __name__, url_prefix="/scan")
BATCH_KEY = "scan_batch"
MAX_BATCH = 500


@bp.route("/")
@requires("devices.act")
def index():
    actor = current_actor()
    code = request.args.get("code", "")
    device, error, status = None, None, 200
    if code:
        try:
            device = scan.resolve(actor, code)
        except DomainError as refused:  # shown on the station itself, the field ready again
            error, status = refused.message, refused.status
    quick = [a for a in lifecycle.available_actions(actor, device)
             if not any(f.required for f in a.fields)] if device else []
    return render_template("scan/station.html", device=device, error=error, code=code,
                           quick=quick, others=[a for a in lifecycle.available_actions(actor, device)
                                                if a not in quick] if device else [],
                           batch=session.get(BATCH_KEY, []),
                           batch_actions=[(a.name, a.label) for a in ACTIONS.values()
                                          if capabilities.can(actor, a.capability)
                                          and not any(f.required for f in a.fields)]), status


@bp.route("/act", methods=["POST"])
@requires("devices.act")
def act():
    """One scan, one confirmation: the actions that need no further detail."""
    actor = current_actor()
    device = scan.resolve(actor, request.form.get("public_id", ""))
    action = request.form.get("action", "")
    version = whole_number(request.form.get("version", ""), minimum=0)
    if action not in ACTIONS or any(f.required for f in ACTIONS[action].fields) or version is None:
        raise InvalidInput(_l("This action needs details: use the device's page."))
    event = lifecycle.perform(actor, device, action, {}, expected_version=version)
    db.session.commit()
    flash(_l("%(id)s: %(action)s, now %(status)s.", id=device.public_id, action=ACTIONS[action].done,
             status=lifecycle.STATUS_LABELS[lifecycle.Status(event.to_status)]), "success")
    return redirect(url_for("scan_station.index"))


@bp.route("/batch", methods=["POST"])
@requires("devices.act")
def batch():
    """add: put the scanned device in the batch; apply: one action to all; clear."""
    actor = current_actor()
    ids = list(session.get(BATCH_KEY, []))
    step = request.form.get("step")
    if step == "add":
        device = scan.resolve(actor, request.form.get("code", ""))
        if device.public_id not in ids and len(ids) < MAX_BATCH:
            ids.append(device.public_id)
        session[BATCH_KEY] = ids
        return redirect(url_for("scan_station.index"))
    if step == "clear":
        session.pop(BATCH_KEY, None)
        return redirect(url_for("scan_station.index"))
    if step != "apply" or not ids:
        raise InvalidInput(_l("Scan devices into the batch first."))
    action = request.form.get("action", "")
    if action not in ACTIONS or any(f.required for f in ACTIONS[action].fields):
        raise InvalidInput(_l("Choose an action that needs no details."))
    results = lifecycle.perform_batch(actor, ids, action, {})
    db.session.commit()
    session.pop(BATCH_KEY, None)
    return render_template("scan/batch_results.html", action=ACTIONS[action], results=results)
