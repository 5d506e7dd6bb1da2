"""Probes for load balancers and process managers: `/healthz` (in `home`) says the process
answers; `/readyz` says it can serve — the database answers — and is 503 otherwise, so traffic
goes to another instance meanwhile. Redis's state is reported beside ("degraded")."""
from flask import Blueprint, jsonify

from recond import readiness
from recond.blueprints.guard import public

bp = Blueprint("probes", __name__)


@bp.route("/readyz")
@public
def ready():
    answer = readiness.check()
    response = jsonify(status=answer.status, checks=answer.checks)
    response.status_code = 200 if answer.ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response
