"""The donor impact report through the pages, in French: the donor reads its own (page, CSV,
PDF) from its home page, another donor's is a 404; the coordination reads any from the donor's
page; others are refused. The administrators' table of emission factors: a factor recorded
changes the report, a wrong one is said beside the form, a stale one is a conflict."""
import csv
import html
import io
import re

import pytest
from pypdf import PdfReader

from recond import lifecycle
from recond.extensions import db
from recond.models import EmissionFactor
from tests.blueprints.test_accessibility import assert_accessible


@pytest.fixture
def gift(world):
    """Donateur X: two laptops handed over, one recycled weighing 2,1 kg."""
    for _ in range(2):
        world.device("released")
    broken = world.register()
    lifecycle.perform(world["tech_a"], broken, "recycle", {"reason": "HS", "weight_kg": "2,1"})
    world.device("released", lot="b")
    db.session.commit()
    return world


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_the_donor_reads_its_own_report_from_its_home(gift, browser):
    x, y = gift.orgs["donor_x"].id, gift.orgs["donor_y"].id
    browser.login("donor_x@example.org")
    home = browser.client.get("/")
    assert f'href="/donors/{x}/impact"' in home.text
    page = browser.client.get(f"/donors/{x}/impact")
    text = html.unescape(page.text)
    assert page.status_code == 200 and "Rapport d'impact de Donateur X" in text
    assert "Gaz à effet de serre évités par le réemploi, kg CO2e" in text and "<dd>54</dd>" in text
    assert_accessible(page.text)

    sheet = browser.client.get(f"/donors/{x}/impact.csv?from=2020-01-01")
    assert sheet.status_code == 200 and sheet.data.startswith(b"\xef\xbb\xbf")
    assert sheet.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(sheet.data.decode("utf-8-sig")), delimiter=";"))
    summary = dict(r[:2] for r in rows[1:12])
    assert summary["Période"].startswith("du 01/01/2020 au ")
    assert summary["Poids DEEE, kg (appareils pesés)"] == "2,1 (1 sur 1)"
    assert summary["Gaz à effet de serre évités par le réemploi, kg CO2e"] == "54"
    assert rows[-1][0] == "Méthode" and "une année d'utilisation" in rows[-1][1]

    document = browser.client.get(f"/donors/{x}/impact.pdf")
    assert document.status_code == 200 and document.mimetype == "application/pdf"
    text = _pdf_text(document.data)
    for expected in ("Rapport d'impact de l'entreprise donatrice", "Donateur X", "Remis pour réemploi",
                     "Facteurs d'émission utilisés", "09/09/2022", "Méthode",
                     "Évaluation de l'impact environnemental d'un ensemble de produits reconditionnés"):
        assert expected in text, expected

    for url in (f"/donors/{y}/impact", f"/donors/{y}/impact.csv", f"/donors/{y}/impact.pdf"):
        assert browser.client.get(url).status_code == 404, url


def test_the_coordination_reads_any_donors_report_from_its_page(gift, browser):
    y = gift.orgs["donor_y"].id
    browser.login("coordinator@example.org")
    assert f'href="/donors/{y}/impact"' in browser.client.get(f"/donors/{y}").text
    assert browser.client.get(f"/donors/{y}/impact").status_code == 200
    assert browser.client.get(f"/donors/{gift.orgs['structure_s'].id}/impact").status_code == 404


@pytest.mark.parametrize("who", ["collector_a", "tech_a", "structure_s"])
def test_nobody_else_reads_a_report(gift, browser, who):
    x = gift.orgs["donor_x"].id
    browser.login(f"{who}@example.org")
    for suffix in ("", ".csv", ".pdf"):
        assert browser.client.get(f"/donors/{x}/impact{suffix}").status_code == 403
    if who == "collector_a":  # it keeps the donor, but the report is not its to read
        assert "/impact" not in browser.client.get(f"/donors/{x}").text


def test_a_wrong_period_is_said(gift, browser):
    browser.login("donor_x@example.org")
    x = gift.orgs["donor_x"].id
    answer = browser.client.get(f"/donors/{x}/impact?from=2026-02-30")
    assert answer.status_code == 422 and "AAAA-MM-JJ" in html.unescape(answer.text)
    answer = browser.client.get(f"/donors/{x}/impact.csv?from=2026-03-01&to=2026-02-01")
    assert answer.status_code == 422
    for far in ("to=9999-12-31", "from=0001-01-01"):  # an overflow, not a 500
        answer = browser.client.get(f"/donors/{x}/impact.pdf?{far}")
        assert answer.status_code == 422 and "Choisissez une période entre 2000 et" \
            in html.unescape(answer.text), far


def test_the_admin_records_a_factor_and_the_report_follows(gift, browser):
    url = "/admin/emission-factors"
    browser.login("admin@example.org")
    assert 'href="/admin/emission-factors"' in browser.client.get("/").text
    page = browser.client.get(url)
    assert page.status_code == 200 and "24,6" in page.text
    assert_accessible(page.text)
    typed = {"category": "laptop", "seen_version": "0", "kg": "31,5",
             "source": "Étude test, 2025 : 31,5 kg", "source_date": "2025-03-01"}

    wrong = browser.post_form(url, url, {**typed, "kg": "31,5 tonnes"})
    assert wrong.status_code == 422 and "n'est pas un poids en kg" in html.unescape(wrong.text)
    assert 'value="31,5 tonnes"' in wrong.text  # what was typed, kept
    assert db.session.query(EmissionFactor).count() == 0

    assert browser.post_form(url, url, typed).status_code == 302
    stale = browser.post_form(url, url, {**typed, "kg": "12"})
    assert stale.status_code == 409 and "entre-temps" in html.unescape(stale.text)
    assert [(f.version, f.grams_co2e) for f in db.session.query(EmissionFactor)] == [(1, 31_500)]
    listed = html.unescape(browser.client.get(url).text)
    assert "Étude test, 2025 : 31,5 kg" in listed and "01/03/2025" in listed

    browser.post_form("/", "/logout", {})
    browser.login("donor_x@example.org")
    page = html.unescape(browser.client.get(f"/donors/{gift.orgs['donor_x'].id}/impact").text)
    assert "<dd>63</dd>" in page and "Étude test, 2025 : 31,5 kg" in page


@pytest.mark.parametrize("who", ["coordinator", "donor_x", "collector_a"])
def test_only_administrators_open_the_factors(gift, browser, who):
    browser.login(f"{who}@example.org")
    assert browser.client.get("/admin/emission-factors").status_code == 403
    assert not re.search(r'href="/admin/emission-factors"', browser.client.get("/").text)
