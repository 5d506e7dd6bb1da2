"""Recycling endpoints of /api/v1: the WEEE lots, each with its devices and the figures of its
hand-over slip, and the slip itself — for the workshop (its own) and the coordination (all)."""
from __future__ import annotations

from typing import Any

from flask import jsonify, url_for

from recond.blueprints.api import bp
from recond.blueprints.guard import current_actor, requires
from recond.blueprints.labels import file_response
from recond.models import RecyclingLot
from recond.workshop import recycling, weee_slip


def lot_json(lot: RecyclingLot, device_count: int) -> dict[str, Any]:
    return {"number": lot.number, "status": lot.status, "workshop": lot.workshop.name,
            "devices": device_count, "weight_grams": lot.weight_grams,
            "take_back_organisation": lot.take_back_organisation,
            "handed_over_at": lot.handed_over_at.isoformat() + "Z" if lot.handed_over_at else None,
            "slip": None if lot.is_open else url_for("api.recycling_slip", number=lot.number)}


@bp.route("/recycling-lots")
@requires("recycling.read")
def list_recycling_lots():
    return jsonify(items=[lot_json(lot, n) for lot, n in recycling.listing(current_actor())])


@bp.route("/recycling-lots/<number>")
@requires("recycling.read")
def get_recycling_lot(number: str):
    contents = recycling.contents(recycling.get_lot(current_actor(), number))
    body = lot_json(contents.lot, contents.count)
    body.update(by_category=contents.by_category, weighed_devices=contents.weighed,
                weighed_grams=contents.weighed_grams,
                items=[{"public_id": d.public_id, "category": d.category, "brand": d.brand,
                        "model": d.model, "serial": d.serial, "weight_grams": d.weight_grams}
                       for d in contents.devices])
    return jsonify(body)


@bp.route("/recycling-lots/<number>/slip.pdf")
@requires("recycling.read")
def recycling_slip(number: str):
    lot, content = weee_slip.slip_pdf(current_actor(), number)
    return file_response(content, "application/pdf", f"bordereau-{lot.number}")
