"""The fault run's faults, one after the other under load; then the check of every
acknowledged write, and the report (Markdown, for docs/faults.md)."""
from __future__ import annotations

import collections
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from run import ADMIN_URL, DATABASE, LONG_IMPORT_ROWS, Run

QUIET_SECONDS = 15


@dataclass
class Phase:
    name: str
    start: float
    end: float = 0.0
    notes: list[str] = field(default_factory=list)


def _sql(query: str, *args) -> list[tuple]:
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{DATABASE}"
    with psycopg.connect(url, autocommit=True, application_name="fault injector") as conn:
        return conn.execute(query, args).fetchall()


def restart_database(run: Run, phase: Phase) -> None:
    import_id = run.running_import()
    killed = _sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                  "WHERE datname = %s AND application_name LIKE 'recond %%'", DATABASE)
    run.mark(f"{len(killed)} Recond connections terminated (web and worker), import {import_id} running")
    phase.notes.append(f"{len(killed)} connections killed mid-import")
    run.wait(lambda: run.import_state(import_id).get("status") == "committed", "the import committed")
    run.mark(f"import {import_id} committed after its retry")


def redis_away(run: Run, phase: Phase) -> None:
    run.redis.terminate()  # SIGTERM: the append-only file is flushed, nothing queued is lost
    run.redis.wait(timeout=60)
    run.mark("redis-server stopped")
    statuses = collections.Counter()
    prefix_import = None
    away_until = time.monotonic() + 20
    while time.monotonic() < away_until:
        if prefix_import is None:
            try:
                prefix_import = run.start_import()
            except AssertionError as error:  # the upload itself needs no Redis
                phase.notes.append(f"upload refused: {error}")
                prefix_import = -1
        elif prefix_import > 0:
            statuses[run.commit_import(prefix_import)] += 1
        time.sleep(2)
    phase.notes.append("import commits while away: " + ", ".join(f"{s} × {n}" for s, n in statuses.items()))
    run.redis = subprocess.Popen(run._redis_command(), stdout=subprocess.DEVNULL)
    run.mark("redis-server started again on its files")
    run.wait(lambda: (run.request("GET", "/readyz", "probe")[1] or {}).get("status") == "ok",
             "Redis reported back")
    run.mark("/readyz says ok again (it said degraded meanwhile)")
    if prefix_import and prefix_import > 0:
        run.wait(lambda: run.commit_import(prefix_import) in (202, 409), "the import queued")
        run.wait(lambda: run.import_state(prefix_import).get("status") == "committed", "the import committed")
        run.mark(f"import {prefix_import}, refused while Redis was away, committed")


def kill_worker(run: Run, phase: Phase) -> None:
    import_id = run.running_import()
    os.killpg(run.processes["worker"].pid, signal.SIGKILL)
    run.mark(f"worker killed (SIGKILL) during import {import_id}")
    run.retry_when_failed(import_id, "SIGKILL")
    run.wait(lambda: run.import_state(import_id).get("status") == "committed", "the import committed")
    run.mark(f"import {import_id} committed after the retry")


def cold_shutdown(run: Run, phase: Phase) -> None:
    import_id = run.running_import(LONG_IMPORT_ROWS)  # it outlasts the second between signals
    worker = run.processes["worker"]
    worker.send_signal(signal.SIGTERM)
    time.sleep(1.5)  # rq ignores a second signal within a second of the first
    worker.send_signal(signal.SIGTERM)
    run.mark(f"worker stopped twice (SIGTERM, SIGTERM) during import {import_id}")
    run.retry_when_failed(import_id, "a cold shutdown")
    run.wait(lambda: run.import_state(import_id).get("status") == "committed", "the import committed")
    run.mark(f"import {import_id} committed after the retry")


def kill_web_worker(run: Run, phase: Phase) -> None:
    master = run.processes["web"].pid
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    os.kill(int(children[0]), signal.SIGKILL)
    run.mark(f"gunicorn worker {children[0]} killed (SIGKILL)")
    time.sleep(QUIET_SECONDS)


def warm_shutdown(run: Run, phase: Phase) -> None:
    import_id = run.running_import(LONG_IMPORT_ROWS)
    worker = run.processes["worker"]
    worker.send_signal(signal.SIGTERM)
    run.mark(f"worker stopped once (SIGTERM) during import {import_id}")
    worker.wait(timeout=300)
    state = run.import_state(import_id)
    phase.notes.append(f"worker exit status {worker.returncode}; import {state.get('status')} "
                       f"with {state.get('imported_rows')} rows when it exited")
    run.mark(f"worker exited ({worker.returncode}); import {import_id} {state.get('status')}")


FAULTS = [("no fault (baseline)", lambda run, phase: time.sleep(QUIET_SECONDS)),
          ("database restart: every connection killed", restart_database),
          ("Redis unreachable for 20 s", redis_away),
          ("rq worker killed (SIGKILL) mid-import", kill_worker),
          ("rq worker stopped twice (cold shutdown) mid-import", cold_shutdown),
          ("a gunicorn worker killed (SIGKILL)", kill_web_worker),
          ("rq worker stopped once (SIGTERM) mid-import", warm_shutdown)]


def run_phases(run: Run) -> list[Phase]:
    phases = []
    for name, inject in FAULTS:
        phase = Phase(name, time.monotonic())
        run.mark(f"— {name}")
        inject(run, phase)
        time.sleep(5)  # load goes on a little after each fault, counted with it
        phase.end = time.monotonic()
        phases.append(phase)
    return phases


def verify(run: Run) -> dict:
    """Every batch job answered 202 finished; every acknowledged receive is in the database,
    once; every import committed all its rows, once."""
    lost_jobs = 0
    for url, devices in run.batches:
        def finished():
            status, body = run.request("GET", url, "poll", run.tech)
            return body if status == 200 and body["job"]["status"] in ("finished", "failed") else None
        body = run.wait(finished, f"batch job {url} ended")
        if body["job"]["status"] != "finished":
            lost_jobs += 1
            continue
        run.acknowledged.update(r["public_id"] for r in body["results"] if r["ok"])
    receives = dict(_sql("SELECT d.public_id, count(e.id) FROM device d LEFT JOIN device_event e "
                         "ON e.device_id = d.id AND e.action = 'receive' GROUP BY d.public_id"))
    status = dict(_sql("SELECT public_id, status FROM device"))
    imports = _sql("SELECT id, status, imported_rows FROM device_import ORDER BY id")
    serials = _sql("SELECT count(*), count(DISTINCT serial_key) FROM device WHERE serial LIKE 'IMP%%'")[0]
    return {
        "acknowledged": len(run.acknowledged),
        "lost": sum(1 for d in run.acknowledged if receives.get(d, 0) == 0 or status.get(d) != "received"),
        "applied_twice": sum(1 for n in receives.values() if n > 1),
        "received_unacknowledged": sum(1 for d, n in receives.items() if n and d not in run.acknowledged),
        "batch_jobs": len(run.batches), "lost_jobs": lost_jobs,
        "imports": [(i, s, n) for i, s, n in imports],
        "import_rows_expected": sum(run.imports.values()),
        "import_rows": serials[0], "import_rows_distinct": serials[1],
        "worker_restarts": run.worker_restarts,
    }


def report(run: Run, phases: list[Phase], outcome: dict) -> str:
    lines = ["| fault | requests | errors (kind: status × n) | last error after the fault | notes |",
             "|---|---:|---|---:|---|"]
    for phase in phases:
        window = [(t, kind, s) for t, kind, s in run.log if phase.start <= t < phase.end]
        errors = [(t, kind, s) for t, kind, s in window if not (isinstance(s, int) and s < 400)
                  and not (kind == "commit" and s in (202, 409))]
        counted = collections.Counter((kind, s) for _t, kind, s in errors)
        last = f"{errors[-1][0] - phase.start:.1f} s" if errors else "—"
        text = ", ".join(f"{kind}: {s} × {n}" for (kind, s), n in sorted(counted.items(), key=str)) or "none"
        lines.append(f"| {phase.name} | {len(window)} | {text} | {last} | {'; '.join(phase.notes)} |")
    seconds = run.log[-1][0] - run.log[0][0]
    lines += ["", f"Load: {len(run.log)} requests in {seconds:.0f} s ({len(run.log) / seconds:.0f}/s).",
              "", "Timeline:", ""]
    lines += [f"- {t - run.t0:6.1f} s — {what}" for t, what in run.marks]
    o = outcome
    lines += ["", "Data:", "",
              f"- acknowledged receives (single actions and batch results): {o['acknowledged']}; "
              f"missing from the database: {o['lost']}; applied twice: {o['applied_twice']}",
              f"- received although the answer was an error or never came: {o['received_unacknowledged']}",
              f"- batch jobs answered 202: {o['batch_jobs']}; not finished: {o['lost_jobs']}",
              f"- imports: {', '.join(f'{i} {s} {n}' for i, s, n in o['imports'])}; device rows from "
              f"imports {o['import_rows']} (distinct serials {o['import_rows_distinct']}, expected "
              f"{o['import_rows_expected']})",
              f"- worker restarts by the supervisor: {o['worker_restarts']}"]
    return "\n".join(lines)
