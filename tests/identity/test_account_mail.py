"""E-mail end to end through a real SMTP server (aiosmtpd on a free local port): an invitation
and a password reset followed from the link in the received message; links single-use, stored
hashed, expiring on the (injectable) clock; notices sent only once their change commits."""
from __future__ import annotations

import hashlib
import re
import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from recond import clock
from recond.identity import account_links, users
from recond.distribution import deliveries, equipment_requests
from recond.extensions import db
from recond.models import AccountLink, User
from tests.conftest import csrf_from

NEW_PASSWORD = "Velo-Rouge-42-Matin"


class Inbox:
    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def link(self, index: int = -1) -> str:
        text = self.messages[index].get_body(("plain",)).get_content()
        return re.search(r"https://recond\.test(/\S+)", text).group(1)


@pytest.fixture
def inbox(app):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    yield box
    controller.stop()


def test_an_invitation_end_to_end_through_smtp(world, browser, inbox):
    browser.login("admin@example.org")
    response = browser.post_form("/users", "/users", {
        "email": "Nouvelle@Example.org", "name": "", "organisation": world.orgs["structure_s"].id,
        "role": "structure"})
    assert response.status_code == 302
    [message] = inbox.messages
    assert message["To"] == "nouvelle@example.org"
    assert "Structure S" in message["Subject"] and "compte" in message["Subject"]  # French
    assert {p.get_content_type() for p in message.walk()} >= {"text/plain", "text/html"}
    path = inbox.link()
    token = path.rsplit("/", 1)[1]
    # Only the hash is kept.
    stored = db.session.scalars(select(AccountLink.token_hash)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]

    browser.post_form("/", "/logout", {})
    page = browser.client.get(path)
    assert page.status_code == 200 and "12" in page.text  # the password rule is on the form
    response = browser.client.post(path, data={
        "csrf_token": csrf_from(page.text), "name": "Nora Nouvelle", "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert browser.login("nouvelle@example.org", NEW_PASSWORD).headers["Location"] == "/"
    assert browser.client.get(path).status_code == 404  # single use
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "nouvelle@example.org"))
    assert user.name == "Nora Nouvelle" and user.last_login_at is not None


def test_a_password_reset_end_to_end_with_the_same_answer_for_unknown_addresses(world, client, inbox):
    def ask(email):
        page = client.get("/password/forgot")
        response = client.post("/password/forgot", data={"csrf_token": csrf_from(page.text),
                                                         "email": email})
        # The page's CSRF token carries the second it was made in: it may differ, nothing else.
        text = client.get(response.headers["Location"]).text
        return response.status_code, re.sub(r'<input[^>]*name="csrf_token"[^>]*>', "", text)

    unknown = ask("personne@example.org")
    assert inbox.messages == []
    known = ask("tech_a@example.org")
    assert known == unknown and known[0] == 302
    [message] = inbox.messages
    path = inbox.link()
    page = client.get(path)
    response = client.post(path, data={"csrf_token": csrf_from(page.text), "password": NEW_PASSWORD,
                                       "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get(path).status_code == 404  # single use
    from tests.conftest import Browser, PASSWORD
    assert Browser(client).login("tech_a@example.org", PASSWORD).status_code == 401
    assert Browser(client).login("tech_a@example.org", NEW_PASSWORD).status_code == 302


def test_a_weak_password_is_refused_and_the_link_stays_usable(world, client, inbox):
    users.request_password_reset("tech_a@example.org", lang="en")
    db.session.commit()
    path = inbox.link()
    page = client.get(path)
    response = client.post(path, data={"csrf_token": csrf_from(page.text), "password": "short",
                                       "confirm": "short"})
    assert response.status_code == 422
    # The form comes back with the reason under the field; the rule is printed once, above it.
    assert response.text.count("Au moins 12 caractères") == 1
    assert "ne suit pas la règle ci-dessus" in response.text and 'name="confirm"' in response.text
    common = "Password123!"
    response = client.post(path, data={"csrf_token": csrf_from(page.text), "password": common,
                                       "confirm": common})
    assert response.status_code == 422 and response.text.count("Au moins 12 caractères") == 1
    assert "trop courant" in response.text
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("purpose,lifetime", [("reset", timedelta(hours=1)),
                                              ("invitation", timedelta(hours=72))])
def test_links_expire(world, monkeypatch, purpose, lifetime):
    token = account_links.issue(world["tech_a"], purpose)
    db.session.commit()
    start = clock.utcnow()
    monkeypatch.setattr(clock, "utcnow", lambda: start + lifetime - timedelta(seconds=5))
    assert account_links.peek(token, purpose) == world["tech_a"]
    monkeypatch.setattr(clock, "utcnow", lambda: start + lifetime + timedelta(seconds=1))
    with pytest.raises(Exception) as refused:
        account_links.spend(token, purpose)
    assert refused.value.status == 404


def test_a_new_reset_link_cancels_the_previous_one(world):
    first = account_links.issue(world["tech_a"], "reset")
    account_links.issue(world["tech_a"], "reset")
    with pytest.raises(Exception) as refused:
        account_links.peek(first, "reset")
    assert refused.value.status == 404


def test_a_decided_request_and_a_shipped_delivery_are_e_mailed_after_commit(world, inbox):
    request = equipment_requests.submit(world["structure_s"], purpose="beneficiaries",
                                        lines=[("laptop", 2)])
    db.session.commit()
    equipment_requests.approve(world["coordinator"], request)
    db.session.rollback()
    assert inbox.messages == []  # rolled back: nothing sent
    equipment_requests.approve(world["coordinator"], request)
    db.session.commit()
    assert [m["To"] for m in inbox.messages] == ["structure_s@example.org"]
    assert f"/requests/{request.id}" in inbox.link()

    device = world.device("reserved")  # approves a request of its own: one more notice
    before = len(inbox.messages)
    note = deliveries.open_note(world["tech_a"], world.orgs["structure_s"].id)
    deliveries.add_device(world["tech_a"], note, device.public_id)
    deliveries.ship(world["tech_a"], note)
    db.session.commit()
    assert len(inbox.messages) == before + 1 and f"/deliveries/{note.id}" in inbox.link()


def test_without_smtp_each_message_lands_in_the_outbox(app, world, tmp_path, monkeypatch):
    app.config["SMTP_URL"] = None
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    users.request_password_reset("tech_a@example.org", lang="en")
    db.session.commit()
    [eml] = (tmp_path / "outbox").glob("*.eml")
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["To"] == "tech_a@example.org"
    assert message["Subject"] == "Choosing a new Recond password"
