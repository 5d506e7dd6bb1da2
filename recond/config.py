"""Configuration read from the environment; nothing secret lives in the code.

Unset variables fall back to the embedded default: an SQLite file and a secret key kept in
the instance folder, background jobs run inline. A variable set to something we cannot use
raises `ConfigError`: one line naming the variable and what it expects, never a traceback.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from recond import database


class ConfigError(ValueError):
    """A RECOND_* variable holds a value we cannot use. Its text is one line for the operator."""


def whole_number(name: str, default: int, minimum: int = 0, unit: str = "") -> int:
    """An integer variable, refused with its name when it is not a whole number >= minimum."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        value = None
    if value is None or value < minimum:
        expected = f"a whole number{' of ' + unit if unit else ''}, at least {minimum}"
        raise ConfigError(f"{name}={raw!r} is not valid: expected {expected} (default {default}).")
    return value


def flag(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name, "").strip()
    if raw not in ("", "0", "1"):
        raise ConfigError(f"{name}={raw!r} is not valid: expected 1 (on) or 0 (off).")
    return default if raw == "" else raw == "1"


def _timezone(name: str, default: str) -> str:
    value = os.environ.get(name) or default
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{name}={value!r} is not valid: expected a time zone such as "
                          f"Europe/Paris.") from None
    return value


def _smtp_url(name: str) -> str | None:
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    try:
        parts.port
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError(f"{name} is not valid: expected smtp://user:password@host:587 (STARTTLS) "
                          f"or smtps://user:password@host:465.")
    return raw


def _roles(name: str) -> frozenset[str]:
    from recond.models.user import Role

    raw = [r.strip() for r in os.environ.get(name, "").split(",") if r.strip()]
    unknown = [r for r in raw if r not in set(Role)]
    if unknown:
        raise ConfigError(f"{name}={os.environ[name]!r} is not valid: expected roles separated by "
                          f"commas among {', '.join(Role)}.")
    return frozenset(raw)


def _battery_minimums(name: str, default: dict[str, int]) -> dict[str, int]:
    """`A:80,B:70,C:50`: the least battery health, in percent, each cosmetic grade accepts.
    Grades left out keep their default; a better grade never asks for less than a lower one."""
    raw = os.environ.get(name, "").strip()
    values = dict(default)
    try:
        for part in filter(None, (p.strip() for p in raw.split(","))):
            grade, _, percent = part.partition(":")
            grade, percent = grade.strip().upper(), int(percent.strip())
            if grade not in default or not 0 <= percent <= 100:
                raise ValueError
            values[grade] = percent
    except ValueError:
        values = {}
    ordered = [values.get(g) for g in default]
    if not values or ordered != sorted(ordered, reverse=True):
        example = ",".join(f"{g}:{p}" for g, p in default.items())
        raise ConfigError(f"{name}={raw!r} is not valid: expected grades and percentages such as "
                          f"{example}, from 0 to 100, never higher for a lower grade.")
    return values


def _seconds_list(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """`30,120,480`: pauses in seconds, whole numbers from 0, at most 20 of them."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        values = tuple(int(part.strip()) for part in raw.split(","))
    except ValueError:
        values = ()
    if not values or len(values) > 20 or any(v < 0 for v in values):
        example = ",".join(str(v) for v in default)
        raise ConfigError(f"{name}={raw!r} is not valid: expected pauses in seconds separated by "
                          f"commas, such as {example} (at most 20, each at least 0).")
    return values


def _instance_secret(instance_path: str) -> str:
    """Generate the secret key once and keep it beside the SQLite file, readable by us only."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def _database_url(url: str) -> str:
    # psycopg 3 is the driver we ship; accept the plain URLs people copy from their host.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def from_environment(instance_path: str) -> dict:
    env = os.environ
    database_url = _database_url(env.get("RECOND_DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "recond.sqlite3")
    ))
    public_url = (env.get("RECOND_PUBLIC_URL") or "http://127.0.0.1:5000").rstrip("/")
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        # The owner's URL, for the migrations (and restore); the application runs as
        # RECOND_DATABASE_URL's user, or RECOND_APP_DB_ROLE, granted its rights by the
        # migrations (recond/database_roles.py). Unset: the migrations run as the application.
        "MIGRATION_DATABASE_URI": _database_url(env.get("RECOND_MIGRATION_DATABASE_URL") or "") or None,
        "APP_DB_ROLE": env.get("RECOND_APP_DB_ROLE") or None,
        # The history's links are keyed with this, or with SECRET_KEY when unset
        # (recond/lifecycle/chain.py): keep the old secret here when rotating SECRET_KEY.
        "HISTORY_KEY": env.get("RECOND_HISTORY_KEY") or None,
        "REDIS_URL": env.get("RECOND_REDIS_URL") or None,
        "SECRET_KEY": env.get("RECOND_SECRET_KEY") or _instance_secret(instance_path),
        "PUBLIC_URL": public_url,
        # Unset: each message is written to instance/outbox/ as an .eml file.
        "SMTP_URL": _smtp_url("RECOND_SMTP_URL"),
        "MAIL_FROM": env.get("RECOND_MAIL_FROM") or f"Recond <recond@{urlsplit(public_url).hostname}>",
        "RQ_QUEUE": env.get("RECOND_QUEUE", "recond"),
        "PASSWORD_HASH_METHOD": "scrypt",
        "PRICE_FLOOR_CENTS": whole_number("RECOND_PRICE_FLOOR_CENTS", 1000, 1, "cents"),
        "BENEFICIARY_RETENTION_MONTHS": whole_number("RECOND_BENEFICIARY_RETENTION_MONTHS", 24, 1,
                                                     "months"),
        "MAX_CONTENT_LENGTH": whole_number("RECOND_MAX_UPLOAD_BYTES", 16 * 1024 * 1024, 1024, "bytes"),
        # A running job beats this often; four missed beats and its worker is taken for dead.
        "JOB_HEARTBEAT_SECONDS": whole_number("RECOND_JOB_HEARTBEAT_SECONDS", 15, 1, "seconds"),
        # The training that opens a release: held at most this many days before the
        # allocation, and lasting at least this many minutes.
        "TRAINING_VALIDITY_DAYS": whole_number("RECOND_TRAINING_VALIDITY_DAYS", 180, 1, "days"),
        "TRAINING_MIN_MINUTES": whole_number("RECOND_TRAINING_MIN_MINUTES", 30, 1, "minutes"),
        # Grading: the least battery health each cosmetic grade accepts (devices with a
        # battery); below the lowest, the device goes to repair (a new battery) or to parts.
        "GRADE_BATTERY_MIN": _battery_minimums("RECOND_GRADE_BATTERY_MIN",
                                               {"A": 80, "B": 70, "C": 50}),
        "API_MAX_JSON_BYTES": 64 * 1024,
        # Sessions of staff handling personal data: ended after this long without a request,
        # and this long after signing in whatever happens.
        "SESSION_IDLE_MINUTES": whole_number("RECOND_SESSION_IDLE_MINUTES", 30, 1, "minutes"),
        "SESSION_MAX_HOURS": whole_number("RECOND_SESSION_MAX_HOURS", 12, 1, "hours"),
        "SECURITY_LOG_RETENTION_DAYS": whole_number("RECOND_SECURITY_LOG_RETENTION_DAYS", 365, 1,
                                                    "days"),
        "LOGIN_LOCK_AFTER": whole_number("RECOND_LOGIN_LOCK_AFTER", 10, 2, "failures"),
        "LOGIN_LOCK_MINUTES": whole_number("RECOND_LOGIN_LOCK_MINUTES", 15, 1, "minutes"),
        "REQUIRE_2FA_ROLES": _roles("RECOND_REQUIRE_2FA_ROLES"),
        # How many reverse proxies stand in front of gunicorn: the client address (the login
        # guard, the security log) and scheme are then read from the X-Forwarded-For and
        # X-Forwarded-Proto headers they add. 0: those headers are ignored (anyone can send them).
        "PROXY_COUNT": whole_number("RECOND_PROXY_COUNT", 0, 0, "proxies"),
        # Webhooks (docs/webhooks.md): the pauses before each new try of a failed delivery
        # (exponential: 30 s, 2 min, 8 min, 32 min, 2 h 8 min, 8 h 32 min), how long one try
        # waits for the receiver, and whether http:// and private or loopback addresses are
        # accepted (tests, a receiver on the same machine; never on a public instance).
        "WEBHOOK_RETRY_SECONDS": _seconds_list("RECOND_WEBHOOK_RETRY_SECONDS",
                                               (30, 120, 480, 1920, 7680, 30720)),
        "WEBHOOK_TIMEOUT_SECONDS": whole_number("RECOND_WEBHOOK_TIMEOUT_SECONDS", 5, 1, "seconds"),
        "WEBHOOK_ALLOW_LOCAL": flag("RECOND_WEBHOOK_ALLOW_LOCAL"),
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": _timezone("RECOND_TIMEZONE", "Europe/Paris"),
        "LANGUAGES": ("fr", "en"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": flag("RECOND_SECURE_COOKIES"),
        # Pooled connections survive a database restart or failover (recond.database).
        "SQLALCHEMY_ENGINE_OPTIONS": database.engine_options(flag("RECOND_DB_PRE_PING", True)),
    }
