"""The JSON API: token auth, scoping, lifecycle actions, and errors in one shape."""
import pytest

from recond.identity import accounts
from recond.extensions import db



def _error(response, status, code=None):
    assert response.status_code == status, response.text
    body = response.json
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def test_me(api):
    assert api("tech_a", "get", "/api/v1/me").json["role"] == "technician"


def test_bad_and_revoked_tokens(world, client):
    _error(client.get("/api/v1/me", headers={"Authorization": "Bearer rcd_nope"}), 401)
    _error(client.get("/api/v1/me", headers={"Authorization": "Basic dXNlcjpwdw=="}), 401)
    token = accounts.create_token(world["tech_a"])
    db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    accounts.revoke_token(token)
    db.session.commit()
    _error(client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 401)


def test_list_is_scoped_filtered_and_paginated(world, api):
    for _ in range(3):
        world.device("ready")
    world.device("received")
    world.device("ready", lot="b")
    body = api("tech_a", "get", "/api/v1/devices?status=ready&per_page=2").json
    assert body["total"] == 3 and len(body["items"]) == 2 and body["page"] == 1
    page2 = api("tech_a", "get", "/api/v1/devices?status=ready&per_page=2&page=2").json
    assert len(page2["items"]) == 1
    assert {d["public_id"] for d in body["items"]}.isdisjoint({d["public_id"] for d in page2["items"]})
    assert api("coordinator", "get", "/api/v1/devices?status=ready").json["total"] == 4
    assert api("tech_a", "get", "/api/v1/devices?category=screen").json["total"] == 0


@pytest.mark.parametrize("query,field", [("status=lost", None), ("category=toaster", None),
                                         ("page=0", "page"), ("per_page=1000", "per_page"),
                                         ("page=abc", "page")])
def test_bad_list_parameters_are_422(api, world, query, field):
    error = _error(api("tech_a", "get", f"/api/v1/devices?{query}"), 422, "invalid")
    if field:
        assert field in error["details"]["fields"]


def test_one_device_with_its_history(world, api):
    device = world.device("wiped")
    body = api("tech_a", "get", f"/api/v1/devices/{device.public_id.lower()}").json
    assert body["status"] == "wiped" and body["url"] == f"https://recond.test/d/{device.public_id}"
    assert [h["action"] for h in body["history"]] == ["register", "receive", "wipe"]
    assert body["actions"] == ["install_os", "recycle", "dismantle"]


def test_another_organisations_device_is_404(world, api):
    theirs = world.device(lot="b")
    _error(api("tech_a", "get", f"/api/v1/devices/{theirs.public_id}"), 404, "not_found")
    _error(api("tech_a", "post", f"/api/v1/devices/{theirs.public_id}/actions",
               json={"action": "receive"}), 404)
    db.session.refresh(theirs)
    assert theirs.status == "registered"


def test_scan(world, api):
    device = world.device()
    body = api("tech_a", "get", f"/api/v1/scan?code=https://recond.test/d/{device.public_id}").json
    assert body["match"] == "device" and body["device"]["public_id"] == device.public_id
    wrong = device.public_id[:-1] + ("B" if device.public_id[-1] != "B" else "C")
    _error(api("tech_a", "get", f"/api/v1/scan?code={wrong}"), 404, "bad_check_character")
    _error(api("tech_a", "get", "/api/v1/scan?code="), 422, "empty_code")
    _error(api("tech_a", "get", "/api/v1/scan?code=NOPE-123"), 404, "no_match")


def test_perform_an_action(world, api):
    device = world.device()
    version = device.version
    response = api("tech_a", "post", f"/api/v1/devices/{device.public_id}/actions",
                   json={"action": "receive", "version": version})
    assert response.status_code == 200
    assert response.json["status"] == "received" and response.json["version"] == version + 1


def test_a_guard_refusal_is_409_with_the_reason(world, api):
    device = world.device("received")
    error = _error(api("tech_a", "post", f"/api/v1/devices/{device.public_id}/actions",
                       json={"action": "wipe"}), 409, "refused")
    assert device.media[0].serial in error["message"]


def test_reasons_speak_the_readers_language(world, api):
    device = world.device("received")
    path = f"/api/v1/devices/{device.public_id}/actions"
    french = _error(api("tech_a", "post", path, json={"action": "wipe"},
                        headers={"Accept-Language": "fr-FR,fr;q=0.9"}), 409)
    english = _error(api("tech_a", "post", path, json={"action": "wipe"},
                         headers={"Accept-Language": "en-GB"}), 409)
    assert "aucun effacement réussi" in french["message"]
    assert "no passed sanitisation record" in english["message"]


def test_a_stale_version_is_409_conflict(world, api):
    device = world.device()
    error = _error(api("tech_a", "post", f"/api/v1/devices/{device.public_id}/actions",
                       json={"action": "receive", "version": device.version + 5}), 409, "conflict")
    assert device.public_id in error["message"]


def test_a_role_that_may_not_act_is_403(world, api):
    device = world.device()
    _error(api("donor_x", "post", f"/api/v1/devices/{device.public_id}/actions",
               json={"action": "receive"}), 403, "forbidden")
    _error(api("coordinator", "post", f"/api/v1/devices/{device.public_id}/actions",
               json={"action": "receive"}), 403, "forbidden")


@pytest.mark.parametrize("body,kwargs,status,code", [
    (None, {"data": "{not json", "content_type": "application/json"}, 400, "malformed_json"),
    (None, {"data": "action=receive", "content_type": "application/x-www-form-urlencoded"}, 400, "malformed_json"),
    ([1, 2], {}, 422, "invalid"),
    ({}, {}, 422, "missing_action"),
    ({"action": 3}, {}, 422, "missing_action"),
    ({"action": "teleport"}, {}, 422, "unknown_action"),
    ({"action": "receive", "version": "1"}, {}, 422, "invalid"),
    ({"action": "receive", "version": True}, {}, 422, "invalid"),
    ({"action": "receive", "note": 42}, {}, 422, "invalid"),
    ({"action": "receive", "status": "ready"}, {}, 422, "invalid"),
    ({"action": "receive", "note": "x" * 70000}, {}, 413, "too_large"),
])
def test_malformed_requests_get_clear_errors_and_change_nothing(world, api, body, kwargs, status, code):
    device = world.device()
    if body is not None:
        kwargs = {"json": body}
    _error(api("tech_a", "post", f"/api/v1/devices/{device.public_id}/actions", **kwargs), status, code)
    db.session.refresh(device)
    assert device.status == "registered" and device.version == 1


def test_an_upload_over_the_global_limit_is_413(app, world, api):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    device = world.device()
    _error(api("tech_a", "post", f"/api/v1/devices/{device.public_id}/actions",
               data="x" * 4096, content_type="application/json"), 413)


def test_unknown_paths_and_methods_answer_in_json(api):
    _error(api("tech_a", "get", "/api/v1/nothing-here"), 404)
    _error(api("tech_a", "delete", "/api/v1/devices"), 405)


def test_a_cookie_session_never_authorises_a_write(world, browser):
    device = world.device()
    browser.login("tech_a@example.org")
    response = browser.client.post(f"/api/v1/devices/{device.public_id}/actions", json={"action": "receive"})
    assert response.status_code == 401
    assert browser.client.get(f"/api/v1/devices/{device.public_id}").status_code == 200


def test_batch_runs_inline_without_redis(world, api):
    ready = world.device("registered")
    refused = world.device("received")
    theirs = world.device(lot="b")
    body = api("tech_a", "post", "/api/v1/batch", json={
        "action": "receive", "devices": [ready.public_id, refused.public_id, theirs.public_id]}).json
    results = {r["public_id"]: r for r in body["results"]}
    assert results[ready.public_id]["ok"] and results[ready.public_id]["status"] == "received"
    assert results[refused.public_id]["code"] == "wrong_status"
    assert results[theirs.public_id]["code"] == "not_found"
    db.session.refresh(ready)
    assert ready.status == "received"


@pytest.mark.parametrize("body", [{}, {"action": "receive", "devices": []},
                                  {"action": "receive", "devices": "ABC"},
                                  {"action": "receive", "devices": [1]},
                                  {"action": "receive", "devices": ["X"] * 501}])
def test_bad_batches_are_422(world, api, body):
    _error(api("tech_a", "post", "/api/v1/batch", json=body), 422)


def test_a_devices_history_costs_the_same_queries_however_long_it_is(world, api, app):
    """The timeline loads actors and organisations with the events, not one query per row."""
    from sqlalchemy import event

    from recond.extensions import db as database

    short, long = world.device("received"), world.device("released")
    api("coordinator", "get", "/api/v1/me")  # the token exists before we count
    counts = {}
    for device in (short, long):
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        with app.app_context():
            engine = database.engine
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert api("coordinator", "get", f"/api/v1/devices/{device.public_id}").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        counts[device.public_id] = len(statements)
    assert counts[short.public_id] == counts[long.public_id]
