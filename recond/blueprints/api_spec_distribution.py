"""The OpenAPI paths of the structures' side: equipment requests and their decision,
beneficiaries, training sessions and attendance, delivery notes, a device's handover
conditions and payments. Limits written here are the ones `api_distribution` and
`api_handover` enforce."""
from __future__ import annotations

from typing import Any

from recond import categories
from recond.blueprints.api_spec_components import (
    DEVICE_ID, ID, errors, id_in_path, json_body, ok,
)
from recond.distribution.equipment_requests import MAX_QUANTITY, STATUS_LABELS
from recond.distribution.payments import METHODS
from recond.distribution.pricing import BENEFICIARY_TIERS
from recond.distribution.training import MAX_MINUTES
from recond.models import DeliveryKind, DeliveryStatus, PaymentKind, Purpose
from recond.money import DEFAULT_CEILING_CENTS

MAX_LINES, MAX_TEXT, MAX_MARKS, MAX_REASON, MAX_CODE = 20, 2000, 500, 500, 300
_TIME = {"type": ["string", "null"], "description": "UTC, ISO 8601"}
# "Says something": a character that is not blank as Python's str.strip() sees it, which is
# how the views and the domain read it (JSON Schema's \\S differs on a few: U+001C–U+001F,
# U+0085 are blank to Python, U+FEFF is not).
NOT_BLANK = "[^\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
_WRITES = errors(400, 401, 403, 404, 409, 413, 422)


def _text(max_length: int, required: bool = False, **extra) -> dict[str, Any]:
    return {"type": "string", "maxLength": max_length, **({"pattern": NOT_BLANK} if required else {}),
            **extra}


def _list(schema: dict[str, Any]) -> dict[str, Any]:
    return ok({"type": "object", "required": ["items"], "properties": {
        "items": {"type": "array", "items": schema}}})


def paths() -> dict[str, Any]:
    return {**_request_paths(), **_beneficiary_paths(), **_training_paths(),
            **_handover_paths(), **_delivery_paths()}


_REQUEST = {"type": "object", "required": ["id", "number", "status", "lines"], "properties": {
    "id": {"type": "integer"}, "number": {"type": "string", "description": "DEM-000042"},
    "status": {"type": "string", "enum": [str(s) for s in STATUS_LABELS]},
    "purpose": {"type": "string", "enum": [str(p) for p in Purpose]},
    "justification": {"type": "string"},
    "structure": {"type": "object", "properties": {"id": {"type": "integer"},
                                                   "name": {"type": "string"}}},
    "created_at": _TIME, "decided_at": _TIME, "decision_comment": {"type": "string"},
    "lines": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "category": {"type": "string"}, "quantity": {"type": "integer"},
        "min_ram_gb": {"type": ["integer", "null"]}, "min_storage_gb": {"type": ["integer", "null"]},
        "approved_quantity": {"type": "integer"},
        "allocated": {"type": "integer", "description": "one request: devices allocated"},
        "delivered": {"type": "integer", "description": "one request: devices delivered"}}}},
    "may_decide": {"type": "boolean"}, "may_cancel": {"type": "boolean"}}}


def _request_paths() -> dict[str, Any]:
    spec = {"type": "integer", "minimum": 1, "maximum": 100_000}
    line = {"type": "object", "required": ["category", "quantity"], "additionalProperties": False,
            "properties": {"category": {"type": "string", "enum": list(categories.CATEGORIES)},
                           "quantity": {"type": "integer", "minimum": 1, "maximum": MAX_QUANTITY},
                           "min_ram_gb": {**spec, "type": ["integer", "null"]},
                           "min_storage_gb": {**spec, "type": ["integer", "null"]}}}
    decided = {"type": "object", "required": ["id", "approved"], "additionalProperties": False,
               "properties": {"id": {**ID, "description": "a line of this request"},
                              "approved": {"type": "integer", "minimum": 0,
                                           "maximum": MAX_QUANTITY,
                                           "description": "at most the line's quantity"}}}
    return {
        "/requests": {
            "get": {"summary": "Equipment requests: a structure's own; the coordination all",
                    "responses": {"200": _list(_REQUEST), **errors(401, 403)}},
            "post": {"summary": "Request equipment (structures)",
                     "requestBody": json_body({
                         "type": "object", "additionalProperties": False,
                         "required": ["purpose", "justification", "lines"], "properties": {
                             "purpose": {"type": "string", "enum": [str(p) for p in Purpose]},
                             "justification": _text(MAX_TEXT, True, description="who, for what use"),
                             "lines": {"type": "array", "minItems": 1, "maxItems": MAX_LINES,
                                       "items": line}}}),
                     "responses": {"201": ok(_REQUEST, "Sent to the coordination"), **_WRITES}}},
        "/requests/{request_id}": {"get": {
            "summary": "One request, with what is allocated and delivered on each line",
            "parameters": [id_in_path("request_id")],
            "responses": {"200": ok(_REQUEST), **errors(401, 403, 404)}}},
        "/requests/{request_id}/decision": {"post": {
            "summary": "The coordination's decision, line by line",
            "description": "Approve all: each line at its quantity. Approve part: less on some "
                           "line, with a comment the structure reads. Refuse: every line at 0, "
                           "with a comment. A line left out is approved at 0. Once decided, a "
                           "request is not decided again (409).",
            "parameters": [id_in_path("request_id")],
            "requestBody": json_body({"type": "object", "required": ["lines"],
                                      "additionalProperties": False, "properties": {
                "lines": {"type": "array", "maxItems": MAX_LINES, "items": decided},
                "comment": _text(MAX_TEXT, description="required unless all is approved")}}),
            "responses": {"200": ok(_REQUEST, "Decided"), **_WRITES}}},
    }


_BENEFICIARY = {"type": "object", "required": ["id", "reference", "tier"], "properties": {
    "id": {"type": "integer"}, "reference": {"type": "string"}, "tier": {"type": "string"},
    "postcode": {"type": ["string", "null"]}, "created_at": _TIME,
    "editable": {"type": "boolean", "description": "never allocated a device: may be "
                 "corrected or deleted"}}}


def _beneficiary_paths() -> dict[str, Any]:
    fields = {"reference": _text(40, True, description="the structure's own file reference: "
                                 "never a name, a phone number, an e-mail or a NIR (422 "
                                 "not_pseudonymous)"),
              "tier": {"type": "string", "enum": [str(t) for t in BENEFICIARY_TIERS]},
              "postcode": {"type": ["string", "null"], "pattern": "^(?:[0-9]{5})?$",
                           "description": "empty or null: none"}}
    one = [id_in_path("beneficiary_id")]
    return {
        "/beneficiaries": {
            "get": {"summary": "The structure's beneficiaries (pseudonymous)",
                    "responses": {"200": ok({"type": "object", "properties": {
                        "items": {"type": "array", "items": _BENEFICIARY},
                        "retention_months": {"type": "integer"}}}), **errors(401, 403)}},
            "post": {"summary": "Enrol a beneficiary under the structure's own reference",
                     "requestBody": json_body({"type": "object", "additionalProperties": False,
                                               "required": ["reference", "tier"],
                                               "properties": fields}),
                     "responses": {"201": ok(_BENEFICIARY, "Enrolled"), **_WRITES}}},
        "/beneficiaries/{beneficiary_id}": {
            "get": {"summary": "One beneficiary of the structure", "parameters": one,
                    "responses": {"200": ok(_BENEFICIARY), **errors(401, 403, 404)}},
            "patch": {"summary": "Correct a beneficiary never allocated a device",
                      "parameters": one,
                      "requestBody": json_body({"type": "object", "additionalProperties": False,
                                                "properties": fields}),
                      "responses": {"200": ok(_BENEFICIARY, "Corrected"), **_WRITES}},
            "delete": {"summary": "Delete a beneficiary never allocated a device (and their "
                                  "attendance marks, each session keeping a revision)",
                       "parameters": one,
                       "responses": {"200": ok({"type": "object", "properties": {
                           "deleted": {"type": "string"}}}, "Deleted"),
                           **errors(401, 403, 404, 409)}}},
    }


_SESSION = {"type": "object", "required": ["id", "held_on", "attendance"], "properties": {
    "id": {"type": "integer"}, "held_on": {"type": "string", "format": "date"},
    "duration_minutes": {"type": "integer"}, "trainer": {"type": "string"},
    "topics": {"type": "array", "items": {"type": "string"}}, "place": {"type": "string"},
    "created_at": _TIME,
    "attendance": {"type": "array", "items": {"type": "object", "properties": {
        "beneficiary_id": {"type": ["integer", "null"]},
        "reference": {"type": ["string", "null"]}, "staff": {"type": ["string", "null"]},
        "present": {"type": "boolean"}}}},
    "served_a_handover": {"type": "boolean", "description": "then it is frozen"},
    "frozen": {"type": ["string", "null"], "description": "one session: why it can no longer "
               "be corrected"},
    "revisions": {"type": "array", "items": {"type": "object"}}}}


def _training_paths() -> dict[str, Any]:
    ids = {"type": "array", "maxItems": MAX_MARKS, "items": ID}
    fields = {
        "held_on": {"type": "string", "format": "date", "description": "not in the future"},
        "duration_minutes": {"type": "integer", "minimum": 1, "maximum": MAX_MINUTES,
                             "default": 120},
        "trainer": _text(200, True), "place": _text(200),
        "topics": {**ids, "description": "ids of /training-topics"},
        "present": {**ids, "description": "beneficiaries present"},
        "absent": {**ids, "description": "beneficiaries absent (each beneficiary in one list)"},
        "staff": {"type": "array", "maxItems": MAX_MARKS, "items": _text(200),
                  "description": "staff present, by name (equipment of the structure's own use)"}}
    return {
        "/training-topics": {"get": {
            "summary": "The topics a session may cover", "responses": {"200": _list({
                "type": "object", "properties": {"id": {"type": "integer"},
                                                 "label": {"type": "string"}}}),
                **errors(401, 403)}}},
        "/training-sessions": {
            "get": {"summary": "The structure's training sessions, newest first",
                    "responses": {"200": _list(_SESSION), **errors(401, 403)}},
            "post": {"summary": "Record a session held, with its attendance (at least one "
                                "attendee)",
                     "requestBody": json_body({"type": "object", "additionalProperties": False,
                                               "required": ["held_on", "trainer"],
                                               "properties": fields}),
                     "responses": {"201": ok(_SESSION, "Recorded"), **_WRITES}}},
        "/training-sessions/{session_id}": {
            "get": {"summary": "One session, its attendance and its corrections",
                    "parameters": [id_in_path("session_id")],
                    "responses": {"200": ok(_SESSION), **errors(401, 403, 404)}},
            "patch": {"summary": "Correct a session or record its attendance, with the reason "
                                 "(kept as a revision); refused once it served a handover",
                      "description": "What is not named stays; the attendance is replaced "
                                     "whole when any of present, absent, staff is given.",
                      "parameters": [id_in_path("session_id")],
                      "requestBody": json_body({"type": "object", "additionalProperties": False,
                                                "required": ["reason"], "properties": {
                          "reason": _text(MAX_REASON, True), **fields}}),
                      "responses": {"200": ok(_SESSION, "Corrected"), **_WRITES}}},
    }


_CHARGE = {"price_cents": {"type": "integer"}, "paid_cents": {"type": "integer"},
           "left_cents": {"type": "integer"}, "grid_version": {"type": "integer"}}
_PAYMENT = {"type": "object", "properties": {
    "id": {"type": "integer"}, "kind": {"type": "string", "enum": [str(k) for k in PaymentKind]},
    "amount_cents": {"type": "integer", "description": "signed: a refund is negative"},
    "method": {"type": "string"}, "reason": {"type": "string"}, "recorded_at": _TIME,
    "recorded_by": {"type": ["string", "null"]}}}


def _handover_paths() -> dict[str, Any]:
    conditions = {"type": "array", "items": {"type": "object", "properties": {
        "key": {"type": "string", "enum": ["delivered", "training", "payment"]},
        "label": {"type": "string"}, "met": {"type": "boolean"},
        "reasons": {"type": "array", "items": {"type": "string"}}}}}
    def entry(kind: str, amount: dict, reason: dict, required=()) -> dict[str, Any]:
        return {"type": "object", "title": kind, "additionalProperties": False,
                "required": ["method", "amount_cents", *required], "properties": {
                    "kind": {"const": kind}, "amount_cents": amount,
                    "method": {"type": "string", "enum": list(METHODS)}, "reason": reason}}
    positive = {"type": "integer", "minimum": 1, "maximum": DEFAULT_CEILING_CENTS}
    signed = {"type": "integer", "minimum": -DEFAULT_CEILING_CENTS,
              "maximum": DEFAULT_CEILING_CENTS, "not": {"const": 0}}
    why = _text(MAX_REASON, True)
    entries = {"oneOf": [
        entry("payment", positive, _text(MAX_REASON)),  # without "kind": a payment
        entry("refund", {**positive, "description": "the money given back"}, why,
              ("kind", "reason")),
        entry("correction", {**signed, "description": "signed"}, why, ("kind", "reason"))]}
    return {
        "/devices/{public_id}/handover": {"get": {
            "summary": "What the device still needs before its handover (delivered, training, "
                       "payment), read from the release's own guards",
            "description": "The release is `POST /devices/{public_id}/actions` with "
                           "`{\"action\": \"release\"}`: 409 with the reasons while a condition "
                           "is missing.",
            "parameters": [DEVICE_ID],
            "responses": {"200": ok({"type": "object", "properties": {
                "device": {"type": "object"}, "beneficiary": {"type": ["object", "null"]},
                "for_own_use": {"type": "boolean"}, "handed_over": {"type": "boolean"},
                "released_at": _TIME, "conditions": conditions,
                "missing": {"type": "array", "items": {"type": "string"}},
                "may_release": {"type": "boolean"}, "may_pay": {"type": "boolean"},
                "charge": {"type": "object", "properties": _CHARGE}}}),
                **errors(401, 403, 404)}}},
        "/devices/{public_id}/payments": {
            "get": {"summary": "The payment entries of the device's remaining charge, with "
                               "what is paid and what is left",
                    "parameters": [DEVICE_ID],
                    "responses": {"200": ok({"type": "object", "properties": {
                        "items": {"type": "array", "items": _PAYMENT}, **_CHARGE}}),
                        **errors(401, 403, 404)}},
            "post": {"summary": "Record a payment, a refund or a correction (never more than "
                                "the remaining charge in all, never below zero: 409)",
                     "parameters": [DEVICE_ID], "requestBody": json_body(entries),
                     "responses": {"201": ok({"type": "object", "properties": {
                         "payment": _PAYMENT, **_CHARGE}}, "Recorded"), **_WRITES}}},
    }


_NOTE = {"type": "object", "required": ["id", "number", "status"], "properties": {
    "id": {"type": "integer"}, "number": {"type": "string", "description": "BL-000042"},
    "status": {"type": "string", "enum": [str(s) for s in DeliveryStatus]},
    "kind": {"type": "string", "enum": [str(k) for k in DeliveryKind]},
    "workshop": {"type": "string"}, "structure": {"type": "object"},
    "created_at": _TIME, "shipped_at": _TIME, "closed_at": _TIME,
    "devices": {"type": "integer"}, "may_receive": {"type": "boolean"},
    "items": {"type": "array", "items": {"type": "object", "properties": {
        "public_id": {"type": "string"}, "category": {"type": "string"},
        "received_at": _TIME, "missing": {"type": "boolean"}}}},
    "left_the_workshop": {"type": "boolean"},
    "unexpected": {"type": "array", "items": {"type": "object"}}}}


def _delivery_paths() -> dict[str, Any]:
    note_id = [id_in_path("note_id")]
    return {
        "/delivery-notes": {"get": {
            "summary": "Delivery notes: a workshop's own; a structure's once shipped",
            "responses": {"200": _list(_NOTE), **errors(401, 403)}}},
        "/delivery-notes/{note_id}": {"get": {
            "summary": "One note: devices expected, received, missing, and codes scanned that "
                       "were not on it", "parameters": note_id,
            "responses": {"200": ok(_NOTE), **errors(401, 403, 404)}}},
        "/delivery-notes/{note_id}/arrivals": {"post": {
            "summary": "The structure scans a device that arrived: on the note it is delivered; "
                       "anything else is kept as unexpected",
            "parameters": note_id,
            "requestBody": json_body({"type": "object", "required": ["code"],
                                      "additionalProperties": False,
                                      "properties": {"code": _text(MAX_CODE, True)}}),
            "responses": {"200": ok({"type": "object", "properties": {
                "outcome": {"type": "string", "enum": ["delivered", "already", "unexpected"]},
                "message": {"type": "string"}, "device": {"type": ["string", "null"]},
                "note": _NOTE}}), **_WRITES}}},
        "/delivery-notes/{note_id}/close": {"post": {
            "summary": "The structure closes a shipped note with devices missing (they stay "
                       "reserved and listed)",
            "parameters": note_id,
            "responses": {"200": ok(_NOTE, "Closed"), **errors(401, 403, 404, 409)}}},
    }
