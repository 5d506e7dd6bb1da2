"""Benchmark: GET /api/v1/scan and POST /api/v1/devices/<id>/actions at N devices.

Run by hand, never as a test; record the result and the command in docs/benchmarks.md.

    .venv/bin/python scripts/bench/scan_and_actions.py --devices 1000000 --seed-only
    .venv/bin/python scripts/bench/scan_and_actions.py --reuse      # as many times as wanted

It fills a PostgreSQL database of its own (`--database`, default `recond_bench`, on the server
of `--admin-url`, whose port `--db-port` changes) with N devices and their history (COPY, the
way a migration of an existing inventory would), serves the app with gunicorn on `--port`, and
drives it with wrk (Debian's package) at 16 connections. In the same run it measures the
framework's floor, `GET /healthz` of the same app, and prints the ratios. Seed once
(`--seed-only`), then measure many times without seeding again (`--reuse`: each run receives
registered devices, so reseed when they run out). `--reuse` also takes a database filled by
seed.py (devices with their linked history over many workshops: it scans those of
`tech@bench.test`'s workshop), and there also measures an allocate with its guards: as
`coord@bench.test`, each request allocates another ready laptop to another beneficiary of a
structure it makes (`--allocations` of them). Its temporary instance folder goes at the end.
Needs: PostgreSQL, wrk (`apt-get install wrk`).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def sh_env(url: str, instance: str) -> dict:
    return dict(os.environ, RECOND_DATABASE_URL=url, RECOND_INSTANCE_PATH=instance,
                RECOND_SECRET_KEY="bench-only", RECOND_REDIS_URL="")


def with_port(url: str, port: int | None) -> str:
    """`url` with another port (`--db-port`), or as it is."""
    if port is None:
        return url
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = netloc[-1].rsplit(":", 1)[0] if not netloc[-1].startswith("[") else netloc[-1]
    netloc[-1] = f"{host}:{port}"
    return urlunsplit(parts._replace(netloc="@".join(netloc)))


def prepare_database(admin_url: str, name: str, fresh: bool) -> str:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return re.sub(r"/[^/?]*(\?|$)", f"/{name}\\1", admin_url, count=1)


def seed(url: str, instance: str, devices: int, spare: int) -> tuple[str, list[str], list[str]]:
    """Create the organisations through the app, then COPY devices and their history."""
    subprocess.run([VENV_BIN / "recond", "init"], env=sh_env(url, instance), check=True,
                   capture_output=True)
    os.environ.update(sh_env(url, instance))
    from recond import create_app, public_id
    from recond.identity import accounts
    from recond.collection import deposits
    from recond.extensions import db

    app = create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        workshop = accounts.create_organisation("Atelier bench", "workshop")
        collector = accounts.create_organisation("Collecte bench", "collector")
        donor = accounts.create_organisation("Donateur bench", "donor")
        coordination = accounts.create_organisation("Coordination bench", "coordination")
        admin = accounts.create_user("coord@bench.test", role="coordinator",
                                     organisation=coordination, password="bench password")
        tech = accounts.create_user("tech@bench.test", role="technician", organisation=workshop,
                                    password="bench password")
        lot = deposits.create_deposit(admin, donor=donor, workshop=workshop, collector=collector)
        deposits.mark_collected(admin, lot)  # the workshop receives only collected deposits
        token = accounts.create_token(tech)
        db.session.commit()
        ids = dict(workshop=workshop.id, deposit=lot.id, tech=tech.id)
        from recond.lifecycle import chain
        secret = chain.key()  # the history is linked as the engine links it: verify-history passes

    pg_url = url.replace("postgresql+psycopg://", "postgresql://")
    seen: set[str] = set()
    while len(seen) < devices + spare:
        seen.add(public_id.generate())
    codes = list(seen)
    t0 = time.perf_counter()
    with psycopg.connect(pg_url) as conn:
        with conn.cursor() as cur:
            with cur.copy("COPY device (public_id, deposit_id, workshop_id, category, brand, model,"
                          " serial, serial_key, asset_tag, specs, status, cycle, version,"
                          " created_at, updated_at, status_since) FROM STDIN") as copy:
                for i, code in enumerate(codes):
                    status = "registered" if i >= devices else "received"
                    serial = f"5CG{i:09d}"
                    copy.write_row((code, ids["deposit"], ids["workshop"], "laptop", "Dell",
                                    "Latitude 5490", serial, serial, None, '{"ram_gb": 8}',
                                    status, 1, 1, "2026-01-01", "2026-01-01",
                                    # as the engine leaves it: since its last event
                                    "2026-01-02" if status == "received" else "2026-01-01"))
            first = cur.execute("select min(id) from device").fetchone()[0]
            with cur.copy("COPY device_event (device_id, action, from_status, to_status, actor_id,"
                          " organisation_id, at, payload, link) FROM STDIN") as copy:
                steps = [("register", None, "registered", datetime(2026, 1, 1)),
                         ("receive", "registered", "received", datetime(2026, 1, 2))]
                for i in range(len(codes)):
                    previous = chain.GENESIS
                    for action, source, target, at in steps[:2 if i < devices else 1]:
                        event = {"device_id": first + i, "action": action, "from_status": source,
                                 "to_status": target, "actor_id": ids["tech"],
                                 "organisation_id": ids["workshop"], "at": at, "payload": {}}
                        previous = chain.link(secret, previous, event)
                        copy.write_row((first + i, action, source, target, ids["tech"],
                                        ids["workshop"], at, "{}", previous))
        conn.commit()
        conn.autocommit = True
        conn.execute("ANALYZE")
    print(f"seeded {devices} devices (+{spare} for actions) with history "
          f"in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return token, codes[:devices], codes[devices:]


def reuse(url: str, instance: str) -> tuple[str, list[str], list[str]]:
    os.environ.update(sh_env(url, instance))
    from recond import create_app
    from recond.identity import accounts
    from recond.extensions import db
    from recond.models import Device, User

    with create_app().app_context():
        tech = db.session.scalar(db.select(User).where(User.email == "tech@bench.test"))
        token = accounts.create_token(tech)
        db.session.commit()
        # The technician's workshop only: seed.py spreads devices over many workshops, and a
        # scan of another's device answers 404. Any status scans; registered ones are received.
        mine = Device.workshop_id == tech.organisation_id
        codes = db.session.scalars(db.select(Device.public_id).where(
            mine, Device.status != "registered").limit(200_000)).all()
        spare = db.session.scalars(db.select(Device.public_id).where(
            mine, Device.status == "registered")).all()
    return token, list(codes), list(spare)


def allocations(url: str, instance: str, count: int) -> tuple[str, list[str]]:
    """What the allocate run needs, made through the app as a coordination would: a structure,
    its approved requests for laptops (500 a line, the most a line may ask), one beneficiary per
    allocation (a beneficiary holds one device), a price grid if none is in force, and `count`
    ready laptops of any workshop. Returns the coordinator's token and, per allocation, the
    device's ID with its JSON body. None found ready (scan_and_actions.py's own seed receives
    only): no allocate run."""
    os.environ.update(sh_env(url, instance))
    from recond import create_app
    from recond.categories import CATEGORIES, GRADES
    from recond.distribution import beneficiaries, equipment_requests, pricing
    from recond.extensions import db
    from recond.identity import accounts
    from recond.models import Allocation, Device, Organisation, Tier, User

    with create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}).app_context():
        coordinator = db.session.scalar(db.select(User).where(User.email == "coord@bench.test"))
        ready = db.session.scalars(db.select(Device.public_id).where(
            Device.status == "ready", Device.category == "laptop", Device.grade.is_not(None),
            ~db.select(Allocation.id).where(Allocation.device_id == Device.id).exists())
            .limit(count)).all()
        if coordinator is None or not ready:
            return "", []
        structure = db.session.scalar(db.select(User).where(User.email == "structure@bench.test"))
        if structure is None:
            org = accounts.create_organisation("Structure bench", "structure", insee_code="92025")
            structure = accounts.create_user("structure@bench.test", role="structure",
                                             organisation=org, password="bench password")
        if pricing.current_grid() is None:
            pricing.publish_grid(coordinator, [
                {"category": c, "grade": g, "tier": t, "amount_cents": 4000}
                for c in CATEGORIES for g in GRADES for t in Tier])
        lines = []
        for start in range(0, len(ready), equipment_requests.MAX_QUANTITY):
            quantity = min(equipment_requests.MAX_QUANTITY, len(ready) - start)
            request = equipment_requests.submit(structure, purpose="beneficiaries",
                                                lines=[("laptop", quantity)])
            equipment_requests.approve(coordinator, request)
            lines.append(request.lines[0].id)
        run = time.strftime("%Y%m%d%H%M%S")
        people = [beneficiaries.enrol(structure, f"BEN-{run}-{i}", Tier.MINIMA_SOCIAUX)
                  for i in range(len(ready))]
        db.session.flush()
        token = accounts.create_token(coordinator)
        db.session.commit()
        # consecutive requests name different lines: two workers rarely wait on one line's lock
        bodies = [json.dumps({"action": "allocate", "line_id": lines[i % len(lines)],
                              "beneficiary_id": person.id})
                  for i, person in enumerate(people)]
    return token, [f"{code}\t{body}" for code, body in zip(ready, bodies)]


def serve(url: str, instance: str, port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [VENV_BIN / "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=sh_env(url, instance))
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("gunicorn did not start")


LUA = r"""
-- each line of the file: a public ID, then for a POST the JSON body after a tab
local codes, token, method, n = {}, "%(token)s", "%(method)s", 0
for line in io.lines("%(codes)s") do codes[#codes + 1] = line end
local counter, stride = 1, 1
local threads = {}
function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end
function init(args)
  stride = %(threads)d
  counter = (offset or 0) + 1
end
function request()
  local code = codes[((counter - 1) %% #codes) + 1]
  counter = counter + stride
  local headers = { ["Authorization"] = "Bearer " .. token }
  if method == "POST" then
    local id, body = code:match("^([^\t]+)\t(.+)$")
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", "/api/v1/devices/" .. id .. "/actions", headers, body)
  end
  return wrk.format("GET", "%(path)s" .. code, headers)
end
"""


def run_wrk(port: int, seconds: int, connections: int, threads: int, script: str | None,
            path: str = "/healthz") -> dict:
    command = ["wrk", "--latency", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s"]
    if script:
        command += ["-s", script]
    output = subprocess.run(command + [f"http://127.0.0.1:{port}{path}"], capture_output=True,
                            text=True, check=True).stdout
    def ms(label):
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", output, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "p50": ms("50"), "p99": ms("99"),
            "requests": int(re.search(r"(\d+) requests in", output).group(1)),
            "non_2xx": int(errors.group(1)) if errors else 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--spare", type=int, default=40_000, help="registered devices for the POST run")
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--db-port", type=int, help="PostgreSQL's port, instead of the URL's")
    parser.add_argument("--database", default="recond_bench")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=15)
    # as many workers as cores: PostgreSQL shares the cores, more workers only queue
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--port", type=int, default=8765, help="where gunicorn listens")
    parser.add_argument("--allocations", type=int, default=10_000,
                        help="ready laptops allocated by the allocate run (seed.py's database)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--seed-only", action="store_true",
                       help="build the database and stop (then measure with --reuse)")
    group.add_argument("--reuse", action="store_true",
                       help="keep the database of a previous run (its registered devices feed the POST run)")
    args = parser.parse_args()
    if not shutil.which("wrk") and not args.seed_only:
        raise SystemExit("wrk is needed: apt-get install wrk")
    admin_url = with_port(args.admin_url, args.db_port)
    url = prepare_database(admin_url, args.database, fresh=not args.reuse)
    url = url.replace("postgresql://", "postgresql+psycopg://")
    instance = tempfile.mkdtemp(prefix="recond-bench-")
    try:
        if args.reuse:
            token, codes, spare = reuse(url, instance)
            args.devices = len(codes)
        else:
            token, codes, spare = seed(url, instance, args.devices, args.spare)
        if args.seed_only:
            print(f"seeded {args.database}: measure with --reuse", file=sys.stderr)
            return
        measure(args, url, instance, token, codes, spare)
    finally:
        shutil.rmtree(instance, ignore_errors=True)


def measure(args, url: str, instance: str, token: str, codes: list[str], spare: list[str]) -> None:
    if not spare:
        raise SystemExit("no registered device left for the POST run: seed again")
    work = Path(instance)
    random.shuffle(codes)
    allocator, allocate = allocations(url, instance, args.allocations)
    (work / "scan.txt").write_text("\n".join(codes[:50_000]) + "\n")
    (work / "post.txt").write_text("".join(f'{code}\t{{"action": "receive"}}\n' for code in spare))
    (work / "allocate.txt").write_text("".join(f"{line}\n" for line in allocate))
    threads = 2
    for name, method, who, path in (("scan", "GET", token, "/api/v1/scan?code="),
                                    ("post", "POST", token, ""), ("allocate", "POST", allocator, "")):
        (work / f"{name}.lua").write_text(LUA % {"token": who, "method": method, "threads": threads,
                                                  "codes": work / f"{name}.txt", "path": path})
    server = serve(url, instance, args.port, args.workers)
    try:
        run_wrk(args.port, 3, args.connections, threads, None)  # warm up every worker
        results = {
            "floor (GET /healthz)": run_wrk(args.port, args.seconds, args.connections, threads, None),
            "GET /api/v1/scan": run_wrk(args.port, args.seconds, args.connections, threads,
                                        str(work / "scan.lua"), "/"),
            "POST …/actions (receive)": run_wrk(args.port, args.seconds, args.connections, threads,
                                                str(work / "post.lua"), "/"),
        }
        if allocate:
            results["POST …/actions (allocate)"] = run_wrk(
                args.port, args.seconds, args.connections, threads, str(work / "allocate.lua"), "/")
            if results["POST …/actions (allocate)"]["requests"] > len(allocate):
                print("allocate: more requests than prepared allocations, raise --allocations",
                      file=sys.stderr)
        rss = worker_rss(server.pid)
    finally:
        server.terminate()
        server.wait()
    floor = results["floor (GET /healthz)"]
    print(f"\n{args.devices:,} devices, {args.connections} connections, {args.workers} gunicorn "
          f"workers, {args.seconds} s per run, {os.cpu_count()} cores\n")
    print("| endpoint | req/s | p50 ms | p99 ms | non-2xx | p99 / floor p99 | floor req/s / req/s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        slower = f"{floor['rps'] / r['rps']:.2f}" if r["rps"] else "—"  # none answered in time
        print(f"| {name} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['non_2xx']} "
              f"| {r['p99'] / floor['p99']:.2f} | {slower} |")
    print(f"\nweb workers' RSS after the run (MB): {', '.join(str(m) for m in rss)}")
    print(json.dumps(results), file=sys.stderr)


def worker_rss(arbiter: int) -> list[int]:
    """Each gunicorn worker's resident memory, in MB (its arbiter's children)."""
    found = []
    for task in Path(f"/proc/{arbiter}/task").iterdir():
        children = (task / "children").read_text().split() if (task / "children").exists() else []
        for pid in children:
            status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
            found.append(int(status["VmRSS"].split()[0]) // 1024)
    return found


if __name__ == "__main__":
    main()
