"""The handover of a delivered device: what it still needs (a recorded training session
attended by the allocation's beneficiary or by staff, and the remaining charge paid), the
`release` itself through the lifecycle, and the receipt the beneficiary keeps.

The conditions shown here are read from the same guards that `release` runs, so the page
can never promise a handover the lifecycle would refuse.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from recond import capabilities, categories, lifecycle, scopes
from recond.lifecycle import statuses
from recond.distribution import handover_receipt_pdf as handover_receipt
from recond.identity import security_log
from recond.errors import NotFound, Refused
from recond.lifecycle import Status
from recond.lifecycle.actions import Context, charge_paid, training_attended
from recond.models import Allocation, DeviceEvent, Device, User


@dataclass
class Condition:
    key: str  # delivered, training, payment: the page links each to where it is recorded
    label: object
    met: bool
    reasons: list


def get_device(actor: User, public_id: str) -> tuple[Device, Allocation]:
    capabilities.require(actor, "handover.read", _l("Your role may not use this page."))
    device = scopes.get_visible_device(actor, public_id.upper())
    allocation = lifecycle.active_allocation(device)
    if allocation is None:
        raise NotFound(_l("No device %(id)s in what you may see.", id=device.public_id))
    return device, allocation


def handed_over(device: Device) -> bool:
    return device.status in statuses.HANDED_OVER


def conditions(actor: User, device: Device) -> list[Condition]:
    ctx = Context(actor, device, categories.get(device.category), {})
    training, payment = training_attended(ctx), charge_paid(ctx)
    delivered = device.status in (Status.DELIVERED, Status.RELEASED)
    return [
        Condition("delivered", _l("The device was received by the structure"), delivered,
                  [] if delivered else [_l("Scan it on arrival from its delivery note.")]),
        Condition("training", _l("Training session attended"), not training, training),
        Condition("payment", _l("Remaining charge paid"), not payment, payment),
    ]


def may_release(actor: User, device: Device) -> bool:
    """Whether the page offers the release button (the lifecycle still has the last word)."""
    return any(a.name == "release" for a in lifecycle.available_actions(actor, device))


def release(actor: User, device: Device, expected_version: int) -> DeviceEvent:
    return lifecycle.perform(actor, device, "release", {}, expected_version=expected_version)


def receipt_pdf(actor: User, public_id: str, *, address: str | None = None) -> tuple[Device, bytes]:
    """The receipt names the beneficiary's reference: each copy taken is an export of personal
    data, kept in the security log."""
    device, allocation = get_device(actor, public_id)
    if device.status != Status.RELEASED:
        raise Refused(_l("The receipt exists once the device is handed over."))
    security_log.record("personal_data_export", actor=actor, address=address,
                        details={"document": "handover_receipt", "device": device.public_id})
    return device, handover_receipt.build(device, allocation,
                                          allocation.released_at.strftime("%d/%m/%Y"))

