"""Donation receipts (Cerfa n° 16216): the register, a receipt's PDF as issued, issuing the
receipt of a deposit, and issuing a corrective receipt."""
from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from recond import money
from recond.blueprints.collection_forms import CorrectionForm, refusal
from recond.blueprints.guard import current_actor, requires
from recond.collection import deposits, donation_receipts
from recond.extensions import db

bp = Blueprint("donation_receipts", __name__)


@bp.route("/donation-receipts/")
@requires("donation_receipts.read")
def index():
    receipts = db.session.scalars(donation_receipts.visible_receipts(current_actor()).limit(500)).all()
    return render_template("donation_receipts/index.html", receipts=receipts,
                           replaced_by=donation_receipts.replacements(receipts))


@bp.route("/donation-receipts/<int:receipt_id>.pdf")
@requires("donation_receipts.read")
def download(receipt_id: int):
    receipt = donation_receipts.get_receipt(current_actor(), receipt_id)
    return Response(receipt.pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="recu-don-{receipt.number}.pdf"'})


@bp.route("/deposits/<number>/donation-receipts", methods=["POST"])
@requires("donation_receipts.issue")
def issue(number: str):
    actor = current_actor()
    receipt = donation_receipts.issue(actor, deposits.get_deposit(actor, number))
    db.session.commit()
    flash(_l("Donation receipt n° %(number)s issued.", number=receipt.number), "success")
    return redirect(url_for("deposits.show", number=number))


@bp.route("/donation-receipts/<int:receipt_id>/correction", methods=["POST"])
@requires("donation_receipts.issue")
def correct(receipt_id: int):
    actor = current_actor()
    receipt = donation_receipts.get_receipt(actor, receipt_id)
    form = CorrectionForm(prefix="correction")
    if not form.validate():
        raise refusal(form)
    amount = (money.parse_euros(form.amount.data, ceiling_cents=1_000_000_000)
              if form.amount.data else None)
    newer = donation_receipts.correct(actor, receipt, reason=form.reason.data, valuation_cents=amount,
                                      basis=form.basis.data or None, declared_by=form.signatory.data)
    db.session.commit()
    flash(_l("Corrective receipt n° %(number)s issued: it cancels and replaces n° %(old)s.",
             number=newer.number, old=receipt.number), "success")
    return redirect(url_for("deposits.show", number=receipt.deposit.number))
