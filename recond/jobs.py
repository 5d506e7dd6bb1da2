"""Background jobs: on rq when RECOND_REDIS_URL is set, inline otherwise, through the same code.

Job functions are thin: they take ids and plain data, call one domain function and commit
once. Callers enqueue only after their own transaction has committed, so the worker finds
the rows it needs.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import current_app
from redis import Redis
from rq import Queue
from rq.job import Job, NoSuchJobError

from recond.extensions import db


@dataclass
class JobHandle:
    id: str
    status: str
    result: Any = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def inline(self) -> bool:
        return self.id.startswith("inline-")


def redis_connection() -> Redis | None:
    url = current_app.config.get("REDIS_URL")
    return Redis.from_url(url) if url else None


def queue() -> Queue:
    return Queue(current_app.config["RQ_QUEUE"], connection=redis_connection())


def enqueue(func: Callable, *args: Any, actor_id: int | None = None) -> JobHandle:
    connection = redis_connection()
    if connection is None:
        return JobHandle(id=f"inline-{uuid.uuid4().hex}", status="finished", result=func(*args),
                         meta={"actor_id": actor_id})
    job = Queue(current_app.config["RQ_QUEUE"], connection=connection).enqueue(
        func, *args, meta={"actor_id": actor_id}, result_ttl=24 * 3600, failure_ttl=24 * 3600)
    return JobHandle(id=job.id, status=job.get_status(), meta=job.meta)


def fetch(job_id: str) -> JobHandle | None:
    connection = redis_connection()
    if connection is None:
        return None
    try:
        job = Job.fetch(job_id, connection=connection)
    except (NoSuchJobError, ValueError):
        return None
    status = job.get_status()
    return JobHandle(id=job.id, status=str(status.value if hasattr(status, "value") else status),
                     result=job.return_value() if status == "finished" else None, meta=job.meta)


# --- the jobs themselves ------------------------------------------------------------------------

def run_batch(actor_id: int, public_ids: list[str], action: str,
              payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Apply one lifecycle action to many devices; each device's result is reported."""
    from recond import lifecycle
    from recond.models import User

    try:
        actor = db.session.get(User, actor_id)
        results = lifecycle.perform_batch(actor, public_ids, action, payload)
        db.session.commit()
        return results
    except BaseException:
        db.session.rollback()
        raise
