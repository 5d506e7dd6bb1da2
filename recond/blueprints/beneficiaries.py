"""A structure's pseudonymous beneficiaries."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from recond import beneficiaries
from recond.access import current_actor, roles_required
from recond.blueprints.structure_forms import BeneficiaryForm
from recond.extensions import db
from recond.models import Role

bp = Blueprint("beneficiaries", __name__)


@bp.route("/beneficiaries", methods=["GET", "POST"])
@roles_required(Role.STRUCTURE)
def index():
    actor = current_actor()
    form = BeneficiaryForm()
    if form.validate_on_submit():
        person = beneficiaries.enrol(actor, form.reference.data, form.tier.data, form.postcode.data)
        db.session.commit()
        flash(_l("Beneficiary %(ref)s recorded.", ref=person.reference), "success")
        return redirect(url_for("beneficiaries.index"))
    return render_template("beneficiaries/index.html", form=form,
                           people=beneficiaries.of_structure(actor),
                           retention=beneficiaries.retention_months()), 422 if form.errors else 200
