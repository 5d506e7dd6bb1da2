"""The lifecycle's background job: one action applied to many devices (`/api/v1/batch`).
Like every job it takes ids, calls the engine and commits once.

It is retried when it fails (a database connection lost mid-batch: nothing of it was kept),
and does nothing twice: its commit carries the job's receipt, which a retry returns."""
from __future__ import annotations

from typing import Any

from recond import database, jobs
from recond.extensions import db
from recond.lifecycle.engine import perform_batch
from recond.models import User


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
