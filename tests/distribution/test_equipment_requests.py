"""Equipment requests: the coordinator's decision, and the status following the devices."""
import pytest

from recond.distribution import equipment_requests as requests_
from recond import lifecycle
from recond.distribution.equipment_requests import LineWish
from recond.errors import InvalidInput, NotFound, NotPermitted, Refused
from recond.extensions import db
from tests.conftest import csrf_from


def _submit(world, structure="structure_s", lines=(("laptop", 3), ("screen", 2)), purpose="beneficiaries"):
    request = requests_.submit(world[structure], purpose=purpose, lines=list(lines),
                               justification="Atelier du mardi")
    db.session.commit()
    return request


def test_full_partial_and_no_approval(world):
    coordinator = world["coordinator"]
    full = _submit(world)
    requests_.decide(coordinator, full, {line.id: line.quantity for line in full.lines})
    assert full.status == "approved"
    partly = _submit(world)
    with pytest.raises(InvalidInput, match="comment"):
        requests_.decide(coordinator, partly, {partly.lines[0].id: 1})
    db.session.rollback()
    requests_.decide(coordinator, partly, {partly.lines[0].id: 1}, "Stock limité ce mois-ci")
    assert (partly.status, [line.approved_quantity for line in partly.lines]) == ("partly_approved", [1, 0])
    rejected = _submit(world)
    requests_.decide(coordinator, rejected, {}, "Hors du périmètre")
    assert rejected.status == "rejected" and rejected.decision_comment == "Hors du périmètre"
    with pytest.raises(Refused, match="already decided"):
        requests_.decide(coordinator, rejected, {})


def test_more_than_requested_cannot_be_approved(world):
    request = _submit(world)
    with pytest.raises(InvalidInput):
        requests_.decide(world["coordinator"], request, {request.lines[0].id: 4}, "x")


def test_only_coordinators_decide_and_only_structures_submit(world):
    request = _submit(world)
    with pytest.raises(NotPermitted):
        requests_.decide(world["structure_s"], request, {})
    with pytest.raises(NotPermitted):
        requests_.submit(world["tech_a"], purpose="own_use", lines=[("laptop", 1)])


def test_a_line_takes_minimum_specs(world):
    request = requests_.submit(world["structure_s"], purpose="own_use",
                               lines=[LineWish("laptop", 2, min_ram_gb=8, min_storage_gb=240)])
    assert (request.lines[0].min_ram_gb, request.lines[0].min_storage_gb) == (8, 240)
    with pytest.raises(InvalidInput):
        requests_.submit(world["structure_s"], purpose="own_use", lines=[LineWish("laptop", 0)])


def test_the_status_follows_allocation_and_delivery(world):
    device = world.device("ready")
    line = world.approved_line(quantity=1)
    request = line.request
    person = world.beneficiary()
    lifecycle.perform(world["coordinator"], device, "allocate", {"line_id": line.id, "beneficiary_id": person.id})
    db.session.commit()
    assert request.status == "being_fulfilled"
    lifecycle.perform(world["coordinator"], device, "cancel_allocation")
    db.session.commit()
    assert request.status == "approved"
    lifecycle.perform(world["coordinator"], device, "allocate", {"line_id": line.id, "beneficiary_id": person.id})
    db.session.commit()
    world.deliver(device)
    assert request.status == "fulfilled"
    with pytest.raises(Refused, match="cannot be cancelled"):
        requests_.cancel(world["structure_s"], request)


def test_a_request_with_devices_allocated_cannot_be_cancelled(world):
    device = world.device("reserved")
    request = lifecycle.active_allocation(device).line.request
    with pytest.raises(Refused, match="allocated"):
        requests_.cancel(world["structure_s"], request)
    db.session.rollback()
    lifecycle.perform(world["coordinator"], device, "cancel_allocation")
    assert requests_.cancel(world["structure_s"], request).status == "cancelled"


def test_another_structure_neither_sees_nor_cancels(world, browser):
    request = _submit(world)
    with pytest.raises(NotFound):
        requests_.cancel(world["structure_t"], request)
    browser.login("structure_t@example.org")
    assert browser.client.get(f"/requests/{request.id}").status_code == 404
    assert request.number not in browser.client.get("/requests/").text
    page = browser.client.get("/requests/")
    forged = browser.client.post(f"/requests/{request.id}/cancel", data={"csrf_token": csrf_from(page.text)})
    assert forged.status_code == 404
    assert db.session.get(type(request), request.id).status == "submitted"


def test_request_and_decision_pages(world, client, browser):
    browser.login("structure_s@example.org")
    response = browser.post_form("/requests/new", "/requests/new", {
        "purpose": "beneficiaries", "category_1": "laptop", "quantity_1": "4", "min_ram_1": "8",
        "category_2": "", "category_3": "", "justification": "Ateliers d'autonomie"})
    assert response.status_code == 302
    request_id = int(response.headers["Location"].rsplit("/", 1)[1])
    line = db.session.get(requests_.EquipmentRequest, request_id).lines[0]
    assert (line.quantity, line.min_ram_gb) == (4, 8)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})
    browser.login("coordinator@example.org")
    page = f"/requests/{request_id}"
    refused = browser.post_form(page, f"{page}/decision", {f"approved-{line.id}": "2", "comment": ""})
    assert refused.status_code == 422
    done = browser.post_form(page, f"{page}/decision", {f"approved-{line.id}": "2", "comment": "Stock limité"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(requests_.EquipmentRequest, request_id).status == "partly_approved"
