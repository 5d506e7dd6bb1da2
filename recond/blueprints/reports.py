"""The dashboard, the programme's indicators with their exports, and the open data (public)."""
from flask import Blueprint, Response, jsonify, render_template, request

from recond.blueprints.guard import current_actor, public, requires
from recond.categories import CATEGORIES
from recond.reports import report
from recond.reports.indicators import MASKING_RULE, text

bp = Blueprint("reports", __name__)


def _attachment(done) -> Response:
    return Response(done.content, content_type=done.mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{done.filename}"'})


@bp.route("/reports")
@requires("reports.dashboard")
def dashboard():
    return render_template("reports/dashboard.html", cell=text, category_codes=list(CATEGORIES),
                           report=report.read(current_actor(), request.args))


@bp.route("/reports/indicators")
@requires("reports.programme")
def indicators():
    return render_template("reports/indicators.html", masking_rule=MASKING_RULE, cell=text,
                           category_codes=list(CATEGORIES),
                           report=report.read(current_actor(), request.args, programme=True))


@bp.route("/reports/indicators.<any(xlsx, csv):fmt>")
@requires("reports.programme")
def export(fmt: str):
    return _attachment(report.export(current_actor(), request.args, fmt))


@bp.route("/reports/indicators/summary.pdf")
@requires("reports.programme")
def summary():
    return _attachment(report.export(current_actor(), request.args, "pdf"))


@bp.route("/open-data/indicators.json")
@public
def open_data_json():
    return jsonify(report.open_data(request.args, "json"))


@bp.route("/open-data/indicators.csv")
@public
def open_data_csv():
    return _attachment(report.open_data(request.args, "csv"))
