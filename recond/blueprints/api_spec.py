"""The OpenAPI 3.1 document of /api/v1, built from the same action list the engine uses."""
from __future__ import annotations

from typing import Any

from flask import current_app

from recond import categories
from recond.workshop import storage_media
from recond.blueprints.api_spec_recycling import (
    DISCREPANCIES_SCHEMA, RECEPTION_SCHEMA, recycling_paths,
)
from recond.inventory.listing import GRADE_CHOICES, MAX_SEARCH, SORTS
from recond.lifecycle import ACTIONS, Status

_FIELD_SCHEMAS = {"text": {"type": "string"}, "int": {"type": "integer", "minimum": 1},
                  "os_image": {"type": "integer", "minimum": 1,
                               "description": "an active image of the OS catalogue"},
                  "bool": {"type": "boolean"},
                  "percent": {"type": "integer", "minimum": 0, "maximum": 100},
                  "weight": {"type": ["string", "number"],
                             "description": "kilograms, at most three decimals: \"7,4\" or 7.4"},
                  "checklist": {"type": "object", "additionalProperties": {"type": "boolean"}}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _errors(*codes: int) -> dict[str, Any]:
    text = {400: "Malformed request (e.g. invalid JSON)", 401: "Missing or invalid token",
            403: "The role may not do this", 404: "Not found in the caller's scope",
            409: "A guard refused, or someone else changed the device first",
            413: "Body too large", 422: "A value is wrong (type, range, unknown code)",
            503: "Background jobs are unavailable (Redis unreachable): nothing was queued, try again"}
    return {str(c): _error(text[c]) for c in codes}


def _action_payload_schema() -> dict[str, Any]:
    variants = []
    for action in ACTIONS.values():
        properties: dict[str, Any] = {"action": {"const": action.name},
                                      "version": {"type": "integer", "description":
                                                  "the device version you saw; 409 if it moved"}}
        required = ["action"]
        for field in action.fields:
            schema = dict(_FIELD_SCHEMAS.get(field.kind, {"type": "string"}))
            if field.kind == "choice":
                schema = {"type": "string", "enum": list(field.choices)}
            if field.needed_by:
                schema["description"] = f"required when the category checks {field.needed_by}"
            properties[field.name] = schema
            if field.required:
                required.append(field.name)
        variants.append({"type": "object", "title": action.name, "properties": properties,
                         "required": required, "additionalProperties": False,
                         "description": "roles: " + ", ".join(sorted(action.roles))})
    return {"oneOf": variants, "discriminator": {"propertyName": "action"}}


def openapi_document() -> dict[str, Any]:
    device_id = {"name": "public_id", "in": "path", "required": True,
                 "schema": {"type": "string", "pattern": "^[A-Za-z]{8}$"}}
    json_body = lambda ref: {"required": True, "content": {"application/json": {"schema": ref}}}  # noqa: E731
    ok = lambda ref, text="OK": {"description": text, "content": {"application/json": {"schema": ref}}}  # noqa: E731
    device_ref = {"$ref": "#/components/schemas/Device"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Recond API", "version": "1",
                 "description": "Devices of the refurbishing chain, their lifecycle and history. "
                                "Every endpoint is scoped to the caller's organisation."},
        "servers": [{"url": current_app.config["PUBLIC_URL"] + "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/openapi.json": {"get": {"summary": "This document", "security": [],
                                      "responses": {"200": {"description": "OpenAPI 3.1"}}}},
            "/me": {"get": {"summary": "Who the token belongs to",
                            "responses": {"200": {"description": "The caller"}, **_errors(401)}}},
            "/devices": {"get": {
                "summary": "Devices in the caller's scope, paginated",
                "parameters": [
                    {"name": "status", "in": "query",
                     "schema": {"type": "string", "enum": [s.value for s in Status]}},
                    {"name": "category", "in": "query",
                     "schema": {"type": "string", "enum": list(categories.CATEGORIES)}},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1},
                     "description": "Past the last page: no items (and the total)"},
                    {"name": "per_page", "in": "query",
                     "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                    *_device_list_parameters(),
                ],
                "responses": {"200": ok({"$ref": "#/components/schemas/DevicePage"}),
                              **_errors(401, 422)}}},
            "/devices/{public_id}": {"get": {
                "summary": "One device with its whole history", "parameters": [device_id],
                "responses": {"200": ok(device_ref), **_errors(401, 404)}}},
            "/devices/{public_id}/actions": {"post": {
                "summary": "Perform a lifecycle action", "parameters": [device_id],
                "requestBody": json_body(_action_payload_schema()),
                "responses": {"200": ok(device_ref, "The device in its new state"),
                              **_errors(400, 401, 403, 404, 409, 413, 422)}}},
            "/scan": {"get": {
                "summary": "Resolve what a scanner typed: public ID, QR URL or serial "
                           "(QWERTY-on-AZERTY input is understood)",
                "parameters": [{"name": "code", "in": "query", "required": True,
                                "schema": {"type": "string", "maxLength": 300}}],
                "responses": {"200": ok({"type": "object", "properties": {
                    "match": {"const": "device"}, "device": device_ref}}),
                    **_errors(401, 404, 409, 422)}}},
            "/batch": {"post": {
                "summary": "Apply one action to many devices (a background job when Redis is set)",
                "requestBody": json_body({"type": "object", "required": ["action", "devices"],
                                          "properties": {
                                              "action": {"type": "string",
                                                         "enum": list(ACTIONS)},
                                              "devices": {"type": "array", "maxItems": 500,
                                                          "items": {"type": "string"}},
                                              "payload": {"type": "object"}}}),
                "responses": {"200": ok({"$ref": "#/components/schemas/JobResult"},
                                        "Ran inline: each device's result"),
                              "202": ok({"$ref": "#/components/schemas/JobResult"},
                                        "Queued: poll the job; its messages are in the "
                                        "caller's Accept-Language"),
                              **_errors(400, 401, 403, 413, 422, 503)}}},
            "/jobs/{job_id}": {"get": {
                "summary": "A background job of the caller's",
                "parameters": [{"name": "job_id", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"200": ok({"$ref": "#/components/schemas/JobResult"}),
                              **_errors(401, 404)}}},
            **_collection_paths(ok, json_body),
            **recycling_paths(ok, _errors),
            **_media_paths(ok, json_body, device_id),
            **_token_paths(),
            **_receipt_paths(),
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "`recond create-token EMAIL`"}},
            "schemas": {
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
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Device"}},
                    "page": {"type": "integer"}, "per_page": {"type": "integer"},
                    "total": {"type": "integer"}}},
                "Deposit": {"type": "object", "properties": {
                    "number": {"type": "string"}, "status": {"type": "string",
                        "enum": ["pledged", "pickup_planned", "collected", "received"]},
                    "donor": {"type": "object"}, "collector": {"type": "string"},
                    "workshop": {"type": "string"}, "items": {"type": "array", "items": {
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
                    "job": {"$ref": "#/components/schemas/Job"},
                    "progress": {"type": "object", "description": "`done` and `job_status`, as "
                                 "in `job` (kept for older clients)"},
                    "error": {"type": "object", "description": "why the background run failed "
                              "(code worker_lost or interrupted: nothing was imported; commit again)",
                              "properties": {"code": {"type": "string"},
                                             "message": {"type": "string"}}}}},
                "Media": _MEDIA_SCHEMA,
                "Job": {"type": "object", "required": ["id", "status", "url"], "properties": {
                    "id": {"type": "string"},
                    "status": {"type": "string", "description": "as rq says it: queued, started, "
                               "finished, failed …"},
                    "url": {"type": "string", "description": "where to poll it"},
                    "done": {"type": "integer", "description": "a manifest import: rows done"}}},
                "JobResult": {"type": "object", "properties": {
                    "job": {"$ref": "#/components/schemas/Job"},
                    "results": {"type": ["array", "null"], "items": {"type": "object"}}}},
            },
        },
    }


def _collection_paths(ok, json_body) -> dict[str, Any]:
    number = {"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}
    import_id = {"name": "import_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    deposit = {"$ref": "#/components/schemas/Deposit"}
    device_import = {"$ref": "#/components/schemas/Import"}
    wipe_log = {"type": "object", "properties": {
        "id": {"type": "integer"}, "sha256": {"type": "string"}, "tool": {"type": "string"},
        "known": {"type": "boolean"}, "drives": {"type": "array", "items": {"type": "object"}}}}
    return {
        "/deposits": {
            "get": {"summary": "Deposits in the caller's scope",
                    "responses": {"200": ok({"type": "object", "properties": {
                        "items": {"type": "array", "items": deposit}}}), **_errors(401, 403)}},
            "post": {"summary": "Pledge a deposit (collection partners, coordinators)",
                     "requestBody": json_body({"type": "object", "required": ["donor_id", "workshop_id"],
                                               "properties": {
                                                   "donor_id": {"type": "integer"},
                                                   "workshop_id": {"type": "integer"},
                                                   "site_id": {"type": "integer"},
                                                   "available_from": {"type": "string", "format": "date"},
                                                   "items": {"type": "array", "items": {
                                                       "type": "object",
                                                       "properties": {"category": {"type": "string"},
                                                                      "quantity": {"type": "integer"}}}}}}),
                     "responses": {"201": ok(deposit, "Pledged"), **_errors(400, 401, 403, 404, 413, 422)}},
        },
        "/deposits/{number}": {"get": {
            "summary": "One deposit with what became of its devices", "parameters": [number],
            "responses": {"200": ok(deposit), **_errors(401, 403, 404)}}},
        "/deposits/{number}/devices": {"post": {
            "summary": "Register one device in the deposit", "parameters": [number],
            "requestBody": json_body({"type": "object", "required": ["category"], "properties": {
                f: {"type": "string"} for f in ("category", "brand", "model", "serial", "asset_tag",
                                                "cpu", "ram_gb", "storage_gb")}}),
            "responses": {"201": ok({"$ref": "#/components/schemas/Device"}, "Registered"),
                          **_errors(400, 401, 403, 404, 409, 413, 422)}}},
        "/deposits/{number}/manifests": {"post": {
            "summary": "Upload a manifest (CSV or XLSX); answers with its preview",
            "parameters": [number],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "responses": {"201": ok(device_import, "Read and checked"),
                          **_errors(401, 403, 404, 409, 413, 422)}}},
        "/imports/{import_id}": {"get": {
            "summary": "A manifest import, with its progress when it runs in the background",
            "parameters": [import_id],
            "responses": {"200": ok(device_import), **_errors(401, 403, 404)}}},
        "/wipe-logs": {"post": {
            "summary": "Upload an nwipe / ShredOS log (technicians): kept as evidence, drives read",
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "description": "The same log already uploaded in the workshop is not kept twice: "
                           "200 with the log already kept (known: true). A log without a final "
                           "status for every drive is refused (422, incomplete_log).",
            "responses": {"201": ok(wipe_log, "Read"),
                          "200": ok(wipe_log, "Already uploaded: the log already kept"),
                          **_errors(401, 403, 413, 422)}}},
        "/wipe-logs/{evidence_id}/assign": {"post": {
            "summary": "Record the sanitisation of the log's drives on storage media",
            "parameters": [{"name": "evidence_id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "requestBody": json_body({"type": "object", "required": ["assignments"], "properties": {
                "assignments": {"type": "object", "additionalProperties": {"type": "integer"},
                                "description": "drive (e.g. /dev/sda) -> storage medium id"},
                "reasons": {"type": "object", "additionalProperties": {"type": "string"},
                            "description": "drive -> why the technician confirms a match the "
                                           "log disagrees with (size or serial); without it, "
                                           "409 log_does_not_match"}}}),
            "responses": {"200": ok({"type": "object"}, "Recorded"),
                          **_errors(400, 401, 403, 404, 409, 413, 422)}}},
        "/labels": {"post": {
            "summary": "Labels for devices or a deposit: PDF (sheets, rolls), ZPL, PNG or SVG",
            "requestBody": json_body({"type": "object", "properties": {
                "devices": {"type": "array", "items": {"type": "string"}},
                "deposit": {"type": "string"},
                "kind": {"type": "string", "enum": ["id", "product"]},
                "media": {"type": "string", "enum": ["a4-3x7", "a4-2x7", "roll-62x29", "roll-57x32"]},
                "format": {"type": "string", "enum": ["pdf", "zpl", "png", "svg"]},
                "copies": {"type": "integer", "minimum": 1, "maximum": 50},
                "start": {"type": "integer", "minimum": 1},
                "dpi": {"type": "integer", "enum": [203, 300]}}}),
            "responses": {"200": {"description": "The labels", "content": {
                "application/pdf": {}, "application/zpl": {}, "image/png": {}, "image/svg+xml": {}}},
                "202": ok({"type": "object", "properties": {"job": {"$ref": "#/components/schemas/Job"}}},
                          "Queued: fetch the job's URL"),
                **_errors(400, 401, 403, 404, 413, 422, 503)}}},
        "/labels/jobs/{job_id}": {"get": {
            "summary": "A batch of labels made in the background: the PDF when ready",
            "parameters": [{"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The PDF", "content": {"application/pdf": {}}},
                          "202": ok({"type": "object", "properties": {
                              "job": {"$ref": "#/components/schemas/Job"}}}, "Not ready yet"), **_errors(401, 403, 404, 422)}}},
        "/imports/{import_id}/commit": {"post": {
            "summary": "Import the rows: all or nothing, or the valid rows only",
            "parameters": [import_id],
            "requestBody": json_body({"type": "object", "properties": {
                "all_or_nothing": {"type": "boolean", "default": True},
                "mapping": {"type": "object", "additionalProperties": {"type": "integer"}}}}),
            "responses": {"200": ok(device_import, "Imported"),
                          "202": ok({"type": "object", "properties": {
                              "import": device_import, "job": {"$ref": "#/components/schemas/Job"}}},
                              "Queued: poll the import"),
                          **_errors(400, 401, 403, 404, 409, 413, 422, 503)}}},
    }


_MEDIUM_SCHEMA = {"type": "object", "properties": {
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
_MEDIA_SCHEMA = {"type": "object", "properties": {
    "device": {"type": "string"}, "status": {"type": "string"},
    "no_storage_found": {"type": "boolean"}, "may_manage": {"type": "boolean"},
    "missing": {"type": "array", "items": {"type": "string"},
                "description": "why the wipe guard still refuses (empty when it passes)"},
    "medium_id": {"type": "integer", "description": "the medium just added"},
    "media": {"type": "array", "items": _MEDIUM_SCHEMA}}}


def _media_paths(ok, json_body, device_id) -> dict[str, Any]:
    """Storage media of a device: technicians act while it is received; coordination reads."""
    medium_id = {"name": "medium_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    media = {"$ref": "#/components/schemas/Media"}
    description = {
        "serial": {"type": ["string", "null"], "maxLength": 100},
        "model": {"type": "string", "maxLength": 200},
        "interface": {"type": ["string", "null"], "enum": [*storage_media.INTERFACE_LABELS, None, ""]},
        "size_gb": {"type": ["integer", "null"], "minimum": 1,
                    "description": "whole gigabytes; a non-whole value is refused, not rounded"}}
    writes = _errors(400, 401, 403, 404, 409, 413, 422)
    return {
        "/devices/{public_id}/media": {
            "get": {"summary": "The device's storage media and what became of each "
                               "(technicians of its workshop, coordination, admin)",
                    "parameters": [device_id],
                    "responses": {"200": ok(media), **_errors(401, 403, 404)}},
            "post": {"summary": "Add a storage medium (technicians, device received)",
                     "parameters": [device_id],
                     "requestBody": json_body({"type": "object", "required": ["kind"],
                                               "additionalProperties": False, "properties": {
                         "kind": {"type": "string", "enum": list(storage_media.KIND_LABELS)},
                         "brand": {"type": "string", "maxLength": 100}, **description}}),
                     "responses": {"201": ok(media, "Added"), **writes}}},
        "/devices/{public_id}/media/{medium_id}": {"patch": {
            "summary": "Correct a medium: serial and size only before a passed sanitisation",
            "parameters": [device_id, medium_id],
            "requestBody": json_body({"type": "object", "additionalProperties": False,
                                      "properties": description}),
            "responses": {"200": ok(media, "Corrected"), **writes}}},
        "/devices/{public_id}/media/{medium_id}/destruction": {"post": {
            "summary": "Record the medium's destruction (NIST SP 800-88 Destroy)",
            "parameters": [device_id, medium_id],
            "requestBody": json_body({"type": "object", "additionalProperties": False,
                                      "required": ["method", "destroyed_by", "destroyed_on"],
                                      "properties": {
                "method": {"type": "string", "enum": list(storage_media.DESTRUCTION_LABELS)},
                "destroyed_by": {"type": "string", "maxLength": 200,
                                 "description": "the workshop or its destruction contractor"},
                "destroyed_on": {"type": "string", "format": "date"},
                "reference": {"type": "string", "maxLength": 100,
                              "description": "e.g. the contractor's certificate number"}}}),
            "responses": {"201": ok(media, "Recorded"), **writes}}},
        "/devices/{public_id}/media/{medium_id}/removal": {"post": {
            "summary": "Record that the medium was taken out: kept at the workshop or recycled",
            "parameters": [device_id, medium_id],
            "requestBody": json_body({"type": "object", "additionalProperties": False,
                                      "required": ["destination"], "properties": {
                "destination": {"type": "string", "enum": list(storage_media.DESTINATION_LABELS)},
                "note": {"type": "string", "maxLength": 500}}}),
            "responses": {"201": ok(media, "Recorded"), **writes}}},
        "/devices/{public_id}/no-storage": {"post": {
            "summary": "Record that the device holds no storage (media registered are marked "
                       "not found)",
            "parameters": [device_id],
            "requestBody": json_body({"type": "object", "additionalProperties": False,
                                      "properties": {"note": {"type": "string", "maxLength": 500}}}),
            "responses": {"201": ok(media, "Recorded"), **writes}}},
    }


def _token_paths() -> dict[str, Any]:
    """The caller's own API tokens (never the token itself: only its hash is kept)."""
    token = {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "user": {"type": "string"},
        "created_at": {"type": "string"}, "last_used_at": {"type": ["string", "null"]},
        "expires_at": {"type": ["string", "null"]},
        "status": {"type": "string", "enum": ["active", "expired", "revoked"]}}}
    token_id = {"name": "token_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    return {
        "/tokens": {"get": {"summary": "The caller's API tokens: name, created, last used, expiry",
                            "responses": {"200": {"description": "The tokens", "content": {
                                "application/json": {"schema": {"type": "object", "properties": {
                                    "items": {"type": "array", "items": token}}}}}},
                                **_errors(401)}}},
        "/tokens/{token_id}": {"delete": {
            "summary": "Revoke one of the caller's tokens (an administrator: anyone's)",
            "parameters": [token_id],
            "responses": {"200": {"description": "Revoked", "content": {
                "application/json": {"schema": token}}}, **_errors(401, 404)}}},
    }



def _receipt_paths() -> dict[str, Any]:
    # Described beside their views, imported when the document is built: their module needs
    # the api blueprint, whose module imports this one.
    from recond.blueprints.api_receipts import openapi_paths
    return openapi_paths(_errors)


def _device_list_parameters() -> list[dict]:
    """The device list's search, filters and sort (recond.inventory.listing)."""
    return [
        {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": MAX_SEARCH},
         "description": "An ID, serial (of the device or one of its disks) or asset tag, whole; "
                        "else words of the brand and model"},
        {"name": "grade", "in": "query", "schema": {"type": "string", "enum": list(GRADE_CHOICES)}},
        {"name": "deposit", "in": "query", "schema": {"type": "string", "maxLength": 40},
         "description": "A deposit number"},
        {"name": "workshop", "in": "query", "schema": {"type": "integer", "minimum": 1}},
        {"name": "structure", "in": "query", "schema": {"type": "integer", "minimum": 1},
         "description": "Devices allocated to that structure (readers of allocation history)"},
        {"name": "sort", "in": "query", "schema": {"type": "string", "enum": list(SORTS)}},
        {"name": "order", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}},
    ]
