"""Background jobs on the real Redis, run by a real `recond worker` process."""
import subprocess

from recond.identity import accounts
from recond.extensions import db
from tests.test_cli import RECOND, env_for


def _run_worker(app, redis_url):
    return subprocess.run(
        [RECOND, "worker", "--burst"], capture_output=True, text=True, timeout=120,
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
