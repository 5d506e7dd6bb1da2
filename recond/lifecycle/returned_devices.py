"""A device a reconditioning partner sends back that Recond never knew (not one it was
supplied): registered here, with no deposit, its first history row naming the partner's
return, so that `return_from_partner` accepts it and no other device through that door."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from recond import capabilities, categories
from recond.clock import utcnow
from recond.errors import InvalidInput
from recond.extensions import db
from recond.lifecycle.engine import _append, _unused_public_id, serial_key
from recond.lifecycle.statuses import Status, status_write
from recond.models import Device, PartnerReturn, User


def register_returned(actor: User, partner_return: PartnerReturn, *, category: str,
                      brand: str = "", model: str = "", serial: str | None = None,
                      specs: dict[str, Any] | None = None) -> Device:
    capabilities.require(actor, "act.return_from_partner")
    if categories.get(category) is None:
        raise InvalidInput(_l("Unknown category “%(category)s”.", category=category))
    convention = partner_return.convention
    now = utcnow()
    with status_write():
        device = Device(public_id=_unused_public_id(), deposit_id=None,
                        workshop_id=convention.partner_id, category=category, brand=brand,
                        model=model, serial=serial or None, serial_key=serial_key(serial),
                        specs=specs or {}, status=Status.REGISTERED, created_at=now,
                        status_since=now)
    db.session.add(device)
    db.session.flush()
    _append(actor, device, "register", None,
            {"convention": convention.number, "partner_return": partner_return.number},
            new_device=True, at=now)
    db.session.flush()
    return device
