"""The pages a link from an e-mail opens, before anyone is signed in: accepting an invitation,
asking for a password reset, and choosing the new password."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from recond.identity import passwords, users
from recond.blueprints.guard import public
from recond.blueprints.account_forms import (ForgotForm, InvitationForm, NewPasswordForm,
                                             refused_on_form)
from recond.errors import InvalidInput
from recond.extensions import db

bp = Blueprint("account_links", __name__)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept(token: str):
    person = users.invited_by_link(token)
    form = InvitationForm(obj=person)
    if form.validate_on_submit():
        try:
            users.accept_invitation(token, password=form.password.data, name=form.name.data)
        except InvalidInput as refusal:
            db.session.rollback()  # the link is not spent
            if not refused_on_form(form, refusal):
                raise
        else:
            db.session.commit()
            flash(_l("Welcome: your password is set, sign in with it."), "success")
            return redirect(url_for("auth.login"))
    return render_template("account_links/invitation.html", form=form, person=person,
                           policy=passwords.POLICY_TEXT), 422 if form.errors else 200


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot():
    form = ForgotForm()
    if form.validate_on_submit():
        users.request_password_reset(form.email.data, lang=str(get_locale()),
                                     address=request.remote_addr)
        db.session.commit()
        # The same answer whether or not the address is known.
        flash(_l("If this address belongs to an account, a link to choose a new password is on "
                 "its way (valid one hour)."), "success")
        return redirect(url_for("account_links.forgot"))
    return render_template("account_links/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset(token: str):
    users.reset_by_link(token)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            users.reset_password(token, password=form.password.data)
        except InvalidInput as refusal:
            db.session.rollback()  # the link is not spent
            if not refused_on_form(form, refusal):
                raise
        else:
            db.session.commit()
            flash(_l("Your password is changed: sign in with it."), "success")
            return redirect(url_for("auth.login"))
    return render_template("account_links/reset.html", form=form,
                           policy=passwords.POLICY_TEXT), 422 if form.errors else 200
