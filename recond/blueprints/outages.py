"""When a service Recond needs is away — the database (a restart, a failover) or Redis — the
answer is 503 with `Retry-After`, never a bare 500: JSON under /api, elsewhere a page in the
reader's language that renders without the database. That page is rendered straight from its
template, without the context processors: they would load the signed-in user, and fail again."""
from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from recond import database
from recond.blueprints.guard import wants_json

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30

_DATABASE_AWAY = ("database_unavailable",
                  _l("The database cannot be reached for a moment. Try again shortly."))
_REDIS_AWAY = ("service_unavailable",
               _l("A service Recond needs cannot be reached for a moment. Try again shortly."))


def plain_page(status: int, message) -> tuple[str, int]:
    """An error page that needs nothing but its template: no database, no signed-in user."""
    template = current_app.jinja_env.get_template("plain_error.html")
    return template.render(status=status, message=message, lang=str(get_locale() or "fr")), status


def _away(status: int, code: str, message):
    if wants_json():
        response = jsonify({"error": {"code": code, "message": str(message)}})
        response.status_code = status
        return response
    return plain_page(status, message)


def init_app(app: Flask) -> None:
    def database_away(error):
        database.rollback()
        log.warning("database unavailable: %s", str(error).splitlines()[0] if str(error) else error)
        return _away(503, *_DATABASE_AWAY)

    for away in database.AWAY:
        app.register_error_handler(away, database_away)

    @app.errorhandler(RedisConnectionError)
    @app.errorhandler(RedisTimeoutError)
    def redis_away(error):
        database.rollback()
        log.warning("redis unavailable: %s", error)
        return _away(503, *_REDIS_AWAY)

    @app.after_request
    def retry_after(response):
        # Every 503 is an outage that passes: say when to come back (clients, crawlers, proxies).
        if response.status_code == 503:
            response.headers.setdefault("Retry-After", str(RETRY_AFTER_SECONDS))
        return response
