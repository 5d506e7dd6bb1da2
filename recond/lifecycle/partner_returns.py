"""Guards and effect of `return_from_partner`: a reconditioning partner's output entering the
allocation stock at `ready`, with the partner's grade and operating system. Only a device
supplied under the return's convention, or one the same return registered as new, may come
back this way, once, and only with the partner's sanitisation certificate kept as evidence."""
from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from recond import categories
from recond.collection import convention_terms
from recond.extensions import db
from recond.models import ConventionReturn, PartnerReturn

if TYPE_CHECKING:
    from recond.lifecycle.actions import Context


def of_the_convention(ctx: Context) -> list:
    partner_return = db.session.get(PartnerReturn, ctx.values["partner_return_id"])
    if partner_return is None:
        return [_l("Partner return %(id)s does not exist.", id=ctx.values["partner_return_id"])]
    ctx.terms = partner_return
    convention = partner_return.convention
    device = ctx.device
    if convention_terms.already_returned(device):
        return [_l("%(id)s already came back reconditioned from a partner.", id=device.public_id)]
    reasons = []
    if not (convention_terms.supplied_under(device, convention)
            or convention_terms.new_from(device, partner_return)):
        reasons.append(_l("%(id)s was not supplied under convention %(number)s, nor brought as "
                          "new by this return: it cannot come back under it.",
                          id=device.public_id, number=convention.number))
    if device.category not in convention.categories:
        reasons.append(_l("Convention %(number)s does not cover %(category)s.",
                          number=convention.number,
                          category=categories.CATEGORIES[device.category].label))
    return reasons


def certificate_kept(ctx: Context) -> list:
    """The partner's own sanitisation certificate is the evidence the data was erased: a PDF,
    stored, and still the one whose SHA-256 was recorded."""
    partner_return = ctx.terms
    if partner_return is None:
        return []
    content = partner_return.certificate or b""
    if not content.startswith(b"%PDF") or \
            hashlib.sha256(content).hexdigest() != partner_return.certificate_sha256:
        return [_l("Return %(number)s has no sanitisation certificate from the partner: attach "
                   "it (PDF) before its devices enter the stock.", number=partner_return.number)]
    return []


def into_stock(ctx: Context) -> None:
    partner_return = ctx.terms
    device = ctx.device
    origin = "supplied" if device.deposit_id is not None or \
        convention_terms.supplied_under(device, partner_return.convention) else "new"
    device.grade = ctx.values["grade"]
    device.operating_system = ctx.values["os"]
    db.session.add(ConventionReturn(device_id=device.id,
                                    convention_id=partner_return.convention_id,
                                    partner_return_id=partner_return.id, origin=origin))
    ctx.record.pop("partner_return_id", None)
    ctx.record.update(convention=partner_return.convention.number,
                      partner_return=partner_return.number, origin=origin,
                      certificate_sha256=partner_return.certificate_sha256)
