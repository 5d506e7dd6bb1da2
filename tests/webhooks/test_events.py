"""What a change records for webhooks, in its own transaction: only for the webhooks whose
organisation sees the object (never another organisation's), and never a person."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from recond import lifecycle
from recond.collection import reception
from recond.distribution import equipment_requests
from recond.errors import Refused
from recond.extensions import db
from recond.models import Beneficiary, Webhook, WebhookDelivery
from recond.webhooks import events, register

ORGS = ("coordination", "collector_a", "collector_b", "workshop_a", "workshop_b", "donor_x",
        "donor_y", "structure_s", "structure_t")


@pytest.fixture
def hooks(world) -> dict[str, Webhook]:
    """One webhook per organisation, every event."""
    made = {}
    for key in ORGS:
        made[key], _secret = register.create(
            world["admin"], organisation_id=world.orgs[key].id,
            url=f"https://hooks.example.org/{key}", wanted=list(events.EVENTS))
    db.session.commit()
    return made


def _heard(hooks, event: str, **data) -> set[str]:
    """Which organisations' webhooks got `event` whose payload holds `data`."""
    by_id = {hook.id: key for key, hook in hooks.items()}
    rows = db.session.scalars(select(WebhookDelivery).where(WebhookDelivery.event == event))
    return {by_id[r.webhook_id] for r in rows
            if all(r.payload.get(k) == v for k, v in data.items())}


def test_a_device_is_heard_of_only_by_the_organisations_that_see_it(world, hooks):
    device = world.register("a")
    world.advance(device, "ready")
    heard = _heard(hooks, events.DEVICE_STATUS, device=device.public_id, to="ready")
    assert heard == {"coordination", "collector_a", "workshop_a", "donor_x"}
    other = world.register("b")
    world.advance(other, "received")
    assert _heard(hooks, events.DEVICE_STATUS, device=other.public_id) == {
        "coordination", "collector_b", "workshop_b", "donor_y"}


def test_a_structure_hears_of_its_allocation_and_of_its_cancellation_only(world, hooks):
    device = world.device("ready")
    world.allocate(device, "structure_s")
    assert "structure_s" in _heard(hooks, events.DEVICE_STATUS, device=device.public_id,
                                   to="reserved")
    lifecycle.perform(world["coordinator"], device, "cancel_allocation", {"note": "erreur"})
    db.session.commit()
    # Out of its scope after the change, but it saw the device before: it is told.
    assert "structure_s" in _heard(hooks, events.DEVICE_STATUS, device=device.public_id,
                                   **{"from": "reserved", "to": "ready"})
    assert "structure_t" not in _heard(hooks, events.DEVICE_STATUS, device=device.public_id)


def test_a_decided_request_goes_to_its_structure_and_the_coordination(world, hooks):
    line = world.approved_line("structure_t")
    assert _heard(hooks, events.REQUEST_DECIDED, request=line.request.number) == {
        "coordination", "structure_t"}


def test_a_received_deposit_goes_to_its_partners(world, hooks):
    device = world.register("a")
    lifecycle.perform(world["tech_a"], device, "receive")
    reception.close(world["tech_a"], world.deposits["a"])
    db.session.commit()
    assert _heard(hooks, events.DEPOSIT_RECEIVED, deposit=world.deposits["a"].number,
                  devices_received=1) == {"coordination", "collector_a", "workshop_a", "donor_x"}


def test_nothing_is_recorded_by_a_refused_change_nor_for_a_webhook_switched_off(world, hooks):
    device = world.register("a")
    before = db.session.scalars(select(WebhookDelivery.id)).all()
    with pytest.raises(Refused):
        lifecycle.perform(world["tech_a"], device, "grade", world.payload("grade", device))
    db.session.rollback()
    assert db.session.scalars(select(WebhookDelivery.id)).all() == before
    register.set_active(world["admin"], hooks["donor_x"], False)
    db.session.commit()
    world.advance(device, "received")
    assert "donor_x" not in _heard(hooks, events.DEVICE_STATUS, device=device.public_id)
    assert "workshop_a" in _heard(hooks, events.DEVICE_STATUS, device=device.public_id)


def test_no_payload_names_a_person_or_the_terms_of_an_allocation(world, hooks):
    device = world.device("reserved")
    world.deliver(device)
    world.fulfil_release_conditions(device)
    lifecycle.perform(world["structure_s"], device, "release")
    db.session.commit()
    allowed = {events.DEVICE_STATUS: {"device", "category", "action", "from", "to", "at"},
               events.REQUEST_DECIDED: {"request", "decision", "at", "lines"},
               events.DEPOSIT_RECEIVED: {"deposit", "status", "at", "devices_expected",
                                         "devices_received", "devices_missing"}}
    rows = db.session.scalars(select(WebhookDelivery)).all()
    assert {r.event for r in rows} >= {events.DEVICE_STATUS, events.REQUEST_DECIDED}
    references = db.session.scalars(select(Beneficiary.reference)).all()
    assert references
    for row in rows:
        assert set(row.payload) <= allowed[row.event], row.payload
        text = json.dumps(row.payload, ensure_ascii=False)
        for forbidden in ("tier", "price", "beneficiary", "minima", "4000", "@", *references,
                          *(u.name for u in world.users.values())):
            assert forbidden not in text, (forbidden, text)
