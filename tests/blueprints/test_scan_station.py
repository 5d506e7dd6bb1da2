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
    not_yet = browser.client.post("/scan/act", data={  # a registered device is not wiped
        "csrf_token": token, "public_id": device.public_id, "version": str(device.version),
        "action": "install_os"})
    assert not_yet.status_code == 409 and 'data-feedback="refused"' in not_yet.text
    unknown = browser.client.post("/scan/act", data={
        "csrf_token": token, "public_id": device.public_id, "version": str(device.version),
        "action": "teleport"})
    assert unknown.status_code == 422 and "teleport" in unknown.text
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


def test_after_an_action_the_card_stays_with_the_new_status_and_the_next_step(world, browser):
    device = world.register(category="desktop")
    browser.login("tech_a@example.org")
    page = browser.client.get("/scan/", query_string={"code": device.public_id})
    assert "data-feedback=\"done\"" not in page.text and 'aria-live="polite"' in page.text
    done = browser.client.post("/scan/act", data={"csrf_token": csrf_from(page.text),
                                                  "public_id": device.public_id,
                                                  "version": str(device.version), "action": "receive"})
    assert done.status_code == 302 and done.location.endswith(f"/scan/?code={device.public_id}")
    page = browser.client.get(done.location)
    news = page.text.split('id="scan-news"', 1)[1].split("</div>", 1)[0]
    assert 'role="status"' in page.text and 'data-feedback="done"' in news
    assert device.public_id in news and "maintenant réceptionné" in news
    title = page.text.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.startswith(f"{device.public_id[:4]} {device.public_id[4:]} — ") and "ceptionn" in title
    assert 'name="action" value="wipe"' in page.text  # the next step, on the same card
    assert "data-feedback=\"done\"" not in browser.client.get(done.location).text  # said once
    db.session.refresh(device)
    world.sanitise(device)  # the wiping tool's report, while the card is on the screen
    wiped = browser.client.post("/scan/act", data={"csrf_token": csrf_from(page.text),
                                                   "public_id": device.public_id,
                                                   "version": str(device.version), "action": "wipe"})
    assert wiped.status_code == 302
    page = browser.client.get(wiped.location)
    assert 'data-next-step' in page.text and 'name="action" value="install_os"' in page.text
    assert 'id="install_os-image_id"' in page.text  # its details are filled in on the card


def test_a_refused_step_is_said_on_the_card_without_losing_it(world, browser):
    device = world.device("received", category="desktop")  # no sanitisation recorded
    browser.login("tech_a@example.org")
    page = browser.client.get("/scan/", query_string={"code": device.public_id})
    refused = browser.client.post("/scan/act", data={"csrf_token": csrf_from(page.text),
                                                     "public_id": device.public_id,
                                                     "version": str(device.version), "action": "wipe"})
    assert 400 <= refused.status_code < 500
    news = refused.text.split('id="scan-news"', 1)[1].split("</div>", 1)[0]
    assert 'data-feedback="refused"' in news
    assert 'id="card-title"' in refused.text and 'name="action" value="wipe"' in refused.text
    db.session.refresh(device)
    assert device.status == "received"
