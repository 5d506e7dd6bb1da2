"""Two PostgreSQL roles: the owner, who runs the migrations (`RECOND_MIGRATION_DATABASE_URL`),
and the application's runtime role (`RECOND_DATABASE_URL`), granted here the row rights it
needs and nothing more.

The runtime role owns nothing, so it cannot `ALTER TABLE … DISABLE TRIGGER`, drop or truncate
a table, or create a trigger; on the append-only tables (the device history, its checkpoints,
the training sessions' revisions) it may only read and insert. The grants are made again at
the end of every migration run (`migrations/env.py`), from the tables the schema has, so a
table added by a later migration gets its rights without anyone remembering to grant them.

The runtime role's name is `RECOND_APP_DB_ROLE` when set, else the user of
`RECOND_DATABASE_URL`. Without a migration URL, or when both URLs name the same user, the
application runs as the owner, as it did before (and on SQLite, which has no roles): nothing
is granted.
"""
from __future__ import annotations

from typing import Mapping

from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

# Tables the runtime role reads and appends to, never changes. The security log's retention
# purge deletes through a door its trigger opens (identity/security_log.py), so it keeps DELETE.
APPEND_ONLY = {"device_event", "history_checkpoint", "training_session_revision", "donation_receipt",
               "emission_factor"}
RIGHTS = {"alembic_version": "SELECT", "security_event": "SELECT, INSERT, DELETE"}
DEFAULT_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"


def runtime_role(config: Mapping) -> str | None:
    """The role to grant to, or None when the application runs as the owner."""
    migration_url = config.get("MIGRATION_DATABASE_URI")
    if not migration_url or make_url(migration_url).get_backend_name() != "postgresql":
        return None
    role = config.get("APP_DB_ROLE") or make_url(config["SQLALCHEMY_DATABASE_URI"]).username
    if not role or role == make_url(migration_url).username:
        return None
    return role


def rights_of(table: str) -> str:
    return "SELECT, INSERT" if table in APPEND_ONLY else RIGHTS.get(table, DEFAULT_RIGHTS)


def grant_runtime_rights(connection: Connection, role: str) -> list[str]:
    """Give `role` exactly its rights on every table and sequence of the current schema (what
    it had before is revoked first); return the statements run."""
    quote = connection.dialect.identifier_preparer.quote
    schema = connection.scalar(text("SELECT current_schema()"))
    who = quote(role)
    statements = [f"GRANT USAGE ON SCHEMA {quote(schema)} TO {who}"]
    for table in connection.scalars(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")):
        statements += [f"REVOKE ALL ON TABLE {quote(table)} FROM {who}",
                       f"GRANT {rights_of(table)} ON TABLE {quote(table)} TO {who}"]
    for sequence in connection.scalars(text(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() ORDER BY 1")):
        # nextval for new rows; not UPDATE, which would let it setval an id back.
        statements += [f"REVOKE ALL ON SEQUENCE {quote(sequence)} FROM {who}",
                       f"GRANT USAGE, SELECT ON SEQUENCE {quote(sequence)} TO {who}"]
    for statement in statements:
        connection.execute(text(statement))
    return statements
