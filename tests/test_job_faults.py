"""Background jobs when things go wrong: a worker killed or shut down mid-import, Redis
unreachable when queuing, and a batch's messages in its caller's language. Each runs a real
`recond worker` process on the real Redis."""
from __future__ import annotations

import html
import io
import signal
import subprocess
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from recond import clock, jobs
from recond.extensions import db
from recond.models import Device, DeviceEvent, DeviceImport
from tests import workers
from tests.test_jobs import _run_worker

ROWS = 16_000  # eight chunks of 2,000: the job is still running when stopped after the first
# A cold shutdown needs the job to outlast rq's one-second grace between the two signals.
COLD_ROWS = 40_000


def _devices() -> int:
    return db.session.scalar(select(func.count(Device.id)))


def _manifest(rows: int) -> bytes:
    lines = ["N° de série;Type;Marque;RAM"] + [f"FAULT{i:06d};Portable;Dell;8 Go" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def _upload(world, api, rows: int = ROWS) -> int:
    number = world.deposits["a"].number
    upload = api("collector_a", "post", f"/api/v1/deposits/{number}/manifests",
                 data={"file": (io.BytesIO(_manifest(rows)), "gros-lot.csv")},
                 content_type="multipart/form-data")
    assert upload.status_code == 201, upload.json
    return upload.json["id"]


def _start_worker(app, redis_url, tmp_path) -> subprocess.Popen:
    return workers.start(app, redis_url, tmp_path / "worker.log")


def _wait_for_progress(worker: subprocess.Popen, job_id: str, tmp_path) -> int:
    """Until the job reports rows done (bounded; the worker exiting early is a failure)."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        handle = jobs.fetch(job_id)
        if handle is not None and handle.meta.get("done"):
            return handle.meta["done"]
        try:
            worker.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail("the worker exited before the job reported progress:\n"
                    + (tmp_path / "worker.log").read_text())
    pytest.fail("the job never reported progress")


def _queue_import(world, api, rows: int = ROWS) -> tuple[int, str]:
    import_id = _upload(world, api, rows)
    queued = api("collector_a", "post", f"/api/v1/imports/{import_id}/commit", json={})
    assert queued.status_code == 202, queued.json
    return import_id, queued.json["import"]["job_id"]


def _read(api, import_id: int) -> dict:
    answer = api("collector_a", "get", f"/api/v1/imports/{import_id}",
                 headers={"Accept-Language": "en"})
    assert answer.status_code == 200
    return answer.json


def test_a_killed_worker_leaves_a_failed_import_that_the_api_retries(app, world, api, redis_url,
                                                                      tmp_path, monkeypatch):
    import_id, job_id = _queue_import(world, api)
    worker = _start_worker(app, redis_url, tmp_path)
    try:
        done = _wait_for_progress(worker, job_id, tmp_path)
    finally:
        workers.stop(worker, signal.SIGKILL)
    assert 0 < done < ROWS
    assert _devices() == 0  # the job's transaction died with it: nothing half-imported

    # Its heartbeat is still fresh: a job is not taken for dead a moment after its last beat.
    assert _read(api, import_id)["status"] == "queued"
    # Four missed beats later (the clock moves, nobody waits), the import is failed.
    later = clock.utcnow() + timedelta(seconds=4 * app.config["JOB_HEARTBEAT_SECONDS"] + 1)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    body = _wait_until_not_queued(api, import_id)
    assert body["status"] == "failed" and body["imported_rows"] == 0
    assert body["error"]["code"] == "worker_lost"
    assert "nothing was imported" in body["error"]["message"]
    assert _devices() == 0

    retried = api("collector_a", "post", f"/api/v1/imports/{import_id}/commit", json={})
    assert retried.status_code == 202, retried.json
    assert retried.json["import"]["job_id"] != job_id
    finished = _run_worker(app, redis_url)
    assert finished.returncode == 0, finished.stderr
    body = _read(api, import_id)
    assert body["status"] == "committed" and body["imported_rows"] == ROWS and "error" not in body
    assert _devices() == ROWS


def _wait_until_not_queued(api, import_id: int) -> dict:
    # On PostgreSQL the server aborts the killed worker's transaction (and frees its row lock)
    # as soon as it sees the connection closed; until then the import reads as still running.
    deadline = time.monotonic() + 120
    while True:
        body = _read(api, import_id)
        if body["status"] != "queued" or time.monotonic() > deadline:
            return body
        db.session.remove()


def test_a_cold_shutdown_fails_the_import_at_once_and_the_page_retries_it(app, world, api, browser,
                                                                         redis_url, tmp_path):
    import_id, job_id = _queue_import(world, api, rows=COLD_ROWS)
    worker = _start_worker(app, redis_url, tmp_path)
    try:
        _wait_for_progress(worker, job_id, tmp_path)
        worker.send_signal(signal.SIGTERM)  # warm shutdown: finish the job first
        log_file = tmp_path / "worker.log"
        # rq ignores a second signal within one second of handling the first (request_force_stop),
        # and a busy worker may handle it late: count from when it says it did.
        workers.wait_for(lambda: "warm shut down requested" in log_file.read_text(),
                         "the worker handled the first signal", worker, log_file)
        with pytest.raises(subprocess.TimeoutExpired):
            worker.wait(timeout=1.5)
        worker.send_signal(signal.SIGTERM)  # cold shutdown: SystemExit inside the job
        worker.wait(timeout=workers.BOUND_SECONDS)
    finally:
        workers.stop(worker)
    log = (tmp_path / "worker.log").read_text()
    assert "cold shut down" in log, log

    body = _read(api, import_id)  # no clock to move: the job itself marked it failed
    assert body["status"] == "failed" and body["error"]["code"] == "interrupted", (body, log)
    assert _devices() == 0

    browser.login(world["collector_a"].email)
    page = browser.client.get(f"/imports/{import_id}")
    assert "rien n'a été importé" in html.unescape(page.text)
    answer = browser.post_form(f"/imports/{import_id}", f"/imports/{import_id}/commit",
                               {"all_or_nothing": "y"})
    assert answer.status_code == 302
    assert "Import en cours en arrière-plan" in browser.client.get(f"/imports/{import_id}").text
    finished = _run_worker(app, redis_url)
    assert finished.returncode == 0, finished.stderr
    assert _read(api, import_id)["status"] == "committed"
    assert _devices() == COLD_ROWS


def test_while_the_job_runs_a_second_commit_says_so(app, world, api, redis_url):
    import_id, _job_id = _queue_import(world, api, rows=10_000)
    again = api("collector_a", "post", f"/api/v1/imports/{import_id}/commit", json={},
                headers={"Accept-Language": "en"})
    assert again.status_code == 409 and again.json["error"]["code"] == "import_running"
    assert "being imported" in again.json["error"]["message"]


def test_an_unreachable_redis_gives_503_and_leaves_the_import_as_it_was(app, world, api, browser):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    import_id = _upload(world, api, rows=10_000)
    answer = api("collector_a", "post", f"/api/v1/imports/{import_id}/commit", json={},
                 headers={"Accept-Language": "en"})
    assert answer.status_code == 503, answer.json
    assert answer.json["error"] == {"code": "jobs_unavailable", "message":
                                    "Background jobs are unavailable, try again shortly."}
    device_import = db.session.get(DeviceImport, import_id)
    db.session.refresh(device_import)
    assert device_import.status == "previewed" and device_import.job_id is None

    browser.login(world["collector_a"].email)
    page = browser.post_form(f"/imports/{import_id}", f"/imports/{import_id}/commit",
                             {"all_or_nothing": "y"})
    assert page.status_code == 503
    assert "Les tâches de fond sont indisponibles" in page.text
    db.session.refresh(device_import)
    assert device_import.status == "previewed" and _devices() == 0


@pytest.mark.parametrize("language,expected", [
    ("en", "is not possible while the device is"),
    ("fr", "est impossible tant que l'appareil est"),
])
def test_a_batch_job_answers_in_its_callers_language(app, world, api, redis_url, language, expected):
    device = world.device("wiped")  # received earlier, wiped since: not "already done"
    queued = api("tech_a", "post", "/api/v1/batch", headers={"Accept-Language": language},
                 json={"action": "receive", "devices": [device.public_id]})
    assert queued.status_code == 202
    worker = _run_worker(app, redis_url)
    assert worker.returncode == 0, worker.stderr
    body = api("tech_a", "get", queued.json["job"]["url"]).json
    assert body["results"][0]["code"] == "wrong_status"
    assert expected in body["results"][0]["message"]


def test_a_retried_batch_that_had_committed_does_nothing_twice(app, world, api, redis_url):
    """rq tries a job again when it fails; should its commit have reached the database while
    the answer was lost, the retry (the same job again) finds its receipt and applies nothing."""
    devices = [world.register() for _ in range(3)]
    ids = [d.public_id for d in devices]
    queued = api("tech_a", "post", "/api/v1/batch", json={"action": "receive", "devices": ids})
    assert queued.status_code == 202
    assert _run_worker(app, redis_url).returncode == 0
    first = api("tech_a", "get", queued.json["job"]["url"]).json["results"]
    assert [r["ok"] for r in first] == [True, True, True]

    from recond.lifecycle.jobs import run_batch

    again = jobs.queue().enqueue(run_batch, world["tech_a"].id, ids, "receive", {},
                                 job_id=queued.json["job"]["id"],
                                 meta={"actor_id": world["tech_a"].id, "locale": "en"})
    assert _run_worker(app, redis_url).returncode == 0
    assert jobs.fetch(again.id).result == first  # what the first run did, not "wrong status"
    receives = db.session.scalar(select(func.count(DeviceEvent.id))
                                 .where(DeviceEvent.action == "receive"))
    assert receives == 3
