"""The handover page of a delivered device: what is missing and where to record it, the
payment form, the release itself, and the receipt for the beneficiary."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from recond import money
from recond.distribution import handover, payments
from recond.blueprints.guard import current_actor, requires
from recond.blueprints.structure_forms import PaymentForm
from recond.errors import Conflict, InvalidInput, Refused
from recond.extensions import db
from recond.whole_numbers import whole_number


bp = Blueprint("handover", __name__, url_prefix="/handover")


@bp.route("/<public_id>")
@requires("handover.read")
def show(public_id: str):
    return _page(public_id)


@bp.route("/<public_id>/payment", methods=["POST"])
@requires("payments.record")
def pay(public_id: str):
    actor = current_actor()
    device, allocation = handover.get_device(actor, public_id)
    form = PaymentForm()
    try:
        if not form.validate():
            raise InvalidInput(_l("Give the amount and the method of payment."))
        payment = payments.record_payment(
            actor, allocation, kind=form.kind.data, method=form.method.data, reason=form.reason.data,
            amount_cents=money.parse_euros(form.amount.data, signed=form.kind.data == "correction"))
    except (InvalidInput, Refused, Conflict) as problem:
        db.session.rollback()
        # The same page, the form as typed and the reason it was refused beside it.
        return _page(public_id, payment_form=form, payment_error=problem.message), problem.status
    db.session.commit()
    flash(_l("Entry recorded: %(kind)s, %(amount)s.", kind=payments.KIND_LABELS[payment.kind],
             amount=money.format_money(payment.amount_cents)), "success")
    return redirect(url_for("handover.show", public_id=device.public_id))


@bp.route("/<public_id>/release", methods=["POST"])
@requires("act.release")
def release(public_id: str):
    actor = current_actor()
    device, _allocation = handover.get_device(actor, public_id)
    version = whole_number(request.form.get("version", ""), minimum=0)
    if version is None:
        raise InvalidInput(_l("The form is missing the device's version. Reload the page."))
    try:
        handover.release(actor, device, version)
    except Refused as refusal:
        db.session.rollback()
        # The same page, with what is missing and the links to record it.
        return _page(public_id, refusal=refusal), refusal.status
    db.session.commit()
    # No flash: the page it opens says "Handed over" once, beside the receipt to print.
    return redirect(url_for("handover.show", public_id=device.public_id))


@bp.route("/<public_id>/receipt.pdf")
@requires("handover.read")
def receipt(public_id: str):
    device, content = handover.receipt_pdf(current_actor(), public_id, address=request.remote_addr)
    db.session.commit()  # the security log's record of this export of personal data
    return Response(content, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="remise-{device.public_id}.pdf"'})


def _page(public_id: str, refusal: Refused | None = None, payment_form: PaymentForm | None = None,
          payment_error=None):
    actor = current_actor()
    device, allocation = handover.get_device(actor, public_id)
    left = payments.left_to_pay(allocation)
    return render_template(
        "handover/show.html", device=device, allocation=allocation, left_to_pay=left,
        handed_over=handover.handed_over(device),
        conditions=handover.conditions(actor, device), refusal=refusal, payment_error=payment_error,
        may_pay=payments.may_record(actor, allocation), may_release=handover.may_release(actor, device),
        payment_form=payment_form or PaymentForm(amount=money.format_euros(left)))
