"""Domain errors. Domain code raises them; `recond.blueprints.errors` maps them to HTTP once.

Messages are lazy translations: they render in the language of whoever reads them.
"""
from __future__ import annotations

from typing import Any


class Unauthenticated(Exception):
    """No valid session or token (or a token that stopped holding): HTML views redirect to the
    login page, the API answers 401."""


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: Any, *, code: str | None = None,
                 details: dict[str, Any] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.details = details or {}


class InvalidInput(DomainError):
    """The request was understood but a value is wrong (type, range, unknown code)."""
    status = 422
    code = "invalid"


class NotFound(DomainError):
    """Absent, or outside the actor's organisation: the two are indistinguishable on purpose."""
    status = 404
    code = "not_found"


class NotPermitted(DomainError):
    """The actor's role may not do this."""
    status = 403
    code = "forbidden"


class Refused(DomainError):
    """A lifecycle guard said no; the message says why in words a person understands."""
    status = 409
    code = "refused"


class Conflict(DomainError):
    """Someone else changed the same thing first."""
    status = 409
    code = "conflict"


class TooLarge(DomainError):
    """A body or a file over the size we accept."""
    status = 413
    code = "too_large"


class Unavailable(DomainError):
    """A service we depend on (Redis, for background jobs) cannot be reached: try again later."""
    status = 503
    code = "unavailable"


class TooManyAttempts(DomainError):
    """Too many failed sign-ins or tokens from this account or address: wait, then try again."""
    status = 429
    code = "too_many_attempts"
