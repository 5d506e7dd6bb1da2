"""Configuration read from the environment; nothing secret lives in the code.

Unset variables fall back to the embedded default: an SQLite file and a secret key kept in
the instance folder, background jobs run inline.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path


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


def from_environment(instance_path: str) -> dict:
    env = os.environ
    database_url = env.get("RECOND_DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "recond.sqlite3")
    )
    # psycopg 3 is the driver we ship; accept the plain URLs people copy from their host.
    for prefix in ("postgres://", "postgresql://"):
        if database_url.startswith(prefix):
            database_url = "postgresql+psycopg://" + database_url[len(prefix):]
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": env.get("RECOND_REDIS_URL") or None,
        "SECRET_KEY": env.get("RECOND_SECRET_KEY") or _instance_secret(instance_path),
        "PUBLIC_URL": (env.get("RECOND_PUBLIC_URL") or "http://127.0.0.1:5000").rstrip("/"),
        "RQ_QUEUE": env.get("RECOND_QUEUE", "recond"),
        "PASSWORD_HASH_METHOD": "scrypt",
        "PRICE_FLOOR_CENTS": int(env.get("RECOND_PRICE_FLOOR_CENTS", "1000")),
        "BENEFICIARY_RETENTION_MONTHS": int(env.get("RECOND_BENEFICIARY_RETENTION_MONTHS", "24")),
        # The training that opens a release: held at most this many days before the
        # allocation, and lasting at least this many minutes (docs/configuration in README).
        "TRAINING_VALIDITY_DAYS": int(env.get("RECOND_TRAINING_VALIDITY_DAYS", "180")),
        "TRAINING_MIN_MINUTES": int(env.get("RECOND_TRAINING_MIN_MINUTES", "30")),
        "MAX_CONTENT_LENGTH": int(env.get("RECOND_MAX_UPLOAD_BYTES", str(16 * 1024 * 1024))),
        "API_MAX_JSON_BYTES": 64 * 1024,
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": env.get("RECOND_TIMEZONE", "Europe/Paris"),
        "LANGUAGES": ("fr", "en"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("RECOND_SECURE_COOKIES", "0") == "1",
        # A ping before every checkout costs a round-trip per request; recycling connections
        # covers server-side timeouts. Behind a pooler that drops connections, set PRE_PING=1.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_recycle": 1800,
                                      "pool_pre_ping": env.get("RECOND_DB_PRE_PING", "0") == "1"},
    }
