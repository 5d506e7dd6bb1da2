"""Recond: a refurbishing chain for donated computers, from corporate donation to a
training-gated handover. `create_app` builds the Flask application."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, request, session
from flask.cli import AppGroup
from sqlalchemy import event
from sqlalchemy.engine import Engine

from recond.config import from_environment
from recond.extensions import Migrations, babel, csrf, db, login_manager

PACKAGE_DIR = Path(__file__).parent


def select_locale() -> str:
    from flask import has_request_context
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang") if not request.path.startswith("/api/") else None
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # SQLite checks foreign keys only when asked, per connection.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


class _Commands(AppGroup):
    """The app's command-line commands, registered when a command is first looked up: a web
    worker never imports the CLI, nor alembic, the demo and the backups behind it."""

    def __init__(self, app: Flask) -> None:
        super().__init__(app.name)
        self._app = app
        self._loaded = False

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            from recond.cli import register_commands

            register_commands(self._app)

    def get_command(self, ctx, name):
        self._load()
        return super().get_command(ctx, name)

    def list_commands(self, ctx):
        self._load()
        return super().list_commands(ctx)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    instance_path = os.environ.get("RECOND_INSTANCE_PATH") or None
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.cli = _Commands(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)
    if app.config.get("PROXY_COUNT"):
        # Trust exactly that many proxies' X-Forwarded-For / -Proto, and no client's.
        from werkzeug.middleware.proxy_fix import ProxyFix

        proxies = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    db.init_app(app)
    app.extensions["migrate"] = Migrations(db, str(PACKAGE_DIR / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(PACKAGE_DIR / "translations"))

    from recond import models  # noqa: F401  (register the tables)
    from recond.blueprints import register_blueprints

    register_blueprints(app)
    return app
