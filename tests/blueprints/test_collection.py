"""Collection through the pages and the API: from a donor's spreadsheet to a reconciled
reception, with isolation between collectors and between donors, by URL guessing too."""
import io
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from recond.collection import deposits
from recond.extensions import db
from recond.models import Device, DeviceImport
from tests.conftest import csrf_from

FIXTURES = Path(__file__).parents[1] / "fixtures" / "manifests"



def _devices():
    return db.session.scalar(select(func.count(Device.id)))


def test_from_spreadsheet_to_reconciled_reception_through_the_pages(world, browser):
    number = world.deposits["a"].number
    browser.login("collector_a@example.org")
    page = browser.client.get(f"/deposits/{number}")
    assert page.status_code == 200
    response = browser.client.post(f"/deposits/{number}/manifests", data={
        "csrf_token": csrf_from(page.text),
        "manifest": (io.BytesIO((FIXTURES / "fr-cp1252-semicolon-libreoffice.csv").read_bytes()),
                     "inventaire.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    preview = browser.client.get(response.headers["Location"])
    assert "ThinkPad T480 – édition" in preview.text and "Lignes valides : 8" in preview.text
    commit = browser.post_form(response.headers["Location"],
                               response.headers["Location"] + "/commit", {"all_or_nothing": "y"})
    assert commit.status_code == 302
    assert _devices() == 8
    browser.post_form("/", "/logout", {})

    browser.login("tech_a@example.org")
    reception = f"/deposits/{number}/reception"
    for code in ("5CG8120XKQ01", "ASO-1041", "NOT-ON-LIST"):
        answer = browser.post_form(reception, reception, {"code": code})
        assert answer.status_code == 200
    assert "Non attendu dans ce dépôt" in answer.text
    browser.post_form(reception, reception + "/close", {})
    db.session.expire_all()
    deposit = deposits.get_deposit(world["coordinator"], number)
    assert deposit.status == "received"
    assert len(deposit.discrepancies["missing"]) == 6 and deposit.discrepancies["unexpected"] == ["NOT-ON-LIST"]


def test_the_fast_entry_form_keeps_category_and_brand(world, browser):
    number = world.deposits["a"].number
    browser.login("collector_a@example.org")
    url = f"/deposits/{number}/register"
    answer = browser.post_form(url, url, {"category": "laptop", "brand": "Dell", "model": "Latitude 5490",
                                          "serial": "ABC123", "ram": "8 Go", "storage": "256 Go SSD"})
    assert answer.status_code == 200
    assert 'value="Dell"' in answer.text and 'value="ABC123"' not in answer.text
    assert '<option selected value="laptop">' in answer.text
    again = browser.post_form(url, url, {"category": "laptop", "serial": "abc123"})
    assert again.status_code == 422 and "déjà connu" in again.text
    device = db.session.scalar(select(Device).where(Device.serial == "ABC123"))
    assert device.specs == {"ram_gb": 8, "storage_gb": 256} and device.media[0].kind == "ssd"


@pytest.mark.parametrize("user", ["collector_b", "donor_y", "tech_b", "structure_s"])
def test_another_organisations_deposit_pages_are_404(world, browser, user):
    from recond.collection.manifests import importer

    number = world.deposits["a"].number
    theirs = importer.upload(world["collector_a"], world.deposits["a"], "lot.csv",
                             (FIXTURES / "en-utf8-comma.csv").read_bytes())
    db.session.commit()
    browser.login(f"{user}@example.org")
    for path in (f"/deposits/{number}", f"/deposits/{number}/receipt.pdf",
                 f"/deposits/{number}/register", f"/imports/{theirs.id}"):
        # 404 when the role could see deposits but not this one; 403 when the role never can
        assert browser.client.get(path).status_code in (403, 404), path
    page = browser.client.get("/")
    forged = browser.client.post(f"/imports/{theirs.id}/commit", data={"csrf_token": csrf_from(page.text)})
    assert forged.status_code in (403, 404)
    assert _devices() == 0


def test_collectors_see_their_own_donors_only(world, browser):
    browser.login("collector_b@example.org")
    assert "Donateur X" not in browser.client.get("/donors/").text
    assert browser.client.get(f"/donors/{world.orgs['donor_x'].id}").status_code == 404


def test_donor_portal(world, browser):
    world.device("released")
    world.device("recycled")
    browser.login("donor_x@example.org")
    page = browser.client.get(f"/deposits/{world.deposits['a'].number}")
    assert page.status_code == 200
    assert "Réemployés" in page.text
    device = db.session.scalar(select(Device).where(Device.status == "released"))
    history = browser.client.get(f"/d/{device.public_id}").text
    assert "Remis au bénéficiaire" in history and "REF-" not in history and "Tranche" not in history


def test_receipts_are_pdfs_with_the_deposit_on_them(world, browser):
    deposit = world.deposits["a"]
    world.register()
    browser.login("donor_x@example.org")
    receipt = browser.client.get(f"/deposits/{deposit.number}/receipt.pdf")
    assert receipt.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(receipt.data)).pages)
    assert "Bordereau de dépôt" in text and deposit.number in text and "Donateur X" in text
    # The donation receipt is an issued document (tests/collection/test_donation_receipts.py),
    # never drawn on the fly from a deposit that may still change.
    assert browser.client.get(f"/deposits/{deposit.number}/donation-receipt.pdf").status_code == 404
    url = f"/deposits/{deposit.number}"
    browser.post_form(url, url + "/valuation", {"amount": "1250.50", "basis": "cost_price",
                                                "signatory": "S. Martin, DAF"})
    db.session.expire_all()
    assert (deposit.valuation_cents, deposit.valuation_basis) == (125050, "cost_price")


def test_the_api_takes_a_whole_lot(world, api):
    created = api("collector_a", "post", "/api/v1/deposits", json={
        "donor_id": world.orgs["donor_x"].id, "workshop_id": world.orgs["workshop_a"].id,
        "items": [{"category": "laptop", "quantity": 3}]})
    assert created.status_code == 201
    number = created.json["number"]
    one = api("collector_a", "post", f"/api/v1/deposits/{number}/devices",
              json={"category": "Portable", "serial": "API-1", "ram_gb": "8 Go"})
    assert one.status_code == 201 and one.json["status"] == "registered"
    upload = api("collector_a", "post", f"/api/v1/deposits/{number}/manifests",
                 data={"file": (io.BytesIO((FIXTURES / "en-utf8-comma.csv").read_bytes()), "lot.csv")},
                 content_type="multipart/form-data")
    assert upload.status_code == 201 and upload.json["valid_rows"] == 3
    commit = api("collector_a", "post", f"/api/v1/imports/{upload.json['id']}/commit", json={})
    assert commit.status_code == 200 and commit.json["imported_rows"] == 3
    again = api("collector_a", "post", f"/api/v1/imports/{upload.json['id']}/commit", json={})
    assert again.status_code == 409
    body = api("collector_a", "get", f"/api/v1/deposits/{number}").json
    assert body["summary"]["registered"] == 4
    assert api("collector_b", "get", f"/api/v1/deposits/{number}").status_code == 404
    assert api("collector_b", "get", f"/api/v1/imports/{upload.json['id']}").status_code == 404


@pytest.mark.parametrize("name,content,status,code", [
    ("empty.csv", b"", 422, "empty_file"),
    ("junk.csv", bytes(range(256)) * 20, 422, "not_a_spreadsheet"),
    ("report.csv", (FIXTURES / "pdf-renamed.csv").read_bytes(), 422, "not_a_spreadsheet"),
])
def test_bad_files_get_clear_errors_and_nothing_is_written(world, api, name, content, status, code):
    number = world.deposits["a"].number
    answer = api("collector_a", "post", f"/api/v1/deposits/{number}/manifests",
                 data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")
    assert answer.status_code == status and answer.json["error"]["code"] == code
    assert db.session.scalar(select(func.count(DeviceImport.id))) == 0


def test_an_oversized_upload_is_413(app, world, api):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    answer = api("collector_a", "post", f"/api/v1/deposits/{world.deposits['a'].number}/manifests",
                 data={"file": (io.BytesIO(b"a;b\n" * 4000), "big.csv")}, content_type="multipart/form-data")
    assert answer.status_code == 413 and answer.json["error"]["code"] == "too_large"


def test_a_large_manifest_runs_on_the_worker_with_progress(app, world, api, redis_url, tmp_path):
    from tests.test_jobs import _run_worker

    rows = 10_000
    frame = pd.DataFrame({"N° de série": [f"BULK{i:06d}" for i in range(rows)],
                          "Type": ["Portable"] * rows, "Marque": ["Dell"] * rows, "RAM": ["8 Go"] * rows})
    path = tmp_path / "gros-lot.csv"
    frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    number = world.deposits["a"].number
    upload = api("collector_a", "post", f"/api/v1/deposits/{number}/manifests",
                 data={"file": (io.BytesIO(path.read_bytes()), path.name)}, content_type="multipart/form-data")
    assert upload.status_code == 201 and upload.json["total_rows"] == rows
    queued = api("collector_a", "post", f"/api/v1/imports/{upload.json['id']}/commit", json={})
    assert queued.status_code == 202
    assert _devices() == 0
    worker = _run_worker(app, redis_url)
    assert worker.returncode == 0, worker.stderr
    done = api("collector_a", "get", f"/api/v1/imports/{upload.json['id']}").json
    assert done["status"] == "committed" and done["imported_rows"] == rows
    assert done["progress"]["done"] == rows
    assert _devices() == rows


def test_the_declared_value_is_typed_to_the_cent_or_refused(world, browser):
    """The one money parser: "1250,555" is refused with its reason, never rounded."""
    deposit = world.deposits["a"]
    browser.login("donor_x@example.org")
    url = f"/deposits/{deposit.number}"
    refused = browser.post_form(url, url + "/valuation", {"amount": "1250,555", "basis": "cost_price",
                                                          "signatory": "S. Martin"})
    assert refused.status_code == 422 and "plus de deux décimales" in refused.text
    db.session.expire_all()
    assert db.session.get(type(deposit), deposit.id).valuation_cents is None
    browser.post_form(url, url + "/valuation", {"amount": "250 000,10", "basis": "stock_value",
                                                "signatory": "S. Martin"})
    db.session.expire_all()
    assert db.session.get(type(deposit), deposit.id).valuation_cents == 25_000_010
