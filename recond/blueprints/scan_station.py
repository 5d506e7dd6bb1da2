"""The scan station: scan, see the device and what comes next, act with one key; the card stays
after each action with the next step, so a device goes through the workshop on one scan; or scan
many and apply one action to all. Works with a USB scanner (keyboard wedge), typing, or a camera."""
from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l

from recond import lifecycle, scan
from recond import capabilities
from recond.blueprints.guard import current_actor, requires
from recond.errors import DomainError, InvalidInput
from recond.extensions import db
from recond.categories import CATEGORIES
from recond.lifecycle import ACTIONS
from recond.workshop import os_catalogue
from recond.whole_numbers import whole_number

bp = Blueprint("scan_station", __name__, url_prefix="/scan")
BATCH_KEY = "scan_batch"
DONE_KEY = "scan_done"  # what the last action did, said once on the station that follows it
MAX_BATCH = 500


@bp.route("/")
@requires("devices.act")
def index():
    actor = current_actor()
    return _station(actor, request.args.get("code", ""), news=session.pop(DONE_KEY, None))


def _station(actor, code: str, news: str | None = None, refused: DomainError | None = None):
    """The station with the card of `code`, what was just done (`news`) or refused."""
    device, error, status = None, None, 200
    if refused is not None:
        error, status = refused.message, refused.status
    if code:
        try:
            device = scan.resolve(actor, code)
        except DomainError as unknown:  # shown on the station itself, the field ready again
            error, status = unknown.message, unknown.status
    actions = lifecycle.available_actions(actor, device) if device else []
    quick = [a for a in actions if not any(f.required for f in a.fields)]
    # The next step, when it needs details, is filled in on the card itself (not a handover,
    # which has its own page with training, payment and receipt).
    step = actions[0] if actions and actions[0] not in quick and actions[0].name != "release" \
        else None
    return render_template("scan/station.html", device=device, error=error, code=code, news=news,
                           quick=quick, step=step,
                           others=[a for a in actions if a not in quick and a is not step],
                           category=CATEGORIES.get(device.category) if device else None,
                           os_images=os_catalogue.installable(CATEGORIES[device.category].os_family)
                           if step is not None and step.name == "install_os" else [],
                           batch=session.get(BATCH_KEY, []),
                           batch_actions=[(a.name, a.label) for a in ACTIONS.values()
                                          if capabilities.can(actor, a.capability)
                                          and not any(f.required for f in a.fields)]), status


@bp.route("/act", methods=["POST"])
@requires("devices.act")
def act():
    """One scan, one confirmation (or the details of the next step); then the same card again,
    with the new status and the step after; a refusal is said on the card."""
    actor = current_actor()
    device = scan.resolve(actor, request.form.get("public_id", ""))
    action = request.form.get("action", "")
    version = whole_number(request.form.get("version", ""), minimum=0)
    if version is None:
        raise InvalidInput(_l("The form is missing the device's version. Reload the page."))
    spec = ACTIONS.get(action)
    try:  # an unknown action is refused by the engine, in words, like any other
        payload = lifecycle.from_form(spec.fields, CATEGORIES.get(device.category),
                                      request.form) if spec else {}
        event = lifecycle.perform(actor, device, action, payload, expected_version=version)
    except DomainError as refused:
        db.session.rollback()
        return _station(actor, request.form.get("public_id", ""), refused=refused)
    db.session.commit()
    session[DONE_KEY] = str(_l("%(id)s: %(action)s, now %(status)s.", id=device.public_id,
                               action=ACTIONS[action].done,
                               status=lifecycle.STATUS_LABELS[lifecycle.Status(event.to_status)]))
    return redirect(url_for("scan_station.index", code=device.public_id))


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
