"""The structures directory: the list, a structure's page and its edit, and the open-data import."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from recond.distribution import open_data, structures
from recond import capabilities
from recond.blueprints.guard import current_actor, requires
from recond.blueprints.structure_forms import PlacesImportForm, StructureContactForm, StructureForm
from recond.errors import InvalidInput
from recond.extensions import db


bp = Blueprint("structures", __name__, url_prefix="/structures")


@bp.route("/", methods=["GET", "POST"])
@requires("structures.keep")
def index():
    actor = current_actor()
    form = StructureForm()
    if form.validate_on_submit():
        structure = structures.create_structure(actor, **_structure_values(form))
        db.session.commit()
        flash(_l("%(name)s added to the directory.", name=structure.name), "success")
        return redirect(url_for("structures.show", structure_id=structure.id))
    query = (request.args.get("q") or "").strip()[:100]
    return render_template("structures/index.html", form=form, query=query,
                           import_form=PlacesImportForm(),
                           structures=structures.directory(actor, query)), \
        422 if form.errors else 200


@bp.route("/import", methods=["POST"])
@requires("structures.keep")
def import_places():
    form = PlacesImportForm()
    if not form.validate():
        raise InvalidInput("; ".join(f"{form[n].label.text}: {' '.join(e)}" for n, e in form.errors.items()))
    upload = form.places.data
    report = open_data.import_places(current_actor(), upload.filename or "", upload.read(),
                                     form.departement.data)
    db.session.commit()
    return render_template("structures/import_report.html", report=report)


@bp.route("/<int:structure_id>", methods=["GET", "POST"])
@requires("structures.read")
def show(structure_id: int):
    actor = current_actor()
    structure = structures.get_structure(actor, structure_id)
    keeper = capabilities.can(actor, "structures.keep")
    form = (StructureForm if keeper else StructureContactForm)(obj=structure)
    if form.validate_on_submit():
        structures.update_structure(actor, structure, **_structure_values(form))
        db.session.commit()
        flash(_l("Saved."), "success")
        return redirect(url_for("structures.show", structure_id=structure.id))
    return render_template("structures/show.html", structure=structure, form=form, keeper=keeper), \
        422 if form.errors else 200


def _structure_values(form) -> dict:
    return {name: field.data for name, field in form._fields.items() if name != "csrf_token"}
