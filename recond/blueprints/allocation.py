"""The coordinator's allocation desk, the fairness view, and the price grid pages."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from recond import lifecycle, money, scopes
from recond.distribution import allocations, pricing
from recond.blueprints.guard import current_actor, requires
from recond.categories import CATEGORIES, GRADES
from recond.errors import InvalidInput, NotFound
from recond.extensions import db
from recond.models import RequestLine, Tier
from recond.whole_numbers import whole_number

bp = Blueprint("allocation", __name__)


@bp.route("/allocation")
@requires("allocation.desk")
def desk():
    return render_template("allocation/desk.html", desk=allocations.desk())


@bp.route("/allocation/lines/<int:line_id>", methods=["POST"])
@requires("allocation.desk")
def allocate(line_id: int):
    actor = current_actor()
    if db.session.get(RequestLine, line_id) is None:
        raise NotFound(_l("Request line %(line)s does not exist.", line=line_id))
    device = scopes.get_visible_device(actor, request.form.get("device", "").strip().upper()[:16])
    # The desk's line form offers several devices, each with the version the page showed.
    shown = request.form.get("version") or request.form.get(f"version-{device.public_id}", "")
    version = whole_number(shown, minimum=0)
    beneficiary = request.form.get("beneficiary", "").strip()
    beneficiary_id = whole_number(beneficiary) if beneficiary else None
    if version is None or (beneficiary and beneficiary_id is None):
        raise InvalidInput(_l("The form is incomplete. Reload the page."))
    payload = {"line_id": line_id} | ({"beneficiary_id": beneficiary_id} if beneficiary else {})
    reason = request.form.get("second_device_reason", "").strip()
    if reason:
        payload["second_device_reason"] = reason
    lifecycle.perform(actor, device, "allocate", payload, expected_version=version)
    db.session.commit()
    allocation = lifecycle.active_allocation(device)
    flash(_l("%(id)s allocated to %(structure)s for %(price)s.", id=device.public_id,
             structure=allocation.structure.name, price=money.format_money(allocation.price_cents)),
          "success")
    return redirect(url_for("allocation.desk"))


@bp.route("/allocation/fairness")
@requires("allocation.fairness")
def fairness():
    return render_template("allocation/fairness.html", fairness=allocations.fairness())


@bp.route("/pricing", methods=["GET", "POST"])
@requires("pricing.publish")
def price_grid():
    actor = current_actor()
    if request.method == "POST":
        based_on = request.form.get("based_on", "").strip()  # the latest version the page showed
        seen = whole_number(based_on, minimum=0) if based_on else None
        if based_on and seen is None:
            raise InvalidInput(_l("The form is incomplete. Reload the page."))
        grid = pricing.publish_grid(actor, pricing.entries_from_form(request.form), based_on=seen)
        db.session.commit()
        flash(_l("Price grid version %(v)s is in force. Past allocations keep their price.",
                 v=grid.version), "success")
        return redirect(url_for("allocation.price_grid"))
    shown = whole_number(request.args.get("version", ""))
    grid = pricing.get_grid(shown) if shown is not None else pricing.current_grid()
    return render_template("allocation/pricing.html", grid=grid, cells=pricing.cells(grid),
                           current=pricing.current_grid(), grids=pricing.grids(),
                           latest=pricing.latest_version(),
                           categories=CATEGORIES, grades=GRADES, tiers=list(Tier),
                           tier_labels=pricing.TIER_LABELS, floor=pricing.floor_cents())
