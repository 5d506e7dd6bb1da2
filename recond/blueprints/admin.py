"""Administration: the catalogue of free operating systems."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from recond.workshop import os_catalogue
from recond.blueprints.guard import current_actor, requires
from recond.blueprints.workshop_forms import OsImageForm
from recond.errors import NotFound
from recond.extensions import db
from recond.models import OsImage

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/operating-systems", methods=["GET", "POST"])
@requires("os_catalogue.edit")
def operating_systems():
    form = OsImageForm()
    if form.validate_on_submit():
        image = os_catalogue.add_image(current_actor(), name=form.name.data, version=form.version.data,
                                       family=form.family.data, image_sha256=form.image_sha256.data)
        db.session.commit()
        flash(_l("%(label)s added to the catalogue.", label=image.label), "success")
        return redirect(url_for("admin.operating_systems"))
    return render_template("admin/operating_systems.html", form=form,
                           images=os_catalogue.catalogue()), 422 if form.errors else 200


@bp.route("/operating-systems/<int:image_id>/active", methods=["POST"])
@requires("os_catalogue.edit")
def toggle(image_id: int):
    image = db.session.get(OsImage, image_id)
    if image is None:
        raise NotFound(_l("No such image."))
    os_catalogue.set_active(current_actor(), image, not image.active)
    db.session.commit()
    return redirect(url_for("admin.operating_systems"))
