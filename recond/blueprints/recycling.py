"""The workshop's recycling lots (WEEE): the open one, handing it over, the past ones."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from recond.workshop import recycling
from recond.blueprints.guard import current_actor, requires
from recond.extensions import db


bp = Blueprint("recycling", __name__, url_prefix="/recycling")


@bp.route("/")
@requires("recycling")
def index():
    actor = current_actor()
    lots = recycling.lots(actor)
    return render_template("recycling/index.html", lots=lots,
                           devices={lot.id: recycling.devices_of(lot) for lot in lots[:20]})


@bp.route("/<int:lot_id>/hand-over", methods=["POST"])
@requires("recycling")
def hand_over(lot_id: int):
    lot = recycling.hand_over(current_actor(), lot_id, weight_kg=request.form.get("weight_kg", ""),
                              organisation=request.form.get("organisation", ""))
    db.session.commit()
    flash(_l("Lot %(number)s handed over.", number=lot.number), "success")
    return redirect(url_for("recycling.index"))
