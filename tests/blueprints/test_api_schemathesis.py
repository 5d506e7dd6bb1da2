"""Schemathesis fuzzes the live API from its own OpenAPI document, on both databases: every
operation, every check (no server error, statuses, content types and bodies as documented,
valid data accepted, invalid data refused, 401 without a token, 405 with `Allow` for a method
the path does not take), a fixed seed and a bounded number of examples per operation.

The requests go over HTTP to the app served on a free port (`live_server`), with a fresh token
of a technician or of the coordination for each case, so that a case revoking its own token
(`DELETE /tokens/{token_id}`) spoils no other. Half of the generated ids and deposit numbers that
the document allows are replaced by ones that exist, so the fuzzing reaches past the 404s.
"""
from __future__ import annotations

import re
import zlib

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from recond.extensions import db
from recond.identity import accounts, login_guard
from recond.whole_numbers import MAX_ID

SEED = 20261130
EXAMPLES = 25  # per operation and phase: about 2 minutes for the whole test on 2 busy cores


# Where a request the document allows may still be refused with a 422, because what makes it
# right is not in the request: a file's content, the columns of the file being imported, the
# checklist of the device's category, the devices a label sheet holds, text read the way a
# manifest's cell is ("8 Go", "PC portable"). Everywhere else a 422 on valid data fails.
CHECKED_AGAINST_WHAT_IS_STORED = {
    "/deposits/{number}/manifests": "a CSV or XLSX file that reads as a manifest",
    "/wipe-logs": "an nwipe or ShredOS log, complete",
    "/hardware-captures": "a capture file (lshw, smartctl and dmidecode outputs) of the device",
    "/imports/{import_id}/commit": "a mapping to the columns of that import's file",
    "/deposits/{number}/devices": "cells read as a manifest reads them",
    "/devices/{public_id}/actions": "the checklist of the device's own category",
    "/devices/{public_id}/media/{medium_id}/destruction": "a date not in the future",
    "/labels": "devices in scope, graded for a product label, as many as the format holds",
    "/requests/{request_id}/decision": "the request's own lines, each at most its quantity, and "
                                       "a comment unless all is approved",
    "/beneficiaries": "a file reference that names no one (no name, phone, e-mail or NIR), "
                      "not already recorded",
    "/beneficiaries/{beneficiary_id}": "the same reference rules, and a change to make",
    "/training-sessions": "beneficiaries of the structure, each marked once, topics of the "
                          "list, a date not in the future, at least one attendee",
    "/training-sessions/{session_id}": "the same, and something to change",
    "/indicators": "a period that starts before it ends, within 2000–2100 and three years, "
                   "and a workshop that exists",
}
# The structures' side: half of its cases come from Structure S (who keeps beneficiaries,
# sessions and payments), the others from the coordination (who reads and decides).
STRUCTURES_SIDE = {
    "/requests", "/requests/{request_id}", "/requests/{request_id}/decision", "/beneficiaries",
    "/beneficiaries/{beneficiary_id}", "/training-topics", "/training-sessions",
    "/training-sessions/{session_id}", "/devices/{public_id}/handover",
    "/devices/{public_id}/payments", "/delivery-notes", "/delivery-notes/{note_id}",
    "/delivery-notes/{note_id}/arrivals", "/delivery-notes/{note_id}/close",
}


def _document() -> dict:
    """The document /api/v1/openapi.json serves, built by the same function, before any app
    exists (pytest makes one test per operation when it collects this module)."""
    from flask import Flask

    from recond.blueprints.api_spec import openapi_document

    bare = Flask(__name__)
    bare.config["PUBLIC_URL"] = "http://recond.invalid"
    with bare.app_context():
        return openapi_document()


schema = schemathesis.openapi.from_dict(_document(), config=SchemathesisConfig.from_dict({
    "seed": SEED,
    "generation": {"max-examples": EXAMPLES, "deterministic": True, "database": "none",
                   # NUL is refused everywhere before any view (422, tests/blueprints/
                   # test_nul_characters.py): not a valid value of any field.
                   "allow-x00": False},
    "phases": {"stateful": {"enabled": False}},  # the document declares no links
    "operations": [{
        "include-path": list(CHECKED_AGAINST_WHAT_IS_STORED),
        "checks": {"positive_data_acceptance": {"expected-statuses": [
            "2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]}}}],
}))


@pytest.fixture
def known(world, request):
    """Objects the generated requests may name: devices at each stage, both deposits; on the
    structures' side, Structure S's request, beneficiary, session, delivered device and note."""
    devices = [world.device(status) for status in ("registered", "received", "ready")]
    devices.append(world.device("registered", lot="b"))
    found = {"public_id": [d.public_id for d in devices],
             "number": [d.number for d in world.deposits.values()],
             "medium_id": [m.id for d in devices for m in d.media]}
    operation = re.search(r"\[[A-Z]+ ([^\]]+)\]", request.node.name)
    if operation and operation.group(1) in STRUCTURES_SIDE:
        found.update(_structures_side(world))
    return found


def _structures_side(world) -> dict:
    from recond.distribution import equipment_requests
    asked = equipment_requests.submit(world["structure_s"], purpose="beneficiaries",
                                      lines=[("laptop", 2)], justification="Atelier")
    person = world.beneficiary(reference="BEN-42")
    session = world.train(present=[person])
    delivered = world.device("delivered")
    note = world.ship([world.device("reserved")])
    return {"request_id": [asked.id], "beneficiary_id": [person.id], "session_id": [session.id],
            "note_id": [note.id], "public_id": [delivered.public_id]}


def test_the_document_tested_is_the_one_served(client):
    served = client.get("/api/v1/openapi.json").json
    assert served["paths"] == _document()["paths"]


def _existing(name: str, value, known: dict) -> object:
    """Half of the values the document allows become ones that exist; invalid ones stay."""
    choices = known.get(name)
    valid = (isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID) \
        if name.endswith("_id") and name != "public_id" else \
        isinstance(value, str) and (name != "public_id" or re.fullmatch("[A-Za-z]{8}", value))
    if not choices or not valid:
        return value
    digest = zlib.crc32(str(value).encode())
    return choices[digest % len(choices)] if digest % 2 else value


def _caller(case, world):
    """A technician (who acts on the workshop's devices) or the coordination (who reads
    everything and pledges deposits), half of the cases each, the same for the same case;
    on the structures' side, Structure S instead of the technician."""
    digest = zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode())
    other = "structure_s" if case.operation.path in STRUCTURES_SIDE else "tech_a"
    return world["coordinator" if digest % 2 else other]


@schema.parametrize()
# The world is built once per operation and backend, and lives through its examples: the cases
# act on it one after another, as clients would. Slowness is a busy machine, not a failure.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large, HealthCheck.filter_too_much],
          deadline=None)
def test_the_api_does_what_its_document_says(case, world, known, live_server):
    login_guard.reset()  # the ignored-auth check sends wrong tokens: no lock for the next case
    token = accounts.create_token(_caller(case, world))
    db.session.commit()
    if case.path_parameters:
        for name, value in case.path_parameters.items():
            case.path_parameters[name] = _existing(name, value, known)
    case.call_and_validate(base_url=f"{live_server}/api/v1",
                           headers={"Authorization": f"Bearer {token}"}, timeout=120)
