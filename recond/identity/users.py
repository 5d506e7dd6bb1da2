"""People's accounts as their organisations manage them: who may manage whose staff, inviting
by e-mail, changing a role, deactivating and reactivating; and what a person does for
themselves: accepting an invitation, resetting a forgotten password, changing their password
and name.

Who manages whom: administrators everyone; the coordination the structures' and collection
partners' staff; a structure's or workshop's manager their own organisation's staff. Someone
outside that scope is not found (404), exactly as a guessed URL.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, false, select, true
from werkzeug.security import check_password_hash, generate_password_hash

from recond import capabilities, mail
from recond.identity import account_links, accounts, passwords, security_log
from recond.errors import InvalidInput, NotFound, NotPermitted, Refused
from recond.extensions import db
from recond.models import Organisation, OrganisationKind, Role, User

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"), Role.COORDINATOR: _l("Coordinator"),
    Role.COLLECTOR: _l("Collection"), Role.TECHNICIAN: _l("Technician"),
    Role.STRUCTURE: _l("Structure staff"), Role.DONOR: _l("Donor company"),
}
INVITATION_PATH = "/invitation/"
RESET_PATH = "/password/reset/"


def manages_staff(actor: User) -> bool:
    return capabilities.can(actor, "people.keep_everyone") or \
        capabilities.can(actor, "people.keep_partners") or \
        (actor.manager and capabilities.can(actor, "people.keep_own_staff"))


def organisation_scope(actor: User) -> ColumnElement[bool]:
    """The organisations whose people `actor` manages."""
    if capabilities.can(actor, "people.keep_everyone"):
        return true()
    if capabilities.can(actor, "people.keep_partners"):
        return Organisation.kind.in_([OrganisationKind.STRUCTURE, OrganisationKind.COLLECTOR])
    if actor.manager and capabilities.can(actor, "people.keep_own_staff"):
        return Organisation.id == actor.organisation_id
    return false()


def organisations(actor: User) -> list[Organisation]:
    return db.session.scalars(select(Organisation)
                              .where(organisation_scope(actor), Organisation.active.is_(True))
                              .order_by(Organisation.name)).all()


def visible_users(actor: User):
    return (select(User).join(User.organisation).where(organisation_scope(actor))
            .order_by(Organisation.name, User.email))


def get_user(actor: User, user_id: int, *, lock: bool = False) -> User:
    query = visible_users(actor).where(User.id == user_id)
    if lock:
        query = query.with_for_update(of=User)
    user = db.session.scalar(query)
    if user is None:
        raise NotFound(_l("No such user in what you may manage."))
    return user


def grantable_roles(actor: User, org: Organisation) -> list[str]:
    """The roles `actor` may give someone of `org`: the one its kind calls for, and
    administrator in a coordination for administrators only."""
    role = next((r for r, kind in accounts.ROLE_KINDS.items() if kind == org.kind), None)
    roles = [role] if role else []
    if capabilities.can(actor, "people.keep_everyone") and org.kind == OrganisationKind.COORDINATION:
        roles.append(Role.ADMIN)
    return [str(r) for r in roles]


def _organisation(actor: User, organisation_id: int) -> Organisation:
    org = db.session.scalar(select(Organisation).where(Organisation.id == organisation_id,
                                                       organisation_scope(actor)))
    if org is None:
        raise NotFound(_l("No such organisation in what you may manage."))
    if not org.active:
        raise Refused(_l("%(name)s is deactivated.", name=org.name))
    return org


def _check_role(actor: User, org: Organisation, role: str, manager: bool) -> None:
    if role not in grantable_roles(actor, org):
        raise InvalidInput(_l("Someone of %(name)s may not have this role.", name=org.name),
                           code="role_not_allowed")
    if manager and role not in capabilities.roles("people.keep_own_staff"):
        raise InvalidInput(_l("Only structures and workshops have managers."), code="role_not_allowed")


def invite(actor: User, *, email: str, role: str, organisation_id: int, name: str = "",
           manager: bool = False, lang: str = "fr") -> User:
    """Create the account without a password and e-mail a link (valid 72 hours) to choose one."""
    if not manages_staff(actor):
        raise NotPermitted(_l("Your role may not invite anyone."))
    org = _organisation(actor, organisation_id)
    _check_role(actor, org, role, manager)
    user = accounts.create_user(email, role=role, organisation=org, password=None, name=name)
    user.manager = manager
    _send_invitation(actor, user, lang)
    return user


def resend_invitation(actor: User, user: User, *, lang: str = "fr") -> User:
    user = get_user(actor, user.id, lock=True)
    if not user.invited:
        raise Refused(_l("%(email)s has already chosen a password.", email=user.email))
    _send_invitation(actor, user, lang)
    return user


def _send_invitation(actor: User, user: User, lang: str) -> None:
    token = account_links.issue(user, account_links.INVITATION)
    mail.queue(mail.compose(user.email, "invitation", lang=lang, user=user, inviter=actor,
                            link=_url(INVITATION_PATH + token)))
    security_log.record("invitation_sent", actor=actor, subject=user,
                        organisation_id=user.organisation_id, details={"role": user.role})


def change_role(actor: User, user: User, *, role: str, manager: bool = False) -> User:
    user = get_user(actor, user.id, lock=True)
    if user.id == actor.id:
        raise Refused(_l("You may not change your own role."))
    _check_role(actor, user.organisation, role, manager)
    before = {"role": user.role, "manager": user.manager}
    user.role, user.manager = role, manager
    db.session.flush()
    security_log.record("role_changed", actor=actor, subject=user,
                        organisation_id=user.organisation_id,
                        details={"from": before, "to": {"role": role, "manager": manager}})
    return user


def deactivate(actor: User, user: User) -> User:
    """The person signs in no more and their sessions end; what they did stays theirs."""
    user = get_user(actor, user.id, lock=True)
    if user.id == actor.id:
        raise Refused(_l("You may not deactivate your own account."))
    if user.active:
        user.active = False
        db.session.flush()
        accounts.end_sessions(user, actor=actor)
        security_log.record("user_deactivated", actor=actor, subject=user,
                            organisation_id=user.organisation_id)
    return user


def reactivate(actor: User, user: User) -> User:
    user = get_user(actor, user.id, lock=True)
    if not user.active:
        user.active = True
        db.session.flush()
        security_log.record("user_reactivated", actor=actor, subject=user,
                            organisation_id=user.organisation_id)
    return user


# --- what a person does for themselves ----------------------------------------------------------

def invited_by_link(token: str) -> User:
    return account_links.peek(token, account_links.INVITATION)


def accept_invitation(token: str, *, password: str, name: str = "") -> User:
    user = account_links.spend(token, account_links.INVITATION)
    if name.strip():
        user.name = name.strip()[:200]
    _set_password(user, password)
    security_log.record("invitation_accepted", actor=user, subject=user,
                        organisation_id=user.organisation_id)
    return user


def request_password_reset(email: str, *, lang: str = "fr", address: str | None = None) -> None:
    """E-mail a reset link (valid one hour) when the address is an active account's. The caller
    says the same thing either way; the message is composed either way, so both take as long."""
    email = (email or "").strip().lower()
    user = db.session.scalar(select(User).where(User.email == email))
    known = user is not None and user.is_active
    token = account_links.issue(user, account_links.RESET) if known else "-"
    message = mail.compose(user.email if known else "nobody@invalid", "password_reset", lang=lang, user=user,
                           link=_url(RESET_PATH + token))
    if known:
        mail.queue(message)
    details = {"known": True} if known else {"known": False, **security_log.typed_email(email)}
    security_log.record("password_reset_requested", subject=user if known else None,
                        address=address, details=details)


def reset_by_link(token: str) -> User:
    return account_links.peek(token, account_links.RESET)


def reset_password(token: str, *, password: str) -> User:
    user = account_links.spend(token, account_links.RESET)
    if not user.is_active:
        raise NotFound(_l("This link is no longer valid: it expired or was already used. "
                          "Ask for a new one."), code="link_invalid")
    _set_password(user, password)
    accounts.end_sessions(user, actor=user)
    security_log.record("password_reset", actor=user, subject=user,
                        organisation_id=user.organisation_id)
    return user


def change_own_password(user: User, *, current: str, new: str, address: str | None = None) -> User:
    """Every session of the user ends with it, this one too: they sign in again."""
    if not check_password_hash(user.password_hash, current or ""):
        raise InvalidInput(_l("Your current password is not this one."), code="wrong_password")
    passwords.set_password(user, new, actor=user, address=address)
    return user


def rename(user: User, name: str) -> User:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InvalidInput(_l("Your name has between 1 and 200 characters."))
    user.name = name
    db.session.flush()
    return user


def _set_password(user: User, password: str) -> None:
    passwords.check_policy(password or "", email=user.email, name=user.name)
    user.password_hash = generate_password_hash(password,
                                                method=current_app.config["PASSWORD_HASH_METHOD"])
    db.session.flush()


def _url(path: str) -> str:
    return current_app.config["PUBLIC_URL"] + path
