"""Guessing is slow: failed sign-ins (per account and per client address) and failed API
tokens (per address) are counted; past a few free tries each failure makes the next try wait
twice as long, and at the lock threshold the account or address is locked for a while.

Counters live in the `limits` storage (the engine under Flask-Limiter): Redis when
RECOND_REDIS_URL is set, so every gunicorn worker shares them; process memory otherwise, and
while Redis cannot be reached.
Waits are computed from `recond.clock`, so tests move the clock instead of sleeping; the
storage's own expiry only forgets counters a day after the last failure.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from limits.errors import StorageError
from limits.storage import storage_from_string

from recond import clock
from recond.errors import TooManyAttempts

log = logging.getLogger(__name__)
FORGET_AFTER_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Rule:
    free: int       # failures allowed before any wait
    lock_after: int  # failures that lock for the configured lock time

    def wait_seconds(self, failures: int, lock_seconds: int) -> int:
        if failures >= self.lock_after:
            return lock_seconds
        if failures <= self.free:
            return 0
        return min(2 ** (failures - self.free - 1), lock_seconds)


def _rules() -> dict[str, Rule]:
    lock_after = current_app.config["LOGIN_LOCK_AFTER"]
    # A whole office may share one address: it gets five times an account's allowance.
    return {"account": Rule(free=3, lock_after=lock_after),
            "address": Rule(free=10, lock_after=5 * lock_after),
            "token": Rule(free=10, lock_after=5 * lock_after)}


class _Counters:
    """The shared counters (Redis) or, while Redis cannot be reached, this process's memory:
    signing in keeps working through a Redis outage, each process counting on its own until
    Redis is back (guessing stays slowed, by each gunicorn worker instead of all together)."""

    def __init__(self, url: str | None) -> None:
        self.local = storage_from_string("memory://")
        self.shared = storage_from_string(url, wrap_exceptions=True, socket_connect_timeout=1,
                                          socket_timeout=2) if url else None

    def _call(self, method: str, *args, **kwargs):
        if self.shared is not None:
            try:
                return getattr(self.shared, method)(*args, **kwargs)
            except StorageError as error:
                log.warning("login counters unavailable in Redis, counting in memory: %s", error)
        return getattr(self.local, method)(*args, **kwargs)

    def get(self, key: str) -> int:
        return self._call("get", key)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return self._call("incr", key, expiry, amount=amount)

    def clear(self, key: str) -> None:
        self._call("clear", key)

    def reset(self) -> None:
        self.local.reset()
        if self.shared is not None:
            self.shared.reset()


def _storage() -> _Counters:
    url = current_app.config.get("REDIS_URL")
    counters = current_app.extensions.setdefault("recond.attempts", {})
    if url not in counters:
        counters[url] = _Counters(url)
    return counters[url]


def _key(scope: str, who: str, part: str) -> str:
    return f"recond:attempts:{scope}:{who.strip().lower()}:{part}"


def _now() -> int:
    return math.floor((clock.utcnow() - datetime(1970, 1, 1)).total_seconds())


def check(*keys: tuple[str, str]) -> None:
    """Raise TooManyAttempts while any (scope, who) must still wait."""
    storage = _storage()
    now = _now()
    waits = [storage.get(_key(scope, who, "until")) - now for scope, who in keys if who]
    longest = max([w for w in waits if w > 0], default=0)
    if longest:
        minutes = max(1, math.ceil(longest / 60))
        raise TooManyAttempts(
            _l("Too many failed attempts. Try again in %(n)s minute(s).", n=minutes),
            details={"retry_after_seconds": longest})


def failed(*keys: tuple[str, str]) -> bool:
    """Count a failure for each (scope, who); return True when one of them is now locked."""
    storage = _storage()
    rules = _rules()
    lock_seconds = current_app.config["LOGIN_LOCK_MINUTES"] * 60
    locked = False
    for scope, who in keys:
        if not who:
            continue
        failures = storage.incr(_key(scope, who, "failures"), FORGET_AFTER_SECONDS)
        wait = rules[scope].wait_seconds(failures, lock_seconds)
        if wait:
            until = _key(scope, who, "until")
            storage.clear(until)
            storage.incr(until, FORGET_AFTER_SECONDS, amount=_now() + wait)
        locked = locked or failures == rules[scope].lock_after
    return locked


def succeeded(scope: str, who: str) -> None:
    """The right secret: this account starts again from zero (its address does not)."""
    storage = _storage()
    storage.clear(_key(scope, who, "failures"))
    storage.clear(_key(scope, who, "until"))


def reset() -> None:
    """Forget every counter (tests, and an operator lifting every lock at once)."""
    _storage().reset()
