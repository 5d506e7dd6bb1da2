"""The lifecycle's background job: one action applied to many devices (`/api/v1/batch`).
Like every job it takes ids, calls the engine and commits once."""
from __future__ import annotations

from typing import Any

from recond.extensions import db
from recond.lifecycle.engine import perform_batch
from recond.models import User


def run_batch(actor_id: int, public_ids: list[str], action: str,
              payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Apply one lifecycle action to many devices; each device's result is reported."""
    try:
        actor = db.session.get(User, actor_id)
        results = perform_batch(actor, public_ids, action, payload)
        db.session.commit()
        return results
    except BaseException:
        db.session.rollback()
        raise
