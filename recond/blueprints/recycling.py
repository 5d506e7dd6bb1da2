"""Recycling lots (WEEE): the list, a page per lot with its devices, handing the open lot over,
and the hand-over slip both sides sign."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from recond.workshop import recycling, weee_slip
from recond.blueprints.guard import current_actor, requires
from recond.blueprints.labels import file_response
from recond.extensions import db


bp = Blueprint("recycling", __name__, url_prefix="/recycling")


@bp.route("/")
@requires("recycling.read")
def index():
    return render_template("recycling/index.html", lots=recycling.listing(current_actor()))


@bp.route("/<number>")
@requires("recycling.read")
def show(number: str):
    actor = current_actor()
    lot = recycling.get_lot(actor, number)
    return render_template("recycling/lot.html", contents=recycling.contents(lot),
                           may_hand_over=recycling.may_hand_over(actor, lot))


@bp.route("/<number>/slip.pdf")
@requires("recycling.read")
def slip(number: str):
    lot, content = weee_slip.slip_pdf(current_actor(), number)
    return file_response(content, "application/pdf", f"bordereau-{lot.number}")


@bp.route("/<int:lot_id>/hand-over", methods=["POST"])
@requires("recycling.hand_over")
def hand_over(lot_id: int):
    lot = recycling.hand_over(current_actor(), lot_id, weight_kg=request.form.get("weight_kg", ""),
                              organisation=request.form.get("organisation", ""))
    db.session.commit()
    flash(_l("Lot %(number)s handed over: print its slip for both signatures.",
             number=lot.number), "success")
    return redirect(url_for("recycling.show", number=lot.number))
