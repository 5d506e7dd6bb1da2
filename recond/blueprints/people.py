"""People: the staff list with invitations, a person's role and deactivation, and each user's
own page (name and password)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from recond.identity import passwords, users
from recond import capabilities
from recond.blueprints.guard import current_actor, requires
from recond.blueprints.account_forms import (ChangePasswordForm, InviteForm, NameForm, RoleForm,
                                             refused_on_form)
from recond.errors import InvalidInput, NotPermitted
from recond.extensions import db
from recond.models import Role

bp = Blueprint("people", __name__)
# Structures' and workshops' people come in when they are managers (checked by the domain).


def _role_choices(actor, orgs) -> list:
    roles = {r for org in orgs for r in users.grantable_roles(actor, org)}
    return [(r.value, users.ROLE_LABELS[r]) for r in Role if r.value in roles]


def _keeper():
    actor = current_actor()
    if not users.manages_staff(actor):
        raise NotPermitted(_l("Only administrators, the coordination and managers manage people."))
    return actor


@bp.route("/users", methods=["GET", "POST"])
@requires("people.keep")
def index():
    actor = _keeper()
    orgs = users.organisations(actor)
    form = InviteForm()
    form.organisation.choices = [(o.id, o.name) for o in orgs]
    form.role.choices = _role_choices(actor, orgs)
    if form.validate_on_submit():
        user = users.invite(actor, email=form.email.data, role=form.role.data,
                            organisation_id=form.organisation.data, name=form.name.data or "",
                            manager=form.manager.data, lang=str(get_locale()))
        db.session.commit()
        flash(_l("Invitation sent to %(email)s (valid 72 hours).", email=user.email), "success")
        return redirect(url_for("people.index"))
    return render_template("people/index.html", form=form, role_labels=users.ROLE_LABELS,
                           people=db.session.scalars(users.visible_users(actor)).all()), \
        422 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires("people.keep")
def show(user_id: int):
    actor = _keeper()
    person = users.get_user(actor, user_id)
    form = RoleForm(obj=person)
    form.role.choices = _role_choices(actor, [person.organisation])
    if form.validate_on_submit():
        users.change_role(actor, person, role=form.role.data, manager=form.manager.data)
        db.session.commit()
        flash(_l("Saved."), "success")
        return redirect(url_for("people.show", user_id=person.id))
    return render_template("people/show.html", person=person, form=form,
                           role_labels=users.ROLE_LABELS, itself=person.id == actor.id,
                           # the security administration's "sign out everywhere"
                           may_sign_out=capabilities.can(actor, "security.admin") and person.active), \
        422 if form.errors else 200


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@requires("people.keep")
def set_active(user_id: int):
    actor = _keeper()
    person = users.get_user(actor, user_id)
    if request.form.get("active") == "1":
        users.reactivate(actor, person)
        flash(_l("%(email)s may sign in again.", email=person.email), "success")
    else:
        users.deactivate(actor, person)
        flash(_l("%(email)s is deactivated and signed out.", email=person.email), "success")
    db.session.commit()
    return redirect(url_for("people.show", user_id=person.id))


@bp.route("/users/<int:user_id>/invitation", methods=["POST"])
@requires("people.keep")
def resend(user_id: int):
    actor = _keeper()
    person = users.resend_invitation(actor, users.get_user(actor, user_id), lang=str(get_locale()))
    db.session.commit()
    flash(_l("Invitation sent to %(email)s (valid 72 hours).", email=person.email), "success")
    return redirect(url_for("people.show", user_id=person.id))


@bp.route("/account", methods=["GET", "POST"])
@requires("account.own")
def account():
    actor = current_actor()
    form = NameForm(obj=actor, prefix="name")
    if form.validate_on_submit():
        users.rename(actor, form.name.data)
        db.session.commit()
        flash(_l("Saved."), "success")
        return redirect(url_for("people.account"))
    return render_template("people/account.html", form=form, password_form=ChangePasswordForm(prefix="pw"),
                           policy=passwords.POLICY_TEXT), 422 if form.errors else 200


@bp.route("/account/password", methods=["POST"])
@requires("account.own")
def change_password():
    actor = current_actor()
    form = ChangePasswordForm(prefix="pw")
    if not form.validate():
        return render_template("people/account.html", form=NameForm(obj=actor, prefix="name"),
                               password_form=form, policy=passwords.POLICY_TEXT), 422
    try:
        users.change_own_password(actor, current=form.current.data, new=form.password.data,
                                  address=request.remote_addr)
    except InvalidInput as refusal:
        db.session.rollback()
        if refusal.code == "wrong_password":
            form.current.errors.append(refusal.message)
        elif not refused_on_form(form, refusal):
            raise
        return render_template("people/account.html", form=NameForm(obj=actor, prefix="name"),
                               password_form=form, policy=passwords.POLICY_TEXT), 422
    db.session.commit()
    flash(_l("Your password is changed: sign in with it."), "success")
    return redirect(url_for("auth.login"))
