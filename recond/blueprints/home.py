"""Each role's home page: its to-do list (recond.overview); and the site's icon."""
from flask import Blueprint, current_app, jsonify, render_template

from recond.blueprints.guard import current_actor, public, requires
from recond import overview

bp = Blueprint("home", __name__)


@bp.route("/")
@requires("signed_in")
def index():
    actor = current_actor()
    return render_template(f"home/{actor.role}.html", **overview.todo_for(actor))


@bp.route("/healthz")
@public
def health():
    """The trivial endpoint: the framework's floor in benchmarks, and the liveness probe (the
    process answers; it stays ok while the database is away — readiness is `/readyz`)."""
    return jsonify(status="ok")


@bp.route("/favicon.ico")
@public
def favicon():
    """Browsers ask for /favicon.ico before reading the page's <link rel="icon">."""
    return current_app.send_static_file("favicon.ico")
