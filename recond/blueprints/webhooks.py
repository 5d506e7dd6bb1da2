"""Administrators' webhook pages: the register and a new webhook (its secret shown once), and
each webhook's page with its latest deliveries and every try's answer."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from recond.blueprints.guard import current_actor, requires
from recond.errors import InvalidInput
from recond.extensions import db
from recond.webhooks import delivery, events, register
from recond.whole_numbers import whole_number

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")


@bp.route("", methods=["GET", "POST"])
@requires("webhooks.manage")
def index():
    actor = current_actor()
    typed, problem, created = {}, None, None
    if request.method == "POST":
        typed = {"organisation_id": request.form.get("organisation_id", ""),
                 "url": request.form.get("url", ""), "events": request.form.getlist("events")}
        try:
            hook, secret = register.create(
                actor, organisation_id=whole_number(typed["organisation_id"]) or 0,
                url=typed["url"], wanted=typed["events"], address=request.remote_addr)
        except InvalidInput as refused:  # shown beside the form, what was typed kept
            db.session.rollback()
            problem = refused
        else:
            db.session.commit()
            created, typed = (hook, secret), {}
    return render_template("webhooks/index.html", hooks=register.webhooks(actor),
                           organisations=register.organisations(), event_labels=events.EVENT_LABELS,
                           typed=typed, problem=problem, created=created), \
        problem.status if problem else 200


@bp.route("/<int:webhook_id>")
@requires("webhooks.manage")
def show(webhook_id: int):
    hook = register.get(current_actor(), webhook_id)
    return render_template("webhooks/show.html", hook=hook, deliveries=register.deliveries(hook),
                           event_labels=events.EVENT_LABELS, error_labels=register.ERROR_LABELS,
                           state_of=register.state_label, delivery_id=delivery.public_id,
                           secret=None)


@bp.route("/<int:webhook_id>/active", methods=["POST"])
@requires("webhooks.manage")
def toggle(webhook_id: int):
    actor = current_actor()
    hook = register.get(actor, webhook_id)
    try:
        register.set_active(actor, hook, request.form.get("active") == "1",
                            address=request.remote_addr)
    except InvalidInput as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return redirect(url_for("webhooks.show", webhook_id=webhook_id))
    db.session.commit()
    flash(_l("Webhook switched on.") if hook.active else _l("Webhook switched off: nothing more "
                                                            "is sent."), "success")
    return redirect(url_for("webhooks.show", webhook_id=hook.id))


@bp.route("/<int:webhook_id>/secret", methods=["POST"])
@requires("webhooks.manage")
def new_secret(webhook_id: int):
    actor = current_actor()
    hook = register.get(actor, webhook_id)
    secret = register.change_secret(actor, hook, address=request.remote_addr)
    db.session.commit()
    return render_template("webhooks/show.html", hook=hook, deliveries=register.deliveries(hook),
                           event_labels=events.EVENT_LABELS, error_labels=register.ERROR_LABELS,
                           state_of=register.state_label, delivery_id=delivery.public_id,
                           secret=secret)
