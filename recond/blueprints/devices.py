"""Device pages: the list and its exports, the page a QR code opens (the full page for staff
who may see the device, the public page for anyone else), and the action forms on it."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from recond import inventory, lifecycle, scopes
from recond.collection import convention_terms
from recond.workshop import (
    certificates, test_reports as functional_tests, os_catalogue, sanitisation, storage_media,
)
from recond.blueprints.guard import current_actor, public, requires
from recond.categories import CATEGORIES, OUTCOME_LABELS
from recond.errors import InvalidInput
from recond.extensions import db
from recond.inventory.exports import MAX_ROWS as MAX_EXPORT
from recond.inventory.listing import GRADE_CHOICES, PER_PAGE_CHOICES
from recond.lifecycle import ACTIONS, chain
from recond.whole_numbers import whole_number


bp = Blueprint("devices", __name__)


@bp.route("/devices")
@requires("devices.read")
def index():
    listing = inventory.device_list(current_actor(), request.args)
    return render_template("devices/index.html", listing=listing, page=listing.page,
                           query=listing.query, categories=CATEGORIES,
                           statuses=list(lifecycle.Status), grades=GRADE_CHOICES,
                           per_page_choices=PER_PAGE_CHOICES, max_export=MAX_EXPORT)


@bp.route("/devices/export.<fmt>")
@requires("devices.read")
def export(fmt: str):
    done = inventory.export(current_actor(), request.args, fmt)
    return Response(done.content, content_type=done.mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{done.filename}"'})


@bp.route("/d/<public_id>")
@public
def show(public_id: str):
    actor = current_actor()
    label = inventory.open_label(actor, public_id)
    if label.card is not None:
        response = Response(render_template("devices/public.html", card=label.card))
    else:
        response = Response(_full_page(actor, label.device))
    # One address, two pages: what a cache keeps for one reader is not for the next.
    response.headers["Cache-Control"] = "private, no-store"
    response.vary.add("Cookie")
    return response


def _full_page(actor, device) -> str:
    allocation = lifecycle.active_allocation(device)
    return render_template(
        "devices/show.html", device=device, history=inventory.readable_history(actor, device),
        history_break=chain.first_break(device),
        actions=lifecycle.available_actions(actor, device),
        category=CATEGORIES.get(device.category), allocation=allocation,
        may_see_terms=allocation is not None and scopes.sees_allocation_terms(actor, allocation.structure_id),
        sanitisation=sanitisation.records_by_medium(device),
        may_read_media=storage_media.can_read(actor),
        certificates=certificates.of_device(device),
        convention=convention_terms.convention_of(device),
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
