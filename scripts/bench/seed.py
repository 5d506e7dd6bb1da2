"""Benchmark seed: N devices (default 10,000,000) with their linked history, by COPY.

Run by hand, never as a test; record the command and the rate in docs/benchmarks.md.

    .venv/bin/python scripts/bench/seed.py --devices 1000000 --database recond_bench
    .venv/bin/python scripts/bench/scan_and_actions.py --database recond_bench --reuse
    .venv/bin/python scripts/bench/reports.py --database recond_bench --reuse

PostgreSQL only. It creates a fresh database (`--database` on the server of `--admin-url`,
whose port `--db-port` changes), builds its schema with `recond init`, and creates through the
app the organisations (`--workshops` workshops, a collector, a donor, a coordination), one
technician per workshop (`tech@bench.test` for the first, the one scan_and_actions.py's
`--reuse` signs in as; `coord@bench.test` the coordinator reports.py reads as) and
`--deposits` collected deposits per workshop. Then it streams, with psycopg's COPY on three
connections at once, the devices, their history and the reports' rollup:

- each device gets a status with the weights of device_list.py (5 % registered, 60 % released,
  10 % recycled…), a category, a model, a serial, a grade once graded;
- its history is `register`, then each transition to that status (receive, wipe, install_os,
  grade, allocate, deliver, release; or receive, recycle), at hours that vary per device over
  2026, each row linked exactly as the engine links it (`recond.lifecycle.chain.link`, with
  this instance's history key): `recond verify-history` accepts it;
- one `stage_passage` row per transition (the engine's `_transition`), and `status_since`,
  `version`, `updated_at` of the device as its last event left them.

Deterministic: the same `--seed` gives the same rows (a generator per block of 10,000 devices,
whatever `--jobs`). Streamed: rows are generated as they are copied, never held (the peak RSS
is printed). Ids are given, not drawn from the sequences: device i is id i, its k-th event is
id 8 i + k (a device has at most 8), so `--jobs` processes can copy ranges side by side; the
sequences are moved past them at the end. The secondary indexes and foreign keys of the three
tables are dropped before the COPY and recreated after it (faster than keeping them up to
date row by row: the time of each part is printed), then VACUUM ANALYZE.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import device_list  # noqa: E402  (its status weights, categories and models)
import scan_and_actions as base  # noqa: E402  (database creation, URLs, environment)

BLOCK = 10_000  # devices per generator: the same rows whatever the number of jobs
EVENTS_PER_DEVICE = 8  # register + the seven steps to released: event ids are 8 i + k
TABLES = ("device", "device_event", "stage_passage")
# The path to each status: (action, from, to) after `register`.
PATH = [("receive", "registered", "received"), ("wipe", "received", "wiped"),
        ("install_os", "wiped", "os_installed"), ("grade", "os_installed", "ready"),
        ("allocate", "ready", "reserved"), ("deliver", "reserved", "delivered"),
        ("release", "delivered", "released")]
RANK = {"registered": 0, "received": 1, "wiped": 2, "os_installed": 3, "ready": 4,
        "reserved": 5, "delivered": 6, "released": 7}
STEP_HOURS = (72, 48, 24, 96, 240, 72, 300)  # the longest wait before each step
START = datetime(2026, 1, 2)
SPAN_MINUTES = 300 * 24 * 60  # registrations spread over 300 days of 2026
DEVICE_COLUMNS = ("id, public_id, deposit_id, workshop_id, category, brand, model, serial, "
                  "serial_key, specs, status, grade, cycle, version, created_at, updated_at, "
                  "status_since")
EVENT_COLUMNS = ("id, device_id, action, from_status, to_status, actor_id, organisation_id, at, "
                 "payload, link")
PASSAGE_COLUMNS = ("id, device_id, from_status, to_status, entered_at, left_at, seconds, action, "
                   "workshop_id, category, bucket")
SPECS = ('{"ram_gb": 4}', '{"ram_gb": 8}', '{"ram_gb": 16}')
ALPHABET_SIZE = 19 ** 7  # the public IDs' bodies (recond.public_id)


def public_ids(seed: int):
    """Device i's public ID: an affine permutation of the bodies, so unique with no set held."""
    from recond import public_id

    rng = random.Random(f"ids:{seed}")
    factor = rng.randrange(1, ALPHABET_SIZE)
    while factor % 19 == 0:
        factor = rng.randrange(1, ALPHABET_SIZE)
    offset = rng.randrange(ALPHABET_SIZE)

    def code(i: int) -> str:
        n, chars = (i * factor + offset) % ALPHABET_SIZE, []
        for _ in range(public_id.BODY_LENGTH):
            n, r = divmod(n, 19)
            chars.append(public_id.ALPHABET[r])
        body = "".join(chars)
        return body + public_id.check_character(body)
    return code


def world(url: str, instance: str, workshops: int, deposits_each: int) -> dict:
    """Organisations, people and deposits through the app; the history key."""
    subprocess.run([base.VENV_BIN / "recond", "init"], env=base.sh_env(url, instance), check=True,
                   capture_output=True)
    os.environ.update(base.sh_env(url, instance))
    from recond import create_app
    from recond.collection import deposits
    from recond.extensions import db
    from recond.identity import accounts
    from recond.lifecycle import chain

    app = create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        collector = accounts.create_organisation("Collecte bench", "collector")
        donor = accounts.create_organisation("Donateur bench", "donor")
        coordination = accounts.create_organisation("Coordination bench", "coordination")
        admin = accounts.create_user("coord@bench.test", role="coordinator",
                                     organisation=coordination, password="bench password")
        places = []
        for w in range(workshops):
            workshop = accounts.create_organisation(f"Atelier bench {w + 1:02d}", "workshop")
            email = "tech@bench.test" if w == 0 else f"tech{w + 1}@bench.test"
            tech = accounts.create_user(email, role="technician", organisation=workshop,
                                        password="bench password")
            lots = []
            for _ in range(deposits_each):
                lot = deposits.create_deposit(admin, donor=donor, workshop=workshop,
                                              collector=collector)
                deposits.mark_collected(admin, lot)  # the workshop receives only collected ones
                lots.append((lot.id, lot.number))
            places.append({"workshop": workshop.id, "tech": tech.id, "deposits": lots})
        db.session.commit()
        return {"places": places, "key": chain.key()}


def device_rows(i: int, rng: random.Random, code, places: list[dict], secret: bytes):
    """Device id i: its row, its events and its passages (what the engine would have written)."""
    from recond.lifecycle import chain
    from recond.models.history import duration_bucket

    status = rng.choices(STATUS_NAMES, STATUS_WEIGHTS)[0]
    place = places[rng.randrange(len(places))]
    deposit_id, number = place["deposits"][rng.randrange(len(place["deposits"]))]
    brand, model = rng.choice(device_list.MODELS)
    category = rng.choices(CATEGORY_NAMES, CATEGORY_WEIGHTS)[0]
    at = START + timedelta(minutes=rng.randrange(SPAN_MINUTES), microseconds=rng.randrange(10**6))
    steps = ([PATH[0], ("recycle", "received", "recycled")] if status == "recycled"
             else PATH[:RANK[status]])
    events, passages = [], []
    previous, entered = chain.GENESIS, at
    grade = None
    for k, (action, source, target) in enumerate([("register", None, "registered")] + steps):
        if k:
            at = at + timedelta(minutes=rng.randrange(30, STEP_HOURS[min(k, 7) - 1] * 60))
        payload = {"deposit": number} if action == "register" else {}
        if action == "grade":
            grade = rng.choice("ABC")
            payload = {"grade": grade}
        event = {"device_id": i, "action": action, "from_status": source, "to_status": target,
                 "actor_id": place["tech"], "organisation_id": place["workshop"], "at": at,
                 "payload": payload}
        previous = chain.link(secret, previous, event)
        events.append((i * EVENTS_PER_DEVICE + k, i, action, source, target, place["tech"],
                       place["workshop"], at, _json(payload), previous))
        if k:
            seconds = round((at - entered).total_seconds())
            passages.append((i * EVENTS_PER_DEVICE + k, i, source, target, entered, at, seconds,
                             action, place["workshop"], category, duration_bucket(seconds)))
        entered = at
    serial = f"5CG{i:09d}"
    device = (i, code(i), deposit_id, place["workshop"], category, brand, model, serial, serial,
              rng.choice(SPECS), status, grade, 1, len(events), events[0][7], at, at)
    return device, events, passages


_TEXTS: dict[tuple, str] = {}  # a few dozen payloads, each encoded once


def _json(payload: dict) -> str:
    """The payload as the database keeps it (JSON text), encoded once per distinct payload."""
    from recond.lifecycle import chain

    name = tuple(payload.items())
    if name not in _TEXTS:
        _TEXTS[name] = chain._CANONICAL.encode(payload)
    return _TEXTS[name]


STATUS_NAMES = [s for s, _ in device_list.STATUSES]
STATUS_WEIGHTS = [w for _, w in device_list.STATUSES]
CATEGORY_NAMES = [c for c, _ in device_list.CATEGORIES]
CATEGORY_WEIGHTS = [w for _, w in device_list.CATEGORIES]


def copy_range(pg_url: str, first: int, last: int, seed: int, places: list[dict],
               secret: bytes, report=None) -> tuple[int, int, int]:
    """COPY devices first..last (ids, inclusive) with their events and passages."""
    code = public_ids(seed)
    counts = [0, 0, 0]
    t0 = time.perf_counter()
    conns = [psycopg.connect(pg_url) for _ in TABLES]
    try:
        cursors = [c.cursor() for c in conns]
        with cursors[0].copy(f"COPY device ({DEVICE_COLUMNS}) FROM STDIN") as devices, \
                cursors[1].copy(f"COPY device_event ({EVENT_COLUMNS}) FROM STDIN") as events, \
                cursors[2].copy(f"COPY stage_passage ({PASSAGE_COLUMNS}) FROM STDIN") as passages:
            block_start = (first - 1) // BLOCK * BLOCK + 1
            for start in range(block_start, last + 1, BLOCK):
                rng = random.Random(f"{seed}:{start}")
                for i in range(start, min(start + BLOCK, last + 1)):
                    device, history, stages = device_rows(i, rng, code, places, secret)
                    if i < first:
                        continue  # the block's generator advanced to this range's first device
                    devices.write_row(device)
                    for row in history:
                        events.write_row(row)
                    for row in stages:
                        passages.write_row(row)
                    counts[0] += 1
                    counts[1] += len(history)
                    counts[2] += len(stages)
                if report:
                    report(counts, time.perf_counter() - t0)
        for c in conns:
            c.commit()
    finally:
        for c in conns:
            c.close()
    return tuple(counts)


def _job(arguments) -> tuple[int, int, int]:
    return copy_range(*arguments)


def _progress(counts, seconds: float) -> None:
    rows = sum(counts)
    print(f"  {counts[0]:>11,} devices, {counts[1]:>11,} events, {counts[2]:>11,} passages  "
          f"{seconds:7.1f} s  {rows / seconds:>9,.0f} rows/s", file=sys.stderr, flush=True)


def drop_secondary(pg_url: str) -> list[str]:
    """Drop the three tables' foreign keys, unique constraints and plain indexes (the primary
    keys stay: other tables' foreign keys hang on device's); give back how to recreate them."""
    with psycopg.connect(pg_url, autocommit=True) as conn:
        constraints = conn.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('f', 'u')", (list(TABLES),)).fetchall()
        indexes = conn.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)", (list(TABLES),)).fetchall()
        for table, name, _ in constraints:
            conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            conn.execute(f"DROP INDEX {name}")
    # Unique constraints first (device's public_id), then indexes, then foreign keys.
    ordered = sorted(constraints, key=lambda c: not c[2].startswith("UNIQUE"))
    return ([f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d in ordered if d.startswith("UNIQUE")]
            + [d for _, d in indexes]
            + [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d in ordered if not d.startswith("UNIQUE")])


def advance_sequences(conn) -> None:
    """Move the id sequences past the given ids: the app's next event must sort after them."""
    for table in TABLES:
        conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                     f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--workshops", type=int, default=20)
    parser.add_argument("--deposits", type=int, default=10, help="collected deposits per workshop")
    parser.add_argument("--jobs", type=int, default=1, help="processes copying ranges side by side")
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--db-port", type=int, help="PostgreSQL's port, instead of the URL's")
    parser.add_argument("--database", default="recond_bench")
    args = parser.parse_args()

    pg_url = base.prepare_database(base.with_port(args.admin_url, args.db_port), args.database,
                                   fresh=True)
    url = pg_url.replace("postgresql://", "postgresql+psycopg://")
    instance = tempfile.mkdtemp(prefix="recond-bench-")
    try:
        t0 = time.perf_counter()
        made = world(url, instance, args.workshops, args.deposits)
        print(f"schema and organisations: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        recreate = drop_secondary(pg_url)
        t1 = time.perf_counter()
        counts = copy_all(pg_url, args, made)
        copied = time.perf_counter() - t1
        rows = sum(counts)
        print(f"COPY: {counts[0]:,} devices, {counts[1]:,} events, {counts[2]:,} passages = "
              f"{rows:,} rows in {copied:.1f} s, {rows / copied:,.0f} rows/s, "
              f"{counts[0] / copied:,.0f} devices/s", file=sys.stderr)
        t2 = time.perf_counter()
        with psycopg.connect(pg_url, autocommit=True) as conn:
            advance_sequences(conn)
            for statement in recreate:
                conn.execute(statement)
            print(f"indexes and foreign keys rebuilt: {time.perf_counter() - t2:.1f} s",
                  file=sys.stderr)
            t3 = time.perf_counter()
            for table in TABLES:
                conn.execute(f"VACUUM ANALYZE {table}")
            print(f"VACUUM ANALYZE: {time.perf_counter() - t3:.1f} s", file=sys.stderr)
        # The reports' rollups, as the worker keeps them: every day over, and the statuses.
        t4 = time.perf_counter()
        subprocess.run([base.VENV_BIN / "recond", "reports-rollup", "--rebuild"],
                       env=base.sh_env(url, instance), check=True)
        with psycopg.connect(pg_url, autocommit=True) as conn:
            for table in ("passage_day", "passage_day_total"):
                conn.execute(f"VACUUM ANALYZE {table}")
        print(f"reports' rollups: {time.perf_counter() - t4:.1f} s", file=sys.stderr)
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        jobs = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
        print(f"seeded {args.database}: {counts[0]:,} devices in {time.perf_counter() - t0:.1f} s "
              f"in all; peak RSS {own} MB (largest child process: {jobs} MB)", file=sys.stderr)
    finally:
        shutil.rmtree(instance, ignore_errors=True)


def copy_all(pg_url: str, args, made: dict) -> tuple[int, int, int]:
    if args.jobs <= 1:
        return copy_range(pg_url, 1, args.devices, args.seed, made["places"], made["key"],
                          _progress)
    size = -(-args.devices // args.jobs)
    ranges = [(pg_url, s, min(s + size - 1, args.devices), args.seed, made["places"], made["key"],
               _progress) for s in range(1, args.devices + 1, size)]
    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        parts = pool.map(_job, ranges)
    return tuple(sum(p[k] for p in parts) for k in range(3))


if __name__ == "__main__":
    main()
