"""The API does what its OpenAPI document says: the limits and enums written there are the
ones enforced, empty filters are no filters, and a batch is refused before it is queued."""
import pytest
from redis import Redis
from rq import Queue

from recond.inventory.listing import MAX_PAGE, MAX_PER_PAGE
from recond.lifecycle import ACTIONS


def _parameters(client):
    operation = client.get("/api/v1/openapi.json").json["paths"]["/devices"]["get"]
    return {p["name"]: p["schema"] for p in operation["parameters"]}


def test_the_page_bounds_are_the_documented_ones(world, api, client):
    documented = {name: schema["anyOf"][0] for name, schema in _parameters(client).items()
                  if "anyOf" in schema}
    assert documented["page"]["maximum"] == MAX_PAGE and documented["page"]["minimum"] == 1
    assert documented["per_page"]["maximum"] == MAX_PER_PAGE
    for name, last in (("page", MAX_PAGE), ("per_page", MAX_PER_PAGE)):
        assert api("tech_a", "get", f"/api/v1/devices?{name}={last}").status_code == 200
        for beyond in (last + 1, 0, -1, "x", "1.5"):
            answer = api("tech_a", "get", f"/api/v1/devices?{name}={beyond}")
            assert answer.status_code == 422, (name, beyond)


def test_empty_filters_are_no_filters_as_documented(world, api, client):
    for name, schema in _parameters(client).items():
        # free text takes "" anyway; every other filter says it explicitly
        assert {"type": "string", "maxLength": 0} in schema.get("anyOf", [{"type": "string", "maxLength": 0}]), name
    world.device("ready")
    answer = api("tech_a", "get", "/api/v1/devices?status=&category=&page=&per_page=")
    assert answer.status_code == 200 and answer.json["total"] == 1
    assert answer.json["page"] == 1 and answer.json["per_page"] == 50


@pytest.mark.parametrize("path", ["/batch", "/devices/{public_id}/actions"])
def test_the_action_names_are_the_engines(client, path):
    operation = client.get("/api/v1/openapi.json").json["paths"][path]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert [v["properties"]["action"]["const"] for v in body["oneOf"]] == list(ACTIONS)


@pytest.mark.parametrize("body, status, code", [
    ({"action": "teleport", "devices": ["X"]}, 422, "unknown_action"),
    ({"action": "release", "devices": ["X"]}, 403, "forbidden"),           # a structure's action
    ({"action": "receive", "devices": ["X"], "payload": {"colour": "red"}}, 422, "invalid"),
    ({"action": "recycle", "devices": ["X"], "payload": {}}, 422, "invalid"),  # reason required
    ({"action": "recycle", "devices": ["X"], "payload": {"reason": 7}}, 422, "invalid"),
    ({"action": "grade", "devices": ["X"], "payload": {"grade": "A", "checklist": {"screen": 1}}},
     422, "invalid"),
    ({"action": "receive", "devices": ["X" * 65]}, 422, "invalid"),
    ({"action": "receive", "devices": []}, 422, "invalid"),
])
def test_a_batch_is_checked_before_it_is_queued(world, api, redis_url, app, body, status, code):
    answer = api("tech_a", "post", "/api/v1/batch", json=body)
    assert answer.status_code == status and answer.json["error"]["code"] == code, answer.json
    assert Queue(app.config["RQ_QUEUE"], connection=Redis.from_url(redis_url)).count == 0


def test_a_right_batch_is_queued(world, api, redis_url, app):
    device = world.device("registered")
    answer = api("tech_a", "post", "/api/v1/batch",
                 json={"action": "receive", "devices": [device.public_id]})
    assert answer.status_code == 202
    assert Queue(app.config["RQ_QUEUE"], connection=Redis.from_url(redis_url)).count == 1


def _body_schema(client, path, method="post"):
    operation = client.get("/api/v1/openapi.json").json["paths"][path][method]
    return operation["requestBody"]["content"]["application/json"]["schema"]


def test_the_structures_side_documents_the_domains_vocabulary(client):
    from recond import categories
    from recond.distribution.payments import METHODS
    from recond.distribution.pricing import BENEFICIARY_TIERS

    line = _body_schema(client, "/requests")["properties"]["lines"]["items"]
    assert line["properties"]["category"]["enum"] == list(categories.CATEGORIES)
    tier = _body_schema(client, "/beneficiaries")["properties"]["tier"]
    assert tier["enum"] == [str(t) for t in BENEFICIARY_TIERS]  # never own_use: no person
    entries = _body_schema(client, "/devices/{public_id}/payments")["oneOf"]
    assert [e["properties"]["kind"]["const"] for e in entries] == ["payment", "refund", "correction"]
    assert all(e["properties"]["method"]["enum"] == list(METHODS) for e in entries)
    assert [e["required"] for e in entries] == [
        ["method", "amount_cents"], *[["method", "amount_cents", "kind", "reason"]] * 2]


def test_the_structures_side_limits_are_the_documented_ones(world, api, client):
    from recond.models import EquipmentRequest
    from recond.extensions import db

    lines = _body_schema(client, "/requests")["properties"]["lines"]
    body = {"purpose": "beneficiaries", "justification": "Atelier numérique"}
    at_most = [{"category": "laptop", "quantity": 1}] * lines["maxItems"]
    assert api("structure_s", "post", "/api/v1/requests",
               json=body | {"lines": at_most}).status_code == 201
    answer = api("structure_s", "post", "/api/v1/requests",
                 json=body | {"lines": at_most + at_most[:1]})
    assert answer.status_code == 422
    assert db.session.query(EquipmentRequest).count() == 1
    code = _body_schema(client, "/delivery-notes/{note_id}/arrivals")["properties"]["code"]
    note = world.ship([world.device("reserved")])
    path = f"/api/v1/delivery-notes/{note.id}/arrivals"
    assert api("structure_s", "post", path, json={"code": "X" * code["maxLength"]}).status_code == 200
    assert api("structure_s", "post", path,
               json={"code": "X" * (code["maxLength"] + 1)}).status_code == 422
