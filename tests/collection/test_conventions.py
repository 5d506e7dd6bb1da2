"""Partner conventions: a convention's balance through supply, partial return and overdue (the
clock moved, no sleep); the partner's return manifest with serials that match, that are new,
and that repeat or belong elsewhere (the whole file refused, each line said, nothing written);
the lifecycle's guard on `return_from_partner`; the price cap on allocation; scopes."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from recond import lifecycle
from recond.collection import conventions, partner_returns
from recond.errors import InvalidInput, NotFound, Refused
from recond.extensions import db
from recond.identity import accounts
from recond.models import ConventionReturn, Device, DeviceEvent, PartnerReturn
from tests.conftest import csrf_from
from tests.security_helpers import moving_clock  # noqa: F401

CERTIFICATE = b"%PDF-1.4\n% Certificat d'effacement du partenaire\n%%EOF\n"
HEADER = "Numéro de série;Catégorie;Marque;Modèle;Grade;Système d'exploitation"


def manifest(*lines: str) -> bytes:
    """A return as French Excel saves a CSV: semicolons, Windows-1252, a title line above."""
    return "\r\n".join(("Retour reconditionné", "", HEADER) + lines).encode("cp1252")


@pytest.fixture
def partner(world):
    org = accounts.create_organisation("Ecodair", "partner")
    db.session.commit()
    return org


def convention_for(world, partner, *, owed=None, ratio=None, cap="60", starts=date(2027, 1, 1),
                   ends=date(2027, 4, 11), kinds=("laptop", "desktop")):
    convention = conventions.create_convention(
        world["coordinator"], partner_id=str(partner.id), title="Ecodair 2027",
        starts_on=starts, ends_on=ends, category_codes=list(kinds), supply_promised="10",
        output_owed=owed, output_ratio_percent=ratio, price_cap=cap)
    db.session.commit()
    return convention


def give_back(world, convention, content: bytes, certificate: bytes = CERTIFICATE,
              name: str = "retour.csv") -> PartnerReturn:
    returned = partner_returns.import_return(
        world["coordinator"], convention.number, manifest_name=name, manifest=content,
        certificate_name="certificat.pdf", certificate=certificate)
    db.session.commit()
    return returned


def test_balance_through_supply_partial_return_and_overdue(world, partner, moving_clock):
    moving_clock.now = datetime(2027, 1, 1, 9)
    convention = convention_for(world, partner, ratio="80")  # 100 days
    stock = [world.register("a") for _ in range(3)]
    conventions.supply_devices(world["coordinator"], convention.number,
                               "\n".join(d.public_id for d in stock))
    late = [world.register("b") for _ in range(2)]
    conventions.supply_deposit(world["coordinator"], convention.number, world.deposits["b"].number)
    db.session.commit()
    with pytest.raises(Refused, match="already supplied under convention CONV-0001"):
        conventions.supply_deposit(world["coordinator"], convention.number,
                                   world.deposits["b"].number)
    db.session.rollback()
    with pytest.raises(InvalidInput, match=f"line 1: {stock[0].public_id} is already supplied"):
        conventions.supply_devices(world["coordinator"], convention.number, stock[0].public_id)
    db.session.rollback()
    balance = conventions.balance(convention)
    assert (balance.supplied, balance.owed, balance.returned, balance.overdue) == (5, 4, 0, 0)

    give_back(world, convention, manifest(f"{stock[0].serial};;Dell;Latitude;A;Linux Mint 22"))
    moving_clock.now = datetime(2027, 2, 1, 9)  # 31 days: 4 × 31 // 100 = 1 expected
    balance = conventions.balance(convention)
    assert (balance.returned, balance.expected, balance.overdue, balance.behind) == (1, 1, 0, False)
    assert conventions.behind_pace(world["coordinator"]) == []

    moving_clock.now = datetime(2027, 3, 12, 9)  # 70 days: 2 expected, 1 back
    balance = conventions.balance(convention)
    assert (balance.expected, balance.overdue, balance.outstanding) == (2, 1, 3)
    assert [c.number for c, _b in conventions.behind_pace(world["coordinator"])] == [convention.number]

    moving_clock.now = datetime(2027, 5, 1, 9)  # after the period: everything owed is due
    assert conventions.balance(convention).overdue == 3
    assert late[0].id in {d.id for d in conventions.supplied_devices(convention)}


def test_the_coordination_is_warned_on_its_home_and_the_page(world, partner, moving_clock, browser):
    moving_clock.now = datetime(2027, 3, 1, 9)
    convention = convention_for(world, partner, owed="20")  # 59 days of 100: 11 expected
    browser.login("coordinator@example.org")
    home = browser.client.get("/")
    assert "CONV-0001" in home.text and "11 appareils en retard" in home.text
    page = browser.client.get(f"/conventions/{convention.number}")
    assert page.status_code == 200 and "en retard sur le rythme promis" in page.text


def test_a_return_matches_supplied_serials_and_registers_new_ones(world, partner):
    convention = convention_for(world, partner, owed="5")
    supplied = world.register("a")
    world.advance(supplied, "received")
    conventions.supply_devices(world["coordinator"], convention.number, supplied.serial)
    db.session.commit()
    returned = give_back(world, convention, manifest(
        f"{supplied.serial};Portable;Dell;Latitude 5490;b;Linux Mint 22",
        "ECO-NEW-001;Unité centrale;HP;EliteDesk 800;A;Debian 12"))
    assert returned.devices == 2 and len(returned.certificate_sha256) == 64
    assert (supplied.status, supplied.grade, supplied.operating_system) == ("ready", "B", "Linux Mint 22")
    new = db.session.scalar(select(Device).where(Device.serial == "ECO-NEW-001"))
    assert (new.status, new.category, new.deposit_id, new.workshop_id) == \
        ("ready", "desktop", None, partner.id)
    origins = dict(db.session.execute(select(ConventionReturn.device_id, ConventionReturn.origin)).all())
    assert origins == {supplied.id: "supplied", new.id: "new"}
    event = db.session.scalar(select(DeviceEvent).where(
        DeviceEvent.device_id == new.id, DeviceEvent.action == "return_from_partner"))
    assert event.payload["certificate_sha256"] == returned.certificate_sha256
    assert event.payload["convention"] == convention.number
    assert conventions.balance(convention).returned == 2


def test_an_xlsx_return_is_read_too(world, partner):
    convention = convention_for(world, partner, owed="5")
    book = Workbook()
    book.active.append(["N° de série", "Type", "Grade", "OS"])
    book.active.append(["XL-1", "Portable", "C", "Linux Mint 22"])
    out = io.BytesIO()
    book.save(out)
    give_back(world, convention, out.getvalue(), name="retour.xlsx")
    assert db.session.scalar(select(Device.status).where(Device.serial == "XL-1")) == "ready"


def test_a_wrong_file_is_refused_line_by_line_and_nothing_is_written(world, partner):
    convention = convention_for(world, partner, owed="5")
    supplied, foreign = world.register("a"), world.register("a")
    conventions.supply_devices(world["coordinator"], convention.number, supplied.public_id)
    db.session.commit()
    devices_before = db.session.scalar(select(func.count(Device.id)))
    with pytest.raises(InvalidInput) as refused:
        partner_returns.import_return(
            world["coordinator"], convention.number, manifest_name="r.csv",
            certificate_name="c.pdf", certificate=CERTIFICATE, manifest=manifest(
                f"{supplied.serial};;;;A;Linux Mint 22",
                f"{supplied.serial};;;;A;Linux Mint 22",
                f"{foreign.serial};;;;A;Linux Mint 22",
                "NEW-9;;;;A;Debian 12",
                "NEW-10;Portable;;;E;Debian 12",
                "NEW-11;Écran;;;A;—"))
    db.session.rollback()
    reasons = refused.value.details["reasons"]
    assert reasons == [
        f"line 5: serial number {supplied.serial} already on line 4",
        f"line 6: serial number {foreign.serial} is device {foreign.public_id}, which was not "
        "supplied under this convention",
        "line 7: serial number NEW-9 was not supplied: as a new device, its category is needed",
        "line 8: grade “E” is not one of A, B, C",
        "line 9: the convention does not cover Screen",
    ]
    assert str(refused.value.message) == "Nothing was imported: 5 lines of the file are wrong."
    assert db.session.scalar(select(func.count(PartnerReturn.id))) == 0
    assert db.session.scalar(select(func.count(Device.id))) == devices_before
    assert supplied.status == "registered"


def test_a_device_comes_back_once(world, partner):
    convention = convention_for(world, partner, owed="5")
    supplied = world.register("a")
    conventions.supply_devices(world["coordinator"], convention.number, supplied.public_id)
    give_back(world, convention, manifest(f"{supplied.serial};;;;A;Linux Mint 22"))
    with pytest.raises(InvalidInput) as refused:
        give_back(world, convention, manifest(f"{supplied.serial};;;;A;Linux Mint 22"))
    assert refused.value.details["reasons"] == [f"line 4: device {supplied.public_id} already came back"]


def test_the_certificate_is_required_as_a_pdf(world, partner):
    convention = convention_for(world, partner, owed="5")
    with pytest.raises(InvalidInput) as refused:
        give_back(world, convention, manifest("N-1;Portable;;;A;Debian 12"), certificate=b"")
    assert refused.value.code == "certificate_missing"


def test_the_lifecycle_guard_admits_only_the_conventions_devices_with_evidence(world, partner):
    convention = convention_for(world, partner, owed="5")
    supplied = world.register("a")
    conventions.supply_devices(world["coordinator"], convention.number, supplied.public_id)
    returned = give_back(world, convention, manifest("N-1;Portable;;;A;Debian 12"))
    outsider = world.register("a")
    payload = {"partner_return_id": returned.id, "grade": "A", "os": "Debian 12"}
    with pytest.raises(Refused, match="was not supplied under convention CONV-0001"):
        lifecycle.perform(world["coordinator"], outsider, "return_from_partner", payload)
    db.session.rollback()
    returned.certificate = b"%PDF-1.4 another file"  # not the one whose SHA-256 was kept
    with pytest.raises(Refused, match="no sanitisation certificate"):
        lifecycle.perform(world["coordinator"], supplied, "return_from_partner", payload)
    db.session.rollback()
    # Never offered as a button: only a return manifest performs it.
    assert "return_from_partner" not in {
        a.name for a in lifecycle.available_actions(world["coordinator"], supplied)}


def test_the_price_cap_is_honoured_on_allocation(world, partner):
    convention = convention_for(world, partner, owed="5", cap="25")  # the grid says 40 €
    give_back(world, convention, manifest("CAP-1;Portable;;;A;Debian 12"))
    capped = db.session.scalar(select(Device).where(Device.serial == "CAP-1"))
    allocation = world.allocate(capped)
    assert allocation.price_cents == 2500
    event = db.session.scalar(select(DeviceEvent).where(
        DeviceEvent.device_id == capped.id, DeviceEvent.action == "allocate"))
    assert event.payload["price_cap_convention"] == convention.number
    ordinary = world.device("ready")
    assert world.allocate(ordinary).price_cents == 4000


def test_a_convention_needs_sound_terms(world, partner):
    with pytest.raises(InvalidInput) as refused:
        conventions.create_convention(
            world["coordinator"], partner_id=str(world.orgs["structure_s"].id), title="",
            starts_on=date(2027, 2, 1), ends_on=date(2027, 1, 1), category_codes=["boat"],
            supply_promised="0", output_owed="5", output_ratio_percent="50", price_cap="5")
    message = str(refused.value.message)
    for part in ("reconditioning partner", "title", "period", "categories", "supply promised",
                 "one of the two", "floor"):
        assert part in message


def test_scopes_of_conventions(world, browser):
    convention = convention_for(world, world.orgs["workshop_a"], owed="5")
    assert conventions.get_convention(world["tech_a"], convention.number).id == convention.id
    with pytest.raises(NotFound):
        conventions.get_convention(world["tech_b"], convention.number)
    browser.login("tech_b@example.org")
    assert browser.client.get(f"/conventions/{convention.number}").status_code == 404
    assert browser.client.get(f"/conventions/{convention.number}/report.pdf").status_code == 404
    assert convention.number not in browser.client.get("/conventions/").text


def test_the_pages_create_supply_return_and_report(world, partner, browser):
    supplied = world.register("a")
    browser.login("coordinator@example.org")
    page = browser.client.get("/conventions/new")
    token = csrf_from(page.text)
    wrong = browser.client.post("/conventions/new", data={
        "csrf_token": token, "partner_id": str(partner.id), "title": "Ecodair",
        "starts_on": "2027-01-01", "ends_on": "2026-01-01", "categories": ["laptop"],
        "supply_promised": "10", "output_owed": "8", "price_cap": "60"})
    assert wrong.status_code == 422 and "La période" in wrong.text
    made = browser.client.post("/conventions/new", data={
        "csrf_token": token, "partner_id": str(partner.id), "title": "Ecodair",
        "starts_on": "2027-01-01", "ends_on": "2027-12-31", "categories": ["laptop"],
        "supply_promised": "10", "output_owed": "8", "price_cap": "60"})
    assert made.status_code == 302 and made.location.endswith("/conventions/CONV-0001")
    browser.client.post("/conventions/CONV-0001/devices",
                        data={"csrf_token": token, "codes": supplied.public_id})
    answer = browser.client.post("/conventions/CONV-0001/returns", data={
        "csrf_token": token,
        "manifest": (io.BytesIO(manifest(f"{supplied.serial};;;;A;Linux Mint 22")), "retour.csv"),
        "certificate": (io.BytesIO(CERTIFICATE), "certificat.pdf")},
        content_type="multipart/form-data")
    assert answer.status_code == 302
    refused = browser.client.post("/conventions/CONV-0001/returns", data={
        "csrf_token": token,
        "manifest": (io.BytesIO(manifest(f"{supplied.serial};;;;A;Linux Mint 22")), "retour.csv"),
        "certificate": (io.BytesIO(CERTIFICATE), "certificat.pdf")},
        content_type="multipart/form-data")
    assert refused.status_code == 422 and "ligne 4" in refused.text
    report = browser.client.get("/conventions/CONV-0001/report.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(report.data)).pages)
    assert "Bilan de la convention CONV-0001" in text and supplied.public_id in text
    sheet = load_workbook(io.BytesIO(browser.client.get("/conventions/CONV-0001/report.xlsx").data))
    assert [r[0] for r in sheet["Rendus"].iter_rows(min_row=2, values_only=True)] == [supplied.public_id]
    assert ("Appareils rendus reconditionnés", "1") in {
        tuple(r) for r in sheet["Bilan"].iter_rows(values_only=True)}
    certificate = browser.client.get("/conventions/returns/1/certificate.pdf")
    assert certificate.data == CERTIFICATE
    device_page = browser.client.get(f"/d/{supplied.public_id}").text
    assert "CONV-0001</a> (Ecodair)" in device_page and "Rendu reconditionné par un partenaire" in device_page


def test_a_partner_that_uses_recond_returns_through_its_own_workshop(world, browser):
    """Atelier A as the partner: deposit a is supplied to it; what its technicians grade counts."""
    convention = convention_for(world, world.orgs["workshop_a"], ratio="50")
    conventions.supply_deposit(world["coordinator"], convention.number, world.deposits["a"].number)
    done, waiting = world.register("a"), world.register("a")
    world.advance(done, "ready")
    balance = conventions.balance(convention)
    assert (balance.supplied, balance.owed, balance.returned) == (2, 1, 1)
    assert [d.id for d, r in conventions.returned_devices(convention)] == [done.id]
    browser.login("tech_a@example.org")  # the partner reads its convention and its report
    assert browser.client.get(f"/conventions/{convention.number}").status_code == 200
    assert browser.client.get(f"/conventions/{convention.number}/report.xlsx").status_code == 200
    assert "Fournir le dépôt" not in browser.client.get(f"/conventions/{convention.number}").text
    assert waiting.status == "registered"
