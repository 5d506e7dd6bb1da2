"""Device pages: the list, the page a QR code opens, and the action forms on it."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from recond import inventory, lifecycle, scopes
from recond.workshop import (
    certificates, test_reports as functional_tests, os_catalogue, sanitisation, storage_media,
)
from recond.blueprints.guard import current_actor, requires
from recond.categories import CATEGORIES, OUTCOME_LABELS
from recond.errors import InvalidInput
from recond.extensions import db
from recond.lifecycle import ACTIONS, chain
from recond.whole_numbers import whole_number


bp = Blueprint("devices", __name__)


@bp.route("/devices")
@requires("devices.read")
def index():
    actor = current_actor()
    page = inventory.search_by_query(actor, request.args)
    return render_template("devices/index.html", page=page, categories=CATEGORIES,
                           statuses=list(lifecycle.Status))


@bp.route("/d/<public_id>")
@requires("devices.read")
def show(public_id: str):
    actor = current_actor()
    device = scopes.get_visible_device(actor, public_id.upper())
    allocation = lifecycle.active_allocation(device)
    return render_template(
        "devices/show.html", device=device, events=inventory.history(device),
        history_break=chain.first_break(device),
        visible_details=lambda event: scopes.visible_details(actor, event),
        actions=lifecycle.available_actions(actor, device),
        category=CATEGORIES.get(device.category), allocation=allocation,
        may_see_terms=allocation is not None and scopes.sees_allocation_terms(actor, allocation.structure_id),
        sanitisation=sanitisation.records_by_medium(device),
        may_read_media=storage_media.can_read(actor),
        certificates=certificates.of_device(device),
        os_images=os_catalogue.installable(CATEGORIES[device.category].os_family),
        may_issue_certificate=certificates.can_issue(actor),
        may_record_test=functional_tests.may_record(actor, device),
        test_reports=functional_tests.reports(device), outcomes=functional_tests.OUTCOMES)


@bp.route("/d/<public_id>/actions/<action>", methods=["POST"])
@requires("devices.act")
def act(public_id: str, action: str):
    actor = current_actor()
    device = scopes.get_visible_device(actor, public_id.upper())
    version = whole_number(request.form.get("version", ""), minimum=0)
    if version is None:
        raise InvalidInput(_l("The form is missing the device's version. Reload the page."))
    spec = ACTIONS.get(action)
    payload = lifecycle.from_form(spec.fields, CATEGORIES.get(device.category), request.form) if spec else {}
    event = lifecycle.perform(actor, device, action, payload, expected_version=version)
    db.session.commit()
    flash(_l("Done: %(action)s. The device is now %(status)s.", action=ACTIONS[action].label,
             status=lifecycle.STATUS_LABELS[lifecycle.Status(event.to_status)]), "success")
    return redirect(url_for("devices.show", public_id=device.public_id))


@bp.route("/d/<public_id>/tests", methods=["POST"])
@requires("devices.test")
def record_failed_test(public_id: str):
    actor = current_actor()
    device = scopes.get_visible_device(actor, public_id.upper())
    category = CATEGORIES.get(device.category)
    report = functional_tests.record_failure(
        actor, device, outcome=request.form.get("outcome", ""),
        checklist={item: request.form.get(f"check-{item}") == "yes" for item in category.checklist},
        battery_health=request.form.get("battery_health", ""), note=request.form.get("note", ""))
    db.session.commit()
    flash(_l("Test recorded: %(outcome)s.", outcome=OUTCOME_LABELS[report.outcome]), "success")
    return redirect(url_for("devices.show", public_id=device.public_id))
