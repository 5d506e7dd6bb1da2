"""Fixtures: the app on SQLite and on PostgreSQL, real Redis, and a small world of
organisations and users built through the same domain functions people use.

Every test that takes `app` (or a fixture built on it) runs once per backend. The schema is
made by the migrations, once per backend and run; after each test the data is wiped (the
history's append-only triggers are set aside for that, and only for that).
"""
from __future__ import annotations

import contextvars
import os
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel import Locale
from flask import g
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from recond import create_app
from recond.extensions import db

PG_URL = os.environ.get("RECOND_TEST_POSTGRESQL_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# One schema and one queue per run: two suites on one machine (a developer's and CI's) never
# see each other's rows or jobs.
PG_SCHEMA = f"recond_test_{os.getpid()}"
REDIS_URL = os.environ.get("RECOND_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
BACKENDS = ("sqlite", "postgresql")
PASSWORD = "correct horse battery"


def _pg_url() -> str:
    # Our own schema inside the `test` database, so nothing else there is touched.
    return f"{PG_URL}?options=-csearch_path%3D{PG_SCHEMA}"


class _Apps:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.apps = {}

    def get(self, backend: str):
        if backend not in self.apps:
            self.apps[backend] = self._make(backend)
        return self.apps[backend]

    def _make(self, backend: str):
        instance = self.tmp / backend
        instance.mkdir()
        if backend == "sqlite":
            url = f"sqlite:///{instance / 'recond.sqlite3'}"
        else:
            from sqlalchemy import create_engine

            engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
                conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
            engine.dispose()
            url = _pg_url()
        os.environ["RECOND_INSTANCE_PATH"] = str(instance)
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": None,
                          "SECRET_KEY": "test-only",
                          # a weak hash keeps the suite fast; production keeps scrypt
                          "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "PUBLIC_URL": "https://recond.test",
                          "SERVER_NAME": None})
        os.environ.pop("RECOND_INSTANCE_PATH")
        with app.app_context():
            upgrade()
            db.engine.dispose()
        if backend == "sqlite":
            shutil.copyfile(instance / "recond.sqlite3", instance / "template.sqlite3")
        app.config["RECOND_BACKEND"] = backend
        app.config["RECOND_DB_URL"] = url
        return app

    def wipe(self, app) -> None:
        db.session.remove()
        instance = Path(app.instance_path)
        if app.config["RECOND_BACKEND"] == "sqlite":
            db.engine.dispose()
            shutil.copyfile(instance / "template.sqlite3", instance / "recond.sqlite3")
            return
        tables = ", ".join(t.name for t in db.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def apps(tmp_path_factory):
    registry = _Apps(tmp_path_factory.mktemp("recond"))
    yield registry
    for app in registry.apps.values():
        with app.app_context():
            db.engine.dispose()
    if "postgresql" in registry.apps:
        from sqlalchemy import create_engine

        engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        engine.dispose()


def _use(apps, backend: str):
    app = apps.get(backend)
    config = dict(app.config)
    with app.app_context():
        # Domain code called by the test itself speaks English; each request made through the
        # client has its own context and the users' default, French.
        g._flask_babel = SimpleNamespace(babel_locale=Locale.parse("en"))
        try:
            yield app
        finally:
            app.config.clear()
            app.config.update(config)  # what a test changed stays in that test
            apps.wipe(app)


@pytest.fixture(params=BACKENDS)
def app(request, apps):
    """The app, with an app context pushed, once on SQLite and once on PostgreSQL."""
    yield from _use(apps, request.param)


@pytest.fixture
def pg_app(apps):
    """For what only PostgreSQL can prove (triggers' error codes, row locks)."""
    yield from _use(apps, "postgresql")


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production: its own `g` and its own
    database session, seeing only what was committed (the test keeps its own context)."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def redis_url(app, request):
    from redis import Redis
    from rq import Queue

    app.config["REDIS_URL"] = REDIS_URL
    app.config["RQ_QUEUE"] = f"recond-test-{os.getpid()}-{app.config['RECOND_BACKEND']}"
    queue = Queue(app.config["RQ_QUEUE"], connection=Redis.from_url(REDIS_URL))
    queue.empty()  # only this run's own queue
    yield REDIS_URL
    queue.empty()


@pytest.fixture
def world(app):
    from tests.builders import World

    return World.build()


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


class Browser:
    """A test client that signs in through the real login form, CSRF token and all."""

    def __init__(self, client) -> None:
        self.client = client

    def login(self, email: str, password: str = PASSWORD):
        page = self.client.get("/login")
        return self.client.post("/login", data={"csrf_token": csrf_from(page.text),
                                                "email": email, "password": password})

    def post_form(self, page_url: str, action_url: str, data: dict):
        page = self.client.get(page_url)
        assert page.status_code == 200, page.status_code
        return self.client.post(action_url, data={"csrf_token": csrf_from(page.text), **data})


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def api(world, client):
    """api(user, method, path, **kwargs): the client with a bearer token of a world user."""
    from recond import accounts

    tokens = {}

    def call(user, method, path, **kwargs):
        if user not in tokens:
            tokens[user] = accounts.create_token(world[user])
            db.session.commit()
        headers = {"Authorization": f"Bearer {tokens[user]}", **kwargs.pop("headers", {})}
        return getattr(client, method)(path, headers=headers, **kwargs)

    return call
