"""Benchmark: importing a 50,000-row manifest, beside a bare bulk insert of the same rows.

Run by hand, never as a test; record the result and the command in docs/benchmarks.md.

    .venv/bin/python scripts/bench/manifest_import.py --rows 50000

For SQLite and for PostgreSQL (a database of its own, `--database`, on `--admin-url`'s server,
dropped at the end), each measure runs in a fresh process so that its peak memory (max RSS) is
its own; the temporary folder goes at the end (`--keep` keeps it). `--profile DIR` also writes
each import's cProfile:
- import: `importer.upload` (keeps the file) then `importer.import_rows` (what the rq job runs):
  read the CSV once, check every row, insert devices, their history and their storage media;
- floor: the same three tables filled with the same rows by a bare bulk insert (COPY on
  PostgreSQL, executemany on SQLite), no reading, no checks.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path



def make_manifest(path: Path, rows: int) -> None:
    """A French Excel export: UTF-8 with a BOM, semicolons (the csv module; no pandas needed)."""
    import csv

    brands = ["HP", "Dell", "Lenovo", "Fujitsu"]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(["N° de série", "Marque", "Modèle", "Type", "RAM", "Disque", "Processeur",
                      "N° d'inventaire"])
        out.writerows([f"5CG{i:08d}", brands[i % 4], "EliteBook 840 G5", "Portable", "8 Go",
                       "256 Go SSD", "Intel Core i5-8250U", f"INV-{i:06d}"] for i in range(rows))


def fresh_database(backend: str, workdir: Path, admin_url: str, database: str) -> str:
    if backend == "sqlite":
        db_file = workdir / "bench.sqlite3"
        db_file.unlink(missing_ok=True)
        return f"sqlite:///{db_file}"
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
    return admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{database}"


def child(mode: str, url: str, manifest: Path, workdir: Path, profile: Path | None = None) -> dict:
    """Runs in its own process: set up through the app, then time one mode (under cProfile,
    written to `profile`, when asked)."""
    os.environ.update(RECOND_DATABASE_URL=url, RECOND_INSTANCE_PATH=str(workdir),
                      RECOND_SECRET_KEY="bench-only", RECOND_REDIS_URL="")
    from flask_migrate import upgrade

    from recond import create_app
    from recond.identity import accounts
    from recond.collection import deposits, donors
    from recond.extensions import db
    from recond.collection.manifests import importer

    app = create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      "MAX_CONTENT_LENGTH": 200 * 1024 * 1024})
    with app.app_context():
        upgrade()
        workshop = accounts.create_organisation("Atelier", "workshop")
        collecting = accounts.create_organisation("Collecte", "collector")
        collector = accounts.create_user("c@bench.test", role="collector", organisation=collecting,
                                         password="bench password")
        donor = donors.create_donor(collector, name="Donateur", siret="84123456700011")
        lot = deposits.create_deposit(collector, donor=donor, workshop=workshop)
        db.session.commit()
        content = manifest.read_bytes()
        profiler = None
        if profile is not None:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        start = time.perf_counter()
        if mode == "import":
            device_import = importer.upload(collector, lot, manifest.name, content)
            importer.import_rows(collector, device_import, all_or_nothing=True)
            db.session.commit()
            rows = device_import.imported_rows
        else:
            rows = floor_insert(db, url, lot, collector, manifest)
        elapsed = time.perf_counter() - start
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": rows, "seconds": elapsed, "peak_mb": peak_mb}


def floor_insert(db, url, lot, actor, manifest: Path) -> int:
    """The same rows into the same three tables, as fast as the driver goes."""
    import csv

    with manifest.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))[1:]
    now = "2026-01-01 00:00:00"
    first = db.session.execute(db.text("SELECT coalesce(max(id), 0) FROM device")).scalar() + 1
    devices = [(f"B{i:07d}", lot.id, lot.workshop_id, "laptop", r[1], r[2], r[0], r[0].upper(), r[7],
                '{"ram_gb": 8, "storage_gb": 256}', "registered", 1, 1, now, now)
               for i, r in enumerate(rows)]
    # A link's worth of bytes per history row (the import computes a real one for each).
    events = [(first + i, "register", None, "registered", actor.id, actor.organisation_id, now,
               '{"deposit": "%s"}' % lot.number, "0" * 64) for i in range(len(rows))]
    media = [(first + i, "ssd", "", "", None, 256) for i in range(len(rows))]
    device_cols = ("public_id, deposit_id, workshop_id, category, brand, model, serial, serial_key, "
                   "asset_tag, specs, status, cycle, version, created_at, updated_at")
    event_cols = "device_id, action, from_status, to_status, actor_id, organisation_id, at, payload, link"
    media_cols = "device_id, kind, brand, model, serial, capacity_gb"
    raw = db.session.connection().connection.dbapi_connection
    cursor = raw.cursor()
    if url.startswith("postgresql"):
        for table, cols, data in (("device", device_cols, devices), ("device_event", event_cols, events),
                                  ("storage_medium", media_cols, media)):
            with cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)
    else:
        for table, cols, data in (("device", device_cols, devices), ("device_event", event_cols, events),
                                  ("storage_medium", media_cols, media)):
            marks = ", ".join("?" * len(data[0]))
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", data)
    raw.commit()
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/test",
                        help="PostgreSQL: where to create the benchmark's database (host, port)")
    parser.add_argument("--database", default="recond_bench_import")
    parser.add_argument("--profile", type=Path,
                        help="also profile each import (cProfile), into this folder")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--child", nargs=5, metavar=("MODE", "URL", "MANIFEST", "WORKDIR", "PROFILE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, url, manifest, workdir, profile = args.child
        print(json.dumps(child(mode, url, Path(manifest), Path(workdir),
                               Path(profile) if profile != "-" else None)))
        return
    workdir = Path(tempfile.mkdtemp(prefix="recond-bench-import-"))
    try:
        measure(args, workdir)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def measure(args, workdir: Path) -> None:
    manifest = workdir / "inventaire.csv"
    make_manifest(manifest, args.rows)
    size_mb = manifest.stat().st_size / 1024 / 1024
    print(f"\n{args.rows:,} rows, {size_mb:.1f} MB CSV (UTF-8 with BOM, semicolons), "
          f"{os.cpu_count()} cores\n")
    print("| backend | what | seconds | rows/s | peak RSS MB | import / floor time |")
    print("|---|---|---:|---:|---:|---:|")
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    for backend in args.backends.split(","):
        results = {}
        for mode in ("floor", "import"):
            url = fresh_database(backend, workdir, args.admin_url, args.database)
            profile = str(args.profile / f"import-{backend}.prof") \
                if args.profile and mode == "import" else "-"
            output = subprocess.run([sys.executable, __file__, "--child", mode, url, str(manifest),
                                     str(workdir), profile], capture_output=True, text=True,
                                    check=True).stdout
            results[mode] = json.loads(output.strip().splitlines()[-1])
        for mode in ("floor", "import"):
            r = results[mode]
            ratio = results["import"]["seconds"] / results["floor"]["seconds"]
            print(f"| {backend} | {mode} | {r['seconds']:.2f} | {r['rows'] / r['seconds']:,.0f} "
                  f"| {r['peak_mb']:.0f} | {ratio if mode == 'import' else 1:.2f} |")
        if backend == "postgresql":
            import psycopg

            with psycopg.connect(args.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    if args.profile:
        print(f"\nprofiles: {args.profile}/import-<backend>.prof "
              "(python -m pstats, or snakeviz)")


if __name__ == "__main__":
    main()
