"""Whether this instance can serve requests now: what a load balancer's readiness probe asks
(`/readyz`); `/healthz` stays the liveness probe (the process answers), which no outage of
another service changes.

The database decides: without it nothing can be served, and the probe fails. Redis, when
background jobs use it, is checked and reported but does not fail the probe: without it
Recond still serves everything but large background work (small jobs run in the request,
imports answer 503 until it is back), and every instance shares the one Redis — failing them
all would turn a degraded service into no service. Monitor the `redis` check, or Redis itself.

Each check gives up after `PROBE_SECONDS`, so a probe gets its answer before the load
balancer's own timeout even when a host swallows packets."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError

from recond import database
from recond.extensions import db

PROBE_SECONDS = 2.0


@dataclass(frozen=True)
class Readiness:
    # {"database": "ok" | "unreachable" | "timeout", "redis": the same, or "not configured"}
    checks: dict[str, str]

    @property
    def ready(self) -> bool:
        return self.checks["database"] == "ok"

    @property
    def status(self) -> str:
        """"ok", "degraded" (ready, Redis away) or "unavailable" (not ready)."""
        if not self.ready:
            return "unavailable"
        return "ok" if self.checks["redis"] in ("ok", "not configured") else "degraded"


def check() -> Readiness:
    return Readiness({"database": database.answers(db.engine, PROBE_SECONDS), "redis": _redis()})


def _redis() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "not configured"
    client = Redis.from_url(url, socket_connect_timeout=PROBE_SECONDS, socket_timeout=PROBE_SECONDS)
    try:
        client.ping()
        return "ok"
    except (RedisError, OSError):
        return "unreachable"
    finally:
        client.close()
