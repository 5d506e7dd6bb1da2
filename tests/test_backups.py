"""Backup, then restore into a fresh database (a new SQLite file; a new PostgreSQL database):
every table row for row, the uploaded evidence, the instance's generated secret and outbox, and
a history that verifies — its checkpoint included."""
from __future__ import annotations

import os
import tarfile
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from recond import create_app
from recond.extensions import db
from recond.lifecycle import chain
from recond.models import SanitisationEvidence
from recond.workshop import wipe_evidence
from tests.conftest import PG_SCHEMA, PG_URL

LOG = Path(__file__).parent / "fixtures" / "nwipe" / "zero-one-drive.log"


def _state(url: str) -> dict[str, list]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            state = {table.name: connection.execute(
                select(table).order_by(*table.primary_key.columns)).all()
                for table in db.metadata.sorted_tables}
            state["alembic_version"] = connection.execute(
                text("SELECT version_num FROM alembic_version")).all()
    finally:
        engine.dispose()
    return state


@pytest.fixture
def fresh_database(app):
    """An empty database of the app's backend, named for this run, dropped afterwards."""
    if app.config["RECOND_BACKEND"] == "sqlite":
        yield None  # the restoring app's own instance folder holds a new file
        return
    name = f"recond_restore_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(PG_URL).set(database=name, query={"options": f"-csearch_path={PG_SCHEMA}"}) \
            .render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def test_backup_then_restore_gives_the_same_state(app, world, fresh_database, tmp_path, monkeypatch):
    instance = Path(app.instance_path)
    secret_file = instance / "secret_key"
    if not secret_file.exists():
        secret_file.write_text("a secret generated at the first start")
    # As in production without RECOND_SECRET_KEY: the generated secret keys the history.
    app.config["SECRET_KEY"] = secret_file.read_text().strip()
    world.device("released")
    world.device("recycled")
    wipe_evidence.upload(world["tech_a"], "nwipe.log", LOG.read_bytes())
    (instance / "outbox").mkdir(exist_ok=True)
    (instance / "outbox" / "unsent.eml").write_text("Subject: kept\n\nnot sent yet\n")
    assert chain.verify(seal_margin=timedelta(0)).sealed is not None
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path)])
    assert result.exit_code == 0, result.output
    archive = Path(result.output.split("Backup written to ")[1].strip())
    assert archive.parent == tmp_path and oct(archive.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"recond-backup.json", "instance/secret_key", "instance/outbox/unsent.eml"} <= names

    source_state = _state(app.config["RECOND_DB_URL"])
    elsewhere = tmp_path / "restored-instance"
    monkeypatch.setenv("RECOND_INSTANCE_PATH", str(elsewhere))
    monkeypatch.delenv("RECOND_SECRET_KEY", raising=False)
    monkeypatch.delenv("RECOND_HISTORY_KEY", raising=False)
    target_url = fresh_database or f"sqlite:///{elsewhere / 'recond.sqlite3'}"
    restored = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": target_url})
    assert restored.config["SECRET_KEY"] != app.config["SECRET_KEY"]  # a new machine's own
    with restored.app_context():
        try:
            result = restored.test_cli_runner().invoke(args=["restore", str(archive)])
            assert result.exit_code == 0, result.output
            assert "History verified" in result.output
            again = restored.test_cli_runner().invoke(args=["restore", str(archive)])
            assert again.exit_code != 0 and "already has tables" in again.output
            assert db.session.scalar(select(SanitisationEvidence.content)) == LOG.read_bytes()
        finally:
            db.session.remove()
            db.engine.dispose()
    assert _state(target_url) == source_state
    assert (elsewhere / "secret_key").read_text() == secret_file.read_text().strip()
    assert (elsewhere / "outbox" / "unsent.eml").read_text().startswith("Subject: kept")

    # A process started afterwards reads the restored secret, and the history verifies.
    after = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": target_url})
    with after.app_context():
        try:
            result = after.test_cli_runner().invoke(args=["verify-history", "--no-seal"])
            assert result.exit_code == 0 and "checkpoint #1" in result.output, result.output
        finally:
            db.session.remove()
            db.engine.dispose()


def test_a_restore_refuses_an_archive_of_the_other_backend(app, tmp_path):
    other = "postgresql" if app.config["RECOND_BACKEND"] == "sqlite" else "sqlite"
    archive = tmp_path / "other.tar"
    with tarfile.open(archive, "w") as tar:
        manifest = tmp_path / "recond-backup.json"
        manifest.write_text(f'{{"format": 1, "backend": "{other}", "database": "x"}}')
        tar.add(manifest, arcname="recond-backup.json")
    result = app.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code != 0 and f"holds a {other} database" in result.output
