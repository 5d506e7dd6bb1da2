"""Partner conventions: the list, a new convention, a convention's page (its balance, what was
supplied and returned), supplying deposits and devices, a partner's return manifest with its
certificate, and the report for both parties (PDF, XLSX)."""
from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from recond import categories
from recond.blueprints.guard import current_actor, requires
from recond.blueprints.labels import file_response
from recond.collection import convention_report, conventions, partner_returns
from recond.errors import InvalidInput
from recond.extensions import db

bp = Blueprint("conventions", __name__, url_prefix="/conventions")


def _day(name: str) -> date | None:
    try:
        return date.fromisoformat(request.form.get(name, "").strip()[:10])
    except ValueError:
        return None


@bp.route("/")
@requires("conventions.read")
def index():
    return render_template("conventions/index.html", listing=conventions.listing(current_actor()))


@bp.route("/new", methods=["GET", "POST"])
@requires("conventions.manage")
def new():
    actor, error = current_actor(), None
    if request.method == "POST":
        form = request.form
        try:
            convention = conventions.create_convention(
                actor, partner_id=form.get("partner_id", ""), title=form.get("title", ""),
                starts_on=_day("starts_on"), ends_on=_day("ends_on"),
                category_codes=form.getlist("categories"),
                supply_promised=form.get("supply_promised", ""),
                output_owed=form.get("output_owed", "").strip(),
                output_ratio_percent=form.get("output_ratio_percent", "").strip(),
                price_cap=form.get("price_cap", ""))
        except InvalidInput as refused:  # shown above the form, what was typed kept
            db.session.rollback()
            error = refused.message
        else:
            db.session.commit()
            flash(_l("Convention %(number)s recorded.", number=convention.number), "success")
            return redirect(url_for("conventions.show", number=convention.number))
    return render_template("conventions/new.html", partners=conventions.partners(),
                           categories=categories.CATEGORIES, error=error,
                           form=request.form), 422 if error else 200


@bp.route("/<number>")
@requires("conventions.read")
def show(number: str):
    return render_template("conventions/show.html", page=conventions.page(current_actor(), number))


@bp.route("/<number>/deposits", methods=["POST"])
@requires("conventions.manage")
def supply_deposit(number: str):
    deposit = conventions.supply_deposit(current_actor(), number, request.form.get("deposit", ""))
    db.session.commit()
    flash(_l("Deposit %(deposit)s is supplied under the convention.", deposit=deposit.number),
          "success")
    return redirect(url_for("conventions.show", number=number))


@bp.route("/<number>/devices", methods=["POST"])
@requires("conventions.manage")
def supply_devices(number: str):
    devices = conventions.supply_devices(current_actor(), number, request.form.get("codes", ""))
    db.session.commit()
    flash(_l("%(n)s devices supplied under the convention.", n=len(devices)), "success")
    return redirect(url_for("conventions.show", number=number))


@bp.route("/<number>/returns", methods=["POST"])
@requires("conventions.manage")
def partner_return(number: str):
    manifest, certificate = request.files.get("manifest"), request.files.get("certificate")
    returned = partner_returns.import_return(
        current_actor(), number,
        manifest_name=manifest.filename if manifest else "",
        manifest=manifest.read() if manifest else b"",
        certificate_name=certificate.filename if certificate else "",
        certificate=certificate.read() if certificate else b"")
    db.session.commit()
    flash(_l("Return %(number)s: %(n)s devices entered the allocation stock, ready.",
             number=returned.number, n=returned.devices), "success")
    return redirect(url_for("conventions.show", number=number))


@bp.route("/<number>/report.pdf")
@requires("conventions.read")
def report_pdf(number: str):
    convention, content = convention_report.report_pdf(current_actor(), number)
    return file_response(content, "application/pdf", f"bilan-{convention.number}")


@bp.route("/<number>/report.xlsx")
@requires("conventions.read")
def report_xlsx(number: str):
    convention, content = convention_report.report_xlsx(current_actor(), number)
    return Response(content, mimetype=convention_report.XLSX, headers={
        "Content-Disposition": f'attachment; filename="bilan-{convention.number}.xlsx"'})


@bp.route("/returns/<int:return_id>/certificate.pdf")
@requires("conventions.read")
def certificate(return_id: int):
    returned, content = conventions.certificate(current_actor(), return_id)
    return file_response(content, "application/pdf", f"certificat-{returned.number}")
