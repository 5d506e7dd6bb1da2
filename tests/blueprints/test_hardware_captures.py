"""Hardware captures through the page (file field or drop zone, CSRF) and the API (the
capture command's curl with the technician's token)."""
import io
from pathlib import Path

from recond import lifecycle
from recond.extensions import db
from tests.conftest import csrf_from

CAPTURES = Path(__file__).parents[1] / "fixtures" / "hardware"
DELL = (CAPTURES / "workbench-dell-latitude-e5530.lshw.json").read_bytes()


def _received(world, serial=None):
    device = lifecycle.register(world["collector_a"], world.deposits["a"], category="laptop",
                                brand="Dell", model="Latitude E5530", serial=serial,
                                specs={"ram_gb": 4}, media=[])
    db.session.commit()
    return world.advance(device, "received")


def test_upload_from_the_page_then_read_what_it_did(world, browser):
    device = _received(world, serial="D8FTRY1")
    browser.login("tech_a@example.org")
    page = browser.client.get(f"/captures/?device={device.public_id}")
    assert page.status_code == 200 and "data-dropzone" in page.text
    assert f'value="{device.public_id}"' in page.text
    assert 'enctype="multipart/form-data"' in page.text
    script = browser.client.get("/static/capture-hardware")  # the command, from the page's link
    assert script.status_code == 200 and script.data.startswith(b"#!/bin/sh")
    script.close()
    refused = browser.client.post("/captures/", data={"capture": (io.BytesIO(DELL), "e5530.json")},
                                  content_type="multipart/form-data")
    assert refused.status_code == 400  # no CSRF token
    response = browser.client.post("/captures/", data={
        "csrf_token": csrf_from(page.text), "device": "",
        "capture": (io.BytesIO(DELL), "e5530.json")}, content_type="multipart/form-data")
    assert response.status_code == 302
    shown = browser.client.get(response.headers["Location"])
    assert shown.status_code == 200
    assert "TF755AWHKL0LHM" in shown.text and "Mémoire (Go)" in shown.text
    assert "<caption" in shown.text and "DataTraveler 3.0" in shown.text  # the live key, left out
    kept = browser.client.get(response.headers["Location"] + "/file")
    assert kept.data == DELL and "attachment" in kept.headers["Content-Disposition"]
    history = browser.client.get(f"/d/{device.public_id}")
    assert "Matériel relevé" in history.text and f"/captures/?device={device.public_id}" in history.text


def test_a_bad_file_on_the_page_says_why_in_french(world, browser):
    device = _received(world)
    browser.login("tech_a@example.org")
    page = browser.client.get("/captures/")
    response = browser.client.post("/captures/", data={
        "csrf_token": csrf_from(page.text), "device": device.public_id,
        "capture": (io.BytesIO(b"%PDF-1.7"), "rapport.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 422 and "n’est pas du JSON" in response.text


def test_the_api_upload_by_serial_then_again_then_read(world, api):
    device = _received(world, serial="D8FTRY1")
    upload = api("tech_a", "post", "/api/v1/hardware-captures", content_type="multipart/form-data",
                 data={"file": (io.BytesIO(DELL), "capture.json")})
    assert upload.status_code == 201, upload.json
    body = upload.json
    assert body["device"] == device.public_id and body["known"] is False
    assert body["specs"]["ram_gb"] == 8 and body["media"][0]["serial"] == "TF755AWHKL0LHM"
    assert {"field": "ram_gb", "declared": "4", "captured": "8"} in body["differences"]
    again = api("tech_a", "post", "/api/v1/hardware-captures", content_type="multipart/form-data",
                data={"file": (io.BytesIO(DELL), "capture.json"), "device": device.public_id})
    assert again.status_code == 200 and again.json["known"] is True
    assert api("coordinator", "get", f"/api/v1/hardware-captures/{body['id']}").json["id"] == body["id"]
    assert api("tech_b", "get", f"/api/v1/hardware-captures/{body['id']}").status_code == 404


def test_the_api_refuses_clearly(world, api):
    device = _received(world, serial="CZC901381R")
    def post(data):
        return api("tech_a", "post", "/api/v1/hardware-captures",
                   content_type="multipart/form-data", data=data)
    wrong = post({"file": (io.BytesIO(DELL), "c.json"), "device": device.public_id})
    assert wrong.status_code == 409 and wrong.json["error"]["code"] == "wrong_device"
    assert post({"device": device.public_id}).json["error"]["code"] == "no_file"
    junk = post({"file": (io.BytesIO(b"{\"a\": 1}"), "c.json"), "device": device.public_id})
    assert junk.status_code == 422 and junk.json["error"]["code"] == "not_a_capture"
    other = api("tech_b", "post", "/api/v1/hardware-captures", content_type="multipart/form-data",
                data={"file": (io.BytesIO(DELL), "c.json"), "device": device.public_id})
    assert other.status_code == 404
    assert api("coordinator", "post", "/api/v1/hardware-captures",
               content_type="multipart/form-data",
               data={"file": (io.BytesIO(DELL), "c.json")}).status_code == 403
    db.session.refresh(device)
    assert device.media == [] and device.specs == {"ram_gb": 4}
