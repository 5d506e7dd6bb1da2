"""API routes of one's own tokens: list them, revoke one (an administrator: anyone's)."""
from __future__ import annotations

from flask import jsonify, request

from recond.identity import api_tokens
from recond.blueprints.guard import current_actor, requires
from recond.blueprints.api import bp
from recond.extensions import db


def _iso(moment) -> str | None:
    return moment.isoformat() + "Z" if moment else None


def token_json(token) -> dict:
    return {"id": token.id, "name": token.label, "user": token.user.email,
            "created_at": _iso(token.created_at), "last_used_at": _iso(token.last_used_at),
            "expires_at": _iso(token.expires_at), "status": api_tokens.state(token)}


@bp.route("/tokens")
@requires("account.own")
def list_tokens():
    return jsonify(items=[token_json(t) for t in api_tokens.tokens_of(current_actor())])


@bp.route("/tokens/<int:token_id>", methods=["DELETE"])
@requires("account.own")
def revoke_token(token_id: int):
    token = api_tokens.revoke(current_actor(), token_id, address=request.remote_addr)
    db.session.commit()
    return jsonify(token_json(token))
