"""Donor companies, as their collection partner manages them."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from recond.collection import donors
from recond.blueprints.guard import current_actor, requires
from recond.blueprints.collection_forms import ContactForm, DonorForm, DonorIdentityForm, SiteForm
from recond.extensions import db
from recond.models import Deposit

bp = Blueprint("donors", __name__, url_prefix="/donors")


@bp.route("/", methods=["GET", "POST"])
@requires("donors.manage")
def index():
    actor = current_actor()
    form = DonorForm()
    if form.validate_on_submit():
        donor = donors.create_donor(actor, name=form.name.data, siret=form.siret.data,
                                    address=form.address.data)
        db.session.commit()
        flash(_l("Donor company %(name)s added.", name=donor.name), "success")
        return redirect(url_for("donors.show", donor_id=donor.id))
    return render_template("donors/index.html", donors=db.session.scalars(donors.visible_donors(actor)).all(),
                           form=form), 422 if form.errors else 200


@bp.route("/<int:donor_id>", methods=["GET"])
@requires("donors.manage")
def show(donor_id: int):
    actor = current_actor()
    donor = donors.get_donor(actor, donor_id)
    lots = db.session.scalars(db.select(Deposit).where(Deposit.donor_id == donor.id)
                              .order_by(Deposit.id.desc())).all()
    return render_template("donors/show.html", donor=donor, deposits=lots,
                           site_form=SiteForm(prefix="site"), contact_form=ContactForm(prefix="contact"),
                           identity_form=DonorIdentityForm(prefix="identity", obj=donor))


@bp.route("/<int:donor_id>/identity", methods=["POST"])
@requires("donors.manage")
def identity(donor_id: int):
    actor = current_actor()
    donor = donors.get_donor(actor, donor_id)
    form = DonorIdentityForm(prefix="identity")
    if not form.validate():
        return render_template("donors/show.html", donor=donor, deposits=[], identity_form=form,
                               site_form=SiteForm(prefix="site"),
                               contact_form=ContactForm(prefix="contact")), 422
    donors.update_identity(actor, donor, legal_form=form.legal_form.data, address=form.address.data,
                           postcode=form.postcode.data, commune=form.commune.data)
    db.session.commit()
    flash(_l("Saved."), "success")
    return redirect(url_for("donors.show", donor_id=donor.id))


@bp.route("/<int:donor_id>/sites", methods=["POST"])
@requires("donors.manage")
def add_site(donor_id: int):
    actor = current_actor()
    donor = donors.get_donor(actor, donor_id)
    form = SiteForm(prefix="site")
    if not form.validate():
        return render_template("donors/show.html", donor=donor, deposits=[], site_form=form,
                               contact_form=ContactForm(prefix="contact"),
                               identity_form=DonorIdentityForm(prefix="identity", obj=donor)), 422
    donors.add_site(actor, donor, label=form.label.data, address=form.address.data,
                    postcode=form.postcode.data)
    db.session.commit()
    return redirect(url_for("donors.show", donor_id=donor.id))


@bp.route("/<int:donor_id>/contacts", methods=["POST"])
@requires("donors.manage")
def add_contact(donor_id: int):
    actor = current_actor()
    donor = donors.get_donor(actor, donor_id)
    form = ContactForm(prefix="contact")
    if not form.validate():
        return render_template("donors/show.html", donor=donor, deposits=[], contact_form=form,
                               site_form=SiteForm(prefix="site"),
                               identity_form=DonorIdentityForm(prefix="identity", obj=donor)), 422
    donors.add_contact(actor, donor, name=form.name.data, title=form.title.data or "",
                       email=form.email.data or "", phone=form.phone.data or "")
    db.session.commit()
    return redirect(url_for("donors.show", donor_id=donor.id))
