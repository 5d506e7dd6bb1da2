"""A receiver that answers slowly cannot hold a worker, nor a row lock, nor be tried forever: a
try has one deadline for the whole exchange, no transaction is open while it runs, and a try
whose job was killed still counts. The receivers are real sockets in threads; the slowness is
theirs (they sleep between bytes), the test never waits on a clock."""
from __future__ import annotations

import socket
import threading
import time

import pytest
from sqlalchemy import select, text

from recond import lifecycle
from recond.extensions import db
from recond.models import WebhookAttempt, WebhookDelivery
from recond.webhooks import delivery, events, register
from tests.builders import World

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"


class Dripping:
    """Accepts one connection, reads the request, then sends a 200 answer one byte every
    `pause` seconds (each byte well within a socket timeout; the whole, far beyond). Before
    the first byte, `during` is called (what the test wants to observe mid-try)."""

    def __init__(self, pause: float, during=None) -> None:
        self.pause, self.during, self.seen = pause, during, []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/hook"
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.listener.accept()
        with conn:
            conn.recv(65536)
            if self.during is not None:
                self.seen.append(self.during())
            for byte in ANSWER:
                if self.stopped.wait(self.pause):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:  # the client hung up: what the deadline does
                    return

    def stop(self) -> None:
        self.stopped.set()
        self.listener.close()
        self.thread.join(timeout=10)


@pytest.fixture
def dripping():
    started: list[Dripping] = []

    def make(pause: float, during=None) -> Dripping:
        started.append(Dripping(pause, during))
        return started[-1]

    yield make
    for receiver in started:
        receiver.stop()


def _pending(world, url: str) -> WebhookDelivery:
    hook, _ = register.create(world["admin"], organisation_id=world.orgs["workshop_a"].id,
                              url=url, wanted=[events.DEVICE_STATUS])
    db.session.commit()
    lifecycle.perform(world["tech_a"], world.register("a"), "receive")
    db.session.commit()
    return db.session.scalars(select(WebhookDelivery)
                              .where(WebhookDelivery.webhook_id == hook.id)).one()


def test_a_dripping_receiver_is_cut_at_the_try_s_deadline(app, world, dripping):
    """About 60 bytes a quarter of a second apart: 15 s to answer, with a 1 s timeout. Each
    read gets a byte within its timeout; the try's deadline ends it at 1 s."""
    app.config.update(WEBHOOK_ALLOW_LOCAL=True, WEBHOOK_TIMEOUT_SECONDS=1,
                      WEBHOOK_RETRY_SECONDS=(3600,))
    receiver = dripping(0.25)
    row = _pending(world, receiver.url)
    started = time.monotonic()
    with pytest.raises(delivery.DeliveryFailed):
        delivery.deliver(row.id)
    assert time.monotonic() - started < 5
    db.session.rollback()
    [attempt] = db.session.scalars(select(WebhookAttempt)
                                   .where(WebhookAttempt.delivery_id == row.id)).all()
    assert (attempt.status_code, attempt.error) == (None, "timeout")
    assert attempt.duration_ms < 5000
    assert db.session.get(WebhookDelivery, row.id).status == "pending"


def test_no_lock_nor_transaction_is_held_while_the_receiver_answers(pg_app, dripping):
    """Mid-try, another connection finds the try claimed (committed) and the row unlocked."""
    world = World.build()
    pg_app.config.update(WEBHOOK_ALLOW_LOCAL=True, WEBHOOK_TIMEOUT_SECONDS=5,
                         WEBHOOK_RETRY_SECONDS=(0,))
    engine = db.engine
    ids: list[int] = []

    def look() -> int:
        with engine.connect() as other:
            other.execute(text("SET lock_timeout = '2s'"))
            attempts = other.execute(text("SELECT attempts FROM webhook_delivery WHERE id = :id "
                                          "FOR UPDATE NOWAIT"), {"id": ids[0]}).scalar_one()
            other.rollback()
            return attempts

    receiver = dripping(0.001, during=look)
    row = _pending(world, receiver.url)
    ids.append(row.id)
    assert delivery.deliver(row.id) == "delivered"
    assert receiver.seen == [1]


def test_a_try_whose_job_was_killed_counts_and_the_last_one_gives_up(app, world):
    """A job killed mid-try never records its answer: its claim counted the try, so the sweep
    does not requeue it forever. (The claim is made as `deliver` makes it; the kill is the
    answer never recorded.)"""
    app.config.update(WEBHOOK_ALLOW_LOCAL=True, WEBHOOK_RETRY_SECONDS=(0,))
    row = _pending(world, "http://127.0.0.1:9/never")
    for number in (1, 2):  # two tries claimed, both killed
        claimed = delivery._claim(row.id)
        assert claimed.number == number
        db.session.get(WebhookDelivery, row.id).next_attempt_at = None  # the sweep, later
        db.session.commit()
    assert delivery.deliver(row.id) == "failed"
    db.session.rollback()
    assert db.session.get(WebhookDelivery, row.id).attempts == 2
