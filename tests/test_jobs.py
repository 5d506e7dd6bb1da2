"""Background jobs on the real Redis, run by a real `recond worker` process."""
import subprocess

from recond.identity import accounts
from recond.extensions import db
from tests.test_cli import RECOND, env_for


# A bound, not a pace: 40,000 rows on a machine whose cores are all busy take minutes.
RUN_BOUND_SECONDS = 900


def _run_worker(app, redis_url):
    return subprocess.run(
        [RECOND, "worker", "--burst"], capture_output=True, text=True, timeout=RUN_BOUND_SECONDS,
        env=env_for(app, RECOND_REDIS_URL=redis_url, RECOND_QUEUE=app.config["RQ_QUEUE"]))


def test_a_batch_is_queued_then_run_by_the_worker(app, world, client, redis_url):
    token = accounts.create_token(world["tech_a"])
    other = accounts.create_token(world["tech_b"])
    db.session.commit()
    good, refused = world.device(), world.device("received")
    response = client.post("/api/v1/batch", headers={"Authorization": f"Bearer {token}"},
                           json={"action": "receive", "devices": [good.public_id, refused.public_id]})
    assert response.status_code == 202
    job = response.json["job"]
    assert job["status"] == "queued"
    db.session.refresh(good)
    assert good.status == "registered"  # nothing happens before a worker takes the job

    worker = _run_worker(app, redis_url)
    assert worker.returncode == 0, worker.stderr

    body = client.get(job["url"], headers={"Authorization": f"Bearer {token}"}).json
    assert body["job"]["status"] == "finished"
    results = {r["public_id"]: r for r in body["results"]}
    assert results[good.public_id]["ok"] is True
    assert results[refused.public_id]["code"] == "wrong_status"
    db.session.refresh(good)
    assert good.status == "received"
    # the job is its owner's: another user cannot read it
    assert client.get(job["url"], headers={"Authorization": f"Bearer {other}"}).status_code == 404


def test_an_unknown_job_is_404(app, world, client, redis_url):
    token = accounts.create_token(world["tech_a"])
    db.session.commit()
    response = client.get("/api/v1/jobs/does-not-exist", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404


# --- a job is queued after the one commit of the rows it reads -------------------------------------

def test_a_job_is_never_queued_inside_an_open_transaction(app, world):
    """`enqueue_committed` runs after the caller's commit: inside a transaction the worker could
    start before the rows it needs exist, so it refuses, and nothing is queued."""
    import pytest
    from sqlalchemy import select

    from recond import jobs
    from recond.models import Device

    db.session.execute(select(Device.id).limit(1))  # a transaction is open
    deferred = jobs.Deferred(len, ((),), actor_id=None, job_id=jobs.new_id())
    with pytest.raises(RuntimeError):
        jobs.enqueue_committed(deferred)
    db.session.commit()
    assert jobs.enqueue_committed(None) is None
    assert jobs.enqueue_committed(deferred).result == 0  # no Redis: run inline, after the commit


def test_the_import_page_is_read_without_committing(app, world, browser):
    """Reading an import (a GET) writes nothing; the count of valid rows was kept by the upload."""
    from pathlib import Path

    from sqlalchemy import event

    from recond.models import DeviceImport
    from tests.conftest import csrf_from

    manifest = Path(__file__).parent / "fixtures" / "manifests" / "fr-errors-utf8-bom.csv"
    browser.login(world["collector_a"].email)
    number = world.deposits["a"].number
    page = browser.client.get(f"/deposits/{number}")
    uploaded = browser.client.post(f"/deposits/{number}/manifests", data={
        "csrf_token": csrf_from(page.text), "manifest": (manifest.open("rb"), manifest.name)},
        content_type="multipart/form-data")
    assert uploaded.status_code == 302, uploaded.text
    device_import = db.session.scalar(db.select(DeviceImport).order_by(DeviceImport.id.desc()))
    assert 0 < device_import.valid_rows < device_import.total_rows  # counted by the upload

    commits = []
    listener = lambda *args: commits.append(args)  # noqa: E731
    event.listen(db.engine, "commit", listener)
    try:
        shown = browser.client.get(uploaded.headers["Location"])
    finally:
        event.remove(db.engine, "commit", listener)
    assert shown.status_code == 200 and str(device_import.valid_rows) in shown.text
    assert commits == []


def test_every_job_answers_in_one_shape(app, world, api, redis_url):
    """A batch, a label batch and a manifest import: the same `job` object when queued and
    when polled (id, status, where to poll), built by one function."""
    import io

    devices = [world.register() for _ in range(70)]
    number = world.deposits["a"].number
    batch = api("tech_a", "post", "/api/v1/batch",
                json={"action": "receive", "devices": [d.public_id for d in devices[:2]]})
    labels = api("tech_a", "post", "/api/v1/labels", json={"deposit": number, "copies": 3})
    rows = "\n".join(["N° de série;Type"] + [f"SHAPE{i:05d};Portable" for i in range(10_000)])
    upload = api("collector_a", "post", f"/api/v1/deposits/{number}/manifests",
                 data={"file": (io.BytesIO(rows.encode()), "lot.csv")}, content_type="multipart/form-data")
    commit = api("collector_a", "post", f"/api/v1/imports/{upload.json['id']}/commit", json={})
    queued = {"batch": batch, "labels": labels, "import": commit}
    assert {name: answer.status_code for name, answer in queued.items()} == dict.fromkeys(queued, 202)
    for name, answer in queued.items():
        job = answer.json["job"]
        assert set(job) == {"id", "status", "url"} and job["status"] == "queued", name
    polled = {"batch": api("tech_a", "get", batch.json["job"]["url"]).json["job"],
              "labels": api("tech_a", "get", labels.json["job"]["url"]).json["job"],
              "import": api("collector_a", "get", commit.json["job"]["url"]).json["job"]}
    for name, job in polled.items():
        assert job["id"] == queued[name].json["job"]["id"] and job["status"] == "queued", name
        assert job["url"] == queued[name].json["job"]["url"], name
    assert polled["import"]["done"] == 0


def test_a_run_leaves_nothing_in_redis(app, world, client, redis_url):
    """What a job test wrote in Redis (queue, registries, the job, its result and heartbeat,
    the worker) is removed by the `redis_url` fixture's `forget_queue`; another run's keys stay."""
    from redis import Redis

    from tests.conftest import forget_queue

    connection = Redis.from_url(redis_url)
    other = "rq:job:another-runs-job"  # a job of another run sharing the database
    connection.hset(other, "origin", "recond-test-another-run")
    try:
        token = accounts.create_token(world["tech_a"])
        db.session.commit()
        device = world.device()
        job = client.post("/api/v1/batch", headers={"Authorization": f"Bearer {token}"},
                          json={"action": "receive", "devices": [device.public_id]}).json["job"]
        assert _run_worker(app, redis_url).returncode == 0
        queue = app.config["RQ_QUEUE"]

        def ours():
            return [k for k in connection.scan_iter(count=1000)
                    if queue.encode() in k or job["id"].encode() in k]

        assert len(ours()) >= 3  # the job, its result, a registry at least
        forget_queue(connection, queue)
        assert ours() == [] and f"rq:queue:{queue}".encode() not in connection.smembers("rq:queues")
        assert connection.hget(other, "origin") == b"recond-test-another-run"
    finally:
        connection.delete(other)
