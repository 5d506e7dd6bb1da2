"""The OpenAPI document is valid and describes every endpoint the API serves."""
import re

from openapi_spec_validator import validate


def test_the_document_is_valid_openapi(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    validate(response.json)


def test_every_api_route_is_documented(app, client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    documented = {(path, method) for path, ops in paths.items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1"):])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, (path, method)


def test_every_action_payload_is_described(client):
    from recond.lifecycle import ACTIONS

    schema = client.get("/api/v1/openapi.json").json["paths"]["/devices/{public_id}/actions"]["post"]
    variants = schema["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    assert {v["properties"]["action"]["const"] for v in variants} == set(ACTIONS)
