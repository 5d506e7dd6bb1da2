"""Real `recond worker` processes for the fault tests, and the faults themselves.

A worker starts in a session of its own: rq's scheduler (which puts retried jobs back in the
queue) runs in a child process, and stopping the worker's process group stops both, as a
process manager does. Waits are on conditions, with a generous bound, never on the clock."""
from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import create_engine, text

from tests.conftest import PG_URL
from tests.test_cli import RECOND, env_for

T = TypeVar("T")
BOUND_SECONDS = 180


@pytest.fixture
def own_queue(app, redis_url) -> Iterator[str]:
    """A queue for this test alone (emptied after it): rq's scheduler lock is per queue, and a
    worker killed by an earlier test keeps it for a minute."""
    name = app.config["RQ_QUEUE"] = f"{app.config['RQ_QUEUE']}-{uuid.uuid4().hex[:8]}"
    yield name
    Queue(name, connection=Redis.from_url(redis_url)).empty()


def start(app, redis_url: str, log: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen([RECOND, "worker"], stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True,
                            env=env_for(app, RECOND_REDIS_URL=redis_url,
                                        RECOND_QUEUE=app.config["RQ_QUEUE"], **env))


def running(app, redis_url: str, log: Path, job_id: str) -> subprocess.Popen:
    """A worker started and running the job `job_id`: it reported rows done (stopped if not)."""
    from recond import jobs

    worker = start(app, redis_url, log)
    try:
        wait_for(lambda: (jobs.fetch(job_id).meta or {}).get("done"), "the job progressed", worker, log)
    except BaseException:
        stop(worker)
        raise
    return worker


def stop(worker: subprocess.Popen, sig: int = signal.SIGKILL) -> int:
    """Signal the worker's whole process group; its exit status. A worker that does not stop
    within the bound fails the test, and is killed first: nothing outlives the test."""
    try:
        os.killpg(worker.pid, sig)
    except ProcessLookupError:
        pass
    try:
        return worker.wait(timeout=BOUND_SECONDS)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(worker.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        worker.wait(timeout=BOUND_SECONDS)
        raise


def idle(app) -> bool:
    """A worker of the app's queue waits for jobs (its signal handlers are in place)."""
    from rq import Worker

    from recond import jobs

    connection = jobs.redis_connection()
    queue = Queue(app.config["RQ_QUEUE"], connection=connection)
    return any(w.get_state() == "idle" for w in Worker.all(connection=connection, queue=queue))


def group_gone(worker: subprocess.Popen) -> bool:
    try:
        os.killpg(worker.pid, 0)
    except ProcessLookupError:
        return True
    return False


def wait_for(condition: Callable[[], T], what: str, worker: subprocess.Popen | None = None,
             log: Path | None = None) -> T:
    """Until `condition()` is truthy (its value is returned); a worker that exits meanwhile, or
    the bound passing, fails the test with the worker's log."""
    deadline = time.monotonic() + BOUND_SECONDS
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if worker is not None:
            try:
                worker.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                continue
            pytest.fail(f"the worker exited before {what}:\n" + (log.read_text() if log else ""))
        else:
            time.sleep(0.05)  # polling interval, not a timing assumption
    pytest.fail(f"never {what}:\n" + (log.read_text() if log else ""))


def backends(where: str) -> list[tuple]:
    """PostgreSQL backends matching `where` (on pg_stat_activity), seen from a connection of
    the injector's own."""
    engine = create_engine(PG_URL, connect_args={"application_name": "fault injector"})
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(
                f"SELECT pid, application_name, wait_event_type FROM pg_stat_activity "
                f"WHERE pid <> pg_backend_pid() AND {where}")))
    finally:
        engine.dispose()


def terminate(application_name: str) -> int:
    """pg_terminate_backend of every connection with this application name: what a database
    restart does to them. How many were killed."""
    engine = create_engine(PG_URL, connect_args={"application_name": "fault injector"},
                           isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            return len(connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = :name AND pid <> pg_backend_pid()"),
                {"name": application_name}).all())
    finally:
        engine.dispose()
