"""The request side of the logs (`recond.logs` writes them): an id for each request — sent back
as `X-Request-ID`, on every line the request logs, and on the error page — the signed-in user's
id, and one line per request: method, path, status, duration. Never its query string, form or
body."""
from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, g, has_request_context, request

from recond import logs

log = logging.getLogger("recond.request")
# An id a trusted proxy passes on (nginx's $request_id): kept when it looks like one.
_PASSED_ON = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_fields() -> dict:
    """The request's id and the user's id, for every line logged while it runs."""
    if not has_request_context() or "request_id" not in g:
        return {}
    actor = g.get("api_actor") or g.get("_login_user")  # never loads the user for a log line
    user_id = getattr(actor, "id", None)
    return {"request_id": g.request_id, **({"user_id": user_id} if user_id else {})}


def init_app(app: Flask) -> None:
    logs.attach(logging.getLogger("recond"))
    if request_fields not in logs.context_sources:
        logs.context_sources.append(request_fields)

    @app.before_request
    def name_the_request():
        passed_on = request.headers.get("X-Request-ID", "")
        trusted = app.config.get("PROXY_COUNT") and _PASSED_ON.fullmatch(passed_on)
        g.request_id = passed_on if trusted else uuid.uuid4().hex
        g.request_started = time.monotonic()

    @app.after_request
    def log_the_request(response):
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
            log.info("%s %s %s", request.method, logs.redact_path(request.path),
                     response.status_code, extra={
                         "method": request.method, "path": logs.redact_path(request.path),
                         "status": response.status_code,
                         "duration_ms": round((time.monotonic() - g.request_started) * 1000, 1)})
        return response
