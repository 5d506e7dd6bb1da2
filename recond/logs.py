"""Application logs a deployer can use: one JSON object a line on stderr (systemd's journal, or
gunicorn's error log), with the request's id and the user's id when there is a request, and an
error's traceback.

What never enters a line: a form, a body or a query string (passwords and beneficiary
references travel there), the token of an invitation or reset link (`redact_path`), an
`extra` field whose name says secret (`SECRET_WORDS`). SQL parameters stay out of error texts
(`hide_parameters` in database.py). The request side — ids, the request line — is registered by
`blueprints/request_log.py`, which alone reads the request.
"""
from __future__ import annotations

import json
import logging
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Callable

SECRET_WORDS = ("password", "token", "secret", "reference", "otp", "code", "authorization",
                "cookie")
# Paths whose last part is a single-use secret (an invitation, a password reset).
_SECRET_PATHS = re.compile(r"^(/invitation/|/password/reset/)[^/]+")
# Fields of a log record itself, not `extra` given by the caller.
_RECORD_FIELDS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# gunicorn's access atoms worth keeping (never the query string, the referer or the cookies).
_ACCESS_ATOMS = {"h": "remote", "m": "method", "U": "path", "s": "status", "B": "bytes",
                 "a": "user_agent", "{x-request-id}o": "request_id"}

context_sources: list[Callable[[], dict]] = []  # the request's ids (blueprints/request_log.py)
_write_failed: ContextVar[bool] = ContextVar("recond_log_write_failed", default=False)


def redact_path(path: str) -> str:
    return _SECRET_PATHS.sub(r"\1…", path)


def _redacted(name: str, value):
    return "[redacted]" if any(word in name.lower() for word in SECRET_WORDS) else value


def _access_fields(atoms: dict) -> dict:
    """gunicorn's access atoms as fields (its escaping of quotes, made for its text format,
    undone); the path without an invitation's or a reset's token."""
    fields = {}
    for atom, name in _ACCESS_ATOMS.items():
        value = dict.get(atoms, atom)
        if value in (None, "-"):
            continue
        value = value.replace('\\"', '"') if isinstance(value, str) else value
        fields[name] = int(value) if name in ("status", "bytes") and str(value).isdigit() else value
    fields["path"] = redact_path(str(fields.get("path", "")))
    if str(dict.get(atoms, "D", "")).isdigit():  # microseconds
        fields["duration_ms"] = round(int(atoms["D"]) / 1000, 1)
    fields["message"] = f"{fields.get('method')} {fields['path']} {fields.get('status')}"
    return fields


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                 "level": record.levelname.lower(), "logger": record.name}
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            entry.update(_access_fields(record.args))
        else:
            entry["message"] = record.getMessage()
            for source in context_sources:
                entry.update(source())
            entry.update({name: _redacted(name, value) for name, value in vars(record).items()
                          if name not in _RECORD_FIELDS and not name.startswith("_")})
        if record.exc_info:
            entry["error"] = f"{record.exc_info[0].__name__}: {record.exc_info[1]}"
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class JsonHandler(logging.StreamHandler):
    """JSON lines on the process's stderr of the moment, noting when a line could not be written."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:  # StreamHandler sets it; stderr is read when writing
        pass

    def handleError(self, record: logging.LogRecord) -> None:
        # Not logging's default, which reports on stderr: stderr is what just failed.
        _write_failed.set(True)


def attach(logger: logging.Logger, level: int = logging.INFO) -> None:
    """Send this logger's lines (and its children's) as JSON to stderr, once."""
    if not any(isinstance(h, JsonHandler) for h in logger.handlers):
        logger.addHandler(JsonHandler())
    if logger.level == logging.NOTSET or logger.level > level:
        logger.setLevel(level)


def error(logger: logging.Logger, message: str, *args) -> bool:
    """Log an error with its traceback (call it while handling the exception); True only when
    a handler took the line and ours, if it was one, could write it — the error page then
    says "logged"."""
    if logger.disabled or not logger.isEnabledFor(logging.ERROR) or not _takers(logger):
        return False
    token = _write_failed.set(False)
    try:
        logger.exception(message, *args)
        return not _write_failed.get()
    finally:
        _write_failed.reset(token)


def _takers(logger: logging.Logger) -> list[logging.Handler]:
    found, current = [], logger
    while current is not None:
        found += [h for h in current.handlers if h.level <= logging.ERROR]
        if not current.propagate:
            break
        current = current.parent
    return found
