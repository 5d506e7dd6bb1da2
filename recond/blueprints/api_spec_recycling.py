"""The OpenAPI text of the WEEE lots (`api_recycling`) and of a deposit's reception, beside
the main document (`api_spec`), which includes them."""
from __future__ import annotations

from typing import Any, Callable

_DEVICE_CODE = {"type": "object", "properties": {"public_id": {"type": "string"},
                                                 "serial": {"type": ["string", "null"]}}}
_LATE = {"type": "object", "properties": {**_DEVICE_CODE["properties"],
                                          "received_at": {"type": "string"}}}
RECEPTION_SCHEMA = {
    "type": "object", "description": "GET /deposits/{number} only: the reception as the pages "
    "show it. A device is received from the history row where it left `registered`, and late "
    "when that row is later than the reception's closing.",
    "properties": {
        "open": {"type": "boolean"}, "closed_at": {"type": ["string", "null"]},
        "expected": {"type": "integer", "description": "devices registered on the deposit"},
        "received": {"type": "array", "items": _DEVICE_CODE,
                     "description": "every device that arrived, late ones included"},
        "late": {"type": "array", "items": _LATE},
        "missing": {"type": "array", "items": _DEVICE_CODE},
        "unexpected": {"type": "array", "items": {"type": "string"},
                       "description": "codes scanned that match none of its devices"}}}
DISCREPANCIES_SCHEMA = {
    "type": ["object", "null"], "description": "GET /deposits/{number} only: what is still "
    "wrong once the reception is closed (missing now, late, unexpected); null while open",
    "properties": {"missing": {"type": "array", "items": _DEVICE_CODE},
                   "late": {"type": "array", "items": _LATE},
                   "unexpected": {"type": "array", "items": {"type": "string"}}}}

_LOT = {"type": "object", "properties": {
    "number": {"type": "string"}, "status": {"type": "string", "enum": ["open", "handed_over"]},
    "workshop": {"type": "string"}, "devices": {"type": "integer"},
    "weight_grams": {"type": ["integer", "null"], "description": "weighed at hand-over"},
    "take_back_organisation": {"type": ["string", "null"]},
    "handed_over_at": {"type": ["string", "null"]},
    "slip": {"type": ["string", "null"], "description": "the slip's URL, once handed over"},
    "by_category": {"type": "object", "additionalProperties": {"type": "integer"}},
    "weighed_devices": {"type": "integer", "description": "devices whose own weight is known"},
    "weighed_grams": {"type": "integer", "description": "the sum of those weights"},
    "items": {"type": "array", "items": {"type": "object", "properties": {
        "public_id": {"type": "string"}, "category": {"type": "string"},
        "brand": {"type": "string"}, "model": {"type": "string"},
        "serial": {"type": ["string", "null"]},
        "weight_grams": {"type": ["integer", "null"]}}}}}}


def recycling_paths(ok: Callable, errors: Callable) -> dict[str, Any]:
    """WEEE lots: technicians read their workshop's, the coordination every workshop's."""
    number = {"name": "number", "in": "path", "required": True,
              "schema": {"type": "string", "maxLength": 20}}
    return {
        "/recycling-lots": {"get": {
            "summary": "WEEE lots, newest first", "responses": {
                "200": ok({"type": "object", "properties": {"items": {"type": "array",
                                                                      "items": _LOT}}}),
                **errors(401, 403)}}},
        "/recycling-lots/{number}": {"get": {
            "summary": "One lot: its devices (category, weight where known) and the slip's "
                       "figures", "parameters": [number],
            "responses": {"200": ok(_LOT), **errors(401, 403, 404)}}},
        "/recycling-lots/{number}/slip.pdf": {"get": {
            "summary": "The hand-over slip (PDF) both sides sign; 409 while the lot is open",
            "parameters": [number],
            "responses": {"200": {"description": "PDF", "content": {"application/pdf": {}}},
                          **errors(401, 403, 404, 409)}}},
    }
