"""Wipe logs through the pages and the API."""
import io
from pathlib import Path

from recond.identity import accounts
from recond.extensions import db
from tests.conftest import csrf_from

LOGS = Path(__file__).parents[1] / "fixtures" / "nwipe"


def test_upload_match_record_then_wipe_from_the_pages(world, browser):
    device = world.advance(world.register(capacity_gb=None), "received")
    browser.login("tech_a@example.org")
    page = browser.client.get("/wipe-logs/")
    response = browser.client.post("/wipe-logs/", data={
        "csrf_token": csrf_from(page.text),
        "log": (io.BytesIO((LOGS / "prng-three-drives-one-failed.log").read_bytes()), "shredos.log")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    shown = browser.client.get(response.headers["Location"])
    assert "ÉCHEC" in shown.text and "illisible" in shown.text
    assigned = browser.post_form(response.headers["Location"], response.headers["Location"] + "/assign",
                                 {"drive-0": str(device.media[0].id)})
    assert assigned.status_code == 302
    wiped = browser.post_form(f"/d/{device.public_id}", f"/d/{device.public_id}/actions/wipe",
                              {"version": str(device.version)})
    assert wiped.status_code == 302
    db.session.refresh(device)
    assert device.status == "wiped"
    assert "nwipe 0.33" in browser.client.get(f"/d/{device.public_id}").text


def test_api_upload_and_assign(world, client):
    device = world.advance(world.register(capacity_gb=None), "received")
    token = accounts.create_token(world["tech_a"])
    other = accounts.create_token(world["tech_b"])
    db.session.commit()
    auth = {"Authorization": f"Bearer {token}"}
    uploaded = client.post("/api/v1/wipe-logs", headers=auth, content_type="multipart/form-data",
                           data={"file": (io.BytesIO((LOGS / "zero-one-drive.log").read_bytes()), "a.log")})
    assert uploaded.status_code == 201
    [drive] = uploaded.json["drives"]
    assert drive["passed"] and drive["serial"] is None and drive["proposed_medium_id"] is None
    url = f"/api/v1/wipe-logs/{uploaded.json['id']}/assign"
    forged = client.post(url, headers={"Authorization": f"Bearer {other}"},
                         json={"assignments": {"/dev/loop0": device.media[0].id}})
    assert forged.status_code == 404
    assert client.post(url, headers=auth, json={"assignments": {"/dev/loop0": "x"}}).status_code == 422
    done = client.post(url, headers=auth, json={"assignments": {"/dev/loop0": device.media[0].id}})
    assert done.status_code == 200 and done.json["records"][0]["passed"] is True
    junk = client.post("/api/v1/wipe-logs", headers=auth, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(b"not a log at all"), "x.log")})
    assert junk.status_code == 422 and junk.json["error"]["code"] == "unknown_log"


def test_a_drive_assigned_to_a_medium_id_in_unicode_digits_or_too_large_is_refused(world, browser,
                                                                                  client):
    device = world.advance(world.register(capacity_gb=None), "received")
    token = accounts.create_token(world["tech_a"])
    db.session.commit()
    auth = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    uploaded = client.post("/api/v1/wipe-logs", headers=auth, content_type="multipart/form-data",
                           data={"file": (io.BytesIO((LOGS / "zero-one-drive.log").read_bytes()), "a.log")})
    url = f"/api/v1/wipe-logs/{uploaded.json['id']}/assign"
    for medium_id in (10**30, 2**63, -1):
        answer = client.post(url, headers=auth, json={"assignments": {"/dev/loop0": medium_id}})
        assert answer.status_code == 422, (medium_id, answer.status_code)
    browser.login("tech_a@example.org")
    page = f"/wipe-logs/{uploaded.json['id']}"
    for typed in ("²", "9" * 30, "9" * 5000):
        answer = browser.post_form(page, f"{page}/assign", {"drive-0": typed})
        assert answer.status_code == 422 and "Choisissez un support" in answer.text, typed
    assert wipe_records(device) == 0
    done = client.post(url, headers=auth, json={"assignments": {"/dev/loop0": device.media[0].id}})
    assert done.status_code == 200


def wipe_records(device) -> int:
    from recond.models import SanitisationRecord

    return db.session.scalar(db.select(db.func.count(SanitisationRecord.id)).where(
        SanitisationRecord.medium_id == device.media[0].id))
