"""The OpenAPI paths of collection: deposits, the devices registered in them, manifests and
their imports."""
from __future__ import annotations

from typing import Any

from recond import categories
from recond.collection.deposits import MAX_QUANTITY
from recond.collection.registration import SIZE_CELLS, TEXT_CELLS
from recond.blueprints.api_spec_components import (
    FILE_UPLOAD, ID, errors, id_in_path, json_body, ok, ref,
)
from recond.whole_numbers import MAX_ID

_NUMBER = {"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}


def paths() -> dict[str, Any]:
    import_id = id_in_path("import_id")
    deposit, device_import = ref("Deposit"), ref("Import")
    return {
        "/deposits": {
            "get": {"summary": "Deposits in the caller's scope",
                    "responses": {"200": ok({"type": "object", "properties": {
                        "items": {"type": "array", "items": deposit}}}), **errors(401, 403)}},
            "post": {"summary": "Pledge a deposit (collection partners, coordinators)",
                     "description": "Without `workshop_id`, the deposit goes to the workshop "
                                    "proposed for its pickup site (or the donor's commune): "
                                    "one in the same territory, the least loaded first; "
                                    "without one there, the least loaded of all.",
                     "requestBody": json_body({
                         "type": "object", "required": ["donor_id"],
                         "additionalProperties": False, "properties": {
                             "donor_id": ID, "workshop_id": ID, "site_id": ID,
                             "available_from": {"type": "string", "format": "date"},
                             "items": {"type": "array", "items": {
                                 "type": "object", "required": ["category", "quantity"],
                                 "additionalProperties": False, "properties": {
                                     "category": {"type": "string",
                                                  "enum": list(categories.CATEGORIES)},
                                     "quantity": {"type": "integer", "minimum": 1,
                                                  "maximum": MAX_QUANTITY}}}}}}),
                     "responses": {"201": ok(deposit, "Pledged"),
                                   **errors(400, 401, 403, 404, 413, 422)}},
        },
        "/deposits/{number}": {"get": {
            "summary": "One deposit with what became of its devices", "parameters": [_NUMBER],
            "responses": {"200": ok(deposit), **errors(401, 403, 404)}}},
        "/deposits/{number}/devices": {"post": {
            "summary": "Register one device in the deposit", "parameters": [_NUMBER],
            "description": "Each value is read as a manifest's cell is: a category by its code "
                           "or a word (\"PC portable\"), sizes with their unit (\"8 Go\").",
            "requestBody": json_body({
                "type": "object", "required": ["category"], "additionalProperties": False,
                "properties": {**{f: {"type": "string"} for f in TEXT_CELLS},
                               **{f: {"type": ["string", "integer"]} for f in SIZE_CELLS}}}),
            "responses": {"201": ok(ref("Device"), "Registered"),
                          **errors(400, 401, 403, 404, 409, 413, 422)}}},
        "/deposits/{number}/manifests": {"post": {
            "summary": "Upload a manifest (CSV or XLSX); answers with its preview",
            "parameters": [_NUMBER], "requestBody": FILE_UPLOAD,
            "responses": {"201": ok(device_import, "Read and checked"),
                          **errors(401, 403, 404, 409, 413, 422)}}},
        "/imports/{import_id}": {"get": {
            "summary": "A manifest import, with its progress when it runs in the background",
            "parameters": [import_id],
            "responses": {"200": ok(device_import), **errors(401, 403, 404)}}},
        "/imports/{import_id}/commit": {"post": {
            "summary": "Import the rows: all or nothing, or the valid rows only",
            "parameters": [import_id],
            "requestBody": json_body({"type": "object", "additionalProperties": False, "properties": {
                "all_or_nothing": {"type": "boolean", "default": True},
                "mapping": {"type": "object", "description": "field -> column (from 0; -1 or "
                            "null: none)", "additionalProperties": {
                                "type": ["integer", "null"], "minimum": -1, "maximum": MAX_ID}}}}),
            "responses": {"200": ok(device_import, "Imported"),
                          "202": ok({"type": "object", "properties": {
                              "import": device_import, "job": ref("Job")}},
                              "Queued: poll the import"),
                          **errors(400, 401, 403, 404, 409, 413, 422, 503)}}},
    }
