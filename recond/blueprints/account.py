"""A user's own security: their API tokens and their two-factor sign-in."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length, Optional

from recond.identity import api_tokens
from recond.identity import two_factor as totp
from recond.blueprints.guard import current_actor, requires
from recond.extensions import db

bp = Blueprint("account", __name__, url_prefix="/account")


class TokenForm(FlaskForm):
    label = StringField(_l("Name"), validators=[DataRequired(), Length(max=api_tokens.MAX_LABEL)])
    expires_on = DateField(_l("Expires on (optional)"), validators=[Optional()])


class EnableForm(FlaskForm):
    code = StringField(_l("Code shown by your authenticator app"),
                       validators=[DataRequired(), Length(max=10)])


@bp.route("/tokens", methods=["GET", "POST"])
@requires("account.own")
def tokens():
    actor = current_actor()
    form = TokenForm()
    created = None
    status = 200
    if form.validate_on_submit():
        _token, created = api_tokens.create(actor, form.label.data, form.expires_on.data,
                                            address=request.remote_addr)
        db.session.commit()
        form = TokenForm(formdata=None)
    elif form.errors:
        status = 422
    return render_template("account/tokens.html", form=form, created=created,
                           tokens=api_tokens.tokens_of(actor), state=api_tokens.state), status


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@requires("account.own")
def revoke_token(token_id: int):
    token = api_tokens.revoke(current_actor(), token_id, address=request.remote_addr)
    db.session.commit()
    flash(_l("Token “%(label)s” revoked.", label=token.label), "success")
    back = request.form.get("back")
    return redirect(url_for("security_admin.tokens") if back == "admin" else url_for("account.tokens"))


@bp.route("/2fa", methods=["GET"])
@requires("account.own")
def two_factor():
    actor = current_actor()
    if actor.totp_secret is not None:
        return render_template("account/two_factor.html", enabled=True, required=totp.required_for(actor),
                               left=totp.recovery_codes_left(actor))
    # The proposed secret waits in the (signed) session until a code proves the app has it.
    secret = session.get("totp_pending") or totp.new_secret()
    session["totp_pending"] = secret
    uri = totp.provisioning_uri(actor, secret)
    return render_template("account/two_factor.html", enabled=False, required=totp.required_for(actor), secret=secret,
                           qr=totp.qr_svg_data_uri(uri), form=EnableForm())


@bp.route("/2fa/enable", methods=["POST"])
@requires("account.own")
def two_factor_enable():
    actor = current_actor()
    form = EnableForm()
    secret = session.get("totp_pending")
    if secret is None or not form.validate_on_submit():
        return redirect(url_for("account.two_factor"))
    codes = totp.enable(actor, secret, form.code.data, address=request.remote_addr)
    db.session.commit()
    session.pop("totp_pending", None)
    return render_template("account/recovery_codes.html", codes=codes)


@bp.route("/2fa/disable", methods=["POST"])
@requires("account.own")
def two_factor_disable():
    actor = current_actor()
    totp.disable(actor, actor, address=request.remote_addr)
    db.session.commit()
    flash(_l("Two-factor sign-in is off."), "success")
    return redirect(url_for("account.two_factor"))
