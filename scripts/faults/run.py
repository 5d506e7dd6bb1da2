"""A fault run: Recond under steady load (gunicorn, rq workers, PostgreSQL, a Redis of its own)
while faults are injected one after the other; then every acknowledged write is checked.

    .venv/bin/python scripts/faults/run.py      # about four minutes; prints a Markdown report

It makes its own database (`recond_faults`) on the local PostgreSQL and starts its own
`redis-server` on port 6390 (append-only file in a temporary folder, as production should run
it), so it stops nothing anyone else uses. gunicorn (2 sync workers) and `recond worker` run as
a process manager would run them: the worker is restarted when it exits. Faults:

- database restart (stand-in): `pg_terminate_backend` of every Recond connection — the web's
  and the worker's, mid-import;
- Redis unreachable for 20 s (its server stopped, then started again on its files);
- the worker killed (SIGKILL) mid-import, then the import retried through the API;
- the worker stopped twice (cold shutdown: two SIGTERMs) mid-import, then retried;
- one gunicorn worker killed (SIGKILL);
- the worker stopped once (SIGTERM) mid-import: it finishes the import first.

The load: scans, single actions (`receive` on a new device each time), batches of 20 devices,
readiness probes — about 30 requests/s — and 12,000-row manifest imports around the faults.
"""
from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
DATABASE = "recond_faults"
DB_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DATABASE}"
REDIS_PORT, WEB_PORT = 6390, 8739
BASE = f"http://127.0.0.1:{WEB_PORT}"
DEVICES, IMPORT_ROWS, LONG_IMPORT_ROWS, RATE = 7000, 12_000, 60_000, 30


class Run:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.env = dict(os.environ, RECOND_DATABASE_URL=DB_URL, RECOND_INSTANCE_PATH=str(workdir),
                        RECOND_SECRET_KEY="faults-only", RECOND_REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/0",
                        RECOND_JOB_HEARTBEAT_SECONDS="2")
        self.log: list[tuple[float, str, int | str]] = []  # (time, kind, status or error)
        self.marks: list[tuple[float, str]] = []  # (time, what happened)
        self.acknowledged: set[str] = set()  # devices whose receive was answered as done
        self.batches: list[tuple[str, list[str]]] = []  # (job url, devices) answered 202
        self.imports: dict[int, int] = {}  # import id -> rows
        self.lock = threading.Lock()
        self.stop = threading.Event()  # the end: the supervisor stops restarting the worker
        self.load_stop = threading.Event()
        self.fresh: collections.deque[str] = collections.deque()
        self.processes: dict[str, subprocess.Popen] = {}
        self.worker_restarts = 0

    # --- the stack ------------------------------------------------------------------------------

    def setup(self) -> None:
        import psycopg

        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
        self.redis = subprocess.Popen(self._redis_command(), stdout=subprocess.DEVNULL)
        out = subprocess.run([sys.executable, str(Path(__file__).parent / "setup_data.py"), str(DEVICES)],
                             env=dict(self.env, RECOND_REDIS_URL=""), check=True, capture_output=True,
                             text=True).stdout.strip().splitlines()[-1]
        setup = json.loads(out)
        self.tech, self.collector, self.deposit = setup["tech"], setup["collector"], setup["deposit"]
        self.fresh.extend(setup["devices"])
        self.scan_ids = setup["devices"][:500]
        self.processes["web"] = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", "2", "--timeout", "60", "--bind", f"127.0.0.1:{WEB_PORT}",
             "wsgi:app"], cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
            stderr=(self.workdir / "gunicorn.log").open("w"))
        threading.Thread(target=self.supervise_worker, daemon=True).start()
        self.wait(lambda: self.get("/readyz", "probe") == 200, "the stack is ready")

    def _redis_command(self) -> list[str]:
        return ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "yes", "--dir", str(self.workdir)]

    def supervise_worker(self) -> None:
        """Restart=always, as systemd would (one second between restarts)."""
        while not self.stop.is_set():
            worker = subprocess.Popen([str(BIN / "recond"), "worker"], env=self.env, start_new_session=True,
                                      stdout=(self.workdir / "worker.log").open("a"), stderr=subprocess.STDOUT)
            self.processes["worker"] = worker
            worker.wait()
            if not self.stop.is_set():
                self.worker_restarts += 1
                self.mark(f"worker exited ({worker.returncode}); restarted by the supervisor")
                time.sleep(1)

    def teardown(self) -> None:
        self.stop.set()
        worker = self.processes.get("worker")
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=120)
        self.processes["web"].terminate()
        self.processes["web"].wait(timeout=60)
        self.redis.terminate()
        self.redis.wait(timeout=60)

    # --- requests -----------------------------------------------------------------------------------

    def request(self, method: str, path: str, kind: str, token: str | None = None, body=None,
                content_type: str = "application/json") -> tuple[int | str, dict | None]:
        data = json.dumps(body).encode() if content_type == "application/json" and body is not None else body
        headers = {"Content-Type": content_type, "Accept-Language": "en"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            with urllib.request.urlopen(urllib.request.Request(BASE + path, data=data, method=method,
                                                               headers=headers), timeout=60) as answer:
                status, raw = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        except OSError as error:
            status, raw = type(error).__name__, b""
        with self.lock:
            self.log.append((time.monotonic(), kind, status))
        try:
            return status, json.loads(raw) if raw[:1] == b"{" else None
        except ValueError:
            return status, None

    def get(self, path: str, kind: str) -> int | str:
        return self.request("GET", path, kind, self.tech)[0]

    def take(self, n: int) -> list[str]:
        with self.lock:
            return [self.fresh.popleft() for _ in range(min(n, len(self.fresh)))]

    def steady_load(self, lane: int) -> None:
        """RATE requests/s over three lanes: scans, single actions, probes; a batch now and then."""
        tick, n = 3 / RATE, 0
        next_at = time.monotonic()
        while not self.load_stop.is_set():
            n += 1
            if lane == 0:
                self.get(f"/api/v1/scan?code={self.scan_ids[n % len(self.scan_ids)]}", "scan")
            elif lane == 1:
                for device in self.take(1):
                    status, _ = self.request("POST", f"/api/v1/devices/{device}/actions", "action",
                                             self.tech, {"action": "receive"})
                    if status == 200:
                        with self.lock:
                            self.acknowledged.add(device)
            elif n % 30 == 0:
                devices = self.take(20)
                status, body = self.request("POST", "/api/v1/batch", "batch", self.tech,
                                            {"action": "receive", "devices": devices})
                with self.lock:
                    if status == 202:
                        self.batches.append((body["job"]["url"], devices))
                    elif status == 200:  # run inline (Redis away)
                        self.acknowledged.update(r["public_id"] for r in body["results"] if r["ok"])
            else:
                self.get("/readyz" if n % 2 else "/api/v1/me", "probe" if n % 2 else "me")
            next_at += tick
            time.sleep(max(0.0, next_at - time.monotonic()))

    # --- imports ----------------------------------------------------------------------------------

    def start_import(self, rows: int = IMPORT_ROWS) -> int:
        prefix = uuid.uuid4().hex[:6].upper()
        lines = ["N° de série;Type;Marque;RAM"] + [f"IMP{prefix}{i:06d};Portable;Dell;8 Go" for i in range(rows)]
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"lot.csv\"\r\n"
                f"Content-Type: text/csv\r\n\r\n" + "\n".join(lines) + f"\r\n--{boundary}--\r\n").encode()
        status, answer = self.request("POST", f"/api/v1/deposits/{self.deposit}/manifests", "upload",
                                      self.collector, body, f"multipart/form-data; boundary={boundary}")
        assert status == 201, (status, answer)
        import_id = answer["id"]
        self.imports[import_id] = rows
        self.commit_import(import_id)
        return import_id

    def commit_import(self, import_id: int) -> int | str:
        return self.request("POST", f"/api/v1/imports/{import_id}/commit", "commit", self.collector, {})[0]

    def import_state(self, import_id: int) -> dict:
        return self.request("GET", f"/api/v1/imports/{import_id}", "poll", self.collector)[1] or {}

    def running_import(self, rows: int = IMPORT_ROWS) -> int:
        import_id = self.start_import(rows)
        self.wait(lambda: (self.import_state(import_id).get("job") or {}).get("done"), "the import progressed")
        return import_id

    def retry_when_failed(self, import_id: int, what: str) -> None:
        state = self.wait(lambda: (s := self.import_state(import_id)).get("status") in ("failed", "committed")
                          and s, f"the import ended after {what}")
        if state["status"] == "committed":
            self.mark(f"import {import_id} committed before {what} could stop it")
            return
        self.mark(f"import {import_id} marked failed ({state['error']['code']}): "
                  f"{state['imported_rows']} rows imported; retried through the API")
        self.wait(lambda: self.commit_import(import_id) == 202, "the retry was queued")

    # --- bookkeeping --------------------------------------------------------------------------------

    def mark(self, what: str) -> None:
        self.marks.append((time.monotonic(), what))
        print(f"[{time.monotonic() - self.t0:6.1f} s] {what}", flush=True)

    def wait(self, condition, what: str, bound: float = 300):
        deadline = time.monotonic() + bound
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            time.sleep(0.2)
        raise SystemExit(f"never {what}")


def main() -> None:
    from phases import report, run_phases, verify

    workdir = Path(tempfile.mkdtemp(prefix="recond-faults-"))
    run = Run(workdir)
    run.t0 = time.monotonic()
    run.setup()
    run.log.clear()  # the load starts now; the setup's probes are not part of it
    run.mark("stack ready: gunicorn (2 workers), recond worker, PostgreSQL, redis-server :6390")
    lanes = [threading.Thread(target=run.steady_load, args=(lane,), daemon=True) for lane in range(3)]
    for lane in lanes:
        lane.start()
    try:
        phases = run_phases(run)
        run.load_stop.set()
        for lane in lanes:
            lane.join()
        outcome = verify(run)
    finally:
        run.teardown()
    print(report(run, phases, outcome))


if __name__ == "__main__":
    main()
