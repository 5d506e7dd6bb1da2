"""Organisations, kept by administrators and the coordination: the list, creating one, its
edit, its profile for donation receipts, deactivating and reactivating it."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from recond.identity import organisations
from recond.blueprints.guard import current_actor, requires
from recond.blueprints.account_forms import OrganisationForm, ReceiptProfileForm
from recond.extensions import db

bp = Blueprint("organisations", __name__, url_prefix="/admin/organisations")


def _kind_choices(actor) -> list:
    return [(k.value, organisations.KIND_LABELS[k]) for k in organisations.KIND_LABELS
            if k in organisations.kept_kinds(actor)]


@bp.route("/", methods=["GET", "POST"])
@requires("organisations.keep")
def index():
    actor = current_actor()
    form = OrganisationForm()
    form.kind.choices = _kind_choices(actor)
    if form.validate_on_submit():
        org = organisations.create(actor, form.kind.data, **form.values())
        db.session.commit()
        flash(_l("%(name)s created.", name=org.name), "success")
        return redirect(url_for("organisations.show", org_id=org.id))
    kind = request.args.get("kind") or None
    return render_template("organisations/index.html", form=form, kind=kind,
                           kinds=organisations.KIND_LABELS,
                           organisations=organisations.listing(actor, kind)), \
        422 if form.errors else 200


@bp.route("/<int:org_id>", methods=["GET", "POST"])
@requires("organisations.keep")
def show(org_id: int):
    actor = current_actor()
    org = organisations.get_organisation(actor, org_id)
    form = OrganisationForm(obj=org)
    form.kind.choices = [(org.kind, organisations.KIND_LABELS.get(org.kind, org.kind))]
    if form.validate_on_submit():
        organisations.update(actor, org, **form.values())
        db.session.commit()
        flash(_l("Saved."), "success")
        return redirect(url_for("organisations.show", org_id=org.id))
    return render_template("organisations/show.html", org=org, form=form,
                           kinds=organisations.KIND_LABELS,
                           may_deactivate=organisations.can_keep(actor, org)), \
        422 if form.errors else 200


@bp.route("/<int:org_id>/receipt-profile", methods=["GET", "POST"])
@requires("organisations.keep")
def receipt_profile(org_id: int):
    actor = current_actor()
    org = organisations.get_organisation(actor, org_id)
    form = ReceiptProfileForm(obj=org)
    if form.validate_on_submit():
        organisations.update_receipt_profile(actor, org, **form.values())
        db.session.commit()
        flash(_l("Saved."), "success")
        return redirect(url_for("organisations.receipt_profile", org_id=org.id))
    return render_template("organisations/receipt_profile.html", org=org, form=form,
                           issuer=organisations.issues_donation_receipts(org)), \
        422 if form.errors else 200


@bp.route("/<int:org_id>/active", methods=["POST"])
@requires("organisations.keep")
def set_active(org_id: int):
    actor = current_actor()
    org = organisations.get_organisation(actor, org_id)
    if request.form.get("active") == "1":
        organisations.reactivate(actor, org)
        flash(_l("%(name)s is active again.", name=org.name), "success")
    else:
        organisations.deactivate(actor, org)
        flash(_l("%(name)s is deactivated: its people are signed out, its history is kept.",
                 name=org.name), "success")
    db.session.commit()
    return redirect(url_for("organisations.show", org_id=org.id))
