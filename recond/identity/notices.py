"""Notices that matter, e-mailed to a structure's people: their request was decided, a delivery
is on its way. Called by the domain functions themselves, so every entry point sends them, and
only once the change commits. A rule-layer module (equipment requests) calls it: it reads only
the foundation (models, mail)."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from recond import mail
from recond.extensions import db
from recond.models import NO_PASSWORD, Organisation, User


def _recipients(organisation_id: int) -> list[User]:
    return db.session.scalars(select(User).join(User.organisation).where(
        User.organisation_id == organisation_id, User.active.is_(True),
        Organisation.active.is_(True), User.password_hash != NO_PASSWORD)).all()


def _send(organisation_id: int, template: str, **context) -> None:
    lang = current_app.config["BABEL_DEFAULT_LOCALE"]
    for user in _recipients(organisation_id):
        mail.queue(mail.compose(user.email, template, lang=lang, user=user, **context))


def request_decided(request, *, status: str) -> None:
    """`status` is the decision in words (the request's module owns those labels)."""
    _send(request.structure_id, "request_decided", request=request, status=status,
          link=f"{current_app.config['PUBLIC_URL']}/requests/{request.id}")


def delivery_shipped(note) -> None:
    _send(note.structure_id, "delivery_shipped", note=note,
          link=f"{current_app.config['PUBLIC_URL']}/deliveries/{note.id}")
