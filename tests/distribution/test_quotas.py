"""Quotas, one request at a time, on both databases: a line's approved quantity, one live device
per beneficiary unless the coordinator says why a second, through the domain, the API and the
allocation desk; and a price grid published over one its author had not read.

The same rules under real concurrency: tests/models/test_quota_races.py.
"""
from html import unescape

import pytest
from sqlalchemy.exc import IntegrityError

from recond import lifecycle
from recond.distribution import pricing
from recond.errors import Conflict, InvalidInput, Refused
from recond.extensions import db
from recond.models import Allocation, Device, DeviceEvent
from tests.conftest import csrf_from

REASON = "Second enfant scolarisé au collège"


def _allocate(world, device, line, person=None, reason=None):
    payload = {"line_id": line.id}
    if person is not None:
        payload["beneficiary_id"] = person.id
    if reason is not None:
        payload["second_device_reason"] = reason
    lifecycle.perform(world["coordinator"], device, "allocate", payload)
    db.session.commit()
    return lifecycle.active_allocation(device)


# --- the line's approved quantity -----------------------------------------------------------

def test_each_live_allocation_takes_its_own_place_and_a_freed_place_is_taken_again(world):
    line = world.approved_line(quantity=2)
    first = _allocate(world, world.device("ready"), line, world.beneficiary())
    second = _allocate(world, world.device("ready"), line, world.beneficiary())
    assert (first.slot, second.slot) == (1, 2)
    with pytest.raises(Refused, match="already allocated"):
        _allocate(world, world.device("ready"), line, world.beneficiary())
    db.session.rollback()
    lifecycle.perform(world["coordinator"], db.session.get(Device, first.device_id),
                      "cancel_allocation")
    db.session.commit()
    third = _allocate(world, world.device("ready"), line, world.beneficiary())
    assert third.slot == 1


def test_the_database_refuses_a_second_live_allocation_on_one_place(world):
    """What holds on SQLite, where no row lock serialises two coordinators counting at once."""
    line = world.approved_line(quantity=1)
    taken = _allocate(world, world.device("ready"), line, world.beneficiary())
    other = world.device("ready")
    db.session.add(Allocation(
        device_id=other.id, line_id=line.id, structure_id=taken.structure_id,
        beneficiary_id=world.beneficiary().id, tier=taken.tier, price_cents=taken.price_cents,
        grid_version=taken.grid_version, slot=taken.slot))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# --- one live device per beneficiary --------------------------------------------------------

def test_a_second_device_for_one_beneficiary_needs_a_reason(world):
    person = world.beneficiary(reference="FJ-0042")
    line = world.approved_line(quantity=3)
    _allocate(world, world.device("ready"), line, person)
    device = world.device("ready")
    with pytest.raises(Refused, match="FJ-0042 already holds a device"):
        _allocate(world, device, line, person)
    db.session.rollback()
    with pytest.raises(Refused, match="already holds a device"):
        _allocate(world, device, line, person, reason="   ")  # blank is no reason
    db.session.rollback()
    second = _allocate(world, device, line, person, reason=REASON)
    assert second.second_device_reason == REASON
    event = db.session.query(DeviceEvent).filter_by(device_id=device.id, action="allocate").one()
    assert event.payload["second_device_reason"] == REASON


def test_a_first_device_keeps_no_reason_and_an_ended_allocation_frees_the_beneficiary(world):
    person = world.beneficiary()
    line = world.approved_line(quantity=3)
    device = world.device("ready")
    first = _allocate(world, device, line, person, reason="not needed")
    assert first.second_device_reason is None
    event = db.session.query(DeviceEvent).filter_by(device_id=device.id, action="allocate").one()
    assert "second_device_reason" not in event.payload
    lifecycle.perform(world["coordinator"], device, "cancel_allocation")
    db.session.commit()
    assert _allocate(world, world.device("ready"), line, person).second_device_reason is None


def test_the_database_refuses_two_live_allocations_without_reason_for_one_beneficiary(world):
    person = world.beneficiary()
    line = world.approved_line(quantity=3)
    taken = _allocate(world, world.device("ready"), line, person)

    def row(reason):
        return Allocation(device_id=world.device("ready").id, line_id=line.id, slot=3,
                          structure_id=taken.structure_id, beneficiary_id=person.id,
                          tier=taken.tier, price_cents=taken.price_cents,
                          grid_version=taken.grid_version, second_device_reason=reason)

    unjustified = row(None)
    db.session.add(unjustified)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(row(REASON))
    db.session.flush()  # with its reason, the database lets it through
    db.session.rollback()


def test_own_use_lines_have_no_beneficiary_rule(world):
    line = world.approved_line(quantity=2, own_use=True)
    for _ in range(2):
        assert _allocate(world, world.device("ready"), line).second_device_reason is None


def _api_allocate(api, device, line, person, lang, **extra):
    return api("coordinator", "post", f"/api/v1/devices/{device.public_id}/actions",
               json={"action": "allocate", "line_id": line.id, "beneficiary_id": person.id,
                     **extra}, headers={"Accept-Language": lang})


def test_the_api_refuses_a_second_device_without_reason_in_the_readers_language(world, api):
    person = world.beneficiary(reference="FJ-0043")
    line = world.approved_line(quantity=3)
    _allocate(world, world.device("ready"), line, person)
    device = world.device("ready")
    french = _api_allocate(api, device, line, person, "fr-FR")
    assert french.status_code == 409
    assert french.json["error"]["message"] == (
        "Le bénéficiaire FJ-0043 détient déjà un appareil : un second n'est attribué qu'avec "
        "la raison qui le justifie.")
    english = _api_allocate(api, device, line, person, "en")
    assert english.status_code == 409 and "FJ-0043 already holds a device" in english.text
    db.session.expire_all()
    assert lifecycle.active_allocation(device) is None
    given = _api_allocate(api, device, line, person, "en", second_device_reason=REASON)
    assert given.status_code == 200, given.text
    db.session.expire_all()
    assert lifecycle.active_allocation(device).second_device_reason == REASON
    history = api("coordinator", "get", f"/api/v1/devices/{device.public_id}").json["history"]
    assert history[-1]["payload"]["second_device_reason"] == REASON
    donor_view = api("donor_x", "get", f"/api/v1/devices/{device.public_id}").json["history"]
    assert "second_device_reason" not in donor_view[-1]["payload"]


def test_a_batch_holds_both_quotas(world, api):
    """The batch entry point: one payload for many devices, counted device after device (no
    Accept-Language sent: the results speak French, the default)."""
    line = world.approved_line(quantity=1, own_use=True)
    devices = [world.device("ready") for _ in range(3)]
    body = api("coordinator", "post", "/api/v1/batch", json={
        "action": "allocate", "devices": [d.public_id for d in devices],
        "payload": {"line_id": line.id}}).json
    assert [r["ok"] for r in body["results"]] == [True, False, False]
    assert all("déjà attribués" in r["message"] for r in body["results"][1:])
    person = world.beneficiary()
    roomy = world.approved_line(quantity=5)
    more = [world.device("ready") for _ in range(2)]
    body = api("coordinator", "post", "/api/v1/batch", json={
        "action": "allocate", "devices": [d.public_id for d in more],
        "payload": {"line_id": roomy.id, "beneficiary_id": person.id}}).json
    assert [r["ok"] for r in body["results"]] == [True, False]
    assert "détient déjà un appareil" in body["results"][1]["message"]
    db.session.expire_all()
    assert db.session.query(Allocation).filter_by(status="active").count() == 2


def test_the_desk_offers_the_reason_for_a_beneficiary_already_holding_a_device(world, browser):
    equipped = world.beneficiary(reference="FJ-0044")
    waiting = world.beneficiary(reference="FJ-0045")
    line = world.approved_line(quantity=3)
    _allocate(world, world.device("ready"), line, equipped)
    device = world.device("ready")
    browser.login("coordinator@example.org")
    html = unescape(browser.client.get("/allocation").text)
    waiting_group = html.index("En attente d'un appareil")
    equipped_group = html.index("Déjà équipés : dites pourquoi un second appareil")
    assert waiting_group < html.index("FJ-0045") < equipped_group < html.index("FJ-0044")
    assert 'name="second_device_reason"' in html
    assert "Pourquoi un second appareil est justifié" in html and "allocation.js" in html
    form = {"csrf_token": csrf_from(html), "device": device.public_id, "version": device.version,
            "beneficiary": equipped.id}
    refused = browser.client.post(f"/allocation/lines/{line.id}", data=form)
    assert refused.status_code == 409
    assert "FJ-0044 détient déjà un appareil" in unescape(refused.text)
    allowed = browser.client.post(f"/allocation/lines/{line.id}",
                                  data=form | {"second_device_reason": REASON})
    assert allowed.status_code == 302
    db.session.expire_all()
    assert lifecycle.active_allocation(device).second_device_reason == REASON


def test_the_desk_asks_no_reason_when_nobody_is_equipped(world, browser):
    world.device("ready")
    world.approved_line(quantity=1)
    world.beneficiary()
    browser.login("coordinator@example.org")
    html = browser.client.get("/allocation").text
    assert 'name="beneficiary"' in html and 'name="second_device_reason"' not in html


# --- price grid: one published over another -------------------------------------------------

def _grid(amount=4500):
    return [{"category": "laptop", "grade": "A", "tier": "minima_sociaux", "amount_cents": amount}]


def test_a_grid_published_over_one_its_author_has_not_read_is_a_conflict(world):
    seen = pricing.latest_version()
    pricing.publish_grid(world["coordinator"], _grid(), based_on=seen)
    db.session.commit()
    with pytest.raises(Conflict, match="version 2 meanwhile"):
        pricing.publish_grid(world["admin"], _grid(5000), based_on=seen)
    db.session.rollback()
    assert pricing.latest_version() == 2


def test_the_price_grid_page_says_the_conflict_in_french_and_english(world, browser):
    browser.login("coordinator@example.org")
    page = browser.client.get("/pricing").text
    form = {"csrf_token": csrf_from(page), "based_on": "1",
            "price-laptop-A-minima_sociaux": "45"}
    assert browser.client.post("/pricing", data=form).status_code == 302
    late = browser.client.post("/pricing", data=form)
    assert late.status_code == 409
    assert "Un autre coordinateur a publié entre-temps la version 2" in unescape(late.text)
    browser.client.post("/lang/en", data={"csrf_token": form["csrf_token"]})
    late = browser.client.post("/pricing", data=form)
    assert late.status_code == 409 and "published price grid version 2 meanwhile" in late.text
    assert pricing.latest_version() == 2
    bad = browser.client.post("/pricing", data=form | {"based_on": "two"})
    assert bad.status_code == 422


def test_a_grid_with_two_prices_for_one_cell_is_refused(world):
    with pytest.raises(InvalidInput, match="two prices for one cell"):
        pricing.publish_grid(world["coordinator"], _grid() + _grid(5000))
