"""The lifecycle's vocabulary: device statuses, their named groups, and the lock that keeps
`Device.status` for the engine alone. Code and templates test a group by name, never a list
of bare status strings."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import event

from recond.models import Device


class Status(StrEnum):
    REGISTERED = "registered"
    RECEIVED = "received"
    WIPED = "wiped"
    OS_INSTALLED = "os_installed"
    READY = "ready"
    RESERVED = "reserved"
    DELIVERED = "delivered"
    RELEASED = "released"
    RECYCLED = "recycled"
    DISMANTLED = "dismantled"


# Named groups: what a status means for a step of the journey.
AWAITING_WORKSHOP = frozenset({Status.REGISTERED})  # registered, not yet received
AT_WORKSHOP = frozenset({Status.RECEIVED, Status.WIPED, Status.OS_INSTALLED})  # being refurbished
WORKSHOP_QUEUE = AWAITING_WORKSHOP | AT_WORKSHOP  # what the workshop still has to do
SANITISABLE = frozenset({Status.RECEIVED})  # media are wiped, destroyed or removed only here
REUSED = frozenset({Status.READY, Status.RESERVED, Status.DELIVERED, Status.RELEASED})
WITH_STRUCTURE = frozenset({Status.DELIVERED, Status.RELEASED})  # what the workshop takes back
HANDED_OVER = frozenset({Status.RELEASED})  # with the beneficiary (or the structure's own use)
RECYCLED_AS_WEEE = frozenset({Status.RECYCLED})  # handed to a take-back organisation
DISMANTLED_FOR_PARTS = frozenset({Status.DISMANTLED})  # its parts serve at the workshop
TERMINAL = RECYCLED_AS_WEEE | DISMANTLED_FOR_PARTS  # left the chain for good
# What one workshop may send to another: at the workshop, allocated to nobody yet.
TRANSFERABLE = AT_WORKSHOP | frozenset({Status.READY})

STATUS_LABELS = {
    Status.REGISTERED: _l("registered"),
    Status.RECEIVED: _l("received"),
    Status.WIPED: _l("wiped"),
    Status.OS_INSTALLED: _l("OS installed"),
    Status.READY: _l("ready"),
    Status.RESERVED: _l("reserved"),
    Status.DELIVERED: _l("delivered"),
    Status.RELEASED: _l("released"),
    Status.RECYCLED: _l("recycled"),
    Status.DISMANTLED: _l("dismantled for parts"),
}

_engine_writing: ContextVar[bool] = ContextVar("recond_lifecycle_writing", default=False)


class StatusWriteForbidden(RuntimeError):
    """Raised when code other than the lifecycle engine assigns `Device.status`."""


@contextmanager
def status_write():
    token = _engine_writing.set(True)
    try:
        yield
    finally:
        _engine_writing.reset(token)


@event.listens_for(Device.status, "set")
def _only_the_engine_writes_status(target, value, oldvalue, initiator):
    if not _engine_writing.get():
        raise StatusWriteForbidden(
            "Device.status is changed through recond.lifecycle.perform() only"
        )
