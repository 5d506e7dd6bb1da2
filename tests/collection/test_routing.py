"""Routing a deposit to a workshop: chosen when pledging, or proposed from the pickup site's
territory and each workshop's load; changed by the coordination until the reception starts."""
import pytest

from recond import lifecycle
from recond.collection import deposits, donors, routing
from recond.errors import NotPermitted, Refused
from recond.extensions import db
from recond.identity import accounts
from recond.inventory.history import title as event_title
from recond.models import DeviceEvent
from tests.conftest import csrf_from


def _pledge(world, site=None, workshop=None):
    deposit = deposits.create_deposit(world["collector_a"], donor=world.orgs["donor_x"],
                                      workshop=workshop, site_id=site.id if site else None,
                                      items=[("laptop", 3)])
    db.session.commit()
    return deposit


def _site(world, postcode):
    site = donors.add_site(world["collector_a"], world.orgs["donor_x"], label=f"Site {postcode}",
                           address="1 rue de la Paix", postcode=postcode)
    db.session.commit()
    return site


def test_the_collection_partner_chooses_the_workshop(world):
    deposit = _pledge(world, _site(world, "92000"), workshop=world.orgs["workshop_b"])
    assert deposit.workshop == world.orgs["workshop_b"]  # Nanterre's site, but B was chosen
    assert deposit.routing == routing.CHOSEN


def test_proposed_by_the_sites_territory(world):
    # Workshop A is in Nanterre (Paris Ouest La Défense), B in Antony (Vallée Sud Grand Paris).
    south = _pledge(world, _site(world, "92160"))  # Antony
    assert south.workshop == world.orgs["workshop_b"] and south.routing == routing.PROPOSED
    west = _pledge(world, _site(world, "92800"))  # Puteaux
    assert west.workshop == world.orgs["workshop_a"]
    # No site: the donor company's own commune (Courbevoie, Paris Ouest La Défense).
    assert _pledge(world).workshop == world.orgs["workshop_a"]


def test_proposed_by_load_within_the_territory_and_beyond(world):
    for _ in range(2):
        world.register("a")  # A (Nanterre) has two devices to handle
    world.device("ready", lot="a")  # ready: no longer its load
    assert routing.loads()[world.orgs["workshop_a"].id] == 2
    # A second workshop in the same territory, with nothing to do: it gets the next deposit.
    c = accounts.create_organisation("Atelier C", "workshop", insee_code="92062")
    db.session.commit()
    proposal = routing.propose("92026")
    assert proposal.workshop == c and proposal.same_territory and proposal.load == 0
    assert _pledge(world, _site(world, "92400")).workshop == c
    # No workshop in Grand Paris Seine Ouest (Boulogne): the least loaded anywhere — B (0),
    # then C (0) by name; A, with two devices, is never proposed.
    proposal = routing.propose("92012")
    assert proposal.workshop == world.orgs["workshop_b"] and not proposal.same_territory
    # An inactive workshop is never proposed.
    world.orgs["workshop_b"].active = False
    db.session.commit()
    assert routing.propose("92160").workshop == c


def test_the_coordination_reroutes_before_reception_with_history(world):
    deposit = _pledge(world, _site(world, "92000"))
    device = lifecycle.register(world["collector_a"], deposit, category="laptop", serial="R-1")
    db.session.commit()
    with pytest.raises(NotPermitted):
        routing.reroute(world["collector_a"], deposit, world.orgs["workshop_b"])
    routing.reroute(world["coordinator"], deposit, world.orgs["workshop_b"])
    db.session.commit()
    assert deposit.workshop_id == device.workshop_id == world.orgs["workshop_b"].id
    assert deposit.routing == routing.CHANGED
    event = db.session.scalars(db.select(DeviceEvent).where(
        DeviceEvent.device_id == device.id).order_by(DeviceEvent.id.desc())).first()
    assert event.action == "routed" and event.from_status is None
    assert event.payload["from_workshop"] == "Atelier A" and event.payload["to_workshop"] == "Atelier B"
    assert event_title("routed") == "Deposit sent to another workshop"
    # B now receives it; then it can no longer change.
    deposits.mark_collected(world["collector_a"], deposit)
    from recond.collection import reception
    reception.scan_in(world["tech_b"], deposit, "R-1")
    db.session.commit()
    with pytest.raises(Refused, match="transfer note"):
        routing.reroute(world["coordinator"], deposit, world.orgs["workshop_a"])


def test_pledge_and_reroute_pages(world, browser):
    site = _site(world, "92160")
    browser.login("collector_a@example.org")
    page = browser.client.get("/deposits/new")
    assert "En proposer un" in page.text and "Atelier B — Vallée Sud Grand Paris, 0 appareil en cours" in page.text
    response = browser.client.post("/deposits/new", data={
        "csrf_token": csrf_from(page.text), "donor": world.orgs["donor_x"].id,
        "site": site.id, "workshop": 0, "category_1": "laptop", "quantity_1": 2,
        "category_2": "", "category_3": ""})
    assert response.status_code == 302, response.text
    number = response.headers["Location"].rsplit("/", 1)[-1]
    deposit = deposits.get_deposit(world["coordinator"], number)
    assert deposit.workshop == world.orgs["workshop_b"]
    # The collection partner may not change it; the coordination may.
    show = browser.client.get(f"/deposits/{number}")
    assert f"/deposits/{number}/workshop" not in show.text
    refused = browser.client.post(f"/deposits/{number}/workshop", data={
        "csrf_token": csrf_from(show.text), "workshop": world.orgs["workshop_a"].id})
    assert refused.status_code == 403
    browser.client.get("/logout")
    browser.login("coordinator@example.org")
    show = browser.client.get(f"/deposits/{number}")
    assert f"/deposits/{number}/workshop" in show.text
    moved = browser.client.post(f"/deposits/{number}/workshop", data={
        "csrf_token": csrf_from(show.text), "workshop": world.orgs["workshop_a"].id})
    assert moved.status_code == 302
    db.session.expire_all()
    assert deposits.get_deposit(world["coordinator"], number).workshop == world.orgs["workshop_a"]
    bad = browser.client.post(f"/deposits/{number}/workshop", data={
        "csrf_token": csrf_from(show.text), "workshop": "abc"})
    assert bad.status_code in (400, 422)
