"""The scan station, server side: scan, act in one confirmation, batches with refusals."""
from recond.extensions import db
from tests.conftest import csrf_from

QWERTY_ON_AZERTY = str.maketrans("1234567890aqzwmAQZWM", "&é\"'(-è_çàqawz,QAWZ?")


def test_a_garbled_serial_finds_the_device_and_one_confirmation_receives_it(world, browser):
    device = world.register()
    browser.login("tech_a@example.org")
    page = browser.client.get("/scan/", query_string={"code": device.serial.translate(QWERTY_ON_AZERTY)})
    assert page.status_code == 200 and 'data-feedback="found"' in page.text
    assert 'aria-keyshortcuts="Alt+1"' in page.text and "Réceptionner" in page.text
    done = browser.client.post("/scan/act", data={"csrf_token": csrf_from(page.text),
                                                  "public_id": device.public_id,
                                                  "version": str(device.version), "action": "receive"})
    assert done.status_code == 302
    db.session.refresh(device)
    assert device.status == "received"


def test_refusals_are_said_on_the_station(world, browser):
    device = world.register()
    theirs = world.register(lot="b")
    browser.login("tech_a@example.org")
    wrong = device.public_id[:-1] + ("B" if device.public_id[-1] != "B" else "C")
    page = browser.client.get("/scan/", query_string={"code": wrong})
    assert page.status_code == 404 and 'data-feedback="refused"' in page.text
    assert "caractère de contrôle" in page.text
    assert browser.client.get("/scan/", query_string={"code": theirs.public_id}).status_code == 404
    token = csrf_from(page.text)
    needs_details = browser.client.post("/scan/act", data={
        "csrf_token": token, "public_id": device.public_id, "version": "1", "action": "install_os"})
    assert needs_details.status_code == 422
    stale = browser.client.post("/scan/act", data={
        "csrf_token": token, "public_id": device.public_id, "version": "7", "action": "receive"})
    assert stale.status_code == 409


def test_batch_mode_reports_each_device(world, browser):
    fresh = [world.register() for _ in range(2)]
    already = world.device("received")
    browser.login("tech_a@example.org")
    page = browser.client.get("/scan/")
    token = csrf_from(page.text)
    for device in fresh + [already]:
        browser.client.post("/scan/batch", data={"csrf_token": token, "step": "add", "code": device.serial})
    page = browser.client.get("/scan/")
    assert "Lot (3)" in page.text
    results = browser.client.post("/scan/batch", data={"csrf_token": token, "step": "apply", "action": "receive"})
    assert results.status_code == 200
    assert results.text.count("✓") == 2 and results.text.count("✗") == 1
    for device in fresh:
        db.session.refresh(device)
        assert device.status == "received"
    assert "Lot (0)" in browser.client.get("/scan/").text
