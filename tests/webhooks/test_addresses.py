"""Where a webhook may send (server-side request forgery): https to public addresses only,
unless RECOND_WEBHOOK_ALLOW_LOCAL; checked when registered and again at each try, against
the addresses the name resolves to. And what one try records when no answer comes."""
from __future__ import annotations

import socket
import threading

import pytest

from recond.errors import InvalidInput
from recond.extensions import db
from recond.models import WebhookDelivery
from recond.webhooks import addresses, delivery, events, register


@pytest.mark.parametrize("url", [
    "http://hooks.example.org/x",  # http: only when allowed locally
    "ftp://hooks.example.org/x", "https://", "hooks.example.org/x",
    "https://user:pw@hooks.example.org/x",  # credentials in the address
    "https://localhost/x", "https://127.0.0.1/x", "https://10.1.2.3/x", "https://192.168.1.1/x",
    "https://169.254.169.254/latest/meta-data", "https://[::1]/x", "https://[::ffff:10.0.0.1]/x",
    "https://100.64.0.1/x", "https://hooks.example.org:99999/x", "https://" + "a" * 2000 + ".org",
])
def test_refused_when_registered(url):
    with pytest.raises(InvalidInput):
        addresses.check_url(url, allow_local=False)


def test_accepted_when_registered():
    assert addresses.check_url(" https://hooks.example.org/recond?k=1 ", False) \
        == "https://hooks.example.org/recond?k=1"
    assert addresses.check_url("http://127.0.0.1:8080/x", allow_local=True)


@pytest.mark.parametrize("url", ["https://localhost:9/x", "https://127.0.0.1:9/x",
                                 "https://[::1]:9/x", "http://93.184.215.14/x"])
def test_refused_at_each_try_by_the_resolved_address(url):
    with pytest.raises(addresses.AddressRefused):
        addresses.target(url, allow_local=False)


def test_the_connection_goes_to_the_checked_address():
    to = addresses.target("http://localhost:8080/a/b?c=d", allow_local=True)
    assert (to.host, to.port, to.path) == ("localhost", 8080, "/a/b?c=d")
    assert to.address in ("127.0.0.1", "::1")


@pytest.fixture
def pending(app, world):
    hook, _ = register.create(world["admin"], organisation_id=world.orgs["donor_x"].id,
                              url="https://hooks.example.org/x", wanted=[events.DEVICE_STATUS])
    row = WebhookDelivery(webhook_id=hook.id, event=events.DEVICE_STATUS, payload={"device": "X"})
    db.session.add(row)
    db.session.commit()
    return row


def test_a_private_address_is_never_contacted(app, pending):
    """The receiver listens on 127.0.0.1; without ALLOW_LOCAL nothing reaches it."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0)
    try:
        app.config["WEBHOOK_ALLOW_LOCAL"] = False
        answer = delivery.send(f"https://127.0.0.1:{listener.getsockname()[1]}/x", "s", pending)
        assert (answer.status_code, answer.error) == (None, "refused_address")
        with pytest.raises(BlockingIOError):
            listener.accept()  # no connection was ever made
    finally:
        listener.close()


def test_a_closed_port_and_a_silent_receiver_are_failed_tries(app, pending):
    app.config.update(WEBHOOK_ALLOW_LOCAL=True, WEBHOOK_TIMEOUT_SECONDS=1)
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    assert delivery.send(f"http://127.0.0.1:{port}/x", "s", pending).error == "connection"
    silent = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
    held = []
    thread = threading.Thread(target=lambda: held.append(silent.accept()), daemon=True)
    thread.start()
    try:
        answer = delivery.send(f"http://127.0.0.1:{silent.getsockname()[1]}/x", "s", pending)
        assert (answer.status_code, answer.error) == (None, "timeout")
    finally:
        for conn, _ in held:
            conn.close()
        silent.close()
