"""When the database or Redis is away: 503 with Retry-After and a clear answer in the reader's
language (a page that renders without the database, JSON under /api), probes that tell a load
balancer, and what is small enough run inline while Redis is away. On both backends; the
database is made unreachable by pointing an app at a closed port (a missing directory for
SQLite), Redis by pointing it at a closed port — never by stopping the shared servers."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from recond import create_app
from recond.extensions import db
from recond.models import DeviceEvent, DeviceImport
from tests.conftest import IsolatedClient
from tests.test_jobs import _run_worker

NOWHERE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens there
NOWHERE_DATABASE = {"sqlite": "sqlite:////nonexistent-recond-directory/recond.sqlite3",
                    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:1/test"}


@pytest.fixture
def database_away(app, tmp_path, monkeypatch):
    """A client of the same app (same secret, same sessions) whose database cannot be reached."""
    monkeypatch.setenv("RECOND_INSTANCE_PATH", str(tmp_path))
    away = create_app({"TESTING": True, "SECRET_KEY": app.config["SECRET_KEY"], "REDIS_URL": None,
                       "SQLALCHEMY_DATABASE_URI": NOWHERE_DATABASE[app.config["RECOND_BACKEND"]]})
    away.test_client_class = IsolatedClient
    yield away.test_client()
    with away.app_context():
        db.engine.dispose()


def test_a_signed_in_page_while_the_database_is_away_is_a_503_page_in_the_readers_language(
        app, world, browser, database_away):
    browser.login(world["tech_a"].email)
    database_away.set_cookie("session", browser.client.get_cookie("session").value)
    page = database_away.get("/")
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "La base de données est injoignable pour un moment" in page.text
    assert '<html lang="fr">' in page.text and "Internal Server Error" not in page.text
    english = database_away.get("/", headers={"Accept-Language": "en"})
    assert english.status_code == 503  # the session's language (none chosen): the browser's
    assert "The database cannot be reached for a moment" in english.text


def test_the_api_while_the_database_is_away_keeps_its_json_shape(app, world, database_away):
    answer = database_away.get("/api/v1/me", headers={"Authorization": "Bearer whatever",
                                                      "Accept-Language": "en"})
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "30"
    assert answer.json == {"error": {"code": "database_unavailable", "message":
                                     "The database cannot be reached for a moment. Try again shortly."}}


def test_probes_tell_liveness_from_readiness(app, client, database_away, redis_url):
    assert database_away.get("/healthz").status_code == 200  # the process answers: alive
    down = database_away.get("/readyz")
    assert down.status_code == 503 and down.json == {
        "status": "unavailable", "checks": {"database": "unreachable", "redis": "not configured"}}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["checks"] == {"database": "ok", "redis": "ok"}
    # Redis away: reported, but the instance still serves (every instance shares that Redis).
    app.config["REDIS_URL"] = NOWHERE_REDIS
    no_redis = client.get("/readyz")
    assert no_redis.status_code == 200 and no_redis.json == {
        "status": "degraded", "checks": {"database": "ok", "redis": "unreachable"}}
    assert no_redis.headers["Cache-Control"] == "no-store"


def test_an_unexpected_error_page_makes_no_query(app, world, browser, monkeypatch):
    """Whatever broke, the error page renders: no query in its context (the base layout would
    load the user and the navigation again)."""
    from sqlalchemy import event

    from recond import overview

    statements: list[str] = []
    at_error: list[int] = []

    def broken(_actor):
        at_error.append(len(statements))
        raise RuntimeError("a bug")

    browser.login(world["tech_a"].email)
    monkeypatch.setattr(overview, "todo_for", broken)
    listener = lambda _c, _cur, statement, *_rest: statements.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        page = browser.client.get("/")
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert page.status_code == 500
    assert "Un problème est survenu de notre côté" in page.text
    assert at_error and statements[at_error[0]:] == []


# --- Redis away ----------------------------------------------------------------------------

def test_with_redis_away_a_batch_runs_inline_and_signing_in_still_works(app, world, api, browser):
    app.config["REDIS_URL"] = NOWHERE_REDIS
    devices = [world.register() for _ in range(3)]
    answer = api("tech_a", "post", "/api/v1/batch",
                 json={"action": "receive", "devices": [d.public_id for d in devices]})
    assert answer.status_code == 200, answer.json  # small enough: done in the request
    assert [r["ok"] for r in answer.json["results"]] == [True, True, True]
    assert db.session.scalar(select(func.count(DeviceEvent.id))
                             .where(DeviceEvent.action == "receive")) == 3
    # The login guard counts in memory while Redis is away, instead of failing every sign-in.
    assert browser.login(world["tech_a"].email).status_code == 302


def test_with_redis_away_labels_are_made_inline_up_to_a_size_then_503(app, world, api):
    app.config["REDIS_URL"] = NOWHERE_REDIS
    devices = [world.register() for _ in range(21)]
    small = api("tech_a", "post", "/api/v1/labels",  # 5 × 50 = 250 labels: a job, with Redis
                json={"devices": [d.public_id for d in devices[:5]], "copies": 50})
    assert small.status_code == 200 and small.mimetype == "application/pdf"
    large = api("tech_a", "post", "/api/v1/labels", headers={"Accept-Language": "en"},
                json={"devices": [d.public_id for d in devices], "copies": 50})  # 1,050
    assert large.status_code == 503 and large.headers["Retry-After"] == "30"
    assert large.json["error"]["code"] == "jobs_unavailable"


def test_with_redis_away_an_import_is_503_and_committable_once_redis_is_back(app, world, api, redis_url):
    rows = "\n".join(["N° de série;Type"] + [f"AWAY{i:05d};Portable" for i in range(10_000)])
    number = world.deposits["a"].number
    upload = api("collector_a", "post", f"/api/v1/deposits/{number}/manifests",
                 data={"file": (io.BytesIO(rows.encode()), "lot.csv")}, content_type="multipart/form-data")
    import_id = upload.json["id"]
    app.config["REDIS_URL"] = NOWHERE_REDIS
    refused = api("collector_a", "post", f"/api/v1/imports/{import_id}/commit", json={})
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "30"
    assert refused.json["error"]["code"] == "jobs_unavailable"
    device_import = db.session.get(DeviceImport, import_id)
    db.session.refresh(device_import)
    assert (device_import.status, device_import.job_id) == ("previewed", None)

    app.config["REDIS_URL"] = redis_url  # Redis is back
    queued = api("collector_a", "post", f"/api/v1/imports/{import_id}/commit", json={})
    assert queued.status_code == 202, queued.json
    assert _run_worker(app, redis_url).returncode == 0
    db.session.refresh(device_import)
    assert (device_import.status, device_import.imported_rows) == ("committed", 10_000)
