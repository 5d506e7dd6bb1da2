"""A database connection lost under a job or a request — what a PostgreSQL restart or a
failover does to every connection — on the real PostgreSQL, with a real `recond worker`: the
job is tried again and applies once; the next request gets a fresh connection.

PostgreSQL only: the fault is killing the backend behind a connection (`pg_terminate_backend`),
found by the application name each Recond process gives its connections."""
from __future__ import annotations

import io
import os

import pytest
from rq.job import Job
from sqlalchemy import func, select, text

from recond import database, jobs
from recond.extensions import db
from recond.models import Device, DeviceEvent
from tests import workers
from tests.workers import own_queue  # noqa: F401  (a fixture)
from tests.test_job_faults import ROWS, _devices, _queue_import, _read


@pytest.fixture
def app(pg_app):
    """Every fixture of this module (world, api, redis_url) on PostgreSQL."""
    return pg_app


def _job(job_id: str) -> Job:
    return Job.fetch(job_id, connection=jobs.redis_connection())


def test_a_connection_killed_under_the_import_job_and_it_still_imports_once(
        app, world, api, redis_url, own_queue, tmp_path):
    import_id, job_id = _queue_import(world, api)
    log = tmp_path / "worker.log"
    worker = workers.running(app, redis_url, log, job_id)
    try:
        assert workers.terminate(f"recond worker {worker.pid}") >= 1
        body = workers.wait_for(lambda: (b := _read(api, import_id))["status"] != "queued" and b,
                                "the import ended", worker, log)
    finally:
        workers.stop(worker)
    assert body["status"] == "committed", body
    assert body["imported_rows"] == ROWS and _devices() == ROWS  # once: not 2 × ROWS, not fewer
    job = _job(job_id)
    assert job.get_status() == "finished" and job.retries_left == len(jobs.RETRY_SECONDS) - 1


def test_a_connection_killed_mid_batch_and_the_batch_applies_once(
        app, world, api, redis_url, own_queue, tmp_path):
    devices = [world.register() for _ in range(12)]
    ids = [d.public_id for d in devices]
    # The batch applies the first devices, then waits on a row this test holds: the kill lands
    # mid-job, whatever the machine's speed.
    holder = db.engine.connect()
    holder_transaction = holder.begin()
    holder.execute(text("SELECT id FROM device WHERE id = :id FOR UPDATE"), {"id": devices[6].id})
    queued = api("tech_a", "post", "/api/v1/batch", json={"action": "receive", "devices": ids})
    assert queued.status_code == 202, queued.json
    job_id = queued.json["job"]["id"]
    log = tmp_path / "worker.log"
    worker = workers.start(app, redis_url, log)
    try:
        name = f"recond worker {worker.pid}"
        workers.wait_for(lambda: workers.backends(f"application_name = '{name}' "
                                                  f"AND wait_event_type = 'Lock'"),
                         "the batch waited on the held device", worker, log)
        assert workers.terminate(name) >= 1
        holder_transaction.rollback()
        holder.close()
        workers.wait_for(lambda: jobs.fetch(job_id).status == "finished", "the batch finished",
                         worker, log)
    finally:
        holder.close()
        workers.stop(worker)
    results = api("tech_a", "get", queued.json["job"]["url"]).json["results"]
    assert [r["ok"] for r in results] == [True] * len(ids), results
    receives = db.session.execute(
        select(DeviceEvent.device_id, func.count()).where(DeviceEvent.action == "receive")
        .group_by(DeviceEvent.device_id)).all()
    assert sorted(receives) == sorted((d.id, 1) for d in devices)  # every device, once
    assert _job(job_id).retries_left == len(jobs.RETRY_SECONDS) - 1  # it took a second try


def test_after_every_connection_is_dropped_the_next_request_still_succeeds(app, world, api):
    """A restart drops the pooled connections; pre-ping (on by default) replaces them at
    checkout instead of failing a request on each."""
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    assert api("tech_a", "get", "/api/v1/me").status_code == 200
    db.session.remove()  # every connection of this process idle in the pool
    assert workers.terminate(database.application_name()) >= 1
    assert api("tech_a", "get", "/api/v1/me").status_code == 200
    assert db.session.scalar(select(func.count(Device.id))) == 0


def test_every_connection_says_which_process_it_serves(app):
    db.session.remove()
    with db.engine.connect() as connection:
        name = connection.execute(text("SELECT current_setting('application_name')")).scalar()
    assert name == f"recond web {os.getpid()}"
