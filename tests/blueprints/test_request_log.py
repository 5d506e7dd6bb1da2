"""Logs a deployer can use: one JSON object a line with the request's and the user's ids, never a
password, errors with their traceback — and the error page says "logged" only when it is."""
from __future__ import annotations

import json
import logging
import sys

import pytest

from recond import create_app
from tests.conftest import PASSWORD, IsolatedClient


def json_lines(captured: str) -> list[dict]:
    lines = [line for line in captured.splitlines() if line.strip()]
    return [json.loads(line) for line in lines if line.startswith("{")]


def test_a_requests_line_is_json_with_the_request_and_user_ids(world, browser, capsys):
    browser.login("tech_a@example.org")
    capsys.readouterr()
    response = browser.client.get("/devices?status=received")
    lines = json_lines(capsys.readouterr().err)
    line = next(entry for entry in lines if entry["logger"] == "recond.request")
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["user_id"] == world["tech_a"].id
    assert (line["method"], line["path"], line["status"]) == ("GET", "/devices", 200)
    assert "received" not in json.dumps(line)  # never the query string
    assert isinstance(line["duration_ms"], float) and line["level"] == "info"


def test_each_request_has_its_own_id(world, client, capsys):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    ids = [e.get("request_id") for e in json_lines(capsys.readouterr().err)]
    assert first.headers["X-Request-ID"] in ids and second.headers["X-Request-ID"] in ids


def test_a_posted_password_never_reaches_the_log(world, browser, capsys):
    capsys.readouterr()
    browser.login("tech_a@example.org", "Wrong-but-secret-42!")
    browser.login("tech_a@example.org")
    captured = capsys.readouterr().err
    lines = json_lines(captured)
    assert [e["path"] for e in lines if e["logger"] == "recond.request"].count("/login") >= 4
    assert any(e["logger"] == "recond.security" and "login_failed" in e["message"] for e in lines)
    assert "Wrong-but-secret-42!" not in captured and PASSWORD not in captured


def test_an_invitation_token_in_a_path_is_not_logged(world, client, capsys):
    client.get("/invitation/this-is-the-single-use-token")
    captured = capsys.readouterr().err
    assert "this-is-the-single-use-token" not in captured
    assert any(e.get("path") == "/invitation/…" for e in json_lines(captured))


@pytest.fixture
def broken_app(app, tmp_path, monkeypatch):
    """A fresh app on this backend's database with a route that fails: the test's, not the app's."""
    monkeypatch.setenv("RECOND_INSTANCE_PATH", str(tmp_path))
    broken = create_app({"TESTING": True, "SECRET_KEY": "test-only",
                         "SQLALCHEMY_DATABASE_URI": app.config["RECOND_DB_URL"]})

    def explode():
        raise RuntimeError("the disk caught fire")

    broken.add_url_rule("/test-only/explode", "explode", explode)
    broken.test_client_class = IsolatedClient
    yield broken
    with broken.app_context():
        from recond.extensions import db

        db.engine.dispose()


def test_an_unexpected_error_is_logged_with_its_traceback(broken_app, capsys):
    response = broken_app.test_client().get("/test-only/explode")
    assert response.status_code == 500 and "Il a été consigné" in response.text
    line = next(e for e in json_lines(capsys.readouterr().err) if e["level"] == "error")
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["message"] == "unexpected error on GET /test-only/explode"
    assert line["error"] == "RuntimeError: the disk caught fire"
    assert "Traceback (most recent call last)" in line["traceback"] and "in explode" in line["traceback"]


def test_the_error_page_says_logged_only_when_it_is(broken_app, monkeypatch):
    class FullDisk:
        def write(self, _text):
            raise OSError("No space left on device")

        def flush(self):
            pass

    monkeypatch.setattr(sys, "stderr", FullDisk())
    response = broken_app.test_client().get("/test-only/explode")
    assert response.status_code == 500 and "consigné" not in response.text
    monkeypatch.undo()
    errors = logging.getLogger("recond.blueprints.errors")
    errors.setLevel(logging.CRITICAL)  # a deployer who silenced it
    try:
        response = broken_app.test_client().get("/test-only/explode")
    finally:
        errors.setLevel(logging.NOTSET)
    assert response.status_code == 500 and "consigné" not in response.text
    assert "Un problème est survenu de notre côté." in response.text
