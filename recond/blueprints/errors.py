"""Every error becomes one clear answer in the reader's language: JSON under /api, a page
elsewhere. Domain errors map to their status here, and only here; nothing half-done is kept."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from recond import logs
from recond.blueprints import outages
from recond.blueprints.guard import Unauthenticated, wants_json
from recond.errors import DomainError, InvalidInput
from recond.extensions import db

log = logging.getLogger(__name__)

_HTTP_MESSAGES = {
    400: ("bad_request", _l("The request could not be understood.")),
    401: ("unauthenticated", _l("Sign in first.")),
    403: ("forbidden", _l("You may not do this.")),
    404: ("not_found", _l("This page does not exist, or is not yours to see.")),
    405: ("method_not_allowed", _l("This method is not allowed here.")),
    409: ("conflict", _l("Someone else changed this meanwhile. Reload and try again.")),
    413: ("too_large", _l("What you sent is too large.")),
    422: ("invalid", _l("Some values are wrong.")),
    500: ("server_error", _l("Something went wrong on our side. It has been logged.")),
}
_UNLOGGED_500 = ("server_error", _l("Something went wrong on our side."))


def error_response(status: int, code: str, message, details: dict | None = None):
    if wants_json():
        body = {"error": {"code": code, "message": str(message)}}
        if details:
            body["error"]["details"] = details
        response = jsonify(body)
        response.status_code = status
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="recond"'
        return response
    return render_template("error.html", status=status, message=message, details=details), status


def _carries_nul() -> bool:
    """A NUL character anywhere a value can come from: PostgreSQL refuses it in text, and no
    field of Recond has a use for it. Checked once here, before any view parses anything."""
    if "\x00" in request.path or any("\x00" in k or "\x00" in v
                                      for k, v in request.args.items(multi=True)):
        return True
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return any("\x00" in k or "\x00" in v for k, v in request.form.items(multi=True)) \
            or any("\x00" in k or "\x00" in (f.filename or "")  # a file's name is kept
                   for k, f in request.files.items(multi=True))
    if request.is_json:
        body = request.get_data(cache=True)
        return b"\x00" in body or b"\\u0000" in body.lower()
    return False


def _with_allow(error: HTTPException, answer):
    """A 405 names the methods the URL takes, in `Allow` (RFC 9110), whatever the body."""
    response = make_response(answer)
    if getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters():
        if _carries_nul():
            raise InvalidInput(_l("What you sent contains a NUL character, which no field "
                                  "accepts."), code="nul_character")

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        return error_response(error.status, error.code, error.message, error.details)

    @app.errorhandler(Unauthenticated)
    def unauthenticated(_error):
        db.session.rollback()
        if wants_json():
            return error_response(401, *_HTTP_MESSAGES[401])
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        db.session.rollback()
        return error_response(400, "csrf", _l("The form expired or did not come from Recond. "
                                              "Reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        code, message = _HTTP_MESSAGES.get(error.code, (error.name.lower().replace(" ", "_"),
                                                        error.description))
        return _with_allow(error, error_response(error.code or 500, code, message))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()
        logged = logs.error(log, "unexpected error on %s %s", request.method,
                            logs.redact_path(request.path))
        code, message = _HTTP_MESSAGES[500] if logged else _UNLOGGED_500
        if wants_json():
            return error_response(500, code, message)
        return outages.plain_page(500, message)  # whatever broke, it renders
