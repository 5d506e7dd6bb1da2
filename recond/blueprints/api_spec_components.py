"""The reusable parts of the OpenAPI document: error answers, JSON bodies, parameters, and the
schemas of what the API returns (`#/components/schemas/…`)."""
from __future__ import annotations

from typing import Any

from recond.blueprints.api_spec_recycling import DISCREPANCIES_SCHEMA, RECEPTION_SCHEMA
from recond.lifecycle import Status
from recond.whole_numbers import MAX_ID

_ERROR_TEXT = {
    400: "Malformed request (e.g. invalid JSON)", 401: "Missing or invalid token",
    403: "The role may not do this", 404: "Not found in the caller's scope",
    409: "A guard refused, or someone else changed the device first",
    413: "Body too large", 422: "A value is wrong (type, range, unknown code)",
    503: "Unavailable for a moment (the database, or Redis for background jobs): nothing was "
         "done; try again after Retry-After seconds"}


def errors(*codes: int) -> dict[str, Any]:
    return {str(c): {"description": _ERROR_TEXT[c], "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}} for c in codes}


def ok(schema: dict[str, Any], text: str = "OK") -> dict[str, Any]:
    return {"description": text, "content": {"application/json": {"schema": schema}}}


def json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def id_in_path(name: str) -> dict[str, Any]:
    """An id in a URL: beyond what an id column holds, there is no such page (404)."""
    return {"name": name, "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}


ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
FILE_UPLOAD = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"}}}}}}
DEVICE_ID = {"name": "public_id", "in": "path", "required": True,
             "schema": {"type": "string", "pattern": "^[A-Za-z]{8}$"}}

_MEDIUM = {"type": "object", "properties": {
    "id": {"type": "integer"}, "kind": {"type": "string"},
    "interface": {"type": ["string", "null"]}, "brand": {"type": "string"},
    "model": {"type": "string"}, "serial": {"type": ["string", "null"]},
    "size_gb": {"type": ["integer", "null"]},
    "fate": {"type": "string", "enum": ["present", "destroyed", "kept", "recycling", "absent"]},
    "removed_at": {"type": ["string", "null"]},
    "serial_and_size_locked": {"type": "boolean",
                               "description": "a passed sanitisation record certified them"},
    "may_change": {"type": "boolean"},
    "destruction": {"type": ["object", "null"]},
    "sanitisation": {"type": "array", "items": {"type": "object"}}}}


def schemas() -> dict[str, Any]:
    return {
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                           "details": {"type": "object"}}}}},
        "Device": {"type": "object", "properties": {
            "public_id": {"type": "string"}, "url": {"type": "string"},
            "category": {"type": "string"}, "brand": {"type": "string"},
            "model": {"type": "string"}, "serial": {"type": ["string", "null"]},
            "asset_tag": {"type": ["string", "null"]}, "specs": {"type": "object"},
            "status": {"type": "string", "enum": [s.value for s in Status]},
            "grade": {"type": ["string", "null"]},
            "operating_system": {"type": ["string", "null"]},
            "workshop_id": {"type": ["integer", "null"],
                            "description": "the workshop where the device is; a transfer "
                                           "changes it on arrival"},
            "version": {"type": "integer"},
            "actions": {"type": "array", "items": {"type": "string"}},
            "history": {"type": "array", "items": {"type": "object", "properties": {
                "action": {"type": "string"}, "from": {"type": ["string", "null"]},
                "to": {"type": "string"}, "at": {"type": "string"},
                "actor": {"type": ["string", "null"]},
                "organisation": {"type": ["string", "null"]},
                "payload": {"type": "object", "description":
                            "The row's details as the reader may see them: the tier, "
                            "price and beneficiary only for the structure concerned "
                            "and the coordination."}}}}}},
        "DevicePage": {"type": "object", "properties": {
            "items": {"type": "array", "items": ref("Device")},
            "page": {"type": "integer"}, "per_page": {"type": "integer"},
            "total": {"type": "integer"}}},
        "Deposit": {"type": "object", "properties": {
            "number": {"type": "string"}, "status": {"type": "string",
                "enum": ["pledged", "pickup_planned", "collected", "received"]},
            "donor": {"type": "object"}, "collector": {"type": "string"},
            "workshop": {"type": "string"},
            # How the workshop was decided (recond.collection.routing).
            "workshop_routing": {"type": "string", "enum": ["chosen", "proposed", "changed"]},
            "items": {"type": "array", "items": {
                "type": "object", "properties": {"category": {"type": "string"},
                                                 "quantity": {"type": "integer"}}}},
            "available_from": {"type": ["string", "null"], "format": "date"},
            "pickup_on": {"type": ["string", "null"], "format": "date"},
            "pickup_slot": {"type": ["string", "null"]},
            "summary": {"type": "object", "additionalProperties": {"type": "integer"}},
            "reception": RECEPTION_SCHEMA, "discrepancies": DISCREPANCIES_SCHEMA}},
        "Import": {"type": "object", "properties": {
            "id": {"type": "integer"}, "status": {"type": "string",
                "enum": ["previewed", "queued", "committed", "failed"]},
            "filename": {"type": "string"}, "format": {"type": "string"},
            "encoding": {"type": ["string", "null"]}, "separator": {"type": ["string", "null"]},
            "mapping": {"type": "object", "additionalProperties": {"type": "integer"}},
            "total_rows": {"type": "integer"}, "valid_rows": {"type": "integer"},
            "imported_rows": {"type": "integer"}, "job_id": {"type": ["string", "null"]},
            "already_imported": {"type": "boolean"},
            "rows": {"type": "array", "description": "rows with errors (first 100)",
                     "items": {"type": "object"}},
            "job": ref("Job"),
            "progress": {"type": "object", "description": "`done` and `job_status`, as "
                         "in `job` (kept for older clients)"},
            "error": {"type": "object", "description": "why the background run failed "
                      "(code worker_lost or interrupted: nothing was imported; commit again)",
                      "properties": {"code": {"type": "string"},
                                     "message": {"type": "string"}}}}},
        "Media": {"type": "object", "properties": {
            "device": {"type": "string"}, "status": {"type": "string"},
            "no_storage_found": {"type": "boolean"}, "may_manage": {"type": "boolean"},
            "missing": {"type": "array", "items": {"type": "string"},
                        "description": "why the wipe guard still refuses (empty when it passes)"},
            "medium_id": {"type": "integer", "description": "the medium just added"},
            "media": {"type": "array", "items": _MEDIUM}}},
        "Job": {"type": "object", "required": ["id", "status", "url"], "properties": {
            "id": {"type": "string"},
            "status": {"type": "string", "description": "as rq says it: queued, started, "
                       "finished, failed …"},
            "url": {"type": "string", "description": "where to poll it"},
            "done": {"type": "integer", "description": "a manifest import: rows done"}}},
        "JobResult": {"type": "object", "properties": {
            "job": ref("Job"),
            "results": {"type": ["array", "null"], "items": {"type": "object"}}}},
    }
