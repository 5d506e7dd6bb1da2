"""A structure's pseudonymous beneficiaries: enrol, correct or delete (before any allocation)."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from recond.distribution import beneficiaries
from recond.blueprints.guard import current_actor, requires
from recond.blueprints.structure_forms import BeneficiaryForm
from recond.errors import InvalidInput
from recond.extensions import db


bp = Blueprint("beneficiaries", __name__)


@bp.route("/beneficiaries", methods=["GET", "POST"])
@requires("beneficiaries.keep")
def index():
    actor = current_actor()
    form = BeneficiaryForm()
    error = None
    if form.validate_on_submit():
        try:
            person = beneficiaries.enrol(actor, form.reference.data, form.tier.data, form.postcode.data)
        except InvalidInput as refused:  # shown beside the form, what was typed kept
            db.session.rollback()
            error = refused.message
        else:
            db.session.commit()
            flash(_l("Beneficiary %(ref)s recorded.", ref=person.reference), "success")
            return redirect(url_for("beneficiaries.index"))
    people = beneficiaries.of_structure(actor)
    return render_template("beneficiaries/index.html", form=form, people=people, error=error,
                           editable=beneficiaries.editable_ids(people),
                           examples=beneficiaries.GOOD_EXAMPLES,
                           retention=beneficiaries.retention_months()), \
        422 if form.errors or error else 200


@bp.route("/beneficiaries/<int:beneficiary_id>/edit", methods=["GET", "POST"])
@requires("beneficiaries.keep")
def edit(beneficiary_id: int):
    actor = current_actor()
    person = beneficiaries.get_beneficiary(actor, beneficiary_id)
    form = BeneficiaryForm(obj=person)
    error = None
    if form.validate_on_submit():
        try:
            beneficiaries.update(actor, beneficiary_id, form.reference.data, form.tier.data,
                                 form.postcode.data)
        except InvalidInput as refused:
            db.session.rollback()
            error = refused.message
        else:
            db.session.commit()
            flash(_l("Beneficiary %(ref)s corrected.", ref=form.reference.data.strip()), "success")
            return redirect(url_for("beneficiaries.index"))
    return render_template("beneficiaries/edit.html", form=form, person=person, error=error,
                           examples=beneficiaries.GOOD_EXAMPLES), 422 if form.errors or error else 200


@bp.route("/beneficiaries/<int:beneficiary_id>/delete", methods=["POST"])
@requires("beneficiaries.keep")
def delete(beneficiary_id: int):
    reference = beneficiaries.delete(current_actor(), beneficiary_id)
    db.session.commit()
    flash(_l("Beneficiary %(ref)s deleted.", ref=reference), "success")
    return redirect(url_for("beneficiaries.index"))
