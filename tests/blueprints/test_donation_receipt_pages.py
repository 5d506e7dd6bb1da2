"""Donation receipts through the pages and the API: the issuer fills its profile once, issues
from the deposit's page, corrects; the donor downloads its own; /verify tells a cancelled
receipt; the API lists them read-only; others' receipts are 404."""
import html
import io
import re
from collections import Counter

from pypdf import PdfReader

from recond.collection import donation_receipts
from recond.extensions import db
from recond.models import DonationReceipt, Organisation
from tests.blueprints.test_accessibility import assert_accessible
from tests.collection.gifts import PROFILE, fill_profiles, received_gift
from tests.conftest import csrf_from


def _unique_ids(page: str) -> None:
    repeated = [i for i, n in Counter(re.findall(r'\sid="([^"]+)"', page)).items() if n > 1]
    assert not repeated, repeated


def _text(data: bytes) -> str:
    return " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_the_issuer_fills_its_profile_once_on_a_page(world, browser):
    collector = world.orgs["collector_a"]
    browser.login("coordinator@example.org")
    url = f"/admin/organisations/{collector.id}/receipt-profile"
    page = browser.client.get(url)
    assert page.status_code == 200 and "Œuvre ou organisme d'intérêt général" in html.unescape(page.text)
    assert_accessible(page.text)
    _unique_ids(page.text)
    wrong = browser.post_form(url, url, {**PROFILE, "postcode": "9200"})
    assert wrong.status_code == 422 and "5 chiffres" in html.unescape(wrong.text)
    saved = browser.post_form(url, url, PROFILE)
    assert saved.status_code == 302
    db.session.expire_all()
    org = db.session.get(Organisation, collector.id)
    assert (org.tax_status, org.signatory_name, org.commune) == ("interet_general", "Claire Dubois", "Nanterre")
    browser.post_form("/", "/logout", {})
    browser.login("collector_b@example.org")
    assert browser.client.get(url).status_code in (403, 404)


def test_the_collector_keeps_the_donors_identity(world, browser):
    donor = world.orgs["donor_x"]
    browser.login("collector_a@example.org")
    url = f"/donors/{donor.id}"
    _unique_ids(browser.client.get(url).text)
    answer = browser.post_form(url, url + "/identity", {
        "identity-legal_form": "SAS", "identity-address": "5 avenue Gambetta",
        "identity-postcode": "92400", "identity-commune": "Courbevoie"})
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, donor.id).legal_form == "SAS"
    browser.post_form("/", "/logout", {})
    browser.login("collector_b@example.org")
    page = browser.client.get("/")
    forged = browser.client.post(url + "/identity", data={"csrf_token": csrf_from(page.text),
                                                          "identity-legal_form": "SARL"})
    assert forged.status_code == 404


def test_issue_correct_and_download_through_the_pages(world, browser):
    fill_profiles(world)
    deposit, received, missing = received_gift(world)
    url = f"/deposits/{deposit.number}"
    browser.login("coordinator@example.org")
    page = browser.client.get(url)
    assert "Émettre le reçu de don" in page.text
    assert_accessible(page.text)
    _unique_ids(page.text)
    issued = browser.post_form(url, url + "/donation-receipts", {})
    assert issued.status_code == 302
    receipt = db.session.query(DonationReceipt).one()
    page = browser.client.get(url)
    assert receipt.number in page.text and "en vigueur" in page.text
    _unique_ids(page.text)
    again = browser.post_form(url, url + "/donation-receipts", {})
    assert again.status_code == 409

    wrong = browser.post_form(url, f"/donation-receipts/{receipt.id}/correction", {
        "correction-reason": "Valeur rectifiée", "correction-amount": "5000,005",
        "correction-basis": "cost_price", "correction-signatory": "S. Martin"})
    assert wrong.status_code == 422
    corrected = browser.post_form(url, f"/donation-receipts/{receipt.id}/correction", {
        "correction-reason": "Valeur rectifiée par le donateur", "correction-amount": "5 000",
        "correction-basis": "cost_price", "correction-signatory": "Sophie Martin, DAF"})
    assert corrected.status_code == 302
    newer = db.session.query(DonationReceipt).filter(DonationReceipt.id != receipt.id).one()
    page = html.unescape(browser.client.get(url).text)
    assert f"annulé et remplacé par le n° {newer.number}" in page
    assert "5 000,00" in _text(browser.client.get(f"/donation-receipts/{newer.id}.pdf").data).replace("\u202f", " ")
    register = browser.client.get("/donation-receipts/")
    assert register.status_code == 200 and newer.number in register.text
    assert_accessible(register.text)

    browser.post_form("/", "/logout", {})
    browser.login("donor_x@example.org")
    download = browser.client.get(f"/donation-receipts/{receipt.id}.pdf")
    assert download.mimetype == "application/pdf" and download.data == receipt.pdf
    donor_page = browser.client.get(url)
    assert newer.number in donor_page.text and "Émettre" not in donor_page.text
    locked = browser.post_form(url, url + "/valuation", {"amount": "9000", "basis": "cost_price",
                                                        "signatory": "S. Martin"})
    assert locked.status_code == 409
    assert "reçu rectificatif" in html.unescape(locked.text)


def test_anothers_receipts_are_404_and_the_workshop_has_none(world, browser):
    fill_profiles(world)
    deposit, _, _ = received_gift(world)
    receipt = donation_receipts.issue(world["coordinator"], deposit)
    db.session.commit()
    for user, status in (("donor_y", 404), ("collector_b", 404), ("tech_a", 403)):
        browser.login(f"{user}@example.org")
        assert browser.client.get(f"/donation-receipts/{receipt.id}.pdf").status_code == status
        assert receipt.number not in browser.client.get("/donation-receipts/").text
        browser.post_form("/", "/logout", {})
    browser.login("collector_a@example.org")
    page = browser.client.get(f"/deposits/{deposit.number}")
    forged = browser.client.post(f"/deposits/{deposit.number}/donation-receipts",
                                 data={"csrf_token": csrf_from(page.text)})
    assert forged.status_code == 403


def test_verify_tells_a_cancelled_receipt_and_an_altered_copy(world, client):
    fill_profiles(world)
    deposit, _, _ = received_gift(world)
    old = donation_receipts.issue(world["coordinator"], deposit)
    newer = donation_receipts.correct(world["coordinator"], old, reason="Erreur d'adresse")
    db.session.commit()
    page = client.get(f"/verify?code={old.code}")
    text_ = html.unescape(page.text)
    assert page.status_code == 200 and old.number in text_ and "Collecte A" in text_
    assert f"annulé et remplacé par le reçu n° {newer.number}" in text_
    assert "Donateur X" not in text_ and "1 250" not in text_  # not the donor's, not the amount
    assert_accessible(page.text)
    altered = bytearray(newer.pdf)
    altered[len(altered) // 2] ^= 0x01
    checked = client.post("/verify", data={"csrf_token": csrf_from(page.text), "code": newer.code,
                                           "document": (io.BytesIO(bytes(altered)), "r.pdf")},
                          content_type="multipart/form-data")
    assert "a été modifié" in html.unescape(checked.text) and "en vigueur" in html.unescape(checked.text)


def test_the_api_lists_receipts_and_serves_their_pdf_read_only(world, api):
    fill_profiles(world)
    deposit, _, _ = received_gift(world)
    old = donation_receipts.issue(world["coordinator"], deposit)
    newer = donation_receipts.correct(world["coordinator"], old, reason="Erreur d'adresse")
    db.session.commit()
    listing = api("donor_x", "get", "/api/v1/donation-receipts")
    assert listing.status_code == 200
    by_number = {r["number"]: r for r in listing.json["items"]}
    assert by_number[old.number]["replaced_by"] == newer.number
    assert by_number[newer.number]["replaces"] == old.number
    assert by_number[newer.number]["sha256"] == newer.sha256
    pdf = api("donor_x", "get", by_number[newer.number]["pdf"])
    assert pdf.status_code == 200 and pdf.data == newer.pdf
    assert api("donor_y", "get", "/api/v1/donation-receipts").json["items"] == []
    assert api("donor_y", "get", f"/api/v1/donation-receipts/{old.id}.pdf").status_code == 404
    assert api("tech_a", "get", "/api/v1/donation-receipts").status_code == 403
    assert len(api("coordinator", "get", f"/api/v1/donation-receipts?deposit={deposit.number}")
               .json["items"]) == 2
