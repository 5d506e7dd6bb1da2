"""Certificates cover destroyed media and name removed ones; /verify states what became of a
covered device after issue, with no personal data."""
import html
import io
from datetime import date

from pypdf import PdfReader

from recond.workshop import certificates, sanitisation, storage_media
from recond import lifecycle
from recond.extensions import db
from tests.conftest import csrf_from

DESTRUCTION = {"method": "shredding", "destroyed_by": "Paprec, prestataire",
               "destroyed_on": date.today().isoformat(), "reference": "PAP-2026-0042"}


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_certificate_covers_a_destroyed_medium_and_names_a_removed_one(world):
    device = world.advance(world.register(disks=3), "received")
    destroyed, removed, wiped = device.media
    sanitisation.record(world["tech_a"], destroyed, method="clear", passed=False)
    sanitisation.record(world["tech_a"], wiped, method="clear", passed=True, tool="nwipe 0.36")
    storage_media.destroy(world["tech_a"], device, destroyed.id, DESTRUCTION)
    storage_media.remove(world["tech_a"], device, removed.id, {"destination": "recycling"})
    certificate = certificates.issue_for_device(world["tech_a"], device)
    db.session.commit()
    text = _text(certificate.content)
    assert certificate.media_count == 2
    for expected in ("Destroy (destruction)", "broyage", "Paprec, prestataire", "PAP-2026-0042",
                     destroyed.serial, "Supports retirés", removed.serial,
                     "retiré, envoyé au recyclage", wiped.serial):
        assert expected in text, expected


def _certified_device(world):
    device = world.device("ready")
    certificate = certificates.issue_for_device(world["tech_a"], device)
    db.session.commit()
    return device, certificate


def _verify(client, code: str) -> str:
    page = client.get("/verify")
    return html.unescape(client.post("/verify", data={"csrf_token": csrf_from(page.text),
                                                      "code": code}).text)


def test_verify_states_that_the_device_was_recycled_later(world, client):
    device, certificate = _certified_device(world)
    text = _verify(client, certificate.code)
    assert "authentique" in text and "Rien n'a changé" in text
    lifecycle.perform(world["tech_a"], device, "recycle", {"reason": "écran HS"})
    db.session.commit()
    text = _verify(client, certificate.code)
    assert "authentique" in text and "recyclé (DEEE) le" in text
    assert "Rien n'a changé" not in text


def test_verify_states_that_the_device_was_dismantled_for_parts_later(world, client):
    device, certificate = _certified_device(world)
    lifecycle.perform(world["tech_a"], device, "dismantle", {"reason": "carte mère HS"})
    db.session.commit()
    text = _verify(client, certificate.code)
    assert "démonté pour pièces détachées le" in text and "recyclé" not in text


def test_verify_states_a_return_and_a_new_wipe_without_personal_data(world, client):
    device = world.device("delivered")
    certificate = certificates.issue_for_device(world["tech_a"], device)
    db.session.commit()
    allocation = lifecycle.active_allocation(device)
    lifecycle.perform(world["tech_a"], device, "return", {"reason": "panne"})
    db.session.commit()
    world.sanitise(device)
    lifecycle.perform(world["tech_a"], device, "wipe")
    db.session.commit()
    later = certificates.check(certificate.code)["later"]
    assert [e["action"] for e in later[0]["events"]] == ["return", "wipe"]
    text = _verify(client, certificate.code)
    assert "repris à l'atelier le" in text and "effacé à nouveau le" in text
    for private in (allocation.structure.name, allocation.beneficiary.reference, "40,00", "panne"):
        assert private not in text, private


def test_the_first_wipe_after_issue_is_no_later_fate(world):
    device = world.advance(world.register(), "received")
    world.sanitise(device)
    certificate = certificates.issue_for_device(world["tech_a"], device)
    lifecycle.perform(world["tech_a"], device, "wipe")
    db.session.commit()
    assert certificates.check(certificate.code)["later"] == []
