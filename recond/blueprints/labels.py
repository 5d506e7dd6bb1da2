"""Label printing: one device's label in any format, or a batch for a deposit or a selection."""
from flask import Blueprint, Response, render_template, request, url_for

from recond import jobs
from recond.blueprints.guard import current_actor, requires
from recond.blueprints.workshop_forms import LabelsForm
from recond.labels import printing
from recond.whole_numbers import whole_number

bp = Blueprint("labels", __name__)
EXTENSIONS = {"application/pdf": "pdf", "application/zpl": "zpl", "image/png": "png",
              "image/svg+xml": "svg"}


def file_response(content: bytes, mimetype: str, name: str) -> Response:
    return Response(content, mimetype=mimetype, headers={
        "Content-Disposition": f'inline; filename="{name}.{EXTENSIONS[mimetype]}"'})


@bp.route("/d/<public_id>/label")
@requires("labels.print")
def device_label(public_id: str):
    actor = current_actor()
    kind, fmt = request.args.get("kind", "id"), request.args.get("format", "pdf")
    media = printing.choose(request.args.get("media", "roll-62x29"), kind)
    labels = printing.labels_for(actor, public_ids=[public_id], kind=kind)
    dpi = request.args.get("dpi", "203")
    content, mimetype = printing.document(labels, media, kind, fmt=fmt,
                                          dpi=whole_number(dpi, minimum=0) or 0)
    return file_response(content, mimetype, f"{labels[0].code}-{kind}")


@bp.route("/labels", methods=["GET", "POST"])
@requires("labels.print")
def batch():
    actor = current_actor()
    form = LabelsForm(deposit=request.args.get("deposit", ""))
    if not form.validate_on_submit():
        return render_template("labels/batch.html", form=form), 422 if form.errors else 200
    kind, media = form.kind.data, printing.choose(form.media.data, form.kind.data)
    deposit = (form.deposit.data or "").strip() or None
    ids = (form.ids.data or "").split()
    labels = printing.labels_for(actor, public_ids=ids, deposit_number=deposit, kind=kind)
    if form.fmt.data == "pdf" and printing.runs_in_background(labels, form.copies.data):
        handle = jobs.enqueue(printing.run_batch, actor.id, ids, deposit, kind, media.code,
                              form.start.data, form.copies.data, actor_id=actor.id, retries=True,
                              inline_if_unavailable=printing.small_enough_inline(labels, form.copies.data))
        if handle.inline:  # Redis away: made here
            return file_response(handle.result, "application/pdf", f"etiquettes-{deposit or 'selection'}")
        return render_template("labels/job.html", url=url_for("labels.job", job_id=handle.id)), 202
    content, mimetype = printing.document(labels, media, kind, fmt=form.fmt.data,
                                          start=form.start.data, copies=form.copies.data,
                                          dpi=int(form.dpi.data))
    return file_response(content, mimetype, f"etiquettes-{deposit or 'selection'}")


@bp.route("/labels/jobs/<job_id>")
@requires("labels.print")
def job(job_id: str):
    content = printing.finished_batch(current_actor(), job_id)
    if content is not None:
        return file_response(content, "application/pdf", f"etiquettes-{job_id[:8]}")
    return render_template("labels/job.html", url=request.path), 202
