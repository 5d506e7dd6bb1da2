"""The OpenAPI 3.1 document of /api/v1, built from the same action list the engine uses.

This module assembles it and describes the device endpoints (list, one device, actions, scan,
batch, jobs) and the caller's tokens; `api_spec_collection`, `api_spec_workshop` and
`api_spec_distribution` (the structures' side) describe theirs, `api_spec_components` the
parts they share. Limits written here are the ones the views enforce: a request inside them is
never refused for its shape.
"""
from __future__ import annotations

from typing import Any

from flask import current_app

from recond import categories
from recond.blueprints import api_spec_collection, api_spec_distribution, api_spec_workshop
from recond.blueprints.api_spec_components import (
    DEVICE_ID, ID, errors, id_in_path, json_body, ok, ref, schemas,
)
from recond.blueprints.api_spec_recycling import recycling_paths
from recond.inventory.listing import GRADE_CHOICES, MAX_PAGE, MAX_PER_PAGE, MAX_SEARCH, SORTS
from recond.scan import MAX_CODE_LENGTH
from recond.lifecycle import ACTIONS, Field, Status
from recond.lifecycle.jobs import MAX_BATCH, MAX_ID_LENGTH
from recond.whole_numbers import MAX_ID

_FIELD_SCHEMAS = {"int": ID, "os_image": {**ID, "description": "an active image of the OS catalogue"},
                  "bool": {"type": "boolean"},
                  "percent": {"type": "integer", "minimum": 0, "maximum": 100},
                  "weight": {"anyOf": [
                      {"type": "integer", "minimum": 1, "maximum": 100_000},
                      {"type": "string", "pattern": r"^(?:[1-9]\d{0,4}(?:[.,]\d{1,3})?"
                                                    r"|100000(?:[.,]0{1,3})?"
                                                    r"|0{1,5}[.,](?:[1-9]\d{0,2}|0[1-9]\d?|00[1-9]))$"}],
                      "description": "kilograms as text, at most three decimals (\"7,4\", "
                                     "\"0.850\"), or whole kilograms as a number; more than 0, "
                                     "at most 100 t"},
                  "checklist": {"type": "object", "additionalProperties": {"type": "boolean"},
                                "description": "every check of the device's category"}}


def _field_schema(field: Field) -> dict[str, Any]:
    if field.kind == "choice":
        return {"type": "string", "enum": list(field.choices)}
    if field.kind == "text":  # spaces around are trimmed; a required text says something
        return {"type": "string", "maxLength": field.max_length} | (
            {"pattern": r"\S"} if field.required else {})
    schema = dict(_FIELD_SCHEMAS[field.kind])
    if field.needed_by:
        schema["description"] = f"required when the category checks {field.needed_by}"
    return schema


def _fields_schema(action) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False,
            "properties": {f.name: _field_schema(f) for f in action.fields},
            "required": [f.name for f in action.fields if f.required]}


def _action_payload_schema() -> dict[str, Any]:
    """One variant per action: its name, the version seen, and its own fields beside them."""
    variants = []
    for action in ACTIONS.values():
        fields = _fields_schema(action)
        variants.append({
            "type": "object", "title": action.name, "additionalProperties": False,
            "properties": {"action": {"const": action.name},
                           "version": {**ID, "minimum": 0, "description":
                                       "the device version you saw; 409 if it moved"},
                           **fields["properties"]},
            "required": ["action", *fields["required"]],
            "description": "roles: " + ", ".join(sorted(action.roles))})
    return {"oneOf": variants, "discriminator": {"propertyName": "action"}}


def _batch_schema() -> dict[str, Any]:
    """One variant per action: the devices, and the action's fields under `payload`."""
    devices = {"type": "array", "minItems": 1, "maxItems": MAX_BATCH, "items": {
        "type": "string", "minLength": 1, "maxLength": MAX_ID_LENGTH}}
    variants = []
    for action in ACTIONS.values():
        payload = _fields_schema(action)
        variants.append({
            "type": "object", "title": action.name, "additionalProperties": False,
            "properties": {"action": {"const": action.name}, "devices": devices,
                           "payload": payload},
            "required": ["action", "devices", *(["payload"] if payload["required"] else [])],
            "description": "roles: " + ", ".join(sorted(action.roles))})
    return {"oneOf": variants, "discriminator": {"propertyName": "action"}}


def _empty_or(schema: dict[str, Any]) -> dict[str, Any]:
    """A filter left empty (`?status=`, as an HTML form sends it) is no filter."""
    return {"anyOf": [schema, {"type": "string", "maxLength": 0}]}


def _device_paths() -> dict[str, Any]:
    device = ref("Device")
    return {
        "/devices": {"get": {
            "summary": "Devices in the caller's scope, paginated",
            "parameters": [
                {"name": "status", "in": "query", "description": "empty: any status",
                 "schema": _empty_or({"type": "string", "enum": [s.value for s in Status]})},
                {"name": "category", "in": "query", "description": "empty: any category",
                 "schema": _empty_or({"type": "string", "enum": list(categories.CATEGORIES)})},
                {"name": "page", "in": "query",
                 "description": "empty: the first; past the last page: no items (and the total)",
                 "schema": _empty_or({"type": "integer", "minimum": 1, "maximum": MAX_PAGE})},
                {"name": "per_page", "in": "query", "description": "empty: 50",
                 "schema": _empty_or({"type": "integer", "minimum": 1,
                                      "maximum": MAX_PER_PAGE})},
                *_device_list_parameters(),
            ],
            "responses": {"200": ok(ref("DevicePage")), **errors(401, 422)}}},
        "/devices/{public_id}": {"get": {
            "summary": "One device with its whole history", "parameters": [DEVICE_ID],
            "responses": {"200": ok(device), **errors(401, 404)}}},
        "/devices/{public_id}/actions": {"post": {
            "summary": "Perform a lifecycle action", "parameters": [DEVICE_ID],
            "requestBody": json_body(_action_payload_schema()),
            "responses": {"200": ok(device, "The device in its new state"),
                          **errors(400, 401, 403, 404, 409, 413, 422)}}},
        "/scan": {"get": {
            "summary": "Resolve what a scanner typed: public ID, QR URL or serial "
                       "(QWERTY-on-AZERTY input is understood)",
            "parameters": [{"name": "code", "in": "query", "required": True, "schema": {
                "type": "string", "minLength": 1, "maxLength": MAX_CODE_LENGTH,
                "pattern": r"\S"}}],
            "responses": {"200": ok({"type": "object", "properties": {
                "match": {"const": "device"}, "device": device}}),
                **errors(401, 404, 409, 422)}}},
        "/batch": {"post": {
            "summary": "Apply one action to many devices (a background job when Redis is set)",
            "description": "The action, the caller's right to it and the payload's fields are "
                           "checked before anything is queued (422, 403); each device's status "
                           "and guards are then decided device by device.",
            "requestBody": json_body(_batch_schema()),
            "responses": {"200": ok(ref("JobResult"), "Ran inline: each device's result"),
                          "202": ok(ref("JobResult"), "Queued: poll the job; its messages are "
                                    "in the caller's Accept-Language"),
                          **errors(400, 401, 403, 413, 422, 503)}}},
        "/jobs/{job_id}": {"get": {
            "summary": "A background job of the caller's",
            "parameters": [{"name": "job_id", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": {"200": ok(ref("JobResult")), **errors(401, 404)}}},
    }


def _token_paths() -> dict[str, Any]:
    """The caller's own API tokens (never the token itself: only its hash is kept)."""
    token = {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "user": {"type": "string"},
        "created_at": {"type": "string"}, "last_used_at": {"type": ["string", "null"]},
        "expires_at": {"type": ["string", "null"]},
        "status": {"type": "string", "enum": ["active", "expired", "revoked"]}}}
    return {
        "/tokens": {"get": {"summary": "The caller's API tokens: name, created, last used, expiry",
                            "responses": {"200": ok({"type": "object", "properties": {
                                "items": {"type": "array", "items": token}}}, "The tokens"),
                                **errors(401)}}},
        "/tokens/{token_id}": {"delete": {
            "summary": "Revoke one of the caller's tokens (an administrator: anyone's)",
            "parameters": [id_in_path("token_id")],
            "responses": {"200": ok(token, "Revoked"), **errors(401, 404)}}},
    }


def openapi_document() -> dict[str, Any]:
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
                            "responses": {"200": {"description": "The caller"}, **errors(401)}}},
            **_device_paths(),
            **api_spec_collection.paths(),
            **api_spec_workshop.paths(),
            **api_spec_distribution.paths(),
            **recycling_paths(ok, errors),
            **_token_paths(),
            **_receipt_paths(),
            **_transfer_paths(),
            **_report_paths(),
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "`recond create-token EMAIL`"}},
            "schemas": schemas(),
        },
    }


def _receipt_paths() -> dict[str, Any]:
    # Described beside their views, imported when the document is built: their module needs
    # the api blueprint, whose module imports this one.
    from recond.blueprints.api_receipts import openapi_paths
    return openapi_paths(errors)


def _transfer_paths() -> dict[str, Any]:
    from recond.blueprints.api_transfers import openapi_paths
    return openapi_paths(errors, id_in_path)


def _report_paths() -> dict[str, Any]:
    from recond.blueprints.api_reports import openapi_paths  # as _receipt_paths
    return openapi_paths(errors)


def _device_list_parameters() -> list[dict]:
    """The device list's search, filters and sort (recond.inventory.listing)."""
    # Each may be left empty, as the HTML form sends it: that is no filter.
    return [
        {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": MAX_SEARCH},
         "description": "An ID, serial (of the device or one of its disks) or asset tag, whole; "
                        "else words of the brand and model"},
        {"name": "grade", "in": "query", "schema": _empty_or({"type": "string", "enum": list(GRADE_CHOICES)})},
        {"name": "deposit", "in": "query", "schema": {"type": "string", "maxLength": 40},
         "description": "A deposit number"},
        {"name": "workshop", "in": "query",
         "schema": _empty_or({"type": "integer", "minimum": 1, "maximum": MAX_ID})},
        {"name": "structure", "in": "query",
         "schema": _empty_or({"type": "integer", "minimum": 1, "maximum": MAX_ID}),
         "description": "Devices allocated to that structure (readers of allocation history)"},
        {"name": "sort", "in": "query", "schema": _empty_or({"type": "string", "enum": list(SORTS)})},
        {"name": "order", "in": "query",
         "schema": _empty_or({"type": "string", "enum": ["asc", "desc"]})},
    ]
