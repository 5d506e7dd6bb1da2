"""Backups that restore: one tar archive holding the database and what of the instance folder
the database needs.

- PostgreSQL: `pg_dump --format=custom` of the application's schema (evidence files — wipe
  logs, manifests — live in the database), restored with `pg_restore` as the owner into an
  empty database, then the runtime role's rights granted again (`database_roles`).
- SQLite: a copy made by SQLite's online backup API (consistent while the app runs).
- The instance folder: the generated secret key when it is the one in use (it signs sessions
  and, unless RECOND_HISTORY_KEY is set, keys the history's links: without it a restored
  history cannot be verified), and the outbox of messages not sent.

The archive holds personal data, evidence and a secret: it is written readable by its owner
only. A key given in the environment (RECOND_SECRET_KEY, RECOND_HISTORY_KEY) is not in it:
keep it with the configuration.
"""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from recond import database_roles
from recond.clock import utcnow

FORMAT = 1
MANIFEST = "recond-backup.json"
INSTANCE_DIRS = ("outbox",)


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; its text is one line for the operator."""


@dataclass
class Restored:
    backend: str
    created_at: str
    revision: str | None
    secret_key: str | None  # the restored instance secret, when the archive had one


def _owner_url() -> URL:
    """The owner's URL when there is one: it reads everything and creates the schema."""
    config = current_app.config
    return make_url(config.get("MIGRATION_DATABASE_URI") or config["SQLALCHEMY_DATABASE_URI"])


def backup(destination: Path) -> Path:
    """Write an archive at `destination` (a file, or a folder to put a dated one in)."""
    url = _owner_url()
    if destination.is_dir():
        destination = destination / f"recond-{utcnow():%Y%m%d-%H%M%S}.tar"
    instance = Path(current_app.instance_path)
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        if url.get_backend_name() == "postgresql":
            database, schema = "database.dump", _pg_dump(url, work_dir / "database.dump")
        else:
            database, schema = "database.sqlite3", None
            _sqlite_copy(Path(url.database), work_dir / database)
        manifest = {"format": FORMAT, "backend": url.get_backend_name(), "schema": schema,
                    "created_at": utcnow().isoformat() + "Z", "revision": _revision(url),
                    "database": database}
        fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
            archive.add(work_dir / database, arcname=database)
            if _generated_secret_in_use(instance):
                archive.add(instance / "secret_key", arcname="instance/secret_key")
            for name in INSTANCE_DIRS:
                if (instance / name).exists():
                    archive.add(instance / name, arcname=f"instance/{name}")
    return destination


def _generated_secret_in_use(instance: Path) -> bool:
    """The instance's generated secret, when the application signs and keys with it (not when
    RECOND_SECRET_KEY replaced it: then the file is a leftover, and restoring it would mislead)."""
    path = instance / "secret_key"
    return path.is_file() and path.read_text().strip() == current_app.config["SECRET_KEY"]


def restore(source: Path) -> Restored:
    """Restore an archive into the configured database, which must be empty, and its instance
    files into the instance folder. The caller then runs `recond init` and verifies history."""
    url = _owner_url()
    instance = Path(current_app.instance_path)
    with tempfile.TemporaryDirectory() as work, _open_archive(source) as archive:
        manifest = json.loads(archive.extractfile(MANIFEST).read())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{source} is not a Recond backup this version can read.")
        if manifest["backend"] != url.get_backend_name():
            raise BackupError(f"{source} holds a {manifest['backend']} database; the configured "
                              f"database is {url.get_backend_name()}.")
        archive.extractall(work, filter="data")
        work_dir = Path(work)
        if manifest["backend"] == "postgresql":
            _pg_restore(url, work_dir / manifest["database"], manifest["schema"])
        else:
            _sqlite_restore(work_dir / manifest["database"], Path(url.database))
        secret = _restore_instance(work_dir / "instance", instance)
    return Restored(manifest["backend"], manifest["created_at"], manifest["revision"], secret)


def _open_archive(source: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(source, mode="r")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{source} cannot be read as a backup archive: {error}") from None


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(content), int(datetime.now().timestamp()), 0o600
    archive.addfile(info, io.BytesIO(content))


def _revision(url: URL) -> str | None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return connection.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        engine.dispose()


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URI for pg_dump/pg_restore, its password kept out of the command line."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(argv: list[str], env: dict[str, str]) -> str:
    if shutil.which(argv[0]) is None:
        raise BackupError(f"{argv[0]} is not installed (Debian: postgresql-client, of the "
                          f"server's major version or newer).")
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{argv[0]} failed: {done.stderr.strip()}")
    return done.stdout


def _pg_dump(url: URL, path: Path) -> str:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            schema = connection.scalar(text("SELECT current_schema()"))
    finally:
        engine.dispose()
    dbname, env = _libpq(url)
    # Only the application's schema: the database may hold others that are none of ours.
    _run(["pg_dump", "--format=custom", f"--schema={schema}", f"--file={path}",
          f"--dbname={dbname}"], env)
    return schema


def _pg_restore(url: URL, path: Path, schema: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            exists = connection.scalar(text(
                "SELECT count(*) FROM pg_namespace WHERE nspname = :schema"), {"schema": schema})
            tables = connection.scalar(text(
                "SELECT count(*) FROM pg_tables WHERE schemaname = :schema"), {"schema": schema})
    finally:
        engine.dispose()
    if tables:
        raise BackupError(f"The schema {schema} of the configured database already has tables: "
                          f"restore into an empty database.")
    dbname, env = _libpq(url)
    listing = _run(["pg_restore", "--list", str(path)], env)
    if exists:  # `public` always is: its CREATE SCHEMA (and comment) would fail
        listing = "\n".join(line for line in listing.splitlines()
                            if not re.search(rf"\b(SCHEMA - |COMMENT - SCHEMA ){re.escape(schema)}\b", line))
    list_file = path.with_suffix(".list")
    list_file.write_text(listing + "\n")
    # Owned by whoever restores (the owner), with the rights granted below, not the old ones.
    _run(["pg_restore", "--exit-on-error", "--single-transaction", "--no-owner",
          "--no-privileges", f"--use-list={list_file}", f"--dbname={dbname}", str(path)], env)
    role = database_roles.runtime_role(current_app.config)
    if role is not None:
        engine = create_engine(url, poolclass=NullPool,
                               connect_args={"options": f"-csearch_path={schema}"})
        try:
            with engine.begin() as connection:
                database_roles.grant_runtime_rights(connection, role)
        finally:
            engine.dispose()


def _sqlite_copy(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"There is no database at {source}.")
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()


def _sqlite_restore(source: Path, target: Path) -> None:
    if target.exists() and target.stat().st_size:
        with sqlite3.connect(target) as existing:
            tables = existing.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                                      " AND name != 'sqlite_sequence'").fetchone()[0]
        existing.close()
        if tables:
            raise BackupError(f"{target} already has tables: restore into an empty database.")
    target.parent.mkdir(parents=True, exist_ok=True)
    _sqlite_copy(source, target)


def _restore_instance(saved: Path, instance: Path) -> str | None:
    """Put the archive's instance files back; the secret replaces the one this machine may have
    generated on its first start (the restored database goes with the archive's)."""
    instance.mkdir(parents=True, exist_ok=True)
    secret = None
    if (saved / "secret_key").exists():
        secret = (saved / "secret_key").read_text().strip()
        fd = os.open(instance / "secret_key", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secret)
    for name in INSTANCE_DIRS:
        if (saved / name).is_dir():
            shutil.copytree(saved / name, instance / name, dirs_exist_ok=True)
    return secret
