"""The donor impact report (a page, its CSV and its PDF) and the administrators' table of the
emission factors it uses."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from recond.blueprints.guard import current_actor, requires
from recond.collection import emission_factors, impact, impact_pdf
from recond.errors import Conflict, InvalidInput
from recond.extensions import db

bp = Blueprint("impact", __name__)


@bp.route("/donors/<int:donor_id>/impact")
@requires("impact.read")
def report(donor_id: int):
    found = impact.report(current_actor(), donor_id, impact.parse_period(request.args))
    return render_template("impact/report.html", report=found, impact=impact)


@bp.route("/donors/<int:donor_id>/impact.csv")
@requires("impact.read")
def report_csv(donor_id: int):
    found = impact.report(current_actor(), donor_id, impact.parse_period(request.args))
    return Response(impact.csv_bytes(found), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{impact.filename(found, "csv")}"'})


@bp.route("/donors/<int:donor_id>/impact.pdf")
@requires("impact.read")
def report_pdf(donor_id: int):
    found = impact.report(current_actor(), donor_id, impact.parse_period(request.args))
    return Response(impact_pdf.build(found), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{impact.filename(found, "pdf")}"'})


@bp.route("/admin/emission-factors", methods=["GET", "POST"])
@requires("impact.factors")
def factors():
    if request.method == "GET":
        return _factors_page()
    typed = request.form.to_dict()
    try:
        factor = emission_factors.record(
            current_actor(), typed.get("category", ""), kg=typed.get("kg", ""),
            source=typed.get("source", ""), source_date=typed.get("source_date", ""),
            seen_version=_whole(typed.get("seen_version")))
    except (InvalidInput, Conflict) as problem:
        db.session.rollback()
        return _factors_page(typed, problem), problem.status
    db.session.commit()
    flash(_l("Factor recorded (version %(version)s): reports use it from now on.",
             version=factor.version), "success")
    return redirect(url_for("impact.factors"))


def _whole(raw) -> int:
    text = str(raw or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 9 else -1


def _factors_page(typed: dict | None = None, problem=None):
    return render_template("impact/factors.html", factors=emission_factors.current(),
                           history=emission_factors.history(), typed=typed or {},
                           problem=problem, today=emission_factors.today(),
                           kg=impact.kg, day=impact.day)
