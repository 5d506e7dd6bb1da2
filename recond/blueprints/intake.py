"""Registering a deposit's devices: the fast entry form, and manifest files with their preview.

Importing a manifest is one domain call (`importer.start`) and one commit; a large file's job
is queued after that commit by `jobs.enqueue_committed`."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from recond.collection import deposits, registration
from recond import jobs
from recond.blueprints.guard import current_actor, requires
from recond.blueprints.collection_forms import CommitForm, RegisterForm, UploadForm
from recond.errors import InvalidInput
from recond.extensions import db
from recond.collection.manifests import columns, importer

bp = Blueprint("intake", __name__)


@bp.route("/deposits/<number>/register", methods=["GET", "POST"])
@requires("devices.register")
def register(number: str):
    actor = current_actor()
    deposit = deposits.get_deposit(actor, number)
    form = RegisterForm()
    last = None
    if form.validate_on_submit():
        last = registration.register_one(actor, deposit, {
            "category": form.category.data, "brand": form.brand.data or "",
            "model": form.model.data or "", "serial": form.serial.data or "",
            "asset_tag": form.asset_tag.data or "", "cpu": form.cpu.data or "",
            "ram_gb": form.ram.data or "", "storage_gb": form.storage.data or ""})
        db.session.commit()
        # Category, brand and model stay for the next laptop of the same batch.
        form = RegisterForm(formdata=None, category=form.category.data, brand=form.brand.data,
                            model=form.model.data, ram=form.ram.data, storage=form.storage.data,
                            cpu=form.cpu.data)
    return render_template("deposits/register.html", deposit=deposit, form=form, last=last,
                           count=deposits.summary(deposit)["registered"]), 422 if form.errors else 200


@bp.route("/deposits/<number>/manifests", methods=["POST"])
@requires("devices.register")
def upload(number: str):
    actor = current_actor()
    deposit = deposits.get_deposit(actor, number)
    form = UploadForm()
    if not form.validate():
        raise InvalidInput(_l("Choose a CSV or XLSX file."), code="no_file")
    shown = importer.receive(actor, deposit, form.manifest.data.filename, form.manifest.data.read())
    db.session.commit()
    return redirect(url_for("intake.show_import", import_id=shown.device_import.id))


@bp.route("/imports/<int:import_id>")
@requires("devices.register")
def show_import(import_id: int):
    actor = current_actor()
    device_import = importer.get_import(actor, import_id)
    job = jobs.fetch(device_import.job_id) if device_import.job_id else None
    # A page that reads: no commit (a lost job reads as failed; the next import records it).
    preview = importer.preview(actor, device_import) if device_import.status in ("previewed", "failed") else None
    return render_template("deposits/import.html", device_import=device_import, preview=preview,
                           job=job, failure=importer.failure(device_import),
                           fields=columns.FIELDS, commit_form=CommitForm())


@bp.route("/imports/<int:import_id>/mapping", methods=["POST"])
@requires("devices.register")
def set_mapping(import_id: int):
    actor = current_actor()
    device_import = importer.get_import(actor, import_id)
    importer.remap(actor, device_import,
                   {field: request.form.get(f"map-{field}", "") for field in columns.FIELDS})
    db.session.commit()
    return redirect(url_for("intake.show_import", import_id=import_id))


@bp.route("/imports/<int:import_id>/commit", methods=["POST"])
@requires("devices.register")
def commit(import_id: int):
    actor = current_actor()
    device_import = importer.get_import(actor, import_id)
    job = importer.start(actor, device_import, CommitForm().all_or_nothing.data)
    db.session.commit()
    if jobs.enqueue_committed(job) is None:
        flash(_l("%(n)s devices registered.", n=device_import.imported_rows), "success")
    return redirect(url_for("intake.show_import", import_id=import_id))
