"""How Recond holds its database connections, and what counts as the database being away.

Pooled connections are tested before use (pre-ping, on by default): after a PostgreSQL
restart or a failover the pool replaces a dead connection instead of failing the next request
or job on it. A connection attempt gives up after `CONNECT_TIMEOUT` seconds instead of hanging
on a host that swallows packets. Each PostgreSQL connection carries an application name,
"recond <kind> <pid>", so that pg_stat_activity tells the web's connections from a worker's
(an operator looking for a stuck query, a test killing the worker's backend).
"""
from __future__ import annotations

import os
import sqlite3
import threading
from typing import Any

import psycopg
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError

from recond.extensions import db

CONNECT_TIMEOUT = 5  # seconds
APPLICATION_PREFIX = "recond "
_kind = {"name": "web"}


def engine_options(pre_ping: bool) -> dict[str, Any]:
    # Recycling covers servers that close idle connections; pre-ping covers restarts and
    # failovers, at the cost of one round-trip per checkout (RECOND_DB_PRE_PING=0 to spare it).
    # hide_parameters: an SQL error's text (and so the log) never carries the values bound to
    # it — a password hash, a beneficiary's reference.
    return {"pool_recycle": 1800, "pool_pre_ping": pre_ping, "hide_parameters": True}


def name_connections(kind: str) -> None:
    """Connections opened from now on by this process say what it is: "web", "worker"."""
    _kind["name"] = kind


def application_name() -> str:
    return f"{APPLICATION_PREFIX}{_kind['name']} {os.getpid()}"


@event.listens_for(Engine, "do_connect")
def _name_and_bound(dialect, _record, _cargs, cparams: dict[str, Any]) -> None:
    if dialect.name == "postgresql":
        # Computed at connect time: a gunicorn worker forked from its master names itself.
        cparams.setdefault("application_name", application_name())
        cparams.setdefault("connect_timeout", CONNECT_TIMEOUT)


# Through SQLAlchemy, or straight from the driver (COPY runs on the driver's cursor).
AWAY = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError,
        sqlite3.OperationalError)


def unreachable(error: BaseException) -> bool:
    """The database could not be reached, or dropped the connection (a restart, a failover,
    a killed backend), or asked to try again: nothing of the transaction was kept."""
    return isinstance(error, AWAY)


def rollback() -> None:
    """Roll back the session's transaction; when its connection is gone (a rollback on it fails
    too), drop the session: the pool replaces the connection, the next use starts afresh."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone; nothing of it to keep
        db.session.remove()


def answers(engine: Engine, seconds: float) -> str:
    """"ok" when the database answers a query within `seconds`; else "unreachable" or
    "timeout". The query runs in a thread of its own so the caller gets its answer in time
    even while a connection attempt hangs (it ends by itself after CONNECT_TIMEOUT)."""
    outcome: dict[str, str] = {}

    def ask() -> None:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            outcome["answer"] = "ok"
        except Exception:  # noqa: BLE001 - any failure is "not ready"; the reason is not ours
            outcome["answer"] = "unreachable"

    thread = threading.Thread(target=ask, name="readiness-database", daemon=True)
    thread.start()
    thread.join(seconds)
    return outcome.get("answer", "timeout")
