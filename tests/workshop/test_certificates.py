"""Certificates of sanitisation: issued only when the data is gone, downloadable by the donor,
and checkable by anyone, who can tell an altered copy from the original."""
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from recond.workshop import certificates, wipe_evidence
from recond.errors import NotFound, NotPermitted, Refused
from recond.extensions import db
from tests.conftest import csrf_from

LOGS = Path(__file__).parents[1] / "fixtures" / "nwipe"


def _wiped_by_nwipe(world):
    device = world.advance(world.register(capacity_gb=None), "received")  # the 8 MB test drive
    evidence = wipe_evidence.upload(world["tech_a"], "shredos.log", (LOGS / "zero-one-drive.log").read_bytes())
    wipe_evidence.assign(world["tech_a"], evidence, {"/dev/loop0": device.media[0].id})
    db.session.commit()
    return device


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_device_certificate_carries_the_nist_fields(world):
    device = _wiped_by_nwipe(world)
    certificate = certificates.issue_for_device(world["tech_a"], device)
    db.session.commit()
    text = _text(certificate.content)
    for expected in ("Certificat d'effacement", certificate.code, device.public_id,
                     device.media[0].serial, "Clear", "Fill With Zeros", "nwipe 0.33",
                     "dernière passe", "réussi", "Tech A, technicien, Atelier A", "NIST SP 800-88"):
        assert expected in text, expected
    assert certificate.sha256 == certificates.sha256_of(certificate.content)
    assert certificate.media_count == 1


def test_no_certificate_before_every_medium_is_safe(world):
    device = world.advance(world.register(disks=2), "received")
    with pytest.raises(Refused) as refused:
        certificates.issue_for_device(world["tech_a"], device)
    assert refused.value.code == "not_sanitised"
    with pytest.raises(NotPermitted):
        certificates.issue_for_device(world["collector_a"], device)
    with pytest.raises(NotFound):
        certificates.issue_for_device(world["tech_b"], device)


def test_a_deposit_certificate_covers_the_devices_already_safe(world):
    safe = _wiped_by_nwipe(world)
    world.advance(world.register(), "received")  # not wiped yet
    certificate = certificates.issue_for_deposit(world["tech_a"], world.deposits["a"])
    db.session.commit()
    assert certificate.media_count == 1 and safe.public_id in _text(certificate.content)
    with pytest.raises(Refused):
        certificates.issue_for_deposit(world["tech_b"], world.deposits["b"])


def test_the_donor_downloads_it_another_donor_cannot(world, browser):
    device = _wiped_by_nwipe(world)
    certificate = certificates.issue_for_device(world["tech_a"], device)
    db.session.commit()
    assert certificates.visible(world["donor_x"], certificate.code.lower()) is certificate
    with pytest.raises(NotFound):
        certificates.visible(world["donor_y"], certificate.code)
    browser.login("donor_x@example.org")
    page = browser.client.get(f"/d/{device.public_id}")
    assert certificate.code in page.text
    download = browser.client.get(f"/certificates/{certificate.code}.pdf")
    assert download.data == certificate.content


def test_anyone_can_check_a_copy_and_an_altered_one_is_told_apart(world, client):
    certificate = certificates.issue_for_device(world["tech_a"], _wiped_by_nwipe(world))
    db.session.commit()
    page = client.get(f"/verify?code={certificate.code}")
    assert page.status_code == 200 and certificate.sha256 in page.text
    assert world.deposits["a"].donor.name not in page.text  # nothing about the donor
    token = csrf_from(page.text)
    same = client.post("/verify", data={"csrf_token": token, "code": certificate.code,
                                        "document": (io.BytesIO(certificate.content), "c.pdf")},
                       content_type="multipart/form-data")
    assert "n'a pas été modifié" in same.text
    altered = bytearray(certificate.content)
    altered[len(altered) // 2] ^= 0x01  # one bit changed anywhere
    altered = bytes(altered)
    forged = client.post("/verify", data={"csrf_token": token, "code": certificate.code,
                                          "document": (io.BytesIO(altered), "c.pdf")},
                         content_type="multipart/form-data")
    assert "a été modifié" in forged.text
    assert "Aucun certificat" in client.get("/verify?code=NOPE-NOPE-NOPE").text


def test_issuing_from_the_device_page(world, browser):
    device = _wiped_by_nwipe(world)
    browser.login("tech_a@example.org")
    response = browser.post_form(f"/d/{device.public_id}", f"/d/{device.public_id}/certificate", {})
    assert response.status_code == 302 and response.headers["Location"].startswith("/certificates/")
    assert browser.client.get(response.headers["Location"]).mimetype == "application/pdf"
