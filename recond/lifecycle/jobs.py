"""The lifecycle's background job: one action applied to many devices (`/api/v1/batch`).
Like every job it takes ids, calls the engine and commits once; what can be refused for the
whole batch is refused before it is queued.

It is retried when it fails (a database connection lost mid-batch: nothing of it was kept),
and does nothing twice: its commit carries the job's receipt, which a retry returns."""
from __future__ import annotations

from typing import Any

from recond import database, jobs
from recond.extensions import db
from recond.lifecycle.engine import check_batch, perform_batch
from recond.models import User

MAX_BATCH = 500  # devices in one batch
MAX_ID_LENGTH = 64  # a device's ID in a batch, as a scanner or a script sends it


def prepare_batch(actor: User, public_ids: list[str], action: str,
                  payload: dict[str, Any]) -> jobs.Deferred:
    """The batch, checked (422 unknown action or details, 403 a role that may not), ready to
    queue once the caller has committed."""
    check_batch(actor, action, payload)
    # Retried if it fails; run in the request when Redis is away (up to MAX_BATCH actions:
    # seconds).
    return jobs.Deferred(run_batch, (actor.id, public_ids, action, payload), actor.id,
                         jobs.new_id(), retries=True, inline_if_unavailable=True)


def run_batch(actor_id: int, public_ids: list[str], action: str,
              payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Apply one lifecycle action to many devices; each device's result is reported."""
    job_id = jobs.current_job_id()
    try:
        done = jobs.receipt(job_id)
        if done is not None:
            db.session.rollback()
            return done.result
        actor = db.session.get(User, actor_id)
        results = perform_batch(actor, public_ids, action, payload)
        jobs.keep_receipt(job_id, results)
        db.session.commit()
        return results
    except BaseException:
        database.rollback()
        raise
