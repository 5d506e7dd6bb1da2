"""Certificates of sanitisation: issue, download, and the public page that checks a copy (of a
certificate or of a donation receipt)."""
from flask import Blueprint, Response, redirect, render_template, request, url_for

from recond import scopes, verification
from recond.workshop import certificates
from recond.collection import deposits
from recond.blueprints.guard import current_actor, public, requires
from recond.extensions import db

bp = Blueprint("certificates", __name__)


@bp.route("/d/<public_id>/certificate", methods=["POST"])
@requires("certificates.issue")
def issue_for_device(public_id: str):
    actor = current_actor()
    certificate = certificates.issue_for_device(actor, scopes.get_visible_device(actor, public_id.upper()))
    db.session.commit()
    return redirect(url_for("certificates.download", code=certificate.code))


@bp.route("/deposits/<number>/certificate", methods=["POST"])
@requires("certificates.issue")
def issue_for_deposit(number: str):
    actor = current_actor()
    certificate = certificates.issue_for_deposit(actor, deposits.get_deposit(actor, number))
    db.session.commit()
    return redirect(url_for("certificates.download", code=certificate.code))


@bp.route("/certificates/<code>.pdf")
@requires("certificates.read")
def download(code: str):
    certificate = certificates.visible(current_actor(), code)
    return Response(certificate.content, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="certificat-{certificate.code}.pdf"'})


@bp.route("/verify", methods=["GET", "POST"])
@public
def verify():
    """Anyone: a code (from the QR code) and, optionally, the PDF or its SHA-256 to compare."""
    code = (request.values.get("code") or "").strip()
    upload = request.files.get("document")
    digest = certificates.sha256_of(upload.read()) if upload and upload.filename else request.values.get("sha256")
    result = verification.check(code, digest) if code else None
    return render_template("certificates/verify.html", code=code, result=result, digest=digest,
                           later_label=lambda action, on: certificates.LATER_FATES[action] % {"date": on})
