"""The programme's indicators in /api/v1: the same tables (and masking) as the indicators page,
its exports and the open data, for the coordination's own tools."""
from __future__ import annotations

from typing import Any

from flask import jsonify, request

from recond.blueprints.api import bp
from recond.blueprints.guard import current_actor, requires
from recond.categories import CATEGORIES
from recond.reports import report
from recond.territories import Territory


@bp.route("/indicators")
@requires("reports.programme")
def indicators():
    return jsonify(report.api(current_actor(), request.args))


def openapi_paths(errors) -> dict[str, Any]:
    """This endpoint in the OpenAPI document (`errors`: its error responses by status)."""
    value = {"type": ["integer", "number", "string", "null"],
             "description": "a figure; the string \"< 5\" where a count from 1 to 4 about "
                            "people (or a figure computed from one) is masked; null: none"}
    indicator = {"type": "object", "properties": {
        "key": {"type": "string"}, "title": {"type": "string"},
        "masked": {"type": "boolean", "description": "whether its counts concern people"},
        "columns": {"type": "array", "items": {"type": "object", "properties": {
            "key": {"type": "string"}, "label": {"type": "string"}}}},
        "rows": {"type": "array", "items": {"type": "object", "properties": {
            "code": {"type": "string"}, "label": {"type": "string"},
            "values": {"type": "object", "additionalProperties": value}}}}}}
    body = {"type": "object", "properties": {
        "period": {"type": "object", "properties": {"from": {"type": "string", "format": "date"},
                                                    "to": {"type": "string", "format": "date"}}},
        "filters": {"type": "object"},
        "masking": {"type": "object", "properties": {"threshold": {"type": "integer"},
                                                     "shown_as": {"type": "string"},
                                                     "rule": {"type": "string"}}},
        "indicators": {"type": "array", "items": indicator}}}
    date = {"type": "string", "format": "date"}
    return {"/indicators": {"get": {
        "summary": "The programme's indicators for a period (as the indicators page, its "
                   "exports and the open data at /open-data/indicators.json): small counts "
                   "about people masked", "parameters": [
            {"name": "from", "in": "query", "schema": date,
             "description": "first day (default: 90 days before `to`)"},
            {"name": "to", "in": "query", "schema": date,
             "description": "last day (default: today)"},
            {"name": "workshop", "in": "query", "schema": {"type": "integer", "minimum": 1}},
            {"name": "territory", "in": "query",
             "schema": {"type": "string", "enum": [t.value for t in Territory]}},
            {"name": "category", "in": "query", "schema": {"type": "string",
                                                           "enum": list(CATEGORIES)}}],
        "responses": {"200": {"description": "The indicators", "content": {
            "application/json": {"schema": body}}}, **errors(401, 403, 422)}}}}
