"""A NUL character anywhere a value comes from gets a clear 422, never a 500 (PostgreSQL
refuses NUL in text): the query string, a form field, a JSON value, the path."""
import html

from tests.conftest import csrf_from


def test_the_public_verify_page_with_a_nul_in_its_query(client):
    answer = client.get("/verify?code=a%00b")
    assert answer.status_code == 422
    assert "caractère NUL" in html.unescape(answer.text)


def test_a_nul_in_a_json_value(world, api):
    device = world.device("ready")
    answer = api("coordinator", "post", f"/api/v1/devices/{device.public_id}/actions",
                 json={"action": "allocate", "payload": {"line_id": 1,
                                                         "second_device_reason": "a\u0000b"}},
                 headers={"Accept-Language": "en"})
    assert answer.status_code == 422
    assert answer.json["error"]["code"] == "nul_character"
    assert "NUL character" in answer.json["error"]["message"]


def test_a_nul_in_a_form_field(world, browser):
    browser.login(world["structure_s"].email)
    page = browser.client.get("/training/new")
    answer = browser.client.post("/training/new", data={
        "csrf_token": csrf_from(page.text), "trainer": "Camille\x00", "held_on": "2026-11-01",
        "duration_minutes": "60"})
    assert answer.status_code == 422
    assert "caractère NUL" in html.unescape(answer.text)


def test_a_nul_in_the_path(world, browser):
    browser.login(world["tech_a"].email)
    answer = browser.client.get("/d/AB%00CD")
    assert answer.status_code == 422


def test_a_nul_in_a_query_key(world, api):
    answer = api("tech_a", "get", "/api/v1/devices?sta%00tus=ready")
    assert answer.status_code == 422 and answer.json["error"]["code"] == "nul_character"


def test_a_nul_in_a_json_key(world, api):
    answer = api("collector_a", "post", f"/api/v1/deposits/{world.deposits['a'].number}/devices",
                 data=b'{"category": "laptop", "br\\u0000and": "Dell"}',
                 content_type="application/json")
    assert answer.status_code == 422 and answer.json["error"]["code"] == "nul_character"


def test_a_nul_in_the_path_of_the_api(world, api):
    answer = api("tech_a", "get", "/api/v1/devices/AB%00CDEFG")
    assert answer.status_code == 422 and answer.json["error"]["code"] == "nul_character"


def test_a_nul_in_an_uploaded_files_name_stores_nothing(world, api):
    from io import BytesIO

    from sqlalchemy import func, select

    from recond.extensions import db
    from recond.models import DeviceImport

    answer = api("collector_a", "post", f"/api/v1/deposits/{world.deposits['a'].number}/manifests",
                 data={"file": (BytesIO(b"category,brand\nlaptop,Dell\n"), "lot\x00.csv")},
                 content_type="multipart/form-data")
    assert answer.status_code == 422 and answer.json["error"]["code"] == "nul_character"
    assert db.session.scalar(select(func.count()).select_from(DeviceImport)) == 0
