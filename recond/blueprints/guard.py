"""The request side of permissions: who is calling (a session or a bearer token), the
capability a view declares and enforces (its roles come from `recond.capabilities`), and
whether the caller wants JSON. Only views use this; the domain takes the actor as an argument."""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from recond import capabilities
from recond.errors import NotPermitted, Unauthenticated
from recond.identity.bearers import Bearer
from recond.models import User

PUBLIC = "public"


def current_actor() -> User | Bearer | None:
    actor = g.get("api_actor")
    if actor is not None:
        return actor
    if current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def requires(capability: str) -> Callable:
    """Declare (and enforce) the capability a view needs; its roles come from the table."""
    allowed = capabilities.roles(capability)  # an unknown name fails at import, not at request

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            actor = current_actor()
            if actor is None:
                raise Unauthenticated()
            if not capabilities.can(actor, capability):
                raise NotPermitted(_l("Your role may not use this page."))
            return view(*args, **kwargs)

        wrapper.recond_capability = capability
        wrapper.recond_roles = allowed
        return wrapper

    return decorate


def bearer_checked_in_query(view: Callable) -> Callable:
    """Declare an API view that checks its caller's token in its own statement
    (`recond.identity.bearers.holds`): the caller is then a `Bearer`, not a loaded user."""
    view.recond_bearer = True
    return view


def public(view: Callable) -> Callable:
    """Declare a view open to anyone (login page, health check, OpenAPI document)."""
    view.recond_capability = PUBLIC
    view.recond_roles = PUBLIC
    return view


def wants_json() -> bool:
    return request.path.startswith("/api/")
