"""The OpenAPI paths of the workshop: wipe logs, hardware captures, labels, and a device's
storage media."""
from __future__ import annotations

from typing import Any

from recond.blueprints.api_spec_components import (
    DEVICE_ID, FILE_UPLOAD, errors, id_in_path, json_body, ok, ref,
)
from recond.whole_numbers import MAX_ID
from recond.workshop import storage_media


def paths() -> dict[str, Any]:
    return {**_wipe_log_paths(), **_capture_paths(), **_label_paths(), **_media_paths()}


def _wipe_log_paths() -> dict[str, Any]:
    wipe_log = {"type": "object", "properties": {
        "id": {"type": "integer"}, "sha256": {"type": "string"}, "tool": {"type": "string"},
        "known": {"type": "boolean"}, "drives": {"type": "array", "items": {"type": "object"}}}}
    return {
        "/wipe-logs": {"post": {
            "summary": "Upload an nwipe / ShredOS log (technicians): kept as evidence, drives read",
            "requestBody": FILE_UPLOAD,
            "description": "The same log already uploaded in the workshop is not kept twice: "
                           "200 with the log already kept (known: true). A log without a final "
                           "status for every drive is refused (422, incomplete_log).",
            "responses": {"201": ok(wipe_log, "Read"),
                          "200": ok(wipe_log, "Already uploaded: the log already kept"),
                          **errors(401, 403, 413, 422)}}},
        "/wipe-logs/{evidence_id}/assign": {"post": {
            "summary": "Record the sanitisation of the log's drives on storage media",
            "parameters": [id_in_path("evidence_id")],
            "requestBody": json_body({"type": "object", "required": ["assignments"],
                                      "additionalProperties": False, "properties": {
                "assignments": {"type": "object", "additionalProperties": {
                    "type": "integer", "minimum": 0, "maximum": MAX_ID},
                                "description": "drive (e.g. /dev/sda) -> storage medium id "
                                               "(0: none)"},
                "reasons": {"type": "object", "additionalProperties": {"type": "string"},
                            "description": "drive -> why the technician confirms a match the "
                                           "log disagrees with (size or serial); without it, "
                                           "409 log_does_not_match"}}}),
            "responses": {"200": ok({"type": "object"}, "Recorded"),
                          **errors(400, 401, 403, 404, 409, 413, 422)}}},
    }


def _capture_paths() -> dict[str, Any]:
    text = {"type": ["string", "null"]}
    capture = {"type": "object", "required": ["id", "device", "known", "sha256"], "properties": {
        "id": {"type": "integer"}, "device": {"type": "string"}, "known": {"type": "boolean"},
        "filename": {"type": "string"}, "sha256": {"type": "string"}, "size": {"type": "integer"},
        "uploaded_at": {"type": "string", "format": "date-time"},
        "machine": {"type": "object", "properties": {"vendor": text, "product": text,
                                                     "version": text, "serial": text}},
        "specs": {"type": "object", "description": "what the capture filled: cpu, ram_gb, "
                  "storage_gb, screen_resolution, battery_health (null: not given)"},
        "media": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "medium_id": {"type": "integer"}, "serial": text,
            "model": text, "size_gb": {"type": ["integer", "null"]}, "interface": text,
            "kind": {"type": "string"},
            "action": {"type": "string", "enum": ["added", "completed", "unchanged"]}}}},
        "ignored": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "model": {"type": "string"},
            "reason": {"type": "string", "enum": ["usb", "live", "nvme_unread"]}}}},
        "differences": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": "string"}, "declared": {"type": "string"},
            "captured": {"type": "string"}}}}}}
    upload = {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"], "properties": {
            "file": {"type": "string", "format": "binary",
                     "description": "the file scripts/capture-hardware writes, or lshw -json"},
            "device": {"type": "string", "maxLength": 40,
                       "description": "the device's ID; without it, the device whose serial "
                                      "number the machine gives"}}}}}}
    return {
        "/hardware-captures": {"post": {
            "summary": "Upload a hardware capture (technicians): fills the device's specs and "
                       "storage media, kept as evidence",
            "requestBody": upload,
            "description": "The same file already read for the device: 200 with that capture "
                           "(known: true). Not JSON, not a capture (422); larger than 5 MB "
                           "(413); another machine than the device (409 wrong_device); no "
                           "device with the machine's serial (404 no_such_serial); the device "
                           "not received at the workshop (409). Nothing is written then.",
            "responses": {"201": ok(capture, "Read and applied"),
                          "200": ok(capture, "Already read: the capture kept"),
                          **errors(401, 403, 404, 409, 413, 422)}}},
        "/hardware-captures/{capture_id}": {"get": {
            "summary": "A hardware capture: what it read, filled, left out, and what differs",
            "parameters": [id_in_path("capture_id")],
            "responses": {"200": ok(capture), **errors(401, 403, 404)}}},
    }


def _label_paths() -> dict[str, Any]:
    return {
        "/labels": {"post": {
            "summary": "Labels for devices or a deposit: PDF (sheets, rolls), ZPL, PNG or SVG",
            "requestBody": json_body({"type": "object", "additionalProperties": False, "properties": {
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
                "202": ok({"type": "object", "properties": {"job": ref("Job")}},
                          "Queued: fetch the job's URL"),
                **errors(400, 401, 403, 404, 413, 422, 503)}}},
        "/labels/jobs/{job_id}": {"get": {
            "summary": "A batch of labels made in the background: the PDF when ready",
            "parameters": [{"name": "job_id", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The PDF", "content": {"application/pdf": {}}},
                          "202": ok({"type": "object", "properties": {"job": ref("Job")}},
                                    "Not ready yet"),
                          **errors(401, 403, 404, 422)}}},
    }


def _media_paths() -> dict[str, Any]:
    """Storage media of a device: technicians act while it is received; coordination reads."""
    medium_id, media = id_in_path("medium_id"), ref("Media")
    description = {
        "serial": {"type": ["string", "null"], "maxLength": 100},
        "model": {"type": "string", "maxLength": 200},
        "interface": {"type": ["string", "null"], "enum": [*storage_media.INTERFACE_LABELS, None, ""]},
        "size_gb": {"type": ["integer", "null"], "minimum": 1,
                    "description": "whole gigabytes; a non-whole value is refused, not rounded"}}
    writes = errors(400, 401, 403, 404, 409, 413, 422)
    return {
        "/devices/{public_id}/media": {
            "get": {"summary": "The device's storage media and what became of each "
                               "(technicians of its workshop, coordination, admin)",
                    "parameters": [DEVICE_ID],
                    "responses": {"200": ok(media), **errors(401, 403, 404)}},
            "post": {"summary": "Add a storage medium (technicians, device received)",
                     "parameters": [DEVICE_ID],
                     "requestBody": json_body({"type": "object", "required": ["kind"],
                                               "additionalProperties": False, "properties": {
                         "kind": {"type": "string", "enum": list(storage_media.KIND_LABELS)},
                         "brand": {"type": "string", "maxLength": 100}, **description}}),
                     "responses": {"201": ok(media, "Added"), **writes}}},
        "/devices/{public_id}/media/{medium_id}": {"patch": {
            "summary": "Correct a medium: serial and size only before a passed sanitisation",
            "parameters": [DEVICE_ID, medium_id],
            "requestBody": json_body({"type": "object", "additionalProperties": False,
                                      "properties": description}),
            "responses": {"200": ok(media, "Corrected"), **writes}}},
        "/devices/{public_id}/media/{medium_id}/destruction": {"post": {
            "summary": "Record the medium's destruction (NIST SP 800-88 Destroy)",
            "parameters": [DEVICE_ID, medium_id],
            "requestBody": json_body({"type": "object", "additionalProperties": False,
                                      "required": ["method", "destroyed_by", "destroyed_on"],
                                      "properties": {
                "method": {"type": "string", "enum": list(storage_media.DESTRUCTION_LABELS)},
                "destroyed_by": {"type": "string", "maxLength": 200,
                                 "description": "the workshop or its destruction contractor"},
                "destroyed_on": {"type": "string", "format": "date",
                                 "description": "not in the future"},
                "reference": {"type": "string", "maxLength": 100,
                              "description": "e.g. the contractor's certificate number"}}}),
            "responses": {"201": ok(media, "Recorded"), **writes}}},
        "/devices/{public_id}/media/{medium_id}/removal": {"post": {
            "summary": "Record that the medium was taken out: kept at the workshop or recycled",
            "parameters": [DEVICE_ID, medium_id],
            "requestBody": json_body({"type": "object", "additionalProperties": False,
                                      "required": ["destination"], "properties": {
                "destination": {"type": "string", "enum": list(storage_media.DESTINATION_LABELS)},
                "note": {"type": "string", "maxLength": 500}}}),
            "responses": {"201": ok(media, "Recorded"), **writes}}},
        "/devices/{public_id}/no-storage": {"post": {
            "summary": "Record that the device holds no storage (media registered are marked "
                       "not found)",
            "parameters": [DEVICE_ID],
            "requestBody": json_body({"type": "object", "additionalProperties": False,
                                      "properties": {"note": {"type": "string", "maxLength": 500}}}),
            "responses": {"201": ok(media, "Recorded"), **writes}}},
    }
