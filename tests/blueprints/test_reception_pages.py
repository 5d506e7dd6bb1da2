"""A reception stays true: the reception page, the deposit page and the API say the same
received, late, missing and unexpected devices, by code, also after a device turned up late;
and no entry point receives a device of a deposit that was never collected."""
import re

from recond import lifecycle
from recond.collection import deposits
from recond.extensions import db
from tests.conftest import csrf_from


def _listed(html: str, list_id: str) -> list[str]:
    """The public IDs (or, for unexpected codes, the texts) a page lists under a heading."""
    block = re.search(rf'<ul aria-labelledby="{list_id}" class="codes">(.*?)</ul>', html, re.S)
    assert block, list_id
    items = re.findall(r"<li>(.*?)</li>", block.group(1), re.S)
    if list_id.endswith("unexpected"):
        return [i.strip() for i in items if i.strip() != "Aucune."]
    return [m for i in items for m in re.findall(r'href="/d/([A-Z0-9]+)"', i)]


def _from_page(html: str, prefix: str) -> dict[str, list[str]]:
    return {part: _listed(html, f"{prefix}-{part}")
            for part in ("received", "late", "missing", "unexpected")}


def _from_api(body: dict) -> dict[str, list[str]]:
    reception = body["reception"]
    return {"received": [d["public_id"] for d in reception["received"]],
            "late": [d["public_id"] for d in reception["late"]],
            "missing": [d["public_id"] for d in reception["missing"]],
            "unexpected": reception["unexpected"]}


def test_late_arrivals_agree_on_every_page_and_the_api(world, browser, api):
    number = world.deposits["a"].number
    on_time, late, missing = (world.register() for _ in range(3))
    browser.login("tech_a@example.org")
    url = f"/deposits/{number}/reception"
    for code in (on_time.serial, "INCONNU-7"):
        assert browser.post_form(url, url, {"code": code}).status_code == 200
    assert browser.post_form(url, url + "/close", {}).status_code == 302
    # Once closed, the same two missing devices everywhere.
    closed = {"received": [on_time.public_id], "late": [],
              "missing": [late.public_id, missing.public_id], "unexpected": ["INCONNU-7"]}
    assert _from_page(browser.client.get(url).text, "reception") == closed
    assert _from_api(api("coordinator", "get", f"/api/v1/deposits/{number}").json) == closed

    # One turns up: received from its own page, as a technician scanning its label would.
    device_page = f"/d/{late.public_id}"
    acted = browser.post_form(device_page, f"{device_page}/actions/receive",
                              {"version": str(late.version)})
    assert acted.status_code == 302
    truth = {"received": [on_time.public_id, late.public_id], "late": [late.public_id],
             "missing": [missing.public_id], "unexpected": ["INCONNU-7"]}
    reception_page = browser.client.get(url).text
    assert _from_page(reception_page, "reception") == truth
    assert "Attendus 3 · reçus 2, dont 1 en retard · manquants 1 · non attendus 1" in reception_page
    assert _from_page(browser.client.get(f"/deposits/{number}").text, "deposit") == truth
    body = api("coordinator", "get", f"/api/v1/deposits/{number}").json
    assert _from_api(body) == truth
    assert body["reception"]["open"] is False and body["reception"]["expected"] == 3
    assert [d["public_id"] for d in body["discrepancies"]["missing"]] == [missing.public_id]
    assert [d["public_id"] for d in body["discrepancies"]["late"]] == [late.public_id]
    # The donor reads the same page.
    browser.post_form("/", "/logout", {})
    browser.login("donor_x@example.org")
    assert _from_page(browser.client.get(f"/deposits/{number}").text, "deposit") == truth


def test_no_entry_point_receives_a_device_of_a_deposit_never_collected(world, browser, api):
    pledge = deposits.create_deposit(world["collector_a"], donor=world.orgs["donor_x"],
                                     workshop=world.orgs["workshop_a"])
    first, second = (lifecycle.register(world["collector_a"], pledge, category="laptop",
                                        serial=f"PROMIS-{i}") for i in (1, 2))
    db.session.commit()
    said = f"{pledge.number} n'a jamais été marqué collecté"

    one = api("tech_a", "post", f"/api/v1/devices/{first.public_id}/actions",
              json={"action": "receive"})
    assert one.status_code == 409 and said in one.json["error"]["message"]
    batch = api("tech_a", "post", "/api/v1/batch",
                json={"action": "receive", "devices": [first.public_id, second.public_id]})
    assert batch.status_code == 200
    assert [r["ok"] for r in batch.json["results"]] == [False, False]
    assert said in batch.json["results"][0]["message"]

    browser.login("tech_a@example.org")
    station = browser.client.get("/scan/", query_string={"code": first.serial})
    acted = browser.client.post("/scan/act", data={
        "csrf_token": csrf_from(station.text), "public_id": first.public_id,
        "version": str(first.version), "action": "receive"})
    assert acted.status_code == 409 and said in acted.text
    token = csrf_from(station.text)
    for device in (first, second):
        browser.client.post("/scan/batch", data={"csrf_token": token, "step": "add",
                                                 "code": device.serial})
    results = browser.client.post("/scan/batch", data={"csrf_token": token, "step": "apply",
                                                       "action": "receive"})
    assert results.status_code == 200 and results.text.count("✗") == 2
    device_page = f"/d/{first.public_id}"
    form = browser.post_form(device_page, f"{device_page}/actions/receive",
                             {"version": str(first.version)})
    assert form.status_code == 409
    url = f"/deposits/{pledge.number}/reception"
    page = browser.client.get(url)
    assert "pas encore été marqué collecté" in page.text and 'name="code"' not in page.text
    scanned = browser.client.post(url, data={"csrf_token": csrf_from(page.text),
                                             "code": first.serial})
    assert scanned.status_code == 409
    db.session.expire_all()
    assert {first.status, second.status} == {"registered"}
