"""`recond worker` as process managers run it: SIGTERM stops it cleanly (its job finished
first, rq's scheduler child with it), and its maintenance finds the imports whose worker was
killed, even when nobody opens them. Real worker processes on the real Redis."""
from __future__ import annotations

import signal

import pytest
from redis import Redis
from rq import Queue
from rq.exceptions import StopRequested

from recond import jobs
from recond.extensions import db
from recond.models import DeviceImport
from tests import workers
from tests.workers import own_queue  # noqa: F401  (a fixture)
from tests.test_job_faults import ROWS, _devices, _queue_import


def _status(import_id: int) -> str:
    db.session.remove()
    return db.session.get(DeviceImport, import_id).status


def test_one_sigterm_lets_the_running_import_finish_then_the_worker_exits(
        app, world, api, redis_url, own_queue, tmp_path):
    import_id, job_id = _queue_import(world, api)
    log = tmp_path / "worker.log"
    worker = workers.running(app, redis_url, log, job_id)
    try:
        worker.send_signal(signal.SIGTERM)  # what systemd or supervisord sends first
        status = worker.wait(timeout=workers.BOUND_SECONDS)
    finally:
        workers.stop(worker)
    assert status == 0, log.read_text()
    assert "warm shut down requested" in log.read_text()
    assert _status(import_id) == "committed" and _devices() == ROWS
    assert workers.group_gone(worker)  # rq's scheduler stopped with it


def test_an_idle_worker_stops_at_once_on_sigterm(app, redis_url, own_queue, tmp_path):
    log = tmp_path / "worker.log"
    worker = workers.start(app, redis_url, log)
    try:
        workers.wait_for(lambda: workers.idle(app), "the worker waited for jobs", worker, log)
        worker.send_signal(signal.SIGTERM)
        status = worker.wait(timeout=workers.BOUND_SECONDS)
    finally:
        workers.stop(worker)
    assert status == 0, log.read_text()
    assert workers.group_gone(worker)


def test_the_workers_maintenance_fails_an_import_whose_worker_was_killed(
        app, world, api, redis_url, own_queue, tmp_path):
    import_id, job_id = _queue_import(world, api)
    workers.stop(workers.running(app, redis_url, tmp_path / "killed.log", job_id), signal.SIGKILL)
    # Nobody opens the import; another worker, whose jobs beat every second, finds it lost
    # once four beats are missed, at its start or at one of its rounds.
    log = tmp_path / "sweeper.log"
    sweeper = workers.start(app, redis_url, log, RECOND_JOB_HEARTBEAT_SECONDS="1")
    try:
        workers.wait_for(lambda: _status(import_id) == "failed", "the import was marked failed",
                         sweeper, log)
    finally:
        workers.stop(sweeper, signal.SIGTERM)
    device_import = db.session.get(DeviceImport, import_id)
    assert device_import.error_code == "worker_lost" and _devices() == 0


def test_a_failing_maintenance_task_is_logged_and_the_next_still_runs(app, redis_url, own_queue, caplog):
    ran = []

    def failing():
        raise RuntimeError("the database is away")

    connection = Redis.from_url(redis_url)  # rq changes its client's timeouts: one of its own
    worker = jobs.Worker([Queue(own_queue, connection=connection)],
                         connection=connection, maintenance=[failing, lambda: ran.append(True)])
    worker.run_maintenance_tasks()
    assert ran == [True]
    assert "maintenance task failing failed" in caplog.text


def test_a_stop_requested_during_maintenance_stops_the_worker(app, redis_url, own_queue):
    """rq stops an idle worker on SIGTERM by raising StopRequested from its signal handler,
    wherever it is: in a maintenance task too, where it must not be taken for a failure."""
    ran = []

    def interrupted():
        raise StopRequested()

    connection = Redis.from_url(redis_url)
    worker = jobs.Worker([Queue(own_queue, connection=connection)],
                         connection=connection, maintenance=[interrupted, lambda: ran.append(True)])
    with pytest.raises(StopRequested):
        worker.run_maintenance_tasks()
    assert ran == []


def test_a_stop_that_lands_inside_the_driver_still_stops_the_worker(app, redis_url, own_queue):
    """The signal may land inside the database driver, whose cleanup then raises an error of
    its own over rq's StopRequested (psycopg: "can't change 'autocommit' now"): still a stop."""
    ran = []
    connection = Redis.from_url(redis_url)
    worker = jobs.Worker([Queue(own_queue, connection=connection)], connection=connection)

    def stopped_inside_the_driver():
        try:
            worker.request_stop(signal.SIGTERM, None)  # what rq's handler does, the worker idle
        except StopRequested as stop:
            raise RuntimeError("can't change 'autocommit' now") from stop

    worker.maintenance = [stopped_inside_the_driver, lambda: ran.append(True)]
    try:
        with pytest.raises(StopRequested):
            worker.run_maintenance_tasks()
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # rq set its own handlers for the next signal
        signal.signal(signal.SIGINT, signal.default_int_handler)
    assert ran == []
