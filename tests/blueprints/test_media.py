"""The storage media page and /api/v1/devices/<ID>/media: the same domain, the same refusals
in French and English, scoped like the device, CSRF on every form."""
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from recond.workshop import sanitisation, storage_media, wipe_evidence
from recond.extensions import db
from recond.models import Device, DeviceEvent
from tests.blueprints.test_accessibility import assert_accessible
from tests.conftest import csrf_from

LOGS = Path(__file__).parents[1] / "fixtures" / "nwipe"
DESTRUCTION = {"method": "drilling", "destroyed_by": "Atelier A",
               "destroyed_on": date.today().isoformat(), "reference": "BR-7"}


@pytest.fixture
def failed(world):
    device = world.advance(world.register(), "received")
    world.sanitise(device, passed=False)
    return device


def _fresh(device) -> Device:
    db.session.expire_all()
    return db.session.get(Device, device.id)


def test_the_page_lists_media_and_records_a_destruction(world, browser, failed):
    browser.login("tech_a@example.org")
    device_page = browser.client.get(f"/d/{failed.public_id}").text
    assert f'href="/d/{failed.public_id}/media"' in device_page
    url = f"/d/{failed.public_id}/media"
    page = browser.client.get(url)
    assert page.status_code == 200 and failed.media[0].serial in page.text
    assert_accessible(page.text)
    assert "Enregistrer la destruction" in page.text and "broyage" in page.text
    medium_id = failed.media[0].id
    forged = browser.client.post(f"{url}/{medium_id}/destruction", data=DESTRUCTION)
    assert forged.status_code == 400  # no CSRF token
    done = browser.client.post(f"{url}/{medium_id}/destruction",
                               data={"csrf_token": csrf_from(page.text), **DESTRUCTION})
    assert done.status_code == 302 and done.headers["Location"] == url
    after = browser.client.get(url).text
    assert "détruit" in after and "BR-7" in after
    history = browser.client.get(f"/d/{failed.public_id}").text
    assert "Support de stockage détruit" in history and "perçage" in history


def test_the_wipe_refusal_links_to_the_media_page(world, browser, failed):
    browser.login("tech_a@example.org")
    page = browser.client.get(f"/d/{failed.public_id}")
    refused = browser.client.post(f"/d/{failed.public_id}/actions/wipe", data={
        "csrf_token": csrf_from(page.text), "version": failed.version})
    assert refused.status_code == 409
    assert "détruit ou retiré" in refused.text
    assert f'href="/d/{failed.public_id}/media"' in refused.text
    assert _fresh(failed).status == "received"


def test_page_and_api_say_the_same_refusal_in_both_languages(world, browser, api):
    device = world.advance(world.register(), "received")
    sanitisation.record(world["tech_a"], device.media[0], method="clear", passed=True)
    db.session.commit()
    medium_id = device.media[0].id
    browser.login("tech_a@example.org")
    url = f"/d/{device.public_id}/media"
    for language, words in (("fr", "déjà un enregistrement d'effacement réussi"),
                            ("en", "already has a passed sanitisation record")):
        page = browser.client.get(url, headers={"Accept-Language": language})
        html = browser.client.post(f"{url}/{medium_id}", headers={"Accept-Language": language},
                                   data={"csrf_token": csrf_from(page.text), "serial": "NEW"})
        assert html.status_code == 409 and words in html.text
        answer = api("tech_a", "patch", f"/api/v1/devices/{device.public_id}/media/{medium_id}",
                     json={"serial": "NEW"}, headers={"Accept-Language": language})
        assert answer.status_code == 409 and words in answer.json["error"]["message"]
        assert answer.json["error"]["code"] == "already_certified"
    assert _fresh(device).media[0].serial != "NEW"


def test_the_api_lists_adds_corrects_destroys_removes(world, api, failed):
    base = f"/api/v1/devices/{failed.public_id}"
    listed = api("tech_a", "get", f"{base}/media")
    assert listed.status_code == 200
    assert listed.json["media"][0]["serial"] == failed.media[0].serial
    assert listed.json["missing"] and listed.json["may_manage"] is True
    added = api("tech_a", "post", f"{base}/media", json={"kind": "hdd", "serial": "WD1",
                                                         "size_gb": 500, "interface": "sata"})
    assert added.status_code == 201, added.json
    new_id = added.json["medium_id"]
    assert any(m["id"] == new_id and m["size_gb"] == 500 for m in added.json["media"])
    corrected = api("tech_a", "patch", f"{base}/media/{new_id}", json={"size_gb": 1000})
    assert corrected.status_code == 200
    wrong = api("tech_a", "patch", f"{base}/media/{new_id}", json={"size_gb": "7,5"})
    assert wrong.status_code == 422 and "size_gb" in wrong.json["error"]["details"]["fields"]
    destroyed = api("tech_a", "post", f"{base}/media/{failed.media[0].id}/destruction",
                    json=DESTRUCTION)
    assert destroyed.status_code == 201
    removed = api("tech_a", "post", f"{base}/media/{new_id}/removal",
                  json={"destination": "recycling"})
    assert removed.status_code == 201 and removed.json["missing"] == []
    again = api("tech_a", "post", f"{base}/media/{new_id}/removal", json={"destination": "kept"})
    assert again.status_code == 409
    actions = [e.action for e in db.session.scalars(select(DeviceEvent).where(
        DeviceEvent.device_id == failed.id).order_by(DeviceEvent.id))]
    assert actions[-4:] == ["medium_added", "medium_corrected", "medium_destroyed", "medium_removed"]
    wiped = api("tech_a", "post", f"{base}/actions", json={"action": "wipe"})
    assert wiped.status_code == 200 and wiped.json["status"] == "wiped"


def test_the_api_records_no_storage_found(world, api):
    device = world.advance(world.register(disks=0), "received")
    base = f"/api/v1/devices/{device.public_id}"
    refused = api("tech_a", "post", f"{base}/actions", json={"action": "wipe"})
    assert refused.status_code == 409
    assert refused.json["error"]["details"]["media_page"] == f"/d/{device.public_id}/media"
    answer = api("tech_a", "post", f"{base}/no-storage", json={"note": "vide"})
    assert answer.status_code == 201 and answer.json["no_storage_found"] is True
    assert api("tech_a", "post", f"{base}/actions", json={"action": "wipe"}).status_code == 200


@pytest.mark.parametrize("user,status", [("tech_a", 200), ("coordinator", 200), ("admin", 200),
                                         ("tech_b", 404), ("structure_s", 403), ("donor_x", 403),
                                         ("collector_a", 403)])
def test_who_reads_the_media(world, api, failed, user, status):
    assert api(user, "get", f"/api/v1/devices/{failed.public_id}/media").status_code == status


@pytest.mark.parametrize("user,status", [("tech_b", 404), ("coordinator", 403), ("admin", 403)])
def test_only_the_workshop_technician_acts(world, api, failed, user, status):
    base = f"/api/v1/devices/{failed.public_id}/media"
    answers = [api(user, "post", base, json={"kind": "ssd"}),
               api(user, "patch", f"{base}/{failed.media[0].id}", json={"model": "x"}),
               api(user, "post", f"{base}/{failed.media[0].id}/destruction", json=DESTRUCTION),
               api(user, "post", f"{base}/{failed.media[0].id}/removal", json={"destination": "kept"}),
               api(user, "post", f"/api/v1/devices/{failed.public_id}/no-storage", json={})]
    assert [a.status_code for a in answers] == [status] * 5
    assert _fresh(failed).media[0].fate is None and len(_fresh(failed).media) == 1


def test_a_technician_of_another_workshop_gets_404_on_the_page(world, browser, failed):
    browser.login("tech_b@example.org")
    assert browser.client.get(f"/d/{failed.public_id}/media").status_code == 404


def test_the_coordination_reads_the_page_without_forms(world, browser, failed):
    browser.login("coordinator@example.org")
    page = browser.client.get(f"/d/{failed.public_id}/media")
    assert page.status_code == 200 and failed.media[0].serial in page.text
    assert "/destruction" not in page.text
    assert_accessible(page.text)


@pytest.mark.parametrize("path,body,field", [
    ("/destruction", {**DESTRUCTION, "method": ["drilling"]}, "method"),
    ("/destruction", {**DESTRUCTION, "method": {"drilling": 1}}, "method"),
    ("/removal", {"destination": ["kept"]}, "destination"),
    ("", {"interface": ["sata"]}, "interface"),
    ("", {"interface": {"sata": True}}, "interface"),
    ("add", {"kind": ["hdd"]}, "kind"),
    ("add", {"kind": "hdd", "interface": ["sata"]}, "interface"),
])
def test_the_api_answers_422_to_a_list_or_object_where_a_code_is_expected(world, api, failed,
                                                                         path, body, field):
    base = f"/api/v1/devices/{failed.public_id}/media"
    english = {"Accept-Language": "en"}
    if path == "add":
        answer = api("tech_a", "post", base, json=body, headers=english)
    elif path == "":
        answer = api("tech_a", "patch", f"{base}/{failed.media[0].id}", json=body, headers=english)
    else:
        answer = api("tech_a", "post", f"{base}/{failed.media[0].id}{path}", json=body,
                     headers=english)
    assert answer.status_code == 422, answer.data[:300]
    assert answer.json["error"]["details"]["fields"][field].startswith("choose one of: ")
    assert _fresh(failed).media[0].fate is None and len(_fresh(failed).media) == 1


@pytest.mark.parametrize("size", ["²", "٣٢", "9" * 5000, "9" * 30, " 12 3", 2**70])
def test_a_size_in_unicode_digits_or_too_long_is_refused_on_page_and_api(world, browser, api,
                                                                          failed, size):
    base = f"/api/v1/devices/{failed.public_id}/media"
    added = api("tech_a", "post", base, json={"kind": "hdd", "size_gb": size})
    assert added.status_code == 422 and "size_gb" in added.json["error"]["details"]["fields"]
    corrected = api("tech_a", "patch", f"{base}/{failed.media[0].id}", json={"size_gb": size})
    assert corrected.status_code == 422, corrected.data[:300]
    browser.login("tech_a@example.org")
    url = f"/d/{failed.public_id}/media"
    typed = str(size)
    for action, form in ((url, {"kind": "hdd", "capacity_gb": typed}),
                         (f"{url}/{failed.media[0].id}", {"capacity_gb": typed})):
        page = browser.post_form(url, action, form)
        assert page.status_code == 422 and "nombre entier de gigaoctets" in page.text
    assert len(_fresh(failed).media) == 1 and _fresh(failed).media[0].capacity_gb == 256


RAW_CODES = ("destroy", "shredding", "clear", "overwrite", "all_passes", "last_pass", "none")


def _shown(html: str) -> str:
    """The words a reader sees: no tags, no attribute values, entities read."""
    import html as entities
    import re

    main = html.split("<main", 1)[-1].split(">", 1)[-1].split("</main>", 1)[0]
    return " ".join(entities.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def _assert_no_raw_codes(text: str) -> None:
    import re

    found = [code for code in RAW_CODES
             if re.search(rf"\b{code}\b", text.replace("Effacement (clear)", ""))]
    assert not found, (found, text)
    assert not re.search(r"·\s*(·|$|:)|:\s*·", text), text  # no part left empty


def test_a_destruction_is_shown_in_french_words(world, browser, failed):
    storage_media.destroy(world["tech_a"], failed, failed.media[0].id,
                          {**DESTRUCTION, "method": "shredding"})
    db.session.commit()
    browser.login("tech_a@example.org")
    device_page = _shown(browser.client.get(f"/d/{failed.public_id}").text)
    _assert_no_raw_codes(device_page)
    assert "Destruction · broyage · Atelier A · réf. BR-7" in device_page
    assert "Effacement (clear) · nwipe 0.36 · aucune vérification · ÉCHEC" in device_page
    media_page = _shown(browser.client.get(f"/d/{failed.public_id}/media").text)
    _assert_no_raw_codes(media_page)
    assert "Effacement (clear) ÉCHEC, Destruction réussi" in media_page


def test_a_wipe_from_a_log_is_shown_in_french_words(world, browser):
    device = world.advance(world.register(capacity_gb=None), "received")
    received = wipe_evidence.receive(world["tech_a"], "shredos.log",
                                     (LOGS / "prng-three-drives-one-failed.log").read_bytes())
    [record] = wipe_evidence.assign(world["tech_a"], received.evidence,
                                    {received.evidence.drives[0]["device"]: device.media[0].id})
    db.session.commit()
    assert record.technique == "PRNG Stream"  # nwipe's own name of the method, nothing added
    browser.login("tech_a@example.org")
    device_page = _shown(browser.client.get(f"/d/{device.public_id}").text)
    _assert_no_raw_codes(device_page)
    assert "Effacement (clear) · PRNG Stream · nwipe" in device_page
    assert "toutes les passes vérifiées" in device_page
    media_page = _shown(browser.client.get(f"/d/{device.public_id}/media").text)
    _assert_no_raw_codes(media_page)
    assert "Effacement (clear) réussi" in media_page
