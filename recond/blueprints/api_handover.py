"""The structure's end of the chain in /api/v1: delivery notes arriving (scan, close), what a
delivered device still needs before its handover (the conditions the /handover page shows,
read from the release's own guards), and the payments of its remaining charge.

The release itself is the lifecycle's action: `POST /devices/{public_id}/actions` with
`{"action": "release"}`, refused (409, with the reasons) while a condition is missing.
"""
from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_babel import lazy_gettext as _l

from recond import money
from recond.blueprints.api import _json_body, bp
from recond.blueprints.api_distribution import _utc, created, text
from recond.blueprints.api_spec_distribution import MAX_REASON, MAX_CODE
from recond.blueprints.guard import current_actor, requires
from recond.distribution import deliveries, handover, payments
from recond.errors import InvalidInput
from recond.extensions import db
from recond.models import Allocation, DeliveryNote, Device, Payment



# --- handover and payments ---------------------------------------------------------------------

def charge_json(allocation: Allocation) -> dict[str, Any]:
    return {"price_cents": allocation.price_cents, "paid_cents": allocation.paid_cents,
            "left_cents": payments.left_to_pay(allocation), "grid_version": allocation.grid_version}


def payment_json(entry: Payment) -> dict[str, Any]:
    return {"id": entry.id, "kind": entry.kind, "amount_cents": entry.amount_cents,
            "method": entry.method, "reason": entry.reason, "recorded_at": _utc(entry.recorded_at),
            "recorded_by": entry.recorded_by.name if entry.recorded_by else None}


def handover_json(actor, device: Device, allocation: Allocation) -> dict[str, Any]:
    conditions = handover.conditions(actor, device)
    return {
        "device": {"public_id": device.public_id, "status": device.status,
                   "version": device.version, "category": device.category},
        "beneficiary": {"id": allocation.beneficiary_id, "reference": allocation.beneficiary.reference,
                        "tier": allocation.tier} if allocation.beneficiary else None,
        "for_own_use": allocation.for_own_use,
        "handed_over": handover.handed_over(device),
        "released_at": _utc(allocation.released_at),
        "conditions": [{"key": c.key, "label": str(c.label), "met": c.met,
                        "reasons": [str(r) for r in c.reasons]}
                       for c in conditions],
        "missing": [c.key for c in conditions if not c.met],
        "may_release": handover.may_release(actor, device),
        "may_pay": payments.may_record(actor, allocation),
        "charge": charge_json(allocation)}


@bp.route("/devices/<public_id>/handover")
@requires("handover.read")
def get_handover(public_id: str):
    actor = current_actor()
    device, allocation = handover.get_device(actor, public_id)
    return jsonify(handover_json(actor, device, allocation))


@bp.route("/devices/<public_id>/payments")
@requires("handover.read")
def list_payments(public_id: str):
    _device, allocation = handover.get_device(current_actor(), public_id)
    return jsonify(items=[payment_json(p) for p in allocation.payments], **charge_json(allocation))


@bp.route("/devices/<public_id>/payments", methods=["POST"])
@requires("payments.record")
def record_payment(public_id: str):
    """A payment, a refund (the amount given back, positive) or a correction (signed)."""
    actor = current_actor()
    body = _json_body()
    kind, method = body.get("kind", "payment"), body.get("method")
    amount = body.get("amount_cents")
    if set(body) - {"kind", "amount_cents", "method", "reason"} \
            or not isinstance(kind, str) or not isinstance(method, str) \
            or not isinstance(amount, int) or isinstance(amount, bool) \
            or not 0 < abs(amount) <= money.DEFAULT_CEILING_CENTS:
        raise InvalidInput(_l("An entry is {\"kind\": payment|refund|correction, \"amount_cents\": "
                              "…, \"method\": …, \"reason\": …}, the amount in cents, not 0."))
    reason = text(body, "reason", MAX_REASON)
    _device, allocation = handover.get_device(actor, public_id)
    entry = payments.record_payment(actor, allocation, kind=kind, method=method, reason=reason,
                                    amount_cents=amount)
    db.session.commit()
    return created({"payment": payment_json(entry), **charge_json(entry.allocation)})


# --- delivery notes ------------------------------------------------------------------------------

def note_json(actor, note: DeliveryNote, with_items: bool = False) -> dict[str, Any]:
    body = {"id": note.id, "number": note.number, "status": note.status, "kind": note.kind,
            "workshop": note.workshop.name, "structure": {"id": note.structure_id,
                                                          "name": note.structure.name},
            "created_at": _utc(note.created_at), "shipped_at": _utc(note.shipped_at),
            "closed_at": _utc(note.closed_at), "devices": len(note.items),
            "may_receive": deliveries.may_receive(actor, note)}
    if with_items:
        state = deliveries.state(note)
        missing = {i.id for i in state.missing}
        body["items"] = [{"public_id": i.device.public_id, "category": i.device.category,
                          "received_at": _utc(i.received_at), "missing": i.id in missing}
                         for i in state.expected]
        # What is missing and what came unexpected mean something once the note has left.
        body["left_the_workshop"] = deliveries.left_the_workshop(note)
        body["unexpected"] = [{"code": u.code, "scanned_at": _utc(u.scanned_at)}
                              for u in state.unexpected]
    return body


@bp.route("/delivery-notes")
@requires("deliveries.read")
def list_delivery_notes():
    actor = current_actor()
    return jsonify(items=[note_json(actor, n) for n in
                          db.session.scalars(deliveries.visible_notes(actor).limit(200))])


@bp.route("/delivery-notes/<int:note_id>")
@requires("deliveries.read")
def get_delivery_note(note_id: int):
    actor = current_actor()
    return jsonify(note_json(actor, deliveries.get_note(actor, note_id), with_items=True))


@bp.route("/delivery-notes/<int:note_id>/arrivals", methods=["POST"])
@requires("deliveries.receive")
def scan_arrival(note_id: int):
    """A device scanned on arrival: on the note, it is delivered; else kept as unexpected."""
    actor = current_actor()
    body = _json_body()
    if set(body) != {"code"} or not isinstance(body["code"], str) or len(body["code"]) > MAX_CODE:
        raise InvalidInput(_l("Send what was scanned: {\"code\": …}, at most %(n)s characters.",
                              n=MAX_CODE))
    note = deliveries.get_note(actor, note_id)
    scanned = deliveries.receive_scan(actor, note, body["code"])
    db.session.commit()
    return jsonify(outcome=scanned.outcome, message=str(scanned.message),
                   device=scanned.device.public_id if scanned.device else None,
                   note=note_json(actor, deliveries.get_note(actor, note_id), with_items=True))


@bp.route("/delivery-notes/<int:note_id>/close", methods=["POST"])
@requires("deliveries.receive")
def close_delivery_note(note_id: int):
    """Close a shipped note with devices missing: they stay reserved and listed."""
    actor = current_actor()
    note = deliveries.close(actor, deliveries.get_note(actor, note_id))
    db.session.commit()
    return jsonify(note_json(actor, note, with_items=True))

