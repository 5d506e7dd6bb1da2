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
from sqlalchemy import event, text

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
    # A commit need not wait for the disk (about 3 ms each on a busy machine): the suite's data
    # dies with the run. What other connections see, and when, does not change.
    return f"{PG_URL}?options=-csearch_path%3D{PG_SCHEMA}%20-csynchronous_commit%3Doff"


def _sqlite_without_fsync(dbapi_connection, _record) -> None:
    # The same for SQLite, whose commit otherwise syncs the file and its journal: 15 ms against
    # 0.6 ms on the project's machine. Locking and what each connection sees are unchanged.
    dbapi_connection.execute("PRAGMA synchronous=OFF")


def _tables() -> list[str]:
    return [table.name for table in db.metadata.sorted_tables]


def _pg_wipe():
    """Empties PostgreSQL after a test in one statement: DELETE every table, then restart only
    the sequences that moved (ids and numbers start again at 1, as TRUNCATE … RESTART IDENTITY
    did). Not TRUNCATE: it gives each of the ~30 tables and their indexes new files, about
    0.7 s a test on a busy machine, where this takes 15 ms. The caller sets
    session_replication_role = replica for its transaction only: that sets aside the history's
    append-only triggers and the foreign keys (so the order of the tables does not matter)."""
    tables = ", ".join(f"'{name}'" for name in _tables())
    return text(f"""DO $$
        DECLARE
            name text;
        BEGIN
            FOREACH name IN ARRAY ARRAY[{tables}] LOOP
                EXECUTE format('DELETE FROM %I', name);
            END LOOP;
            FOR name IN SELECT sequencename FROM pg_sequences
                        WHERE schemaname = current_schema() AND last_value IS NOT NULL LOOP
                PERFORM setval(quote_ident(name), 1, false);
            END LOOP;
        END $$""")


PG_VACUUM_EVERY = 100  # wipes


class _Apps:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.apps = {}
        self.pg_wipe = None
        self.pg_wipes = 0

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
            if backend == "sqlite":
                event.listen(db.engine, "connect", _sqlite_without_fsync)
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
        self.pg_wipe = self.pg_wipe if self.pg_wipe is not None else _pg_wipe()
        with db.engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(self.pg_wipe)
        self.pg_wipes += 1
        if self.pg_wipes % PG_VACUUM_EVERY == 0:
            # What DELETE leaves behind, cleared now and then (autovacuum may be off, as on
            # the project's machine): tables stay a few pages long for the whole run.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f"VACUUM {', '.join(_tables())}"))


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
            # the login guard's counters: in memory, or in Redis when the test set it
            app.extensions.pop("recond.attempts", None)
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


def forget_queue(connection, name: str) -> None:
    """Removes what rq and Recond wrote in Redis for the queue `name`: the queue, its
    registries, its jobs with their results, executions and heartbeats, and the workers that
    served it. Other runs' keys in the same database (another worktree's suite) stay."""
    ids = set()
    for key in connection.scan_iter(match="rq:*", _type="hash", count=1000):
        kind, _, rest = key.decode()[len("rq:"):].partition(":")
        if kind == "job" and ":" not in rest and connection.hget(key, "origin") == name.encode():
            ids.add(rest)
        elif kind == "worker" and ":" not in rest and name.encode() in (
                connection.hget(key, "queues") or b"").split(b","):
            ids.add(rest)
            connection.srem("rq:workers", key)
    connection.srem("rq:queues", f"rq:queue:{name}")
    doomed = [key for key in connection.scan_iter(count=1000)
              if name in (text := key.decode()) or any(i in text for i in ids)]
    if doomed:
        connection.delete(*doomed)


@pytest.fixture
def redis_url(app, request):
    from redis import Redis

    app.config["REDIS_URL"] = REDIS_URL
    app.config["RQ_QUEUE"] = f"recond-test-{os.getpid()}-{app.config['RECOND_BACKEND']}"
    connection = Redis.from_url(REDIS_URL)
    forget_queue(connection, app.config["RQ_QUEUE"])  # only this run's own queue
    yield REDIS_URL
    forget_queue(connection, app.config["RQ_QUEUE"])
    connection.close()


@pytest.fixture
def live_server(app):
    """The app served over HTTP on a free local port, a thread per request, as in production."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=120)


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
    from recond.identity import accounts

    tokens = {}

    def call(user, method, path, **kwargs):
        if user not in tokens:
            tokens[user] = accounts.create_token(world[user])
            db.session.commit()
        headers = {"Authorization": f"Bearer {tokens[user]}", **kwargs.pop("headers", {})}
        return getattr(client, method)(path, headers=headers, **kwargs)

    return call
