"""What a change records for webhooks, in its own transaction: only for the webhooks whose
organisation sees the object (never another organisation's), and never a person."""
from __future__ import annotations

import json

import pytest
from rq import Queue
from sqlalchemy import event, func, select, update

from recond import jobs, lifecycle
from recond.collection import reception
from recond.extensions import db
from recond.models import Beneficiary, Device, Webhook, WebhookDelivery
from recond.webhooks import events, register
from tests.workers import own_queue  # noqa: F401  (a fixture)

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


def _queued(queue_name: str) -> list[int]:
    """The delivery ids waiting in the test's own rq queue."""
    return [job.args[0] for job in Queue(queue_name, connection=jobs.redis_connection()).jobs]


def test_a_change_rolled_back_records_and_queues_nothing(world, hooks, redis_url, own_queue):
    device = world.register("a")
    before = db.session.scalars(select(WebhookDelivery.id)).all()
    lifecycle.perform(world["tech_a"], device, "receive")
    assert len(db.session.scalars(select(WebhookDelivery.id)).all()) > len(before)  # written
    db.session.rollback()
    assert db.session.scalars(select(WebhookDelivery.id)).all() == before
    db.session.commit()  # a later commit queues nothing of the undone change
    assert _queued(own_queue) == []


def test_a_batch_keeps_the_deliveries_of_its_devices_that_moved(world, hooks, redis_url,
                                                                 own_queue):
    """One device of three conflicts (another writer moved it): its savepoint is undone, with
    its deliveries; the two others' are committed and queued."""
    devices = [world.register("a") for _ in range(3)]
    db.session.commit()
    with db.engine.begin() as other:  # another writer, after our session read the device
        other.execute(update(Device).where(Device.id == devices[1].id)
                      .values(version=Device.version + 1))
    results = lifecycle.perform_batch(world["tech_a"], [d.public_id for d in devices], "receive")
    assert [r["ok"] for r in results] == [True, False, True]
    db.session.commit()
    rows = db.session.scalars(select(WebhookDelivery).where(
        WebhookDelivery.event == events.DEVICE_STATUS,
        WebhookDelivery.payload["action"].as_string() == "receive")).all()
    heard = {r.payload["device"] for r in rows}
    assert heard == {devices[0].public_id, devices[2].public_id}
    assert sorted(_queued(own_queue)) == sorted(r.id for r in rows)


def test_a_queuing_failure_never_undoes_the_commit(app, world, hooks, caplog):
    """Redis unreachable, or its address wrong: the change is committed all the same, its
    deliveries wait, pending, for the worker's sweep."""
    device = world.register("a")
    for url in ("redis://127.0.0.1:1/0", "redis://127.0.0.1:notaport/0"):
        app.config["REDIS_URL"] = url
        lifecycle.perform(world["tech_a"], device, *(("receive",) if url.endswith(":1/0")
                                                     else ("recycle", {"reason": "cassé"})))
        db.session.commit()
    app.config["REDIS_URL"] = None
    db.session.rollback()
    assert db.session.get(Device, device.id).status == "recycled"
    rows = db.session.scalars(select(WebhookDelivery).where(
        WebhookDelivery.payload["device"].as_string() == device.public_id)).all()
    assert rows and {r.status for r in rows} == {"pending"} and {r.attempts for r in rows} == {0}
    assert "not queued" in caplog.text


def test_no_delivery_for_a_webhook_switched_off(world, hooks):
    device = world.register("a")
    register.set_active(world["admin"], hooks["donor_x"], False)
    db.session.commit()
    world.advance(device, "received")
    assert "donor_x" not in _heard(hooks, events.DEVICE_STATUS, device=device.public_id)
    assert "workshop_a" in _heard(hooks, events.DEVICE_STATUS, device=device.public_id)


def test_a_status_change_reads_the_scopes_once_however_many_webhooks(app, world):
    """Before and after the change, one query each for who sees the device: adding webhooks
    (of every kind of organisation) adds no query to `perform` (it added two per webhook)."""
    def statements(device) -> int:
        lifecycle.perform(world["tech_a"], device, "receive")
        db.session.commit()
        seen = []
        listener = lambda *args: seen.append(args[2][:90])  # noqa: E731 - (conn, cursor, sql…)
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            lifecycle.perform(world["tech_a"], device, "recycle", {"reason": "écran cassé"})
            db.session.flush()
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        db.session.commit()
        # What is read: the deliveries written grow with the webhooks, as they should.
        return [sql for sql in seen if sql.lstrip().upper().startswith("SELECT")]

    one, _ = register.create(world["admin"], organisation_id=world.orgs["donor_x"].id,
                             url="https://hooks.example.org/one", wanted=[events.DEVICE_STATUS])
    db.session.commit()
    few = statements(world.register("a"))
    for n, key in enumerate(ORGS * 2):
        register.create(world["admin"], organisation_id=world.orgs[key].id,
                        url=f"https://hooks.example.org/{key}/{n}", wanted=[events.DEVICE_STATUS])
    db.session.commit()
    many = statements(world.register("a"))
    assert db.session.scalar(select(func.count(WebhookDelivery.id))) > 19
    assert len(many) == len(few), "\n".join(few) + "\nMANY\n" + "\n".join(many)


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
