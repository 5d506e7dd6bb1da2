"""Benchmark: what a web worker holds — RSS after `create_app()`, and after a run of the hot
requests (scans, actions, the device list) — and which heavy libraries it has loaded.

Run by hand, never as a test; record the result and the command in docs/benchmarks.md.

    .venv/bin/python scripts/bench/worker_memory.py
    .venv/bin/python scripts/bench/worker_memory.py --code /tmp/recond-base   # another checkout

Memory is not timing: one process, measured on a busy machine, says the same as on a quiet one.
A first process makes a small SQLite world through Recond's domain functions (organisations,
a technician and a coordinator with tokens, `--devices` registered devices); a second one,
alone, does what a gunicorn worker does: imports the app, builds it, serves the requests
through the WSGI test client, and reads its own VmRSS and VmHWM from /proc.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "numpy", "openpyxl", "reportlab", "PIL", "qrcode", "barcode", "zxingcpp",
         "pypdf", "pypdfium2", "rq", "redis", "psycopg")

SEED = """
import json
from flask_migrate import upgrade
from recond import create_app, lifecycle
from recond.collection import deposits
from recond.extensions import db
from recond.identity import accounts

app = create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
with app.app_context():
    upgrade()
    workshop = accounts.create_organisation("Atelier", "workshop")
    collector = accounts.create_organisation("Collecte", "collector")
    donor = accounts.create_organisation("Donateur", "donor")
    coordination = accounts.create_organisation("Coordination", "coordination")
    coordinator = accounts.create_user("coord@bench.test", role="coordinator",
                                       organisation=coordination, password="bench password")
    tech = accounts.create_user("tech@bench.test", role="technician", organisation=workshop,
                                password="bench password")
    lot = deposits.create_deposit(coordinator, donor=donor, workshop=workshop, collector=collector)
    deposits.mark_collected(coordinator, lot)
    codes = [lifecycle.register(coordinator, lot, category="laptop", brand="Dell",
                                model="Latitude 5490", serial=f"SN{i:06d}").public_id
             for i in range(%(devices)d)]
    tokens = {"tech": accounts.create_token(tech), "coordinator": accounts.create_token(coordinator)}
    db.session.commit()
print(json.dumps({"codes": codes, "tokens": tokens}))
"""

MEASURE = """
import json, sys

def status():
    fields = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return {k: int(fields[k].split()[0]) // 1024 for k in ("VmRSS", "VmHWM")}

world = json.loads(sys.argv[1])
before = status()
from recond import create_app
app = create_app()
built = status()
client = app.test_client()
tech = {"Authorization": "Bearer " + world["tokens"]["tech"]}
coordinator = {"Authorization": "Bearer " + world["tokens"]["coordinator"]}
codes = world["codes"]
for _ in range(%(rounds)d):
    for code in codes:
        assert client.get("/api/v1/scan?code=" + code, headers=tech).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/devices?per_page=50", headers=coordinator).status_code == 200
for code in codes[: len(codes) // 2]:
    response = client.post("/api/v1/devices/" + code + "/actions", headers=tech,
                           json={"action": "receive"})
    assert response.status_code == 200, response.json
served = status()
print(json.dumps({"python": before, "create_app": built, "after requests": served,
                  "heavy": sorted({n.split(".")[0] for n in sys.modules
                                   if n.split(".")[0] in %(heavy)r})}))
"""


def run(code: Path | None, script: str, env: dict, *args: str) -> dict:
    env = dict(env, PYTHONPATH=str(code or ROOT))
    # From the instance folder: `python -c` puts the working directory first on the path.
    done = subprocess.run([sys.executable, "-c", script, *args], env=env, capture_output=True,
                          text=True, check=False, cwd=env["RECOND_INSTANCE_PATH"])
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, help="another checkout of Recond to measure")
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5, help="scans of every device")
    parser.add_argument("--keep", action="store_true", help="keep the temporary instance folder")
    args = parser.parse_args()
    instance = tempfile.mkdtemp(prefix="recond-bench-memory-")
    try:
        env = dict(os.environ, RECOND_INSTANCE_PATH=instance, RECOND_SECRET_KEY="bench-only",
                   RECOND_DATABASE_URL=f"sqlite:///{instance}/recond.sqlite3",
                   RECOND_REDIS_URL="")
        world = run(args.code, SEED % {"devices": args.devices}, env)
        result = run(args.code, MEASURE % {"rounds": args.rounds, "heavy": HEAVY}, env,
                     json.dumps(world))
    finally:
        if not args.keep:
            shutil.rmtree(instance, ignore_errors=True)
    print(f"code: {args.code or ROOT}; {args.devices} devices, "
          f"{args.rounds * args.devices} scans, {args.devices // 2} receives\n")
    print("| moment | RSS MB | peak RSS MB |")
    print("|---|---:|---:|")
    for moment in ("python", "create_app", "after requests"):
        print(f"| {moment} | {result[moment]['VmRSS']} | {result[moment]['VmHWM']} |")
    print(f"\nheavy libraries loaded: {', '.join(result['heavy']) or 'none'}")


if __name__ == "__main__":
    main()
