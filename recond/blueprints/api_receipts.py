"""Donation receipts in /api/v1, read-only: the receipts in the caller's scope and each one's
PDF as issued (issuing stays on the pages, with a person behind it)."""
from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, url_for

from recond.blueprints.api import bp
from recond.blueprints.guard import current_actor, requires
from recond.collection import donation_receipts
from recond.extensions import db
from recond.models import Deposit, DonationReceipt


def receipt_json(receipt: DonationReceipt, newer: DonationReceipt | None) -> dict[str, Any]:
    return {"id": receipt.id, "number": receipt.number, "code": receipt.code,
            "issuer": receipt.issuer.name, "deposit": receipt.deposit.number,
            "donor": receipt.deposit.donor.name, "issued_at": receipt.issued_at.isoformat() + "Z",
            "amount_cents": receipt.amount_cents, "sha256": receipt.sha256,
            "replaces": receipt.replaces.number if receipt.replaces else None,
            "replaced_by": newer.number if newer else None,
            "pdf": url_for("api.donation_receipt_pdf", receipt_id=receipt.id)}


@bp.route("/donation-receipts")
@requires("donation_receipts.read")
def list_donation_receipts():
    query = donation_receipts.visible_receipts(current_actor())
    if request.args.get("deposit"):
        query = query.where(Deposit.number == request.args["deposit"].strip().upper()[:20])
    receipts = db.session.scalars(query.limit(500)).all()
    newer = donation_receipts.replacements(receipts)
    return jsonify(items=[receipt_json(r, newer.get(r.id)) for r in receipts])


@bp.route("/donation-receipts/<int:receipt_id>.pdf")
@requires("donation_receipts.read")
def donation_receipt_pdf(receipt_id: int):
    receipt = donation_receipts.get_receipt(current_actor(), receipt_id)
    return Response(receipt.pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="recu-don-{receipt.number}.pdf"'})


def openapi_paths(errors) -> dict[str, Any]:
    """These endpoints in the OpenAPI document (`errors`: its error responses by status)."""
    receipt = {"type": "object", "properties": {
        "id": {"type": "integer"}, "number": {"type": "string", "description": "order number "
                                              "per issuer and year, e.g. 2026-0042"},
        "code": {"type": "string", "description": "checked on /verify"},
        "issuer": {"type": "string"}, "deposit": {"type": "string"}, "donor": {"type": "string"},
        "issued_at": {"type": "string"}, "amount_cents": {"type": "integer"},
        "sha256": {"type": "string"}, "replaces": {"type": ["string", "null"]},
        "replaced_by": {"type": ["string", "null"]}, "pdf": {"type": "string"}}}
    return {
        "/donation-receipts": {"get": {
            "summary": "Donation receipts in the caller's scope, newest first",
            "parameters": [{"name": "deposit", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The receipts", "content": {"application/json": {
                "schema": {"type": "object", "properties": {
                    "items": {"type": "array", "items": receipt}}}}}}, **errors(401, 403)}}},
        "/donation-receipts/{receipt_id}.pdf": {"get": {
            "summary": "A receipt's PDF, as issued (its SHA-256 is the one listed)",
            "parameters": [{"name": "receipt_id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "The PDF", "content": {"application/pdf": {}}},
                          **errors(401, 403, 404)}}},
    }
