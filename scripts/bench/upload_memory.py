"""Benchmark: a web worker's memory across 60,000-row manifest uploads, beside a floor.

Run by hand, never as a test; record the result and the command in docs/benchmarks.md.

    .venv/bin/python scripts/bench/upload_memory.py --rows 60000

On PostgreSQL (a database of its own, `recond_bench_upload`), gunicorn serves the app with one
sync worker, and the script reads that worker's memory from /proc: its RSS at rest, the peak
during each request (VmHWM, reset before the request through /proc/<pid>/clear_refs) and its
RSS after. Two measures, each in a gunicorn of its own, after the same warm-up (a 100-row
upload), each posting two different files of `--rows` rows one after the other:

- floor: the same multipart body posted to a route this script adds, which reads the file's
  bytes once and answers 204: what receiving the upload costs, whatever is done with it;
- upload: `POST /api/v1/deposits/<number>/manifests` with a bearer token: the file kept in
  the database, every row checked, the valid rows counted for the preview.

`--code DIR` serves the `recond` package found in DIR instead (another checkout), to compare.
"""
from __future__ import annotations

import argparse
import atexit
import csv
import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scan_and_actions import with_port  # noqa: E402

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
DATABASE = "recond_bench_upload"
PORT = 8737


def bench_app():
    """The app gunicorn serves, with the floor's route added."""
    from flask import request

    from recond import create_app
    from recond.extensions import csrf

    app = create_app()
    print("serving", __import__("recond").__file__, file=sys.stderr, flush=True)

    def floor():
        upload = request.files["file"]
        upload.read()
        return "", 204

    csrf.exempt(floor)
    app.add_url_rule("/bench/floor", "bench_floor", floor, methods=["POST"])
    app.view_functions["bench_floor"].recond_capability = "public"
    return app


def make_manifest(path: Path, rows: int, prefix: str) -> None:
    brands = ["HP", "Dell", "Lenovo", "Fujitsu"]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(["N° de série", "Marque", "Modèle", "Type", "RAM", "Disque", "Processeur",
                      "N° d'inventaire"])
        for i in range(rows):
            out.writerow([f"{prefix}{i:08d}", brands[i % 4], "EliteBook 840 G5", "Portable", "8 Go",
                          "256 Go SSD", "Intel Core i5-8250U", f"INV-{prefix}-{i:06d}"])


def prepare(url: str, workdir: Path) -> tuple[str, str]:
    """A fresh database with a collector, a deposit and a token; (deposit number, token)."""
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    code = f"""
import os
from flask_migrate import upgrade
from recond import create_app
from recond.collection import deposits, donors
from recond.extensions import db
from recond.identity import accounts
app = create_app({{"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}})
with app.app_context():
    upgrade()
    workshop = accounts.create_organisation("Atelier", "workshop")
    collecting = accounts.create_organisation("Collecte", "collector")
    collector = accounts.create_user("c@bench.test", role="collector", organisation=collecting,
                                     password="Bench password 42!")
    donor = donors.create_donor(collector, name="Donateur", siret="84123456700011")
    lot = deposits.create_deposit(collector, donor=donor, workshop=workshop)
    token = accounts.create_token(collector)
    db.session.commit()
    print(lot.number, token)
"""
    output = subprocess.run([sys.executable, "-c", code], env=_env(url, workdir), check=True,
                            capture_output=True, text=True).stdout
    number, token = output.strip().splitlines()[-1].split()
    return number, token


def _env(url: str, workdir: Path, code: Path | None = None) -> dict[str, str]:
    env = dict(os.environ, RECOND_DATABASE_URL=url, RECOND_INSTANCE_PATH=str(workdir),
               RECOND_SECRET_KEY="bench-only", RECOND_REDIS_URL="")
    if code is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(code.resolve()), str(Path(__file__).resolve().parent)])
    else:
        env["PYTHONPATH"] = str(Path(__file__).resolve().parent)
    return env


def post_file(path: str, manifest: Path, token: str | None) -> int:
    boundary = uuid.uuid4().hex
    body = b"".join([
        f"--{boundary}\r\n".encode(),
        f'Content-Disposition: form-data; name="file"; filename="{manifest.name}"\r\n'.encode(),
        b"Content-Type: text/csv\r\n\r\n", manifest.read_bytes(), f"\r\n--{boundary}--\r\n".encode()])
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=600)
    connection.request("POST", path, body=body, headers=headers)
    status = connection.getresponse().status
    connection.close()
    return status


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def measure(mode: str, url: str, workdir: Path, number: str, token: str, files: list[Path],
            warm: Path, code: Path | None) -> dict[str, float]:
    server = subprocess.Popen(
        # Run from the work folder: gunicorn puts its directory first on sys.path, not a checkout
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "1", "--timeout", "600",
         "--bind", f"127.0.0.1:{PORT}", "upload_memory:bench_app()"], cwd=workdir,
        env=_env(url, workdir, code), stdout=subprocess.DEVNULL,
        stderr=(workdir / f"gunicorn-{mode}.log").open("w"))
    try:
        deadline = time.monotonic() + 60
        worker = None
        while worker is None and time.monotonic() < deadline:
            children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
            worker = int(children[0]) if children else None
        path = "/bench/floor" if mode == "floor" else f"/api/v1/deposits/{number}/manifests"
        while True:  # until gunicorn answers (bounded by the first request's own timeout)
            try:
                status = post_file(path, warm, token)
                assert status in (201, 204), status
                break
            except ConnectionRefusedError:
                if time.monotonic() > deadline:
                    raise
        result = {"rest": _status_kb(worker, "VmRSS") / 1024}
        for n, manifest in enumerate(files, start=1):
            Path(f"/proc/{worker}/clear_refs").write_text("5")  # reset the peak (VmHWM)
            status = post_file(path, manifest, token)
            assert status in (201, 204), status
            result[f"peak{n}"] = _status_kb(worker, "VmHWM") / 1024
            result[f"after{n}"] = _status_kb(worker, "VmRSS") / 1024
        return result
    finally:
        server.terminate()
        server.wait(timeout=60)


def main() -> None:
    global ADMIN_URL, DATABASE, PORT  # read by the functions above, set from the flags
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=60_000)
    parser.add_argument("--code", type=Path, default=None,
                        help="a checkout whose `recond` package gunicorn serves")
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument("--db-port", type=int, help="PostgreSQL's port, instead of the URL's")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--port", type=int, default=PORT, help="where gunicorn listens")
    args = parser.parse_args()
    ADMIN_URL, DATABASE, PORT = with_port(args.admin_url, args.db_port), args.database, args.port
    workdir = Path(tempfile.mkdtemp(prefix="recond-bench-upload-"))
    atexit.register(shutil.rmtree, workdir, True)  # the instance folder goes, whatever happens
    url = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{DATABASE}"
    files = [workdir / "inventaire-1.csv", workdir / "inventaire-2.csv"]
    make_manifest(files[0], args.rows, "5CG")
    make_manifest(files[1], args.rows, "8CD")
    warm = workdir / "petit.csv"
    make_manifest(warm, 100, "WRM")
    number, token = prepare(url, workdir)
    size_mb = files[0].stat().st_size / 1024 / 1024
    print(f"\n{args.rows:,} rows, {size_mb:.1f} MB CSV each, one gunicorn sync worker, "
          f"{os.cpu_count()} cores\n")
    print("| what | at rest MB | peak 1st MB | after 1st MB | peak 2nd MB | after 2nd MB "
          "| kept MB | peak − rest / floor's |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    results = {mode: measure(mode, url, workdir, number, token, files, warm, args.code)
               for mode in ("floor", "upload")}
    floor_rise = max(results["floor"]["peak1"] - results["floor"]["rest"], 1)
    for mode, r in results.items():
        rise = r["peak1"] - r["rest"]
        print(f"| {mode} | {r['rest']:.0f} | {r['peak1']:.0f} | {r['after1']:.0f} | {r['peak2']:.0f} "
              f"| {r['after2']:.0f} | {r['after2'] - r['rest']:.0f} | {rise / floor_rise:.1f} |")


if __name__ == "__main__":
    main()
