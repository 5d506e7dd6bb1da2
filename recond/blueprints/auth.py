"""Signing in (password, then the second factor when there is one) and out, the session
checks on every request, and choosing the interface language."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import (Blueprint, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length

from recond.identity import accounts, security_log, sign_in, two_factor
from recond.blueprints.guard import public, requires
from recond.errors import TooManyAttempts
from recond.extensions import db, login_manager
from recond.models import User
from recond.whole_numbers import whole_number

bp = Blueprint("auth", __name__)
_COOKIE_KEYS = ("epoch", "since", "seen")
# What a user who must enrol in two-factor sign-in may still reach before enrolling.
_BEFORE_ENROLMENT = {"auth.logout", "auth.choose_language", "account.two_factor",
                     "account.two_factor_enable", "static"}


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, number) if (number := whole_number(user_id)) is not None else None
    if user is None or not sign_in.session_valid(user, session):
        session.clear()  # ended, idle too long, or too old: the cookie is worth nothing now
        return None
    seen = sign_in.seen_now(session)
    if seen is not None:
        session["seen"] = seen
    return user


@bp.before_app_request
def require_enrolment():
    """Roles that must use two-factor sign-in are sent to enrol before anything else."""
    if request.path.startswith("/api/") or request.endpoint in _BEFORE_ENROLMENT:
        return None
    if current_user.is_authenticated and sign_in.needs_second_factor_enrolment(current_user):
        return redirect(url_for("account.two_factor"))
    return None


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class CodeForm(FlaskForm):
    code = StringField(_l("Code from your authenticator app, or a recovery code"),
                       validators=[DataRequired(), Length(max=20)])


def safe_next(target: str | None, fallback: str | None = None) -> str:
    """Only a path on this site: a `next` never sends anyone elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and not urlsplit(target).netloc:
        return target
    return fallback or url_for("home.index")


def _start_session(user: User, method: str) -> None:
    cookie = sign_in.signed_in(user, address=request.remote_addr, method=method)
    db.session.commit()
    session.clear()
    login_user(user)
    session.update(cookie)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = sign_in.check_password(form.email.data, form.password.data,
                                          address=request.remote_addr)
        except TooManyAttempts as refusal:
            flash(refusal.message, "error")
            return render_template("auth/login.html", form=form), 429
        if user is not None and user.totp_secret is not None:
            db.session.commit()
            session.clear()
            session["pending_2fa"] = {"user": user.id, "epoch": user.session_epoch}
            return redirect(url_for("auth.second_factor", next=request.args.get("next")))
        if user is not None:
            _start_session(user, "password")
            return redirect(safe_next(request.args.get("next")))
        db.session.commit()  # the failure stays in the security log
        flash(_l("Wrong e-mail or password."), "error")
        status = 401
    elif request.method == "POST":
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.route("/login/code", methods=["GET", "POST"])
@public
def second_factor():
    pending = session.get("pending_2fa") or {}
    user = db.session.get(User, pending.get("user", 0))
    if user is None or not user.active or pending.get("epoch") != user.session_epoch:
        session.pop("pending_2fa", None)
        return redirect(url_for("auth.login"))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        try:
            sign_in.check_second_factor(user, address=request.remote_addr)
        except TooManyAttempts as refusal:
            flash(refusal.message, "error")
            return render_template("auth/second_factor.html", form=form), 429
        if two_factor.verify(user, form.code.data, address=request.remote_addr):
            _start_session(user, "totp")
            return redirect(safe_next(request.args.get("next")))
        sign_in.second_factor_failed(user, address=request.remote_addr)
        db.session.commit()
        flash(_l("Wrong code."), "error")
        status = 401
    elif request.method == "POST":
        status = 422
    return render_template("auth/second_factor.html", form=form), status


@bp.route("/logout", methods=["POST"])
@requires("signed_in")
def logout():
    user = current_user._get_current_object()
    # Every session of this user ends, server-side: a copied cookie is refused too.
    accounts.end_sessions(user, actor=user)
    security_log.record("logout", actor=user, subject=user, address=request.remote_addr)
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>", methods=["POST"])
@public
def choose_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next(request.form.get("next")))
