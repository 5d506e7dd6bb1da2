"""Where a webhook may send (server-side request forgery): https to public addresses only,
unless RECOND_WEBHOOK_ALLOW_LOCAL; checked when registered and again at each try, against
the addresses the name resolves to. And what one try records when no answer comes."""
from __future__ import annotations

import ipaddress
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


@pytest.mark.parametrize("literal", [
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254 (a cloud's metadata service)
    "64:ff9b::7f00:1", "64:ff9b:1::a00:1",  # NAT64 of 127.0.0.1; local-use NAT64 of 10.0.0.1
    "64:ff9b:1::808:808",  # local-use NAT64: never ours to reach, whatever it carries
    "2002:7f00:1::1", "2002:a9fe:a9fe::1",  # 6to4 of 127.0.0.1 and 169.254.169.254
    "::127.0.0.1", "::a9fe:a9fe",  # IPv4-compatible
    "::ffff:169.254.169.254", "2001:0:4136:e378:8000:63bf:80ff:fffe",  # mapped; Teredo
    "192.0.0.8", "192.0.0.170", "0.1.2.3", "198.18.0.1", "fec0::1",
])
def test_addresses_that_carry_a_private_one_are_refused(literal):
    """Python's `is_global` calls each of these global (3.11.7): refused all the same."""
    address = ipaddress.ip_address(literal)
    assert not addresses._public(address)
    with pytest.raises(InvalidInput):
        addresses.check_url(f"https://[{literal}]/x" if ":" in literal else f"https://{literal}/x",
                            allow_local=False)


@pytest.mark.parametrize("literal", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
                                     "64:ff9b::5db8:d70e", "2002:5db8:d70e::1"])
def test_public_addresses_and_those_carrying_a_public_one_are_accepted(literal):
    assert addresses._public(ipaddress.ip_address(literal))


def test_each_checked_address_is_tried_in_turn(app):
    """A name with two addresses, the first refusing connections: the second is tried."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    accepted = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True)
    thread.start()
    to = addresses.Target("http", "localhost", port, "/", ("127.0.0.2", "127.0.0.1"))
    connection = delivery._connection(to, 5, delivery._Deadline(5))
    try:
        connection.connect()
        thread.join(timeout=10)
        assert accepted and connection.sock.getpeername() == ("127.0.0.1", port)
    finally:
        connection.close()
        for conn, _ in accepted:
            conn.close()
        listener.close()


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
    assert set(to.addresses) <= {"127.0.0.1", "::1"} and to.addresses


@pytest.fixture
def pending(app, world):
    hook, _ = register.create(world["admin"], organisation_id=world.orgs["donor_x"].id,
                              url="https://hooks.example.org/x", wanted=[events.DEVICE_STATUS])
    row = WebhookDelivery(webhook_id=hook.id, event=events.DEVICE_STATUS, payload={"device": "X"})
    db.session.add(row)
    db.session.commit()
    return row


def try_to(pending: WebhookDelivery, url: str) -> delivery.Answer:
    return delivery.send(delivery.Claimed.of(pending, 1, url, "s"))


def test_a_private_address_is_never_contacted(app, pending):
    """The receiver listens on 127.0.0.1; without ALLOW_LOCAL nothing reaches it."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0)
    try:
        app.config["WEBHOOK_ALLOW_LOCAL"] = False
        answer = try_to(pending, f"https://127.0.0.1:{listener.getsockname()[1]}/x")
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
    assert try_to(pending, f"http://127.0.0.1:{port}/x").error == "connection"
    silent = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
    held = []
    thread = threading.Thread(target=lambda: held.append(silent.accept()), daemon=True)
    thread.start()
    try:
        answer = try_to(pending, f"http://127.0.0.1:{silent.getsockname()[1]}/x")
        assert (answer.status_code, answer.error) == (None, "timeout")
    finally:
        for conn, _ in held:
            conn.close()
        silent.close()
