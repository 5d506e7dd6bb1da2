"""Many rows at once, as fast as each database allows: COPY on PostgreSQL, executemany on
SQLite. Used by the engine's bulk registration only; rows go in the caller's transaction."""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Table, func, select

from recond.extensions import db
from recond.models import Device


def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def devices(rows: list[dict[str, Any]]) -> list[int]:
    """Insert devices; return their ids in the order of `rows`."""
    if not rows:
        return []
    if _postgresql():
        # Take the ids from the table's own sequence first, so COPY can carry them.
        ids = list(db.session.scalars(
            select(func.nextval(func.pg_get_serial_sequence("device", "id")))
            .select_from(func.generate_series(1, len(rows)))))
        _copy(Device.__table__, [dict(row, id=i) for i, row in zip(ids, rows)])
        return ids
    db.session.execute(Device.__table__.insert(), rows)
    wanted = [row["public_id"] for row in rows]
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 900):  # SQLite's limit on bound parameters
        found.update(db.session.execute(
            select(Device.public_id, Device.id).where(Device.public_id.in_(wanted[start:start + 900]))).all())
    return [found[code] for code in wanted]


def rows(table: Table, data: list[dict[str, Any]]) -> None:
    if not data:
        return
    if _postgresql():
        _copy(table, data)
    else:
        db.session.execute(table.insert(), data)


def _copy(table: Table, data: list[dict[str, Any]]) -> None:
    columns = list(data[0])
    json_columns = {c.name for c in table.columns if c.type.__class__.__name__ == "JSON"}
    cursor = db.session.connection().connection.dbapi_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in data:
            copy.write_row([json.dumps(row[c]) if c in json_columns else row[c] for c in columns])
    cursor.close()



