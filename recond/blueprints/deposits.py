"""Deposit pages: the list, a pledge, a deposit's page with its next steps, and its papers."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from recond.workshop import certificates
from recond.collection import (
    convention_terms, deposits, donation_receipts, donors, reception, routing,
)
from recond import money
from recond.blueprints.guard import current_actor, requires
from recond.blueprints.collection_forms import (
    CommitForm, CorrectionForm, PickupForm, PledgeForm, RegisterForm, UploadForm, ValuationForm,
)
from recond.blueprints.workshop_forms import ScanForm
from recond.errors import InvalidInput
from recond.extensions import db
from recond.models import DeviceImport
from recond.whole_numbers import whole_number

bp = Blueprint("deposits", __name__, url_prefix="/deposits")


@bp.route("/")
@requires("deposits.read")
def index():
    actor = current_actor()
    lots = db.session.scalars(deposits.visible_deposits(actor).limit(200)).all()
    return render_template("deposits/index.html", deposits=lots,
                           summaries={d.id: deposits.summary(d) for d in lots})


@bp.route("/new", methods=["GET", "POST"])
@requires("deposits.manage")
def new():
    actor = current_actor()
    form = PledgeForm()
    visible = db.session.scalars(donors.visible_donors(actor)).all()
    form.donor.choices = [(d.id, d.name) for d in visible]
    form.workshop.choices = [(0, _l("Propose one (the site's territory, then the least loaded)"))] \
        + routing.choices()
    form.site.choices = [(0, _l("—"))] + [(s.id, f"{d.name} — {s.label}") for d in visible for s in d.sites]
    if form.validate_on_submit():
        deposit = deposits.create_deposit(
            actor, donor=donors.get_donor(actor, form.donor.data),
            workshop=deposits.workshop(form.workshop.data) if form.workshop.data else None,
            items=form.items(), site_id=form.site.data or None,
            available_from=form.available_from.data, notes=form.notes.data or "")
        db.session.commit()
        flash(_l("Deposit %(number)s pledged, for %(workshop)s.", number=deposit.number,
                 workshop=deposit.workshop.name), "success")
        return redirect(url_for("deposits.show", number=deposit.number))
    return render_template("deposits/new.html", form=form), 422 if form.errors else 200


@bp.route("/<number>")
@requires("deposits.read")
def show(number: str):
    actor = current_actor()
    deposit = deposits.get_deposit(actor, number)
    devices = db.session.scalars(deposits.devices_shown(actor, deposit)).all()
    imports = db.session.scalars(db.select(DeviceImport).where(DeviceImport.deposit_id == deposit.id)
                                 .order_by(DeviceImport.id.desc())).all()
    return render_template(
        "deposits/show.html", deposit=deposit, devices=devices, imports=imports,
        summary=deposits.summary(deposit), status_labels=deposits.STATUS_LABELS,
        reception=reception.facts(deposit), may_receive=reception.may_receive(actor, deposit),
        pickup_form=PickupForm(), valuation_form=ValuationForm(), upload_form=UploadForm(),
        register_form=RegisterForm(), commit_form=CommitForm(), scan_form=ScanForm(),
        certificates=certificates.of_deposit(deposit), correction_form=CorrectionForm(prefix="correction"),
        donation_receipts=donation_receipts.state(actor, deposit),
        convention=convention_terms.convention_of_deposit(deposit.id),
        workshop_choices=routing.choices() if routing.may_reroute(actor, deposit) else [],
        **deposits.permissions(actor, deposit))


@bp.route("/<number>/pickup", methods=["POST"])
@requires("deposits.manage")
def plan_pickup(number: str):
    actor = current_actor()
    deposit = deposits.get_deposit(actor, number)
    form = PickupForm()
    if not form.validate():
        return _invalid(form)
    deposits.plan_pickup(actor, deposit, on=form.pickup_on.data, slot=form.slot.data)
    db.session.commit()
    return redirect(url_for("deposits.show", number=deposit.number))


@bp.route("/<number>/collected", methods=["POST"])
@requires("deposits.manage")
def mark_collected(number: str):
    actor = current_actor()
    deposit = deposits.mark_collected(actor, deposits.get_deposit(actor, number))
    db.session.commit()
    return redirect(url_for("deposits.show", number=deposit.number))


@bp.route("/<number>/valuation", methods=["POST"])
@requires("deposits.valuation")
def valuation(number: str):
    actor = current_actor()
    form = ValuationForm()
    if not form.validate():
        return _invalid(form)
    deposit = deposits.record_valuation(
        actor, deposits.get_deposit(actor, number),
        valuation_cents=money.parse_euros(form.amount.data, ceiling_cents=1_000_000_000),
        signatory=form.signatory.data, basis=form.basis.data)
    db.session.commit()
    return redirect(url_for("deposits.show", number=deposit.number))


@bp.route("/<number>/workshop", methods=["POST"])
@requires("deposits.route")
def reroute(number: str):
    actor = current_actor()
    chosen = whole_number(request.form.get("workshop", ""))
    if chosen is None:
        raise InvalidInput(_l("Choose the workshop the deposit goes to."))
    deposit = routing.reroute(actor, deposits.get_deposit(actor, number), deposits.workshop(chosen))
    db.session.commit()
    flash(_l("Deposit %(number)s now goes to %(workshop)s.", number=deposit.number,
             workshop=deposit.workshop.name), "success")
    return redirect(url_for("deposits.show", number=deposit.number))


@bp.route("/<number>/receipt.pdf")
@requires("deposits.read")
def receipt(number: str):
    deposit, content = deposits.receipt_pdf(current_actor(), number)
    return _pdf(content, f"bordereau-{deposit.number}.pdf")


@bp.route("/<number>/reception", methods=["GET", "POST"])
@requires("deposits.receive")
def receive(number: str):
    actor = current_actor()
    deposit = deposits.get_deposit(actor, number)
    form = ScanForm()
    result = None
    if form.validate_on_submit():
        result = reception.scan_in(actor, deposit, form.code.data)
        db.session.commit()
        form = ScanForm(formdata=None)
    return render_template("deposits/reception.html", deposit=deposit, form=form, result=result,
                           facts=reception.facts(deposit),
                           may_receive=reception.may_receive(actor, deposit))


@bp.route("/<number>/reception/close", methods=["POST"])
@requires("deposits.receive")
def close_reception(number: str):
    actor = current_actor()
    deposit = reception.close(actor, deposits.get_deposit(actor, number))
    db.session.commit()
    flash(_l("Reception of %(number)s closed.", number=deposit.number), "success")
    return redirect(url_for("deposits.show", number=deposit.number))


def _pdf(content: bytes, filename: str) -> Response:
    return Response(content, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


def _invalid(form):
    messages = "; ".join(f"{form[name].label.text}: {' '.join(errors)}" for name, errors in form.errors.items())
    raise InvalidInput(messages, details={"fields": form.errors})
