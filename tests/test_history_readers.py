"""History rows are rendered for their reader: the beneficiary's tier, the price and the
beneficiary are for the structure concerned and the coordination only — not for the workshop,
the collection partner or the donor, on the device page as in the API."""
import pytest

from recond import lifecycle, scopes
from recond.extensions import db
from recond.models import DeviceEvent

PRIVATE = ("tier", "price_cents", "grid_version", "beneficiary_id")


@pytest.fixture
def reserved(world):
    return world.device("reserved")


def _allocate_events(api, user, device):
    response = api(user, "get", f"/api/v1/devices/{device.public_id}")
    assert response.status_code == 200, response.text
    return [e["payload"] for e in response.json["history"] if e["action"] == "allocate"]


@pytest.mark.parametrize("reader", ["tech_a", "collector_a", "donor_x"])
def test_the_workshop_partners_and_donors_never_read_the_terms(world, api, browser, reserved, reader):
    (payload,) = _allocate_events(api, reader, reserved)
    assert not set(PRIVATE) & set(payload)
    browser.login(f"{reader}@example.org")
    page = browser.client.get(f"/d/{reserved.public_id}").text
    assert "minima_sociaux" not in page and "Minima sociaux" not in page
    assert "40,00" not in page  # the price
    allocation = lifecycle.active_allocation(reserved)
    assert allocation.beneficiary.reference not in page


@pytest.mark.parametrize("reader", ["structure_s", "coordinator", "admin"])
def test_the_structure_concerned_and_the_coordination_do(world, api, browser, reserved, reader):
    (payload,) = _allocate_events(api, reader, reserved)
    assert payload["tier"] == "minima_sociaux" and payload["price_cents"] == 4000
    browser.login(f"{reader}@example.org")
    page = browser.client.get(f"/d/{reserved.public_id}").text
    assert "Minima sociaux" in page and "40,00" in page
    assert lifecycle.active_allocation(reserved).beneficiary.reference in page


def test_a_structure_does_not_read_the_terms_of_an_earlier_allocation(world, api):
    """Handed over by S, taken back, allocated to T: T reads its own terms, not S's."""
    device = world.device("released", structure="structure_s")
    lifecycle.perform(world["tech_a"], device, "return", {"reason": "rendu"})
    db.session.commit()
    world.advance(device, "ready")
    world.allocate(device, "structure_t")
    earlier, own = _allocate_events(api, "structure_t", device)
    assert not set(PRIVATE) & set(earlier)
    assert own["tier"] == "minima_sociaux"
    assert all("tier" in p for p in _allocate_events(api, "coordinator", device))


def test_one_rule_for_every_reader(world, reserved):
    event = db.session.query(DeviceEvent).filter_by(device_id=reserved.id, action="allocate").one()
    seen = {key: scopes.visible_details(world[key], event) for key in
            ("tech_a", "collector_a", "donor_x", "structure_s", "structure_t", "coordinator")}
    assert "tier" not in seen["tech_a"] and "structure_id" in seen["tech_a"]
    assert "structure_id" not in seen["donor_x"] and "structure_id" not in seen["collector_a"]
    assert "tier" not in seen["structure_t"]
    assert seen["structure_s"] == seen["coordinator"] == event.payload
