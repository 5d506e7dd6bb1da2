"""The indicators page, its exports (XLSX read back with openpyxl, CSV parsed, the monthly PDF),
the open data and the API: the same numbers as the page, the same masking, nothing about one
beneficiary; and who may read what."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from datetime import date

import pytest
from markupsafe import escape
from openpyxl import load_workbook
from werkzeug.datastructures import MultiDict

from recond.reports import report
from recond.reports.indicators import MASK, masked, text
from tests.reports import scenario


@pytest.fixture
def story(world, monkeypatch):
    return scenario.build(world, scenario.install_clock(monkeypatch))


EN = {"Accept-Language": "en"}  # the domain called from the test speaks English (conftest)


def tables(world, who="coordinator", mask=True, **args):
    return report.tables(world[who], MultiDict(args), mask=mask)[1]


def by_key(found):
    return {i.key: i for i in found}


def page_cells(html: str) -> list[tuple[str, list[str]]]:
    """Each table row of a page: its row heading and its cells, as the reader sees them."""
    rows = re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', html, re.S)
    return [(label, re.findall(r"<td>(.*?)</td>", cells, re.S)) for label, cells in rows]


def test_counts_from_one_to_four_are_masked_zero_and_five_are_not():
    assert [masked(n) for n in (0, 1, 4, 5, 12)] == [0, MASK, MASK, 5, 12]
    assert MASK == "< 5"


def test_the_indicators_mask_what_concerns_people(world, story):
    found = by_key(tables(world))
    exact = by_key(tables(world, mask=False))
    assert [r.values[:3] for r in found["structures"].rows] == [[5, 5, MASK], [3, 3, 0]]
    assert [r.values for r in found["qpv"].rows] == [[MASK], [MASK], [MASK]]
    assert [r.values for r in exact["qpv"].rows] == [[1], [1], [100.0]]
    assert {r.code: r.values[0] for r in found["training"].rows} == {
        "sessions": 2, "beneficiaries_present": MASK, "beneficiaries_absent": MASK,
        "staff_present": 0, "attendance_percent": MASK}
    assert [r.values for r in found["charges"].rows] == [[MASK], [MASK]]
    assert [r.values for r in found["price_by_tier"].rows] == [[MASK, MASK]]
    # device counts at the workshop concern no one: never masked
    assert {r.code: r.values[0] for r in found["statuses"].rows}["registered"] == 1
    assert [r.values for r in found["stock_ready"].rows] == [[1, 0, 0, 1], [0, 1, 0, 1]]


def test_the_page_shows_the_dashboards_figures(world, story, browser):
    browser.login("coordinator@example.org")
    page = browser.client.get("/reports", headers=EN)
    assert page.status_code == 200
    shown = page_cells(page.text)
    expected = [(str(escape(r.label)), [str(escape(text(v))) for v in r.values])
                for i in tables(world, mask=False) for r in i.rows]
    assert shown == expected
    assert page.text.count("<svg") == 8 and 'role="img"' in page.text
    assert page.text.count("<caption>") == 11


def test_the_indicators_page_and_its_exports_hold_the_same_numbers(world, story, browser):
    browser.login("coordinator@example.org")
    french = browser.client.get("/reports/indicators")
    assert "&lt; 5" in french.text and "1 à 4" in french.text  # the rule, stated (French)
    page = browser.client.get("/reports/indicators", headers=EN)
    assert page.status_code == 200
    found = report.tables(world["coordinator"], MultiDict())[1]
    assert [cells for _, cells in page_cells(page.text)] == \
        [[str(escape(text(v))) for v in r.values] for i in found for r in i.rows]

    book = load_workbook(io.BytesIO(
        browser.client.get("/reports/indicators.xlsx", headers=EN).data))
    assert len(book.sheetnames) == 1 + len(found)  # "about", then one sheet per indicator
    about = [tuple(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert any("< 5" in str(value) for _, value in about)
    for sheet, indicator in zip(book.worksheets[1:], found):
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == indicator.title
        assert list(rows[1]) == [indicator.row_label] + [label for _, label in indicator.columns]
        assert [list(r[1:]) for r in rows[2:]] == [
            [float(v) if v is not None and not isinstance(v, (int, str)) else v
             for v in row.values] for row in indicator.rows]

    response = browser.client.get("/reports/indicators.csv", headers=EN)
    assert response.data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    figures = [line for line in lines[1:] if line[0] != "About"]
    assert figures == [[i.title, r.label, column, text(v)] for i in found for r in i.rows
                       for (_, column), v in zip(i.columns, r.values)]
    assert any(line[0] == "About" and "< 5" in line[3] for line in lines)


def test_the_monthly_summary_is_a_pdf(world, story, browser):
    browser.login("coordinator@example.org")
    month = date.today().strftime("%Y-%m")
    response = browser.client.get(f"/reports/indicators/summary.pdf?month={month}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.mimetype == "application/pdf"
    assert browser.client.get("/reports/indicators/summary.pdf?month=2026-13").status_code == 422


def test_open_data_is_public_masked_and_names_no_one(world, story, client):
    response = client.get("/open-data/indicators.json")
    assert response.status_code == 200
    data = response.get_json()
    assert data["masking"]["threshold"] == 5 and data["masking"]["shown_as"] == "< 5"
    keys = [i["key"] for i in data["indicators"]]
    assert "structures" in keys and "training" in keys
    structures = next(i for i in data["indicators"] if i["key"] == "structures")
    assert structures["rows"][0]["values"]["allocated"] == "< 5"
    body = response.get_data(as_text=True)
    people = [p.reference for p in _beneficiaries()]
    devices = [story[k] for k in ("d1", "d2", "d3", "d4", "d5")]
    for secret in people + [d.public_id for d in devices] + [d.serial for d in devices] \
            + [u.email for u in world.users.values()]:
        assert secret not in body
    csv_body = client.get("/open-data/indicators.csv").data.decode("utf-8-sig")
    assert "< 5" in csv_body and not any(p in csv_body for p in people)
    assert client.get("/open-data/indicators.json?from=nonsense").status_code == 422


def _beneficiaries():
    from sqlalchemy import select

    from recond.extensions import db
    from recond.models import Beneficiary
    return db.session.scalars(select(Beneficiary)).all()


def test_the_api_gives_the_open_datas_tables_to_the_coordination(world, story, api):
    response = api("coordinator", "get", "/api/v1/indicators", headers=EN)
    assert response.status_code == 200
    assert response.get_json()["indicators"] == json.loads(json.dumps(
        report.api(world["coordinator"], MultiDict())["indicators"]))
    assert api("tech_a", "get", "/api/v1/indicators").status_code == 403
    for query in ("category=toaster", "to=", "territory="):  # the API leaves out, never empties
        refused = api("coordinator", "get", f"/api/v1/indicators?{query}")
        assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "invalid"


@pytest.mark.parametrize("who,dashboard,indicators", [
    ("coordinator", 200, 200), ("admin", 200, 200), ("tech_a", 200, 403),
    ("structure_s", 403, 403), ("donor_x", 403, 403), ("collector_a", 403, 403)])
def test_who_reads_the_reports(world, browser, who, dashboard, indicators):
    browser.login(f"{who}@example.org")
    assert browser.client.get("/reports").status_code == dashboard
    assert browser.client.get("/reports/indicators").status_code == indicators
    assert browser.client.get("/reports/indicators.xlsx").status_code == indicators


def test_a_workshops_page_shows_its_own_devices_only(world, story, browser):
    browser.login("tech_a@example.org")
    page = browser.client.get(f"/reports?workshop={world.orgs['workshop_b'].id}", headers=EN)
    assert page.status_code == 200
    rows = dict((label, cells) for label, cells in page_cells(page.text))
    assert rows["Received at the workshop"] == ["3"] and rows["recycled"] == ["0"]
    assert "Structure S" not in page.text and 'name="workshop"' not in page.text


def test_a_wrong_filter_on_the_page_says_what(world, browser):
    browser.login("coordinator@example.org")
    page = browser.client.get("/reports?from=2026-02-30")
    assert page.status_code == 422 and "date" in page.text


def test_libreoffice_opens_the_workbook_with_the_same_numbers(world, story, browser, tmp_path):
    """LibreOffice (headless) opens the XLSX and saves it again; read back, every sheet holds
    the same values. LibreOffice is installed by scripts/services, as Chromium is."""
    assert shutil.which("soffice"), "LibreOffice is missing: run scripts/services"
    browser.login("coordinator@example.org")
    original = tmp_path / "indicators.xlsx"
    original.write_bytes(browser.client.get("/reports/indicators.xlsx").data)
    out = tmp_path / "out"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(out), str(original)],
                   check=True, capture_output=True, timeout=240)
    ours, theirs = load_workbook(original), load_workbook(out / "indicators.xlsx")
    assert ours.sheetnames == theirs.sheetnames
    for a, b in zip(ours.worksheets, theirs.worksheets):
        assert [list(r) for r in a.iter_rows(values_only=True)] == \
            [list(r) for r in b.iter_rows(values_only=True)]


def test_a_structure_named_like_a_formula_is_never_run(world, browser):
    from recond.distribution import structures
    from recond.extensions import db

    structures.update_structure(world["coordinator"], world.orgs["structure_t"],
                                name="=HYPERLINK(\"http://x\")")
    db.session.commit()
    world.approved_line("structure_t", quantity=6)
    browser.login("coordinator@example.org")
    lines = browser.client.get("/reports/indicators.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in lines and ";=HYPERLINK" not in lines
    book = load_workbook(io.BytesIO(browser.client.get("/reports/indicators.xlsx").data))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
             for c in row if isinstance(c, str) and "HYPERLINK" in c]
    assert cells and all(c.startswith("'") for c in cells)
