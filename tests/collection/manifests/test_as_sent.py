"""Manifests as companies really send them: a title above the header, blank rows, formulas
saved with their value, sizes that are not whole. Fixtures: make_fixtures.py `titled`."""
import html
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from recond.collection import registration
from recond.errors import InvalidInput
from recond.extensions import db
from recond.collection.manifests import columns, importer, reading
from recond.collection.manifests.rows import NotWhole, capacity_gb
from recond.models import Device
from tests.conftest import csrf_from

FIXTURES = Path(__file__).parents[2] / "fixtures" / "manifests"
LIMIT = 10 * 1024 * 1024
# Saved by LibreOffice (values computed, as Excel saves them too), as XLSX and as French CSV
SAVED = ["fr-titled-libreoffice.xlsx", "fr-titled-libreoffice.csv"]
# The rows of the sheet as the partner sees them: a title on 1, blank 2, 6 and 10, header on 3
DEVICE_ROWS = [4, 5, 7, 8, 9, 11]


def _blank_lines_csv() -> bytes:
    """The same CSV as a hand-made one: blank lines truly empty, not ';;;;;;;'."""
    text = (FIXTURES / "fr-titled-libreoffice.csv").read_bytes().decode("cp1252")
    return "\r\n".join("" if set(line) <= {";"} else line
                       for line in text.splitlines()).encode("cp1252")


def _read(name: str) -> reading.Table:
    content = _blank_lines_csv() if name == "blank-lines.csv" else (FIXTURES / name).read_bytes()
    return reading.read(name, content, LIMIT)


@pytest.mark.parametrize("name", [*SAVED, "fr-titled-openpyxl.xlsx", "blank-lines.csv"])
def test_the_header_is_found_below_a_title_and_a_blank_row(name):
    table = _read(name)
    assert table.header_line == 3
    assert table.headers[0] == "N° de série"
    assert columns.auto_mapping(table.headers) == {
        "serial": 0, "brand": 1, "model": 2, "category": 3, "ram_gb": 4, "storage_gb": 5,
        "cpu": 6, "asset_tag": 7}
    assert table.lines == DEVICE_ROWS
    assert [row[0] for row in table.rows] == [f"ACME-000{n}" for n in range(1, 7)]


def test_a_file_without_a_header_we_know_keeps_its_first_row():
    table = reading.read("x.csv", "Titre\n\nfoo;bar\n1;2\n".encode(), LIMIT)
    assert (table.header_line, table.headers, table.lines) == (1, ["Titre"], [3, 4])


@pytest.mark.parametrize("name", ["fr-titled-libreoffice.xlsx"])
def test_formulas_give_the_value_the_spreadsheet_saved(name):
    table = _read(name)
    assert table.rows[0][4] == "8"                 # =4*2
    assert table.rows[1][5] == "256 Go SSD"        # =CONCATENATE(256," Go SSD")
    assert table.rows[4][7] == "ASO-5"             # ="ASO-"&5
    assert table.rows[5][4] == "2"                 # {=SUM({1,1})}, an array formula


def _preview(world, name: str):
    content = _blank_lines_csv() if name == "blank-lines.csv" else (FIXTURES / name).read_bytes()
    device_import = importer.upload(world["collector_a"], world.deposits["a"], name, content)
    db.session.commit()
    return device_import, importer.preview(world["collector_a"], device_import)


@pytest.mark.parametrize("name", [*SAVED, "blank-lines.csv"])
def test_errors_carry_the_row_the_partners_spreadsheet_shows(world, name):
    _import, preview = _preview(world, name)
    errors = {row.line: row.errors for row in preview.rows}
    assert list(errors) == DEVICE_ROWS
    assert [line for line, problems in errors.items() if problems] == [7, 8]
    assert "“7,5” is not a whole number of GB" in errors[7][0]
    assert "“7.5” is not a whole number of GB" in errors[8][0]


def test_a_formula_saved_without_its_value_is_refused_on_its_row(world):
    _import, preview = _preview(world, "fr-titled-openpyxl.xlsx")
    errors = {row.line: row.errors for row in preview.rows}
    for line in (4, 5, 9, 11):  # 11: an array formula
        assert "spreadsheet formula" in errors[line][0], line
    assert [line for line, problems in errors.items() if not problems] == []


def test_the_valid_rows_import_with_the_formulas_values(world):
    device_import, _preview_ = _preview(world, "fr-titled-libreoffice.xlsx")
    importer.import_rows(world["collector_a"], device_import, all_or_nothing=False)
    db.session.commit()
    devices = {d.serial: d for d in db.session.scalars(select(Device))}
    assert sorted(devices) == ["ACME-0001", "ACME-0002", "ACME-0005", "ACME-0006"]
    assert devices["ACME-0001"].specs["ram_gb"] == 8
    assert [m.capacity_gb for m in devices["ACME-0002"].media] == [256]
    assert devices["ACME-0005"].asset_tag == "ASO-5"


@pytest.mark.parametrize("text", ["7,5", "7.5", "7,5 Go", "1000 Mo", "0,3 To", "2.25GB"])
def test_a_size_that_is_not_whole_is_refused_never_rounded(text):
    with pytest.raises(NotWhole):
        capacity_gb(text)


@pytest.mark.parametrize("text,gigabytes", [("0,5 To", 512), ("1,5 To", 1536), ("8192 Mo", 8),
                                            ("8,0", 8), ("16.00 Go", 16)])
def test_exact_sizes_in_other_units_are_whole(text, gigabytes):
    assert capacity_gb(text)[0] == gigabytes


def test_the_fast_entry_form_refuses_a_ram_of_7_5(world):
    with pytest.raises(InvalidInput, match="not a whole number of GB"):
        registration.register_one(world["collector_a"], world.deposits["a"],
                                  {"category": "laptop", "serial": "FAST-1", "ram_gb": "7,5"})
    db.session.rollback()
    assert db.session.scalar(select(Device).where(Device.serial == "FAST-1")) is None


def test_the_page_and_the_api_show_the_partners_row_numbers(world, browser, api):
    """The same reasons on both entry points, on the rows the partner's spreadsheet shows."""
    content = (FIXTURES / "fr-titled-libreoffice.xlsx").read_bytes()
    number = world.deposits["a"].number
    upload = api("collector_a", "post", f"/api/v1/deposits/{number}/manifests",
                 data={"file": (io.BytesIO(content), "inventaire.xlsx")},
                 content_type="multipart/form-data", headers={"Accept-Language": "en"})
    assert upload.status_code == 201 and upload.json["valid_rows"] == 4
    assert [(r["line"], r["errors"]) for r in upload.json["rows"]] == [
        (7, ["“7,5” is not a whole number of GB: write the exact size (e.g. 8 Go, 512 Go, 0,5 To)"]),
        (8, ["“7.5” is not a whole number of GB: write the exact size (e.g. 8 Go, 512 Go, 0,5 To)"])]
    browser.login("collector_a@example.org")
    page = browser.client.get(f"/deposits/{number}")
    sent = browser.client.post(f"/deposits/{number}/manifests", data={
        "csrf_token": csrf_from(page.text), "manifest": (io.BytesIO(content), "inventaire.xlsx")},
        content_type="multipart/form-data")
    assert sent.status_code == 302
    preview = html.unescape(browser.client.get(sent.headers["Location"]).text)
    rows = {int(m.group(1)): m.group(0) for m in re.finditer(r'<th scope="row">(\d+)</th>.*?</tr>', preview, re.S)}
    assert sorted(rows) == DEVICE_ROWS
    for line, text in ((7, "7,5"), (8, "7.5")):
        assert f"« {text} » n'est pas un nombre entier de Go" in rows[line], line
    assert "nombre entier" not in rows[4] + rows[5] + rows[9] + rows[11]
