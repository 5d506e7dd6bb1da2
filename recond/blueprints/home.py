"""Each role's home page."""
from flask import Blueprint, jsonify, render_template

from recond.blueprints.guard import current_actor, public, requires
from recond.overview import overview_for

bp = Blueprint("home", __name__)


@bp.route("/")
@requires("signed_in")
def index():
    actor = current_actor()
    return render_template(f"home/{actor.role}.html", **overview_for(actor))


@bp.route("/healthz")
@public
def health():
    """The trivial endpoint: the framework's floor in benchmarks, and the liveness probe (the
    process answers; it stays ok while the database is away — readiness is `/readyz`)."""
    return jsonify(status="ok")
