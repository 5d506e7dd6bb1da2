"""The release gate through the pages: what is missing, where to record it, and forged posts."""
from datetime import date

import pytest
from sqlalchemy import select

from recond.extensions import db
from recond.lifecycle import active_allocation
from recond.models import Device, SecurityEvent
from tests.conftest import csrf_from


@pytest.fixture
def delivered(world):
    device = world.device("delivered")
    return device, active_allocation(device)


def _status(device) -> str:
    db.session.expire_all()
    return db.session.get(Device, device.id).status


def test_a_refused_release_says_what_is_missing_and_links_to_it(world, browser, delivered):
    device, allocation = delivered
    browser.login("structure_s@example.org")
    url = f"/handover/{device.public_id}"
    page = browser.client.get(url)
    assert "/training/new?beneficiary=" in page.text and 'href="#payment-title"' in page.text
    refused = browser.client.post(f"{url}/release", data={"csrf_token": csrf_from(page.text),
                                                         "version": device.version})
    assert refused.status_code == 409
    assert "ne peut pas encore être remis" in refused.text
    assert allocation.beneficiary.reference in refused.text
    assert "/training/new?beneficiary=" in refused.text
    assert _status(device) == "delivered"


def test_the_generic_action_endpoint_is_no_way_around(world, browser, delivered):
    device, _ = delivered
    browser.login("structure_s@example.org")
    page = browser.client.get(f"/d/{device.public_id}")
    forged = browser.client.post(f"/d/{device.public_id}/actions/release",
                                 data={"csrf_token": csrf_from(page.text), "version": device.version})
    assert forged.status_code == 409
    assert _status(device) == "delivered"


def test_another_structure_can_neither_see_nor_release(world, browser, delivered):
    device, allocation = delivered
    world.pay(device)
    world.train(present=[allocation.beneficiary])
    browser.login("structure_t@example.org")
    assert browser.client.get(f"/handover/{device.public_id}").status_code == 404
    assert browser.client.get(f"/handover/{device.public_id}/receipt.pdf").status_code == 404
    page = browser.client.get("/beneficiaries")
    forged = browser.client.post(f"/handover/{device.public_id}/release",
                                 data={"csrf_token": csrf_from(page.text), "version": device.version})
    assert forged.status_code == 404
    paid = browser.client.post(f"/handover/{device.public_id}/payment",
                               data={"csrf_token": csrf_from(page.text), "amount": "40", "method": "cash"})
    assert paid.status_code == 404
    assert _status(device) == "delivered"


def test_a_session_cannot_be_forged_for_another_structures_beneficiary(world, browser, delivered):
    device, allocation = delivered
    browser.login("structure_t@example.org")
    forged = browser.post_form("/training/new", "/training/new", {
        "held_on": date.today().isoformat(), "duration": "60", "trainer": "X",
        f"attendance-{allocation.beneficiary_id}": "present"})
    assert forged.status_code == 422  # the stranger's reference is not among T's attendees
    world.pay(device)
    browser.client.post("/logout", data={"csrf_token": csrf_from(browser.client.get("/").text)})
    browser.login("structure_s@example.org")
    page = browser.client.get(f"/handover/{device.public_id}")
    refused = browser.client.post(f"/handover/{device.public_id}/release",
                                  data={"csrf_token": csrf_from(page.text), "version": device.version})
    assert refused.status_code == 409


def test_training_then_payment_then_release_and_receipt(world, browser, delivered):
    device, allocation = delivered
    browser.login("structure_s@example.org")
    url = f"/handover/{device.public_id}"
    assert browser.client.get(f"{url}/receipt.pdf").status_code == 409
    topic = browser.client.get("/training/new").text
    trained = browser.post_form(f"/training/new?next={url}", f"/training/new?next={url}", {
        "held_on": date.today().isoformat(), "duration": "90", "trainer": "Julien", "place": "Salle 1",
        "topic": topic.split('name="topic" value="')[1].split('"')[0],
        f"attendance-{allocation.beneficiary_id}": "present"})
    assert trained.status_code == 302 and trained.headers["Location"] == url
    paid = browser.post_form(url, f"{url}/payment", {"amount": "40,00", "method": "card"})
    assert paid.status_code == 302
    page = browser.client.get(url)
    released = browser.client.post(f"{url}/release", data={"csrf_token": csrf_from(page.text),
                                                           "version": _version(device)})
    assert released.status_code == 302
    assert _status(device) == "released"
    receipt = browser.client.get(f"{url}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.data.startswith(b"%PDF")
    # The receipt names the beneficiary's reference: the copy taken is in the security log.
    db.session.expire_all()
    [export] = db.session.scalars(select(SecurityEvent).where(
        SecurityEvent.kind == "personal_data_export")).all()
    assert export.actor_id == world["structure_s"].id
    assert export.details == {"document": "handover_receipt", "device": device.public_id}


def test_next_never_leaves_recond(world, browser):
    person = world.beneficiary()
    browser.login("structure_s@example.org")
    response = browser.post_form("/training/new?next=//evil.example", "/training/new?next=//evil.example", {
        "held_on": date.today().isoformat(), "duration": "60", "trainer": "X",
        f"attendance-{person.id}": "present"})
    assert response.headers["Location"] == "/training"


def _version(device) -> int:
    db.session.expire_all()
    return db.session.get(Device, device.id).version


def _queries(app, client, path: str) -> int:
    from sqlalchemy import event

    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(path).status_code == 200, path
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def test_the_structures_lists_cost_the_same_queries_however_long(app, world, browser):
    """Requests, delivery notes and sessions load their lines, items and attendees with them."""
    from recond.distribution import deliveries

    def grow():
        world.approved_line(quantity=2)
        device = world.device("reserved")
        note = deliveries.open_note(world["tech_a"], world.orgs["structure_s"].id)
        deliveries.add_device(world["tech_a"], note, device.public_id)
        deliveries.ship(world["tech_a"], note)
        world.train(present=[world.beneficiary(), world.beneficiary()])

    grow()
    browser.login("structure_s@example.org")
    paths = ("/requests/", "/deliveries/", "/training")
    before = {path: _queries(app, browser.client, path) for path in paths}
    for _ in range(3):
        grow()
    assert {path: _queries(app, browser.client, path) for path in paths} == before


def test_a_second_release_says_already_handed_over(world, browser, api, delivered):
    """A resubmitted form (its version now stale) or a fresh one: "already done", never
    "cannot be handed over yet"."""
    device, _allocation = delivered
    world.fulfil_release_conditions(device)
    browser.login("structure_s@example.org")
    url = f"/handover/{device.public_id}"
    page = browser.client.get(url)
    form = {"csrf_token": csrf_from(page.text), "version": device.version}
    assert browser.client.post(f"{url}/release", data=form).status_code == 302
    for version in (form["version"], _version(device)):
        again = browser.client.post(f"{url}/release", data=form | {"version": version})
        assert again.status_code == 409
        assert "Déjà fait : Remis au bénéficiaire" in again.text
        assert "ne peut pas encore être remis" not in again.text
    by_api = api("structure_s", "post", f"/api/v1/devices/{device.public_id}/actions",
                 json={"action": "release"}, headers={"Accept-Language": "en"})
    assert by_api.status_code == 409
    assert by_api.json["error"]["message"] == "Already done: Handed over. Nothing changed."
    assert _status(device) == "released"
