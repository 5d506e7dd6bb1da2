"""Benchmark: the dashboard's figures at N devices with a full history, beside a floor.

Run by hand, never as a test; record the result and the command in docs/benchmarks.md.

    .venv/bin/python scripts/bench/reports.py --devices 1000000

It builds its PostgreSQL database (default `recond_bench_reports`) with device_list.py's seed
and spread (statuses, categories, grades over the devices), then writes each device's history
as far as its status (receive, wipe, install_os, grade, allocate, deliver, release, or
recycle) at hours that vary per device over eleven months of 2026 — INSERT … SELECT, not the
engine: only the volume and the shape matter here. It measures in-process, as a coordinator:

- **floors**: `SELECT status, count(*) FROM device GROUP BY status` with psycopg, nothing else
  (the bare aggregate the funnel would be without the rollups); and the steps done over 90
  days summed bare from `passage_day_total`, and the lead times' buckets of 90 days from
  `passage_day` (the same aggregates over the pre-aggregated tables);
- each figure's function of `recond.reports` (funnel, steps, weekly flow, lead times, stock),
  over 90 days and over the whole year (the history rows of eleven months), read from the
  rollups the worker keeps (`recond.reports.rollups`: `stage_passage`, filled from this
  history by migrations 0023's and 0029's own queries, rolled per day; the statuses counted);
- the pages `/reports` and `/reports/indicators`, the open data JSON and the XLSX export.

Each is run `--runs` times after one warm-up; the median and the 95th percentile are printed.
`--reuse` measures a database built before: by this script, or by seed.py (its devices spread
over workshops, each with its linked history and stage passages as the engine writes them):

    .venv/bin/python scripts/bench/seed.py --devices 1000000 --database recond_bench
    .venv/bin/python scripts/bench/reports.py --database recond_bench --reuse
"""
from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import device_list  # noqa: E402  (its seed and spread, reused)
import scan_and_actions as base  # noqa: E402

FLOOR = "SELECT status, count(*) FROM device GROUP BY status"
# The same aggregates over the pre-aggregated tables, bare: the steps done in 90 days (the
# totals), and the lead times' duration buckets of 90 days.
ROLLED_FLOOR = ("SELECT action, sum(passages) FROM passage_day_total WHERE workshop_id = 0 "
                "AND category = '*' AND day >= date '2026-08-03' AND day < date '2026-11-01' "
                "GROUP BY action")
BUCKETS_FLOOR = ("SELECT from_status, to_status, bucket, sum(passages), sum(seconds) "
                 "FROM passage_day WHERE workshop_id = 0 AND category = '*' "
                 "AND day >= date '2026-08-03' AND day < date '2026-11-01' GROUP BY 1, 2, 3")
# (rank reached, action, from, to, hours after the previous step: varied by the device's id)
STEPS = [(2, "wipe", "received", "wiped", "(d.id % 7 + 1)"),
         (3, "install_os", "wiped", "os_installed", "(d.id % 5 + 1)"),
         (4, "grade", "os_installed", "ready", "(d.id % 11 + 2)"),
         (5, "allocate", "ready", "reserved", "(d.id % 240 + 24)"),
         (6, "deliver", "reserved", "delivered", "(d.id % 72 + 6)"),
         (7, "release", "delivered", "released", "(d.id % 300 + 24)")]
RANK = ("CASE d.status WHEN 'wiped' THEN 2 WHEN 'os_installed' THEN 3 WHEN 'ready' THEN 4 "
        "WHEN 'reserved' THEN 5 WHEN 'delivered' THEN 6 WHEN 'released' THEN 7 ELSE 1 END")
START = "timestamp '2026-01-02' + ((d.id * 37) % 440000) * interval '1 minute'"


def history(pg_url: str) -> None:
    t0 = time.perf_counter()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        # The seed received every device on the same day: spread the receptions over the
        # months (this database's own history; the append-only triggers set aside for it).
        with conn.transaction():
            conn.execute("SET LOCAL session_replication_role = replica")
            conn.execute(f"UPDATE device_event e SET at = {START.replace('d.id', 'e.device_id')} "
                         "WHERE e.action = 'receive'")
        hours = "0"
        for rank, action, source, target, step in STEPS:
            hours = f"{hours} + {step}"
            conn.execute(f"""
                INSERT INTO device_event (device_id, action, from_status, to_status, actor_id,
                                          organisation_id, at, payload)
                SELECT d.id, '{action}', '{source}', '{target}', NULL, d.workshop_id,
                       {START} + ({hours}) * interval '1 hour', '{{}}'
                FROM device d WHERE {RANK} >= {rank}""")
        conn.execute(f"""
            INSERT INTO device_event (device_id, action, from_status, to_status, actor_id,
                                      organisation_id, at, payload)
            SELECT d.id, 'recycle', 'received', 'recycled', NULL, d.workshop_id,
                   {START} + (d.id % 48 + 1) * interval '1 hour', '{{}}'
            FROM device d WHERE d.status = 'recycled'""")
        # What the engine writes with each transition (stage_passage), from this history: the
        # query migration 0023 fills it with.
        sys.path.insert(0, str(base.ROOT))
        migration = importlib.import_module("recond.migrations.versions.0023_reports")
        conn.execute(migration._BACKFILL.format(seconds=migration._SECONDS["postgresql"]))
        # …and what the reports count each passage by (action, workshop, category, bucket):
        # the query migration 0029 fills it with.
        migration = importlib.import_module("recond.migrations.versions.0029_report_rollups")
        conn.execute(migration._BACKFILL.format(bucket=migration._BUCKET["postgresql"]))
        conn.execute("VACUUM ANALYZE device_event")
        conn.execute("VACUUM ANALYZE stage_passage")
        events = conn.execute("SELECT count(*) FROM device_event").fetchone()[0]
    print(f"history written: {events:,} rows in {time.perf_counter() - t0:.1f} s",
          file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--db-port", type=int, help="PostgreSQL's port, instead of the URL's")
    parser.add_argument("--database", default="recond_bench_reports")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--reuse", action="store_true", help="keep the database of a previous run")
    args = parser.parse_args()

    url = base.prepare_database(base.with_port(args.admin_url, args.db_port), args.database,
                                fresh=not args.reuse)
    pg_url = url
    url = url.replace("postgresql://", "postgresql+psycopg://")
    instance = tempfile.mkdtemp(prefix="recond-bench-")
    if args.reuse:
        os.environ.update(base.sh_env(url, instance))
    else:
        base.seed(url, instance, args.devices, 0)
        device_list.spread(pg_url)
        history(pg_url)

    from werkzeug.datastructures import MultiDict

    from recond import create_app
    from recond.extensions import db
    from recond.identity import accounts
    from recond.models import Device, DeviceEvent, User
    from recond.reports import devices, filters, rollups

    app = create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    reader_email = device_list.READER
    with app.app_context():
        coordinator = db.session.scalar(db.select(User).where(User.email == reader_email)) or \
            accounts.create_user(reader_email, role="coordinator", password="bench password",
                                 organisation=db.session.scalar(db.select(User).where(
                                     User.email == "coord@bench.test")).organisation)
        coordinator_id = coordinator.id
        events = db.session.scalar(db.select(db.func.count(DeviceEvent.id)))
        args.devices = db.session.scalar(db.select(db.func.count(Device.id)))  # also on --reuse
        db.session.commit()
        # The rollups, as the worker keeps them (seed.py made them already; this script's own
        # history is written after the app's, so roll it here).
        if not args.reuse or rollups.state().days_before is None:
            t0 = time.perf_counter()
            days = rollups.rebuild()
            db.session.commit()
            print(f"reports' rollups: {days} days in {time.perf_counter() - t0:.1f} s",
                  file=sys.stderr)

    client = app.test_client()
    page = client.get("/login").text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    signed = client.post("/login", data={"csrf_token": csrf, "email": reader_email,
                                         "password": "bench password"})
    assert signed.status_code == 302, signed.status_code
    periods = {"90 days": "from=2026-08-03&to=2026-10-31",
               "the year": "from=2026-01-01&to=2026-11-30"}

    def get(path: str):
        def call():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        return call

    conn = psycopg.connect(pg_url)

    def floor():
        conn.execute(FLOOR).fetchall()

    def figure(function, query: str):
        def call():
            with app.app_context():
                reader = db.session.get(User, coordinator_id)
                f = filters.parse(reader, MultiDict(
                    [tuple(pair.split("=")) for pair in query.split("&")]))
                function(reader, f)
                db.session.rollback()
        return call

    def rolled_floor():
        conn.execute(ROLLED_FLOOR).fetchall()

    def buckets_floor():
        conn.execute(BUCKETS_FLOOR).fetchall()

    results = {"floor: count(*) by status (psycopg)": device_list.timed(floor, args.runs),
               "floor: steps done, 90 days, bare on passage_day_total (psycopg)":
                   device_list.timed(rolled_floor, args.runs),
               "floor: lead times' buckets, 90 days, bare on passage_day (psycopg)":
                   device_list.timed(buckets_floor, args.runs)}
    results["funnel (devices by status)"] = device_list.timed(
        figure(devices.funnel, periods["90 days"]), args.runs)
    results["stock ready by category and grade"] = device_list.timed(
        figure(devices.stock, periods["90 days"]), args.runs)
    for name, query in periods.items():
        for label, function in (("steps done", devices.milestones),
                                ("weekly flow", devices.weekly_flow),
                                ("lead times", devices.lead_times)):
            results[f"{label}, {name}"] = device_list.timed(figure(function, query), args.runs)
        results[f"HTML /reports, {name}"] = device_list.timed(get(f"/reports?{query}"), args.runs)
    query = periods["90 days"]
    results["HTML /reports/indicators, 90 days"] = device_list.timed(
        get(f"/reports/indicators?{query}"), args.runs)
    results["open data JSON, 90 days"] = device_list.timed(
        get(f"/open-data/indicators.json?{query}"), args.runs)
    results["XLSX export, 90 days"] = device_list.timed(
        get(f"/reports/indicators.xlsx?{query}"), args.runs)
    conn.close()
    lowest = results["floor: count(*) by status (psycopg)"]["median"]
    rolled = results["floor: steps done, 90 days, bare on passage_day_total (psycopg)"]["median"]
    print(f"\n{args.devices:,} devices, {events:,} history rows, {args.runs} runs each, "
          f"in-process\n")
    print("| what | median ms | p95 ms | median / count(*) floor | median / rollup floor |")
    print("|---|---:|---:|---:|---:|")
    for name, r in results.items():
        print(f"| {name} | {r['median']:.1f} | {r['p95']:.1f} | {r['median'] / lowest:.2f} | "
              f"{r['median'] / rolled:.1f} |")


if __name__ == "__main__":
    main()
