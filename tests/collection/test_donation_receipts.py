"""Donation receipts as issued documents: once per gift, after the reception, for the devices
actually received; numbered per issuer and year, never reused across a correction; frozen,
checkable, and the declared value locked by them."""
import io
from datetime import datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from recond import clock, lifecycle
from recond.collection import deposits, donation_receipts
from recond.errors import InvalidInput, NotFound, NotPermitted, Refused
from recond.extensions import db
from recond.models import DonationReceipt
from tests.collection.gifts import fill_profiles, new_deposit, received_gift


def pdf_text(receipt: DonationReceipt) -> str:
    text_ = "".join(page.extract_text() for page in PdfReader(io.BytesIO(receipt.pdf)).pages)
    return " ".join(text_.split())


def year() -> int:
    return clock.local(clock.utcnow()).year


def test_a_receipt_lists_exactly_the_devices_received(world):
    fill_profiles(world)
    deposit, received, missing = received_gift(world, received=2, missing=1)
    receipt = donation_receipts.issue(world["coordinator"], deposit)
    db.session.commit()
    assert [g["public_id"] for g in receipt.content["goods"]] == [d.public_id for d in received]
    text_ = pdf_text(receipt)
    for device in received:
        assert device.serial in text_ and device.public_id in text_
    assert missing[0].serial not in text_ and "Ordinateur fixe" not in text_  # the missing desktop
    assert "2 appareil(s) (2 × Ordinateur portable)" in text_


def test_no_receipt_before_the_reception_is_closed(world):
    fill_profiles(world)
    pledged = new_deposit(world)  # the world's own deposits came collected
    deposits.record_valuation(world["donor_x"], pledged, valuation_cents=90000,
                              signatory="S. Martin", basis="cost_price")
    db.session.commit()
    with pytest.raises(Refused) as refused:
        donation_receipts.issue(world["coordinator"], pledged)  # only pledged: nothing received
    assert refused.value.code == "receipt_incomplete" and "reception" in str(refused.value.message)
    deposits.mark_collected(world["collector_a"], pledged)
    lifecycle.register(world["collector_a"], pledged, category="laptop", brand="Lenovo",
                       model="ThinkPad T480", serial="PF-PLEDGED-1", specs={}, media=[])
    db.session.commit()
    with pytest.raises(Refused):
        donation_receipts.issue(world["coordinator"], pledged)  # collected, still being received
    assert db.session.query(DonationReceipt).count() == 0


def test_a_gift_of_which_nothing_arrived_gets_no_receipt(world):
    fill_profiles(world)
    deposit, _, _ = received_gift(world, received=0, missing=2)
    with pytest.raises(Refused, match="No device"):
        donation_receipts.issue(world["coordinator"], deposit)


def test_numbers_follow_each_other_per_issuer_and_year_and_survive_corrections(world):
    fill_profiles(world)
    first, _, _ = received_gift(world)
    second, _, _ = received_gift(world, new_deposit(world))
    other, _, _ = received_gift(world, side="b")
    a1 = donation_receipts.issue(world["coordinator"], first)
    b1 = donation_receipts.issue(world["admin"], other)
    a2 = donation_receipts.issue(world["coordinator"], second)
    db.session.commit()
    y = year()
    assert (a1.number, a2.number, b1.number) == (f"{y}-0001", f"{y}-0002", f"{y}-0001")
    assert a1.issuer_id == a2.issuer_id == world.orgs["collector_a"].id != b1.issuer_id

    corrected = donation_receipts.correct(world["coordinator"], a1, reason="Adresse du donateur")
    db.session.commit()
    assert corrected.number == f"{y}-0003" and corrected.replaces_id == a1.id
    third, _, _ = received_gift(world, new_deposit(world))
    assert donation_receipts.issue(world["coordinator"], third).number == f"{y}-0004"
    numbers = [r.number for r in db.session.query(DonationReceipt).filter_by(
        issuer_id=world.orgs["collector_a"].id)]
    assert sorted(numbers) == [f"{y}-000{i}" for i in (1, 2, 3, 4)]


def test_a_correction_cancels_and_replaces_and_the_old_receipt_stays_as_issued(world):
    fill_profiles(world)
    deposit, _, _ = received_gift(world)
    old = donation_receipts.issue(world["coordinator"], deposit)
    db.session.commit()
    old_pdf, old_sha = old.pdf, old.sha256
    with pytest.raises(Refused) as refused:
        donation_receipts.issue(world["coordinator"], deposit)
    assert refused.value.code == "receipt_issued"
    with pytest.raises(InvalidInput):
        donation_receipts.correct(world["coordinator"], old, reason="  ")
    newer = donation_receipts.correct(world["coordinator"], old, reason="Valeur rectifiée",
                                      valuation_cents=500000, basis="stock_value",
                                      declared_by="Sophie Martin, DAF")
    db.session.commit()
    assert "annule et remplace le reçu n° " + old.number in pdf_text(newer)
    assert "Motif : Valeur rectifiée" in pdf_text(newer) and "valeur en stock" in pdf_text(newer)
    assert (old.amount_cents, newer.amount_cents) == (125050, 500000)
    db.session.expire_all()
    assert old.pdf == old_pdf and old.sha256 == old_sha and old.amount_cents == 125050
    assert donation_receipts.live_receipt(deposit).id == newer.id
    with pytest.raises(Refused) as refused:
        donation_receipts.correct(world["coordinator"], old, reason="Encore")
    assert refused.value.code == "receipt_replaced"


def test_the_declared_value_is_locked_once_a_receipt_is_issued(world):
    fill_profiles(world)
    deposit, _, _ = received_gift(world)
    deposits.record_valuation(world["donor_x"], deposit, valuation_cents=130000,
                              signatory="S. Martin", basis="cost_price")  # still free
    receipt = donation_receipts.issue(world["coordinator"], deposit)
    db.session.commit()
    for who in ("donor_x", "collector_a", "coordinator"):
        with pytest.raises(Refused) as refused:
            deposits.record_valuation(world[who], deposit, valuation_cents=500000,
                                      signatory="S. Martin", basis="cost_price")
        assert refused.value.code == "valuation_locked" and receipt.number in str(refused.value.message)
        db.session.rollback()
    db.session.expire_all()
    assert deposit.valuation_cents == 130000 == receipt.amount_cents


def test_every_box_of_form_16216_is_printed(world):
    fill_profiles(world)
    deposit, received, _ = received_gift(world)
    deposit.collected_at = datetime(2026, 11, 30, 23, 30)  # 1 December in Paris
    db.session.commit()
    receipt = donation_receipts.issue(world["coordinator"], deposit)
    db.session.commit()
    text_ = pdf_text(receipt)
    issued = clock.local(receipt.issued_at).strftime("%d/%m/%Y")
    for expected in [
        "Reçu des dons et versements effectués par les entreprises au titre de l'article 238 bis "
        "du code général des impôts", "Cerfa n° 16216",
        f"Numéro d'ordre du reçu : {receipt.number}",
        # the beneficiary: name, SIREN or RNA, full address, object, status
        "Organisme bénéficiaire des dons et versements", "Collecte A", "N° SIREN ou RNA 339876543",
        "12 rue des Ateliers, 92000 Nanterre", "Objet Collecte et reconditionnement d'ordinateurs",
        "Qualité de l'organisme bénéficiaire [X] Œuvre ou organisme d'intérêt général",
        # the donor: name, legal form, SIREN, full address
        "Entreprise donatrice", "Donateur X", "Forme juridique SAS", "N° SIREN 841234567",
        "5 avenue Gambetta, 92400 Courbevoie",
        # the gift: date (Paris), form, nature, description, valuation and its basis
        "Date du don 01/12/2026", "Forme du don Déclaration de don manuel",
        "Nature du don Don en nature", "Description des biens donnés",
        "base de valorisation : coût de revient", "déclarée par Sophie Martin, directrice financière",
        # the amount in figures (framed by asterisks) and in words
        "***1 250,50 €***",
        "mille deux cent cinquante euros et cinquante centimes",
        # the certification, place, date, signatory
        "L'organisme bénéficiaire certifie sur l'honneur que les dons et versements qu'il reçoit "
        "ouvrent droit à la réduction d'impôt prévue à l'article 238 bis du code général des impôts.",
        "Fait à Nanterre", f"Le {issued}", "Signataire : Claire Dubois, Présidente",
        # the annex: each device received
        f"Annexe au reçu n° {receipt.number}", "Catégorie", "Marque", "Modèle", "N° de série",
        *(f"Ordinateur portable Lenovo {d.model} {d.serial}" for d in received),
        f"Vérification : code {receipt.code}",
    ]:
        assert expected in text_, expected
    assert "Articles 200" not in text_ and "978 du code" not in text_  # form 11580's wording


def test_paper_dates_are_paris_dates():
    from flask import Flask

    app = Flask(__name__)
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/Paris"
    with app.app_context():
        assert clock.local(datetime(2026, 11, 30, 23, 30)).date().isoformat() == "2026-12-01"
        assert clock.local(datetime(2026, 6, 30, 21, 59)).date().isoformat() == "2026-06-30"
        assert clock.local(datetime(2026, 6, 30, 22, 0)).date().isoformat() == "2026-07-01"
        assert clock.local(datetime(2026, 12, 31, 23, 0)).year == 2027  # the receipt's year


def test_incomplete_profiles_say_what_to_fill(world):
    deposit, _, _ = received_gift(world)
    with pytest.raises(Refused) as refused:
        donation_receipts.issue(world["coordinator"], deposit)
    missing = " ".join(refused.value.details["missing"])
    for words in ("Collecte A", "its object", "its status on form 16216", "signatory's name",
                  "Donateur X", "its legal form", "its commune"):
        assert words in missing, words
    assert db.session.query(DonationReceipt).count() == 0


def test_a_status_that_needs_a_detail_is_refused_without_it(world):
    fill_profiles(world)
    from recond.identity import organisations
    organisations.update_receipt_profile(world["coordinator"], world.orgs["collector_a"],
                                         tax_status="utilite_publique", tax_status_detail="")
    deposit, _, _ = received_gift(world)
    with pytest.raises(Refused, match="decree"):
        donation_receipts.issue(world["coordinator"], deposit)
    organisations.update_receipt_profile(
        world["coordinator"], world.orgs["collector_a"], tax_status="utilite_publique",
        tax_status_detail="2 mars 1998 publié au Journal officiel du 8 mars 1998")
    receipt = donation_receipts.issue(world["coordinator"], deposit)
    assert ("Association ou fondation reconnue d'utilité publique par décret en date du 2 mars "
            "1998 publié au Journal officiel du 8 mars 1998") in pdf_text(receipt)
    with pytest.raises(InvalidInput):
        organisations.update_receipt_profile(world["coordinator"], world.orgs["collector_a"],
                                             tax_status="association_sympathique")
    with pytest.raises(InvalidInput):
        organisations.update_receipt_profile(world["coordinator"], world.orgs["collector_a"],
                                             rna="12345")


@pytest.mark.parametrize("who", ["collector_a", "donor_x", "tech_a", "structure_s"])
def test_only_the_coordination_and_administrators_issue(world, who):
    fill_profiles(world)
    deposit, _, _ = received_gift(world)
    with pytest.raises(NotPermitted):
        donation_receipts.issue(world[who], deposit)


def test_receipts_are_read_in_scope_only(world):
    fill_profiles(world)
    deposit, _, _ = received_gift(world)
    receipt = donation_receipts.issue(world["coordinator"], deposit)
    db.session.commit()
    for who in ("donor_x", "collector_a", "coordinator", "admin"):
        assert donation_receipts.get_receipt(world[who], receipt.id).id == receipt.id
    for who in ("donor_y", "collector_b"):
        with pytest.raises(NotFound):
            donation_receipts.get_receipt(world[who], receipt.id)
    with pytest.raises(NotPermitted):
        donation_receipts.get_receipt(world["tech_a"], receipt.id)


def test_the_code_checks_a_copy_and_tells_a_cancelled_receipt(world):
    fill_profiles(world)
    deposit, _, _ = received_gift(world)
    old = donation_receipts.issue(world["coordinator"], deposit)
    db.session.commit()
    found = donation_receipts.check(old.code.lower(), old.sha256)
    assert found["found"] and found["matches"] and found["replaced_by"] is None
    assert donation_receipts.check(old.code, "0" * 64)["matches"] is False
    newer = donation_receipts.correct(world["coordinator"], old, reason="Erreur de SIREN")
    db.session.commit()
    assert donation_receipts.check(old.code)["replaced_by"]["number"] == newer.number
    assert donation_receipts.check(newer.code)["replaces"] == old.number
    assert "Donateur X" not in str(donation_receipts.check(newer.code))


def test_the_database_refuses_to_edit_or_delete_an_issued_receipt(world):
    fill_profiles(world)
    deposit, _, _ = received_gift(world)
    receipt = donation_receipts.issue(world["coordinator"], deposit)
    db.session.commit()
    for statement in (f"UPDATE donation_receipt SET amount_cents = 500000 WHERE id = {receipt.id}",
                      f"DELETE FROM donation_receipt WHERE id = {receipt.id}"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert db.session.get(DonationReceipt, receipt.id).amount_cents == 125050
