"""Benchmark: the device list's filtered, sorted first page at N devices, beside a bare
indexed query.

Run by hand, never as a test; record the result and the command in docs/benchmarks.md.

    .venv/bin/python scripts/bench/device_list.py --devices 1000000

It builds its PostgreSQL database (default `recond_bench_list`) with scan_and_actions.py's
seed (organisations through the app, devices and history by COPY), then spreads statuses,
categories, brands and models, grades and dates over the devices in one UPDATE, and measures
in-process, as a coordinator (who sees every device):

- **floor**: the bare indexed query of one page — `SELECT … WHERE status = 'ready' ORDER BY
  updated_at DESC, id DESC LIMIT 50` with psycopg, nothing else;
- the framework alone: `GET /healthz` through the same test client (no database);
- the list's own SQL (`recond.inventory.listing`: the count and the page);
- the HTML page `/devices?…` and the API `/api/v1/devices?…` (Flask's test client: parsing,
  scoping, the queries, rendering; no network);
- a few other lists: a serial searched, words of a model, a sort on the model, page 1,000.

Each is run `--runs` times after one warm-up; the median and the 95th percentile are printed.
`--reuse` measures a database built before: by this script (`--seed-only`), or by seed.py
(10,000,000 devices over twenty workshops, with their linked history):

    .venv/bin/python scripts/bench/seed.py --devices 10000000 --database recond_bench
    .venv/bin/python scripts/bench/device_list.py --database recond_bench --reuse
"""
from __future__ import annotations

import argparse
import atexit
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scan_and_actions as base  # noqa: E402  (its database building, reused)

# Who the devices became: weights out of 100, in the lifecycle's order.
STATUSES = [("registered", 5), ("received", 5), ("wiped", 3), ("os_installed", 2), ("ready", 10),
            ("reserved", 3), ("delivered", 2), ("released", 60), ("recycled", 10)]
CATEGORIES = [("laptop", 12), ("desktop", 4), ("phone", 2), ("tablet", 1), ("screen", 1)]
MODELS = [("Dell", "Latitude 5490"), ("Lenovo", "ThinkPad T480"), ("HP", "EliteBook 840 G5"),
          ("Dell", "OptiPlex 7060"), ("Lenovo", "ThinkCentre M720q"), ("Apple", "MacBook Air 2017"),
          ("Samsung", "Galaxy A52"), ("HP", "ProDesk 600 G4")]
GRADED = ("ready", "reserved", "delivered", "released")
READER = "liste@bench.example.org"
BARE = ("SELECT id, public_id, category, brand, model, serial, status, grade, updated_at "
        "FROM device WHERE status = 'ready' ORDER BY updated_at DESC, id DESC LIMIT 50")


def _buckets(pairs, column: str, modulus: int) -> str:
    """A CASE spreading the values over the ids by their weights (deterministic)."""
    total = sum(w for _, w in pairs)
    parts, upper = [], 0
    for value, weight in pairs:
        upper += weight
        parts.append(f"WHEN ({column} % {modulus}) * {total} / {modulus} < {upper} THEN '{value}'")
    return "CASE " + " ".join(parts) + " END"


def spread(pg_url: str) -> None:
    """One UPDATE over every device, then VACUUM FULL: a compact table, fresh statistics."""
    brands = "ARRAY[" + ", ".join(f"'{b}'" for b, _ in MODELS) + "]"
    models = "ARRAY[" + ", ".join(f"'{m}'" for _, m in MODELS) + "]"
    graded = ", ".join(f"'{s}'" for s in GRADED)
    t0 = time.perf_counter()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"""
            UPDATE device SET
              status = {_buckets(STATUSES, 'id', 100)},
              category = {_buckets(CATEGORIES, '(id * 7)', 20)},
              brand = ({brands})[(id * 13) % {len(MODELS)} + 1],
              model = ({models})[(id * 13) % {len(MODELS)} + 1],
              updated_at = timestamp '2025-01-01' + ((id * 37) % 600000) * interval '1 minute'""")
        conn.execute(f"UPDATE device SET grade = (ARRAY['A', 'B', 'C'])[id % 3 + 1] "
                     f"WHERE status IN ({graded})")
        conn.execute("VACUUM FULL ANALYZE device")
    print(f"spread statuses, categories, models, grades and dates in "
          f"{time.perf_counter() - t0:.1f} s", file=sys.stderr)


def timed(call, runs: int) -> dict:
    call()  # warm-up: caches, the first connection, Jinja's compiled templates
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    seconds.sort()
    return {"median": statistics.median(seconds) * 1000,
            "p95": seconds[min(len(seconds) - 1, int(len(seconds) * 0.95))] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--db-port", type=int, help="PostgreSQL's port, instead of the URL's")
    parser.add_argument("--database", default="recond_bench_list")
    parser.add_argument("--runs", type=int, default=30)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--seed-only", action="store_true",
                       help="build the database and stop (then measure with --reuse)")
    group.add_argument("--reuse", action="store_true", help="keep the database of a previous run")
    args = parser.parse_args()

    url = base.prepare_database(base.with_port(args.admin_url, args.db_port), args.database,
                                fresh=not args.reuse)
    pg_url = url
    url = url.replace("postgresql://", "postgresql+psycopg://")
    instance = tempfile.mkdtemp(prefix="recond-bench-")
    atexit.register(shutil.rmtree, instance, True)  # the instance folder goes, whatever happens
    if args.reuse:
        os.environ.update(base.sh_env(url, instance))
    else:
        base.seed(url, instance, args.devices, 0)  # sets the environment for create_app too
        spread(pg_url)
        if args.seed_only:
            print(f"seeded {args.database}: measure with --reuse", file=sys.stderr)
            return

    from recond import create_app
    from recond.extensions import db
    from recond.identity import accounts
    from recond.inventory import listing
    from recond.models import Device, User

    app = create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        # The seed's coordinator has an address the sign-in form refuses (.test): one of ours.
        coordinator = db.session.scalar(db.select(User).where(User.email == READER)) or \
            accounts.create_user(READER, role="coordinator", password="bench password",
                                 organisation=db.session.scalar(db.select(User).where(
                                     User.email == "coord@bench.test")).organisation)
        coordinator_id = coordinator.id
        token = accounts.create_token(coordinator)
        serial = db.session.scalar(db.select(Device.serial).where(Device.id == 777_777 % args.devices + 1))
        total = db.session.scalar(db.select(db.func.count(Device.id)))
        db.session.commit()

    client = app.test_client()
    page = client.get("/login").text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    signed = client.post("/login", data={"csrf_token": csrf, "email": READER,
                                         "password": "bench password"})
    assert signed.status_code == 302, signed.status_code
    bearer = {"Authorization": f"Bearer {token}"}
    filtered = "status=ready&category=laptop"

    def get(path: str, headers=None):
        def call():
            response = client.get(path, headers=headers or {})
            assert response.status_code == 200, (path, response.status_code)
        return call

    conn = psycopg.connect(pg_url)

    def bare():
        conn.execute(BARE).fetchall()

    def list_sql(count_up_to=None):
        def call():
            with app.app_context():
                reader = db.session.get(User, coordinator_id)
                listing.search(reader, listing.parse(reader, {"status": "ready",
                                                              "category": "laptop"}),
                               count_up_to=count_up_to)
                db.session.rollback()
        return call

    results = {
        "floor: bare indexed query": timed(bare, args.runs),
        "the framework alone: GET /healthz": timed(get("/healthz"), args.runs),
        f"list SQL, counted to 10,000 as the page does ({filtered})":
            timed(list_sql(listing.COUNTED), args.runs),
        f"list SQL, counted exactly as the API does ({filtered})": timed(list_sql(), args.runs),
        f"HTML /devices?{filtered}": timed(get(f"/devices?{filtered}"), args.runs),
        f"API /api/v1/devices?{filtered}": timed(get(f"/api/v1/devices?{filtered}", bearer), args.runs),
        "HTML /devices (everything, last change first)": timed(get("/devices"), args.runs),
        "HTML /devices?q=<a serial>": timed(get(f"/devices?q={serial}"), args.runs),
        "HTML /devices?q=thinkpad t480 (words)": timed(get("/devices?q=thinkpad+t480"), args.runs),
        "HTML /devices?sort=model&order=asc": timed(get("/devices?sort=model&order=asc"), args.runs),
        "HTML /devices?sort=status&order=asc (no index)": timed(get("/devices?sort=status&order=asc"),
                                                                 args.runs),
        f"HTML /devices?{filtered}&page=1000": timed(get(f"/devices?{filtered}&page=1000"), args.runs),
    }
    conn.close()
    floor = results["floor: bare indexed query"]["median"]
    print(f"\n{total:,} devices, {args.runs} runs each, in-process\n")
    print("| what | median ms | p95 ms | median / floor |")
    print("|---|---:|---:|---:|")
    for name, r in results.items():
        print(f"| {name} | {r['median']:.1f} | {r['p95']:.1f} | {r['median'] / floor:.1f} |")


if __name__ == "__main__":
    main()
