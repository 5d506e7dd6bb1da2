"""Administrators' security pages: the security log with its filters, every API token,
and signing a user out everywhere."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from recond.identity import accounts, api_tokens, security_log
from recond.blueprints.guard import current_actor, requires
from recond.errors import InvalidInput, NotFound
from recond.extensions import db
from recond.models import User

bp = Blueprint("security_admin", __name__, url_prefix="/admin")


def _date(name: str) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(_l("“%(value)s” is not a date (YYYY-MM-DD).", value=raw)) from None


@bp.route("/security-log")
@requires("security.admin")
def log():
    kind = request.args.get("kind", "")
    if kind and kind not in security_log.KINDS:
        raise InvalidInput(_l("Unknown event kind “%(kind)s”.", kind=kind))
    page = request.args.get("page", "1")
    filters = security_log.Filters(kind=kind, user=request.args.get("user", "")[:254],
                                   since=_date("since"), until=_date("until"),
                                   page=int(page) if page.isdigit() else 1)
    events, total = security_log.search(filters)
    return render_template("admin/security_log.html", events=events, total=total, filters=filters,
                           kinds=security_log.KINDS, page_size=security_log.PAGE_SIZE)


@bp.route("/tokens")
@requires("security.admin")
def tokens():
    return render_template("admin/tokens.html", tokens=api_tokens.all_tokens(current_actor()),
                           state=api_tokens.state)


@bp.route("/users/<int:user_id>/sign-out", methods=["POST"])
@requires("security.admin")
def sign_out_everywhere(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("No such user."))
    accounts.end_sessions(user, actor=current_actor())
    db.session.commit()
    flash(_l("%(email)s is signed out everywhere.", email=user.email), "success")
    return redirect(request.referrer if (request.referrer or "").startswith(request.host_url)
                    else url_for("security_admin.tokens"))
