"""The security log is append-only in the database, purged only past its retention, written
to the application log too, and never carries a secret; the password rule."""
import hashlib
import logging

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from recond.identity import passwords, security_log, sign_in, users
from recond.errors import InvalidInput
from recond.extensions import db
from recond.models import SecurityEvent
from tests.security_helpers import moving_clock  # noqa: F401


def test_events_are_kept_and_logged(world, app, caplog):
    with caplog.at_level(logging.INFO, logger="recond.security"):
        security_log.record("role_changed", actor=world["admin"], subject=world["tech_a"],
                            address="192.0.2.7", details={"from": "technician", "to": "admin"})
    event = db.session.scalar(select(SecurityEvent))
    assert (event.actor_id, event.subject_id, event.address) == (
        world["admin"].id, world["tech_a"].id, "192.0.2.7")
    assert event.organisation_id == world["tech_a"].organisation_id
    assert "role_changed" in caplog.text and "tech_a@example.org" in caplog.text


@pytest.mark.parametrize("details", [{"password": "x"}, {"token": "rcd_x"}, {"new_password": "x"},
                                     {"reference": "B-12"}, {"totp_secret": "x"},
                                     {"email": "someone@example.org"}])
def test_secrets_never_enter_the_log(app, details):
    with pytest.raises(ValueError):
        security_log.record("login", details=details)


def test_an_address_typed_for_no_account_is_kept_as_its_digest_only(world, app, caplog):
    """Reset requests and sign-ins for unknown addresses: personal data (a mistyped address of
    someone, a password typed in the wrong field) is not kept, only its SHA-256, which the
    administrator's filter still finds from the whole address."""
    typed = "Quelqu.Un@Example.org"
    with caplog.at_level(logging.INFO, logger="recond.security"):
        users.request_password_reset(typed, lang="fr", address="192.0.2.9")
        assert sign_in.check_password(typed, "not this one", address="192.0.2.9") is None
    db.session.commit()
    events = db.session.scalars(select(SecurityEvent).order_by(SecurityEvent.id)).all()
    assert [e.kind for e in events] == ["password_reset_requested", "login_failed"]
    digest = hashlib.sha256(b"quelqu.un@example.org").hexdigest()
    assert events[0].details == {"known": False, "email_sha256": digest}
    assert events[1].details == {"email_sha256": digest}
    assert "quelqu.un" not in caplog.text.lower()
    found, total = security_log.search(security_log.Filters(user="quelqu.un@example.org"))
    assert total == 2 and {e.id for e in found} == {e.id for e in events}


@pytest.mark.parametrize("statement", ["UPDATE security_event SET kind = 'login'",
                                       "DELETE FROM security_event"])
def test_the_database_refuses_to_edit_the_log(world, app, statement):
    security_log.record("login", actor=world["tech_a"], subject=world["tech_a"])
    db.session.commit()
    with pytest.raises(DatabaseError):
        db.session.execute(text(statement))
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(func.count(SecurityEvent.id))) == 1


def test_purge_removes_only_what_is_past_retention(world, app, moving_clock):
    security_log.record("login", actor=world["tech_a"], subject=world["tech_a"])
    moving_clock.advance(days=200)
    security_log.record("logout", actor=world["tech_a"], subject=world["tech_a"])
    db.session.commit()
    moving_clock.advance(days=200)  # the first is 400 days old, the second 200
    result = app.test_cli_runner().invoke(args=["purge-security-log"])
    assert result.exit_code == 0 and "1 security events removed" in result.output
    assert db.session.scalars(select(SecurityEvent.kind)).all() == ["logout"]
    with pytest.raises(DatabaseError):  # the door closed again behind the purge
        db.session.execute(text("DELETE FROM security_event"))
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("password, code", [
    ("Short-1a", "weak_password"),                  # under 12
    ("alllowercase-123", "weak_password"),          # no upper case
    ("NoDigitsHere-abc", "weak_password"),
    ("NoSpecial12345abc", "weak_password"),
    ("Password123!", "common_password"),            # a common one dressed up
    ("Qwertyuiop1!", "common_password"),
    ("Camille-Velo-2031", "personal_password"),     # the e-mail's name
])
def test_the_password_rule(app, password, code):
    with pytest.raises(InvalidInput) as refusal:
        passwords.check_policy(password, email="camille@example.org", name="Camille Durand")
    assert refusal.value.code == code and "12 characters" in str(refusal.value.message)


def test_a_good_password_passes(app):
    passwords.check_policy("Vélo-Rouge-2031!x", email="camille@example.org", name="Camille Durand")
