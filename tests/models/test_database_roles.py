"""Two roles on PostgreSQL: the owner migrates, the application runs as a role granted row
rights only. The history attack as the runtime role fails; the same edit made by the owner is
named by `recond verify-history`.

The roles are the cluster's, so their names are unique to this run, and dropped at the end.
"""
from __future__ import annotations

import os
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from recond import create_app
from recond.extensions import db
from recond.lifecycle import chain
from recond.models import DeviceEvent
from tests.conftest import PG_URL

ATTACKS = [
    "UPDATE device_event SET action = 'forged'",
    "DELETE FROM device_event",
    "TRUNCATE device_event",
    "ALTER TABLE device_event DISABLE TRIGGER USER",
    "DROP TRIGGER device_event_append_only ON device_event",
    "ALTER TABLE device_event OWNER TO CURRENT_USER",
    "CREATE TRIGGER sneak BEFORE INSERT ON device_event FOR EACH ROW "
    "EXECUTE FUNCTION device_event_append_only()",
    "DROP TABLE device_event CASCADE",
    "UPDATE history_checkpoint SET events = 0",
    "DELETE FROM training_session_revision",
    "ALTER TABLE donation_receipt DISABLE TRIGGER USER",
    # an emission factor is versioned: a report printed earlier names a value kept for good
    "UPDATE emission_factor SET grams_co2e = 0",
    "DELETE FROM emission_factor",
    "SELECT setval(pg_get_serial_sequence('device_event', 'id'), 1)",
    "CREATE TABLE device_event_copy (id int)",
]


def _url(role: str, schema: str, database: str | None = None) -> str:
    url = make_url(PG_URL)
    return url.set(username=role, database=database or url.database,
                   query={"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def _app(runtime: str, owner: str, schema: str, database: str | None = None):
    return create_app({"TESTING": True, "SECRET_KEY": "test-only", "REDIS_URL": None,
                       "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                       "SQLALCHEMY_DATABASE_URI": _url(runtime, schema, database),
                       "MIGRATION_DATABASE_URI": _url(owner, schema, database)})


@pytest.fixture
def two_roles():
    suffix = f"{os.getpid()}_{uuid.uuid4().hex[:8]}"
    owner, runtime, schema = f"recond_owner_{suffix}", f"recond_app_{suffix}", f"recond_roles_{suffix}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE {owner} LOGIN"))
        connection.execute(text(f"CREATE ROLE {runtime} LOGIN"))
        connection.execute(text(f"CREATE SCHEMA {schema} AUTHORIZATION {owner}"))
        # Where a backup is restored: a new database, the owner's.
        connection.execute(text(f"CREATE DATABASE {schema} OWNER {owner}"))
    try:
        yield owner, runtime, schema
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {schema} WITH (FORCE)"))
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            for role in (runtime, owner):
                connection.execute(text(f"DROP OWNED BY {role}"))
                connection.execute(text(f"DROP ROLE {role}"))
        admin.dispose()


def test_the_runtime_role_cannot_rewrite_history(two_roles, tmp_path, monkeypatch):
    owner, runtime, schema = two_roles
    monkeypatch.setenv("RECOND_INSTANCE_PATH", str(tmp_path))
    app = _app(runtime, owner, schema)
    with app.app_context():
        try:
            result = app.test_cli_runner().invoke(args=["init"])
            assert result.exit_code == 0, result.output
            assert f"role {runtime} has its row rights and owns nothing" in result.output
            assert db.session.scalar(text("SELECT current_user")) == runtime
            assert db.session.scalar(text(
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() "
                "AND tableowner = current_user")) == 0

            # Everything people do works with row rights only: the whole journey, the purges,
            # the history's check and its checkpoint.
            from tests.builders import World

            world = World.build()
            device = world.device("released")
            runner = app.test_cli_runner()
            for command in (["purge-security-log"], ["purge-beneficiaries"]):
                assert runner.invoke(args=command).exit_code == 0
            assert chain.verify(seal_margin=timedelta(0)).sealed is not None
            db.session.commit()

            for attack in ATTACKS:
                with pytest.raises(DBAPIError, match="permission denied|must be owner"):
                    db.session.execute(text(attack))
                db.session.rollback()
            assert runner.invoke(args=["verify-history", "--no-seal"]).exit_code == 0
            backup = runner.invoke(args=["backup", str(tmp_path / "backup.tar")])
            assert backup.exit_code == 0, backup.output

            # The owner can: what it edits behind the triggers is named.
            release = db.session.scalar(select(DeviceEvent.id).where(
                DeviceEvent.device_id == device.id).order_by(DeviceEvent.id.desc()))
            owner_engine = create_engine(_url(owner, schema))
            with owner_engine.begin() as connection:
                connection.execute(text("ALTER TABLE device_event DISABLE TRIGGER USER"))
                connection.execute(text(f"UPDATE device_event SET actor_id = NULL WHERE id = {release}"))
                connection.execute(text("ALTER TABLE device_event ENABLE TRIGGER USER"))
            owner_engine.dispose()
            result = runner.invoke(args=["verify-history"])
            assert result.exit_code == 1 and f"event #{release} (release of" in result.output
        finally:
            db.session.remove()
            db.engine.dispose()

    # The backup, restored by the owner into its new database: the runtime role reads it and
    # still cannot rewrite it.
    restored = _app(runtime, owner, schema, database=schema)
    with restored.app_context():
        try:
            result = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup.tar")])
            assert result.exit_code == 0 and "History verified" in result.output, result.output
            assert db.session.scalar(text("SELECT current_user")) == runtime
            assert db.session.scalar(select(func.count(DeviceEvent.id))) > 0
            with pytest.raises(DBAPIError, match="permission denied"):
                db.session.execute(text("UPDATE device_event SET action = 'forged'"))
            db.session.rollback()
        finally:
            db.session.remove()
            db.engine.dispose()
