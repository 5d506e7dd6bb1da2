"""Hostile input is refused where requests are parsed (`recond.blueprints.parsing`), with a
clear 4xx and nothing written, on both databases: ids no id column holds, JSON of the wrong
type, lone surrogates, numbers beyond any column, NaN, deep nesting."""
from datetime import date

import pytest
from sqlalchemy import func, select

from recond.extensions import db
from recond.models import Device, Deposit
from recond.whole_numbers import MAX_ID


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("path", ["/donors/99999999999", f"/donors/{MAX_ID + 1}",
                                  f"/donors/{MAX_ID}", "/donors/" + "9" * 400,
                                  "/donors/%D9%A3"])  # an Arabic-Indic 3: a digit, not ours
def test_an_id_no_column_holds_is_no_page(world, browser, path):
    browser.login(world["collector_a"].email)
    assert browser.client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/imports/39509144760483968", f"/api/v1/imports/{MAX_ID + 1}",
                                  "/api/v1/tokens/99999999999999999999"])
def test_an_id_no_column_holds_is_a_json_404(world, api, path):
    method = "delete" if "tokens" in path else "get"
    answer = api("collector_a", method, path)
    assert answer.status_code == 404 and answer.json["error"]["code"] == "not_found"


def test_the_largest_id_is_looked_up_and_not_found(world, api):
    answer = api("collector_a", "get", f"/api/v1/imports/{MAX_ID}")
    assert answer.status_code == 404


def _pledge(api, world, **changes):
    body = {"donor_id": world.orgs["donor_x"].id, "workshop_id": world.orgs["workshop_a"].id,
            "items": [{"category": "laptop", "quantity": 3}]} | changes
    return api("collector_a", "post", "/api/v1/deposits", json=body)


@pytest.mark.parametrize("changes", [
    {"donor_id": True}, {"workshop_id": False}, {"donor_id": "1"}, {"donor_id": 1.5},
    {"donor_id": MAX_ID + 1}, {"site_id": "2"}, {"site_id": True},
    {"items": [{"category": "laptop", "quantity": True}]},
    {"items": [{"category": "laptop", "quantity": "3"}]}, {"items": "laptop"}])
def test_json_of_the_wrong_type_is_refused_and_nothing_is_pledged(world, api, changes):
    before = _count(Deposit)
    answer = _pledge(api, world, **changes)
    assert answer.status_code == 422, answer.json
    assert _count(Deposit) == before


def test_the_right_types_pledge(world, api):
    assert _pledge(api, world).status_code == 201


def test_a_whole_number_written_with_a_fraction_is_that_number(world, api):
    # JSON Schema (and so the OpenAPI document) reads 3.0 and 3e0 as the integer 3
    raw = (f'{{"donor_id": {world.orgs["donor_x"].id}.0, "workshop_id": '
           f'{world.orgs["workshop_a"].id}e0, "items": [{{"category": "laptop", "quantity": 3.0}}]}}')
    answer = api("collector_a", "post", "/api/v1/deposits", data=raw, content_type="application/json")
    assert answer.status_code == 201 and answer.json["items"] == [{"category": "laptop", "quantity": 3}]


def test_the_refusal_names_the_field(world, api):
    answer = _pledge(api, world, items=[{"category": "laptop", "quantity": 10**12}])
    assert answer.status_code == 422 and answer.json["error"]["code"] == "number_out_of_range"
    assert list(answer.json["error"]["details"]["fields"]) == ["items.0.quantity"]


@pytest.mark.parametrize("raw", [
    b'{"category": "laptop", "brand": "\\ud800"}',         # a lone high surrogate
    b'{"category": "laptop", "brand": "Dell \\udfff"}',     # a lone low one
    b'{"category": "laptop", "\\ud83d": "Dell"}'])         # in a key
def test_a_lone_surrogate_is_refused_and_nothing_registered(world, api, raw):
    answer = api("collector_a", "post", f"/api/v1/deposits/{world.deposits['a'].number}/devices",
                 data=raw, content_type="application/json", headers={"Accept-Language": "en"})
    assert answer.status_code == 422
    assert answer.json["error"]["code"] == "invalid_unicode"
    assert "not valid Unicode" in answer.json["error"]["message"]
    assert _count(Device) == 0


def test_a_surrogate_pair_is_a_character_like_any_other(world, api):
    answer = api("collector_a", "post", f"/api/v1/deposits/{world.deposits['a'].number}/devices",
                 data=b'{"category": "laptop", "brand": "Dell \\ud83d\\udcbb"}',
                 content_type="application/json")
    assert answer.status_code == 201 and answer.json["brand"] == "Dell \U0001F4BB"


@pytest.mark.parametrize("depth", [17, 100, 30_000])  # 30,000: past Python's recursion limit
def test_deep_nesting_is_refused(world, api, depth):
    device = world.device("received")
    raw = b'{"action": "wipe", "payload": ' + b"[" * depth + b"]" * depth + b"}"
    answer = api("tech_a", "post", f"/api/v1/devices/{device.public_id}/actions", data=raw,
                 content_type="application/json")
    assert answer.status_code == 422 and answer.json["error"]["code"] == "too_deep"


def test_sixteen_levels_are_read(world, api):
    raw = b'{"action": "receive", "devices": ["AAAAAAAA"], "payload": ' \
          + b'{"a": ' * 15 + b"1" + b"}" * 15 + b"}"
    answer = api("tech_a", "post", "/api/v1/batch", data=raw, content_type="application/json")
    # read, then refused for what it says (no such field), not for its depth
    assert answer.status_code == 422 and answer.json["error"]["code"] == "invalid"


@pytest.mark.parametrize("raw, status, code", [
    (b'{"action": "receive", "version": 100000000000000000000}', 422, "number_out_of_range"),
    (b'{"action": "receive", "version": -100000000000000000000}', 422, "number_out_of_range"),
    (b'{"action": "receive", "version": 1e400}', 422, "number_out_of_range"),
    (b'{"action": "receive", "version": NaN}', 400, "malformed_json"),
    (b'{"action": "receive", "version": Infinity}', 400, "malformed_json"),
    (b'{"action": "receive", "version": 1' + b"0" * 5000 + b"}", 400, "malformed_json")])
def test_numbers_beyond_any_column_are_refused(world, api, raw, status, code):
    device = world.device("registered")
    answer = api("tech_a", "post", f"/api/v1/devices/{device.public_id}/actions", data=raw,
                 content_type="application/json")
    assert answer.status_code == status and answer.json["error"]["code"] == code
    db.session.refresh(device)
    assert device.status == "registered"


def test_an_id_beyond_the_column_in_a_form_is_refused(world, browser):
    # ids typed in forms go through whole_number, whose bound is the INTEGER columns' own
    from recond.models import TrainingSession

    person = world.beneficiary()
    browser.login(world["structure_s"].email)
    answer = browser.post_form("/training/new", "/training/new", {
        "trainer": "Camille", "held_on": date.today().isoformat(), "duration": "60",
        f"attendance-{person.id}": "present", "topic": "99999999999"})
    assert answer.status_code == 422 and "Thème inconnu" in answer.text
    assert _count(TrainingSession) == 0
