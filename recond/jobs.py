"""Background jobs: on rq when RECOND_REDIS_URL is set, inline otherwise, through the same code.

This module owns how a job is queued (with its caller and the caller's language), how our
worker runs it (in that language, with a heartbeat), and how we tell a job whose worker died
from one still running.

Job functions are thin: they take ids and plain data, call one domain function and commit
once. A job that needs rows its caller writes is queued only after the caller's commit, so the
worker finds them: the domain returns a `Deferred`, the view commits once and calls
`enqueue_committed`, which refuses to run inside an open transaction and, when Redis refuses
the job, undoes (and commits) what was prepared for it before answering 503.

Faults: a job queued with `retries` is tried again, with backoff, when it fails — a lost
database connection mid-job, or a worker gone (rq's abandoned jobs) — so such a job must be
idempotent: one that commits records a `JobReceipt` in the same transaction, and a retry that
finds it returns what was done instead of doing it again. When Redis cannot be reached, a job
small enough runs inline (the caller says so), anything else answers 503. The worker runs
maintenance tasks (finding imports whose job is lost) at start and every `lost_after()`.
"""
from __future__ import annotations

import logging
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Iterable, Iterator

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import Queue, Retry, SimpleWorker, get_current_job
from rq.exceptions import StopRequested
from rq.job import Job, NoSuchJobError
from sqlalchemy import delete

from recond import clock
from recond.errors import Unavailable
from recond.extensions import db
from recond.models import JobReceipt

log = logging.getLogger(__name__)
BEAT_KEY = "recond:job-beat:{}"
# A job whose heartbeat is this many beats old has lost its worker (kill -9, a machine gone).
MISSED_BEATS = 4
# Pauses before the second, third and fourth try of a job that failed (a database restart
# takes seconds; a failover, a minute).
RETRY_SECONDS = (2, 15, 60)
RECEIPT_DAYS = 7  # long after any retry
# A web request gives up on Redis quickly: an unreachable Redis is a 503, not a hung worker.
REDIS_TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 5}
_REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


@dataclass
class JobHandle:
    id: str
    status: str
    result: Any = None
    meta: dict[str, Any] = field(default_factory=dict)
    # The worker running it died: rq failed or forgot the job, or its heartbeat stopped.
    lost: bool = False

    @property
    def inline(self) -> bool:
        return self.id.startswith("inline-")


def redis_connection() -> Redis | None:
    """The app's Redis client (one connection pool per URL and process), or None: no Redis."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    clients = current_app.extensions.setdefault("recond.redis", {})
    if url not in clients:
        clients[url] = Redis.from_url(url, **REDIS_TIMEOUTS)
    return clients[url]


def queue() -> Queue:
    return Queue(current_app.config["RQ_QUEUE"], connection=redis_connection())


def unavailable() -> Unavailable:
    return Unavailable(_l("Background jobs are unavailable, try again shortly."),
                       code="jobs_unavailable")


def new_id() -> str:
    """A job id chosen before enqueuing, so the row that waits for the job can name it in the
    same commit that marks it queued."""
    return uuid.uuid4().hex


def enqueue(func: Callable, *args: Any, actor_id: int | None = None, job_id: str | None = None,
            timeout: int | None = None, retries: bool | tuple[int, ...] = False,
            inline_if_unavailable: bool = False) -> JobHandle:
    """Run `func(*args)` now (no Redis) or queue it; the job remembers who asked, and in which
    language, so that its messages come back in the caller's language.

    `retries`: the job is idempotent, and tried again with backoff should it fail (True: after
    RETRY_SECONDS; a tuple: after those pauses, in seconds).
    `inline_if_unavailable`: the job is small enough to run in the request when Redis cannot
    be reached; otherwise that is `Unavailable` (503)."""
    connection = redis_connection()
    meta = {"actor_id": actor_id, "locale": str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])}
    if connection is None:
        return _inline(func, args, meta)
    try:
        job = Queue(current_app.config["RQ_QUEUE"], connection=connection).enqueue(
            func, *args, meta=meta, job_id=job_id, job_timeout=timeout,
            result_ttl=24 * 3600, failure_ttl=24 * 3600,
            retry=_retry(retries))
    except _REDIS_DOWN:
        if inline_if_unavailable:
            log.warning("background jobs unavailable: running %s in the request", func.__name__)
            return _inline(func, args, meta)
        raise unavailable() from None
    return JobHandle(id=job.id, status="queued", meta=job.meta)


def _retry(retries: bool | tuple[int, ...]) -> Retry | None:
    pauses = RETRY_SECONDS if retries is True else tuple(retries or ())
    return Retry(max=len(pauses), interval=list(pauses)) if pauses else None


def _inline(func: Callable, args: tuple, meta: dict[str, Any]) -> JobHandle:
    return JobHandle(id=f"inline-{uuid.uuid4().hex}", status="finished", result=func(*args),
                     meta=meta)


@dataclass(frozen=True)
class Deferred:
    """A job prepared inside a transaction (its rows marked as waiting for it), to be queued
    once that transaction has committed. `undo` puts those rows back as they were, should the
    job not be queued."""
    func: Callable
    args: tuple
    actor_id: int | None
    job_id: str
    timeout: int | None = None
    undo: Callable[[], None] | None = None
    retries: bool = False
    inline_if_unavailable: bool = False


def enqueue_committed(deferred: Deferred | None) -> JobHandle | None:
    """Queue a job whose rows were just committed (None: nothing to queue).

    Why after the commit, and not from the session's `after_commit` hook: a hook cannot use the
    session (so it could not undo) and its errors would surface from inside `commit()`; called
    here, a refused job is undone in a transaction of its own, and the caller gets
    `Unavailable` (503) with its rows as they were before."""
    if deferred is None:
        return None
    if db.session().in_transaction():
        raise RuntimeError("enqueue_committed runs after the commit of the rows the job reads")
    try:
        return enqueue(deferred.func, *deferred.args, actor_id=deferred.actor_id,
                       job_id=deferred.job_id, timeout=deferred.timeout, retries=deferred.retries,
                       inline_if_unavailable=deferred.inline_if_unavailable)
    except Unavailable:
        if deferred.undo is not None:
            deferred.undo()
            db.session.commit()
        raise


def fetch(job_id: str) -> JobHandle | None:
    """The job as rq knows it, and whether its worker died. None when there is no Redis, or
    no such job; an unreachable Redis gives the status "unknown" (never "lost")."""
    connection = redis_connection()
    if connection is None:
        return None
    try:
        job = Job.fetch(job_id, connection=connection)
        status = job.get_status()
        status = str(status.value if hasattr(status, "value") else status)
        beat = connection.get(BEAT_KEY.format(job_id))
    except (NoSuchJobError, ValueError):
        return None
    except _REDIS_DOWN:
        return JobHandle(id=job_id, status="unknown")
    return JobHandle(id=job.id, status=status, meta=job.meta,
                     result=job.return_value() if status == "finished" else None,
                     lost=status in ("failed", "stopped", "canceled")
                     or (status == "started" and _silent(beat, job.started_at)))


def exists(job_id: str) -> bool | None:
    """Whether Redis knows the job (None: no Redis, or Redis unreachable)."""
    connection = redis_connection()
    if connection is None:
        return None
    try:
        return bool(connection.exists(Job.key_for(job_id)))
    except _REDIS_DOWN:
        return None


def lost_after() -> timedelta:
    return timedelta(seconds=MISSED_BEATS * current_app.config["JOB_HEARTBEAT_SECONDS"])


def _silent(beat: bytes | None, started_at: datetime | None) -> bool:
    last = datetime.fromisoformat(beat.decode()) if beat else started_at
    if last is None:
        return False
    return clock.utcnow() - last.replace(tzinfo=None) > lost_after()


# --- what a job committed, kept with its work ----------------------------------------------------

def current_job_id() -> str | None:
    """The id of the rq job running this code; None inline (in a request: nothing retries it)."""
    job = get_current_job()
    return job.id if job is not None else None


def report_progress(done: int) -> None:
    """Tell whoever polls the running job how far it got (a Redis blip loses a report, not the job)."""
    job = get_current_job()
    if job is None:
        return
    job.meta["done"] = done
    try:
        job.save_meta()
    except _REDIS_DOWN:
        pass


def will_retry() -> bool:
    """Whether rq tries the running job again should it fail now."""
    job = get_current_job()
    return bool(job is not None and job.retries_left)


def receipt(job_id: str | None) -> JobReceipt | None:
    """What the job `job_id` committed, if it did. A retry after a commit whose answer was lost
    (the connection died just then) finds it, and does nothing twice."""
    return db.session.get(JobReceipt, job_id) if job_id is not None else None


def keep_receipt(job_id: str | None, result: Any) -> None:
    """Record, in the transaction of the job's work, that the job did it."""
    if job_id is not None:
        db.session.add(JobReceipt(job_id=job_id, result=result))


def forget_old_receipts() -> None:
    cutoff = clock.utcnow() - timedelta(days=RECEIPT_DAYS)
    db.session.execute(delete(JobReceipt).where(JobReceipt.finished_at < cutoff))


# --- the worker ---------------------------------------------------------------------------------

@contextmanager
def heartbeat(job_id: str, seconds: float) -> Iterator[None]:
    """Beat in Redis while a job runs. The beating thread dies with the process, so a worker
    killed with SIGKILL stops beating, and `fetch` sees the job as lost."""
    connection = redis_connection()
    key, stop = BEAT_KEY.format(job_id), threading.Event()

    def beat() -> None:
        while True:
            try:
                connection.set(key, clock.utcnow().isoformat(), ex=24 * 3600)
            except _REDIS_DOWN:
                pass  # the next beat may get through; a long silence reads as a lost job
            if stop.wait(seconds):
                return

    thread = threading.Thread(target=beat, name=f"heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


class Worker(SimpleWorker):
    """rq's SimpleWorker (jobs run in this process, inside the app context: no fork of the
    database pool), running each job in its caller's language and with a heartbeat, each with
    a fresh database session; and, besides rq's own maintenance (abandoned jobs retried or
    failed), ours: `maintenance` callables, each committed on its own, at start and every
    `lost_after()` — a failing one is logged and tried again next time, the worker goes on."""

    def __init__(self, *args: Any, maintenance: Iterable[Callable[[], None]] = (),
                 **kwargs: Any) -> None:
        every = int(lost_after().total_seconds())
        kwargs.setdefault("maintenance_interval", every)
        # An idle rq worker waits for a job at most worker_ttl - 15 s, then runs its maintenance.
        kwargs.setdefault("worker_ttl", every + 15)
        super().__init__(*args, **kwargs)
        self.maintenance = [forget_old_receipts, *maintenance]
        self.stop_signalled = False

    def execute_job(self, job: Job, queue: Queue) -> None:
        locale = job.meta.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]
        try:
            with force_locale(locale), heartbeat(job.id, current_app.config["JOB_HEARTBEAT_SECONDS"]):
                super().execute_job(job, queue)
        finally:
            db.session.remove()  # nothing of one job's session leaks into the next

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        for task in self.maintenance:
            try:
                task()
                db.session.commit()
            except StopRequested:
                # A SIGTERM while the worker is idle: rq stops by this exception, raised from its
                # signal handler wherever the worker is, here too. Swallowed, the worker would
                # never stop.
                db.session.remove()
                raise
            except Exception:  # noqa: BLE001 - the database may be away: next round
                db.session.remove()
                if self.stop_signalled:
                    # The stop landed inside the driver, whose cleanup raised an error of its
                    # own over it: still a stop, not a failing task.
                    raise StopRequested() from None
                log.exception("maintenance task %s failed", getattr(task, "__name__", task))
        db.session.remove()

    def request_stop(self, signum: Any, frame: Any) -> None:
        self.stop_signalled = True  # whatever becomes of the exception rq raises now
        super().request_stop(signum, frame)
