"""A web worker keeps who holds a token (recond.identity.bearers) so that a scan needs one
statement; a revoked token, a deactivated person or organisation, an expired token still stop
working on the very next request, and a changed holder is read again, despite that memory."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from recond import clock
from recond.extensions import db
from recond.identity import accounts, api_tokens, bearers, organisations, users
from recond.models import ApiToken, SecurityEvent
from tests.statements import counted


@pytest.fixture
def scanning(world, client):
    """A technician's token, already used for a scan (its holder is in this worker's memory)."""
    token = accounts.create_token(world["tech_a"], "scanner")
    db.session.commit()
    code = world.register().public_id

    def scan(what: str = code):
        return client.get(f"/api/v1/scan?code={what}", headers={"Authorization": f"Bearer {token}"})

    assert scan().status_code == 200
    with counted() as sent:
        assert scan().status_code == 200
    assert len(sent) == 1, sent  # from memory: the token is checked inside the device's statement
    return token, code, scan


def _token_row(token: str) -> ApiToken:
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == bearers.digest(token)))


def test_a_revoked_token_is_refused_at_the_next_scan(world, scanning):
    token, code, scan = scanning
    api_tokens.revoke(world["tech_a"], _token_row(token).id)
    db.session.commit()
    response = scan()
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthenticated"
    assert scan().status_code == 401  # and stays refused, whatever the worker kept
    failed = db.session.scalars(select(SecurityEvent).where(SecurityEvent.kind == "token_failed"))
    assert len(failed.all()) == 2  # each refusal counted, as for an unknown token


def test_refused_whatever_was_asked(world, scanning):
    """A dead token gets 401 even for a code that finds nothing, or for no code at all: the
    worker's memory never turns it into a 404 or a 422."""
    token, _code, scan = scanning
    api_tokens.revoke(world["tech_a"], _token_row(token).id)
    db.session.commit()
    assert scan("ZZZZZZZZ").status_code == 401
    assert scan(world.register(lot="b").public_id).status_code == 401  # another workshop's
    assert scan("").status_code == 401


def test_a_deactivated_person_is_refused_at_the_next_scan(world, scanning):
    _token, _code, scan = scanning
    users.deactivate(world["admin"], world["tech_a"])
    db.session.commit()
    assert scan().status_code == 401


def test_a_deactivated_organisation_is_refused_at_the_next_scan(world, scanning):
    _token, _code, scan = scanning
    organisations.deactivate(world["admin"], world.orgs["workshop_a"])
    db.session.commit()
    assert scan().status_code == 401


def test_an_expired_token_is_refused(world, scanning):
    token, _code, scan = scanning
    _token_row(token).expires_at = clock.utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert scan().status_code == 401


def test_a_changed_holder_is_read_again(world, scanning):
    """A new role or manager flag does not refuse the token: the scan reads its holder again,
    answers, and the next scan is one statement again."""
    _token, code, scan = scanning
    users.change_role(world["admin"], world["tech_a"], role="technician", manager=True)
    db.session.commit()
    with counted() as sent:
        assert scan().status_code == 200
    # the ID and then the serial found nothing under the stale check; the token read again;
    # the device
    assert len(sent) == 4, sent
    with counted() as sent:
        assert scan().status_code == 200
    assert len(sent) == 1


def test_a_device_of_another_workshop_stays_unseen(world, scanning):
    _token, _code, scan = scanning
    response = scan(world.register(lot="b").public_id)
    assert response.status_code == 404


def test_a_revoked_token_acts_no_more(world, api):
    """The other endpoints read the token as before: refused at once as well."""
    code = world.register().public_id
    assert api("tech_a", "get", f"/api/v1/scan?code={code}").status_code == 200
    for row in db.session.scalars(select(ApiToken)):
        row.revoked_at = clock.utcnow()
    db.session.commit()
    response = api("tech_a", "post", f"/api/v1/devices/{code}/actions", json={"action": "receive"})
    assert response.status_code == 401
