"""The HTTP servers Recond ships with: gunicorn in production (`gunicorn wsgi:app`) and
Werkzeug's for `recond serve`. Neither announces itself: no `Server` header naming a product
and its version for someone to look up in a list of known flaws."""
from __future__ import annotations

from werkzeug.serving import WSGIRequestHandler


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler, without its `Server: Werkzeug/… Python/…` header."""

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() != "server":
            super().send_header(keyword, value)


def quiet_gunicorn() -> None:
    """gunicorn writes `Server: gunicorn` on every answer and has no setting to stop it: its
    response's default headers are taken without that line. Called where gunicorn loads the
    app (wsgi.py), so that any gunicorn configuration gets it."""
    try:
        from gunicorn.http import wsgi
    except ImportError:  # served by something else
        return
    original = wsgi.Response.default_headers
    if getattr(original, "recond_quiet", False):
        return

    def default_headers(self) -> list[str]:
        return [line for line in original(self) if not line.lower().startswith("server:")]

    default_headers.recond_quiet = True
    wsgi.Response.default_headers = default_headers
