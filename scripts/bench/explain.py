"""Benchmark helper: the plan of every statement the hot calls send, by EXPLAIN (ANALYZE, BUFFERS).

Run by hand, never as a test, on a database seed.py filled; the output (Markdown) is kept in
docs/plans.md.

    .venv/bin/python scripts/bench/explain.py --database recond_bench > docs/plans.md

It serves the app in-process and makes each hot call twice, the second time listening to what
goes to PostgreSQL: a scan and a receive as `tech@bench.test` (the API, with a token), an
allocate with its guards as `coord@bench.test` (scan_and_actions.py's allocations: a structure,
an approved request, a beneficiary), the device list and the dashboard over 90 days as the
coordination (the pages). Then each statement is run again under EXPLAIN (ANALYZE, BUFFERS)
with its own parameters, in a transaction rolled back (a write changes nothing). A write that
can no longer run (its row was changed by the call itself) is shown without ANALYZE.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import device_list  # noqa: E402  (the coordination's reader of the pages)
import scan_and_actions as base  # noqa: E402

SKIPPED = re.compile(r"^\s*(COMMIT|ROLLBACK|BEGIN|SAVEPOINT|RELEASE|SELECT 1\b|SET )", re.I)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--db-port", type=int, help="PostgreSQL's port, instead of the URL's")
    parser.add_argument("--database", default="recond_bench")
    args = parser.parse_args()
    pg_url = base.prepare_database(base.with_port(args.admin_url, args.db_port), args.database,
                                   fresh=False)
    url = pg_url.replace("postgresql://", "postgresql+psycopg://")
    instance = tempfile.mkdtemp(prefix="recond-bench-")
    try:
        calls = capture(url, instance)
    finally:
        import shutil
        shutil.rmtree(instance, ignore_errors=True)
    with psycopg.connect(pg_url) as conn:
        devices = conn.execute("SELECT count(*) FROM device").fetchone()[0]
        events = conn.execute("SELECT count(*) FROM device_event").fetchone()[0]
        print(f"# Plans of the hot statements at {devices:,} devices ({events:,} history rows)\n")
        print("Made by `scripts/bench/explain.py` (its docstring says how); each plan is "
              "PostgreSQL's own `EXPLAIN (ANALYZE, BUFFERS)` of a statement as the call sent it.\n")
        for label, statements in calls.items():
            print(f"## {label}\n")
            for number, (sql, params) in enumerate(statements, 1):
                print(f"{number}. `{' '.join(sql.split())[:160]}`\n")
                print("```\n" + plan(conn, sql, params) + "\n```\n")


def capture(url: str, instance: str) -> dict[str, list[tuple[str, dict]]]:
    token, codes, spare = base.reuse(url, instance)
    allocator, allocations = base.allocations(url, instance, 2)
    from sqlalchemy import event, select

    from recond import create_app
    from recond.extensions import db
    from recond.identity import accounts
    from recond.models import User

    app = create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    sent: list[tuple[str, dict]] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        if not executemany and not SKIPPED.match(statement):
            sent.append((statement, dict(parameters or {})))

    client = app.test_client()
    with app.app_context():
        engine = db.engine
        if db.session.scalar(select(User).where(User.email == device_list.READER)) is None:
            # a login the pages accept (bench.test is no valid e-mail domain), as reports.py
            coordination = db.session.scalar(select(User).where(
                User.email == "coord@bench.test")).organisation
            accounts.create_user(device_list.READER, role="coordinator", password="bench password",
                                 organisation=coordination)
            db.session.commit()
    calls = {}

    def call(label: str, make):
        make(0)
        sent.clear()
        event.listen(engine, "before_cursor_execute", listen)
        try:
            response = make(1)
            assert response.status_code == 200, (label, response.status_code)
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        calls[label] = list(sent)

    bearer = {"Authorization": f"Bearer {token}"}
    call("GET /api/v1/scan (a technician's token)",
         lambda i: client.get(f"/api/v1/scan?code={codes[i]}", headers=bearer))
    call("POST /api/v1/devices/<id>/actions receive (a technician's token)",
         lambda i: client.post(f"/api/v1/devices/{spare[i]}/actions", headers=bearer,
                               json={"action": "receive"}))
    if allocations:
        code_body = [line.split("\t", 1) for line in allocations]
        call("POST /api/v1/devices/<id>/actions allocate (the coordination's token)",
             lambda i: client.post(f"/api/v1/devices/{code_body[i][0]}/actions",
                                   headers={"Authorization": f"Bearer {allocator}",
                                            "Content-Type": "application/json"},
                                   data=code_body[i][1]))
    page = client.get("/login").text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"csrf_token": csrf, "email": device_list.READER,
                                "password": "bench password"})
    call("HTML /devices?status=ready&category=laptop (the coordination)",
         lambda i: client.get("/devices?status=ready&category=laptop"))
    call("HTML /reports over 90 days (the coordination)",
         lambda i: client.get("/reports?from=2026-08-03&to=2026-10-31"))
    return calls


def plan(conn, sql: str, params: dict) -> str:
    for analyse in (True, False):
        try:
            with conn.transaction(force_rollback=True):
                rows = conn.execute(("EXPLAIN (ANALYZE, BUFFERS) " if analyse else "EXPLAIN ")
                                    + sql, params).fetchall()
            return "\n".join(row[0] for row in rows) + ("" if analyse else "\n(not run again)")
        except psycopg.Error:
            continue
    return "(no plan)"


if __name__ == "__main__":
    main()
