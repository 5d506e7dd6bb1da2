"""Deliveries made by a real `recond worker` to real HTTP receivers: signed (the test checks
the signature with the secret, as docs/webhooks.md tells a receiver to), tried again after a
failure, given up after the last try, never redirected, never sent to another organisation,
and each try shown on the webhook's page. The pauses between tries are set to 0 s: the retries
are rq's own, without waiting."""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from recond import lifecycle
from recond.extensions import db
from recond.models import WebhookDelivery
from recond.webhooks import delivery, events, register
from tests import workers
from tests.builders import World
from tests.races import race
from tests.webhooks.receiver import Receiver
from tests.workers import own_queue  # noqa: F401  (a fixture)


@pytest.fixture
def receivers():
    started: list[Receiver] = []

    def make(statuses: list[int], location: str = "") -> Receiver:
        started.append(Receiver(statuses, location).start())
        return started[-1]

    yield make
    for receiver in started:
        receiver.stop()


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """What a receiver does (docs/webhooks.md)."""
    expected = "sha256=" + hmac.new(secret.encode(), headers["X-Recond-Timestamp"].encode()
                                    + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Recond-Signature"])


def _deliveries(hook) -> list[WebhookDelivery]:
    db.session.rollback()  # read what the worker committed
    return list(db.session.scalars(select(WebhookDelivery)
                                   .where(WebhookDelivery.webhook_id == hook.id)))


def test_signed_deliveries_retried_given_up_and_only_in_scope(
        app, world, browser, redis_url, own_queue, tmp_path, receivers):
    app.config.update(WEBHOOK_ALLOW_LOCAL=True, WEBHOOK_RETRY_SECONDS=(0, 0))
    donor = receivers([500, 200])  # fails once, then takes it
    stubborn = receivers([302], location=donor.url)  # never a 2xx; its redirect is not followed
    other = receivers([200])  # another organisation's
    admin = world["admin"]
    hook, secret = register.create(admin, organisation_id=world.orgs["donor_x"].id,
                                   url=donor.url, wanted=[events.DEVICE_STATUS])
    workshop_hook, _ = register.create(admin, organisation_id=world.orgs["workshop_a"].id,
                                       url=stubborn.url, wanted=[events.DEVICE_STATUS])
    register.create(admin, organisation_id=world.orgs["donor_y"].id, url=other.url,
                    wanted=list(events.EVENTS))
    db.session.commit()
    device = world.register("a")
    lifecycle.perform(world["tech_a"], device, "receive")
    db.session.commit()  # the deliveries are queued now, not before

    log = tmp_path / "worker.log"
    worker = workers.start(app, redis_url, log, RECOND_WEBHOOK_ALLOW_LOCAL="1",
                           RECOND_WEBHOOK_RETRY_SECONDS="0,0")
    try:
        workers.wait_for(lambda: all(d.status != "pending" for d in
                                     _deliveries(hook) + _deliveries(workshop_hook)),
                         "every delivery settled", worker, log)
    finally:
        workers.stop(worker)

    # Tried again after the 500, delivered by the 200: the same body, signed each time.
    assert len(donor.received) == 2
    for got in donor.received:
        assert verify(secret, got.headers, got.body)
        assert not verify("whsec_another", got.headers, got.body)
        assert got.path == "/hooks/recond?from=test"
        assert got.headers["X-Recond-Event"] == events.DEVICE_STATUS
    assert donor.received[0].body == donor.received[1].body
    assert donor.received[0].headers["X-Recond-Delivery"] == donor.received[1].headers["X-Recond-Delivery"]
    body = json.loads(donor.received[0].body)
    assert body["event"] == events.DEVICE_STATUS
    assert body["data"] | {"at": None} == {"device": device.public_id, "category": "laptop",
                                           "action": "receive", "from": "registered",
                                           "to": "received", "at": None}
    [delivered] = _deliveries(hook)
    assert (delivered.status, delivered.attempts) == ("delivered", 2)
    assert [t.status_code for t in delivered.tries] == [500, 200]
    assert delivered.tries[0].response_body.startswith("answer 1: 500 xxx")
    assert len(delivered.tries[0].response_body) == 500  # truncated

    # Three tries (the first and two retries), then given up; the redirect never followed.
    assert len(stubborn.received) == 3
    [given_up] = _deliveries(workshop_hook)
    assert (given_up.status, given_up.attempts) == ("failed", 3)
    assert [t.status_code for t in given_up.tries] == [302, 302, 302]

    assert other.received == []  # donor_y's webhook: not its device

    browser.login("admin@example.org")
    page = browser.client.get(f"/admin/webhooks/{hook.id}")
    assert page.status_code == 200
    assert "HTTP 500" in page.text and "HTTP 200" in page.text and "answer 1: 500" in page.text
    assert secret not in page.text  # shown once, at creation, never again


def test_a_delivery_recorded_while_redis_was_away_is_sent_by_the_sweep(
        app, world, redis_url, own_queue, tmp_path, receivers):
    app.config.update(WEBHOOK_ALLOW_LOCAL=True, WEBHOOK_RETRY_SECONDS=(0,))
    receiver = receivers([200])
    hook, secret = register.create(world["admin"], organisation_id=world.orgs["workshop_a"].id,
                                   url=receiver.url, wanted=[events.DEVICE_STATUS])
    db.session.commit()
    device = world.register("a")
    url, app.config["REDIS_URL"] = app.config["REDIS_URL"], None  # nothing queued at commit
    lifecycle.perform(world["tech_a"], device, "receive")
    db.session.commit()
    app.config["REDIS_URL"] = url
    [waiting] = _deliveries(hook)
    assert (waiting.status, waiting.attempts) == ("pending", 0)
    # As if the commit was two minutes ago: overdue, what the sweep looks for.
    waiting.next_attempt_at -= timedelta(minutes=2)
    db.session.commit()

    log = tmp_path / "worker.log"
    worker = workers.start(app, redis_url, log, RECOND_WEBHOOK_ALLOW_LOCAL="1")
    try:
        workers.wait_for(lambda: _deliveries(hook)[0].status == "delivered",
                         "the sweep sent it", worker, log)
    finally:
        workers.stop(worker)
    assert len(receiver.received) == 1 and verify(secret, receiver.received[0].headers,
                                                  receiver.received[0].body)


def test_the_job_does_nothing_twice_nor_before_its_time(app, world, receivers):
    """The job's own rules, called as the worker calls it: a delivered or given-up delivery is
    not sent again, a try not yet due is not made early, a webhook switched off sends nothing."""
    app.config.update(WEBHOOK_ALLOW_LOCAL=True, WEBHOOK_RETRY_SECONDS=(0,))
    receiver = receivers([500, 200])
    hook, _ = register.create(world["admin"], organisation_id=world.orgs["workshop_a"].id,
                              url=receiver.url, wanted=[events.DEVICE_STATUS])
    db.session.commit()
    device = world.register("a")
    lifecycle.perform(world["tech_a"], device, "receive")
    db.session.commit()
    [first] = _deliveries(hook)
    with pytest.raises(delivery.DeliveryFailed):
        delivery.deliver(first.id)
    assert delivery.deliver(first.id) == "delivered"
    assert delivery.deliver(first.id) == "nothing to do"
    assert len(receiver.received) == 2

    app.config["WEBHOOK_RETRY_SECONDS"] = (3600,)
    receiver.statuses[:] = [503]
    lifecycle.perform(world["tech_a"], device, "recycle", {"reason": "écran cassé"})
    db.session.commit()
    later = max(_deliveries(hook), key=lambda d: d.id)
    with pytest.raises(delivery.DeliveryFailed):
        delivery.deliver(later.id)
    assert delivery.deliver(later.id) == "not due yet"  # a second job for it: an hour early
    assert len(receiver.received) == 3
    register.set_active(world["admin"], hook, False)
    db.session.commit()
    db.session.get(WebhookDelivery, later.id).next_attempt_at = None
    db.session.commit()
    assert delivery.deliver(later.id) == "cancelled"
    assert len(receiver.received) == 3


def test_two_jobs_for_one_delivery_at_once_send_it_once(pg_app, receivers):
    """The sweep and rq's retry may both run a delivery's job: the row lock lets one claim the
    try, and the other finds it claimed (not due until that try's deadline) or delivered
    (PostgreSQL: row locks)."""
    world = World.build()
    pg_app.config.update(WEBHOOK_ALLOW_LOCAL=True, WEBHOOK_RETRY_SECONDS=(0,))
    receiver = receivers([200])
    hook, _ = register.create(world["admin"], organisation_id=world.orgs["workshop_a"].id,
                              url=receiver.url, wanted=[events.DEVICE_STATUS])
    db.session.commit()
    lifecycle.perform(world["tech_a"], world.register("a"), "receive")
    db.session.commit()
    [row] = _deliveries(hook)

    def job(ready):
        ready()
        return delivery.deliver(row.id)

    outcomes = race(pg_app, job, job)
    assert len(outcomes) == 2 and "delivered" in outcomes
    assert set(outcomes) - {"delivered"} <= {"nothing to do", "not due yet"}
    assert len(receiver.received) == 1


def test_settled_deliveries_are_forgotten_after_thirty_days(app, world, receivers):
    app.config.update(WEBHOOK_ALLOW_LOCAL=True, WEBHOOK_RETRY_SECONDS=())
    receiver = receivers([200])
    hook, _ = register.create(world["admin"], organisation_id=world.orgs["workshop_a"].id,
                              url=receiver.url, wanted=[events.DEVICE_STATUS])
    db.session.commit()
    device = world.register("a")
    world.advance(device, "wiped")
    old, recent = sorted(_deliveries(hook), key=lambda d: d.id)
    assert delivery.deliver(old.id) == "delivered"
    old = db.session.get(WebhookDelivery, old.id)
    old.created_at -= timedelta(days=delivery.KEPT_DAYS + 1)
    recent.created_at -= timedelta(days=delivery.KEPT_DAYS + 1)  # old, but still waiting
    db.session.commit()
    delivery.forget_old_deliveries()
    db.session.commit()
    assert [d.id for d in _deliveries(hook)] == [recent.id]


def test_nothing_goes_out_for_a_deactivated_organisation(app, world, receivers):
    """Recorded while the organisation was active, its delivery waits; deactivated meanwhile,
    nothing is sent to it."""
    from recond.identity import organisations

    app.config.update(WEBHOOK_ALLOW_LOCAL=True, WEBHOOK_RETRY_SECONDS=(0,))
    receiver = receivers([200])
    hook, _ = register.create(world["admin"], organisation_id=world.orgs["donor_x"].id,
                              url=receiver.url, wanted=[events.DEVICE_STATUS])
    db.session.commit()
    lifecycle.perform(world["tech_a"], world.register("a"), "receive")
    db.session.commit()
    [row] = _deliveries(hook)
    organisations.deactivate(world["admin"], world.orgs["donor_x"])
    db.session.commit()
    assert delivery.deliver(row.id) == "cancelled"
    assert receiver.received == []


def test_each_job_is_queued_with_a_timeout_of_its_own(app, world, redis_url, own_queue):
    """rq's default (180 s) would let a stuck try hold a worker that long: the job's limit is
    the try's deadline and a margin."""
    from rq import Queue

    from recond import jobs

    register.create(world["admin"], organisation_id=world.orgs["workshop_a"].id,
                    url="https://hooks.example.org/w", wanted=[events.DEVICE_STATUS])
    db.session.commit()
    lifecycle.perform(world["tech_a"], world.register("a"), "receive")
    db.session.commit()
    [job] = Queue(own_queue, connection=jobs.redis_connection()).jobs
    assert job.func_name == "recond.webhooks.delivery.deliver"
    assert job.timeout == app.config["WEBHOOK_TIMEOUT_SECONDS"] + delivery.JOB_MARGIN_SECONDS
