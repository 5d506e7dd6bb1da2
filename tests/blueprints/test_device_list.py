"""The device list page and its exports: accessible sortable columns, pages, filters kept in
every link, values it cannot use left out with a message (never a 500), and CSV / XLSX
exports scoped like the list and safe to open in a spreadsheet."""
import csv
import io
import re

import pytest
from openpyxl import load_workbook

from recond import lifecycle
from recond.extensions import db
from recond.inventory import exports
from tests.blueprints.test_accessibility import assert_accessible


def test_the_list_has_serial_and_grade_columns_sortable_by_keyboard(world, browser):
    ready = world.device("ready")
    browser.login("coordinator@example.org")
    page = browser.client.get("/devices?sort=serial&order=asc")
    assert page.status_code == 200
    html = page.text
    assert_accessible(html)
    assert '<caption id="list-caption">Appareils, triés par Numéro de série, croissant</caption>' in html
    assert re.search(r'<th scope="col" aria-sort="ascending"><a href="[^"]*sort=serial&amp;order=desc', html)
    assert html.count("aria-sort=") == 1
    for column in ("Identifiant", "Catégorie", "Marque et modèle", "Numéro de série", "Statut", "Grade",
                   "Dernière modification"):
        assert f">{column}<span class=\"visually-hidden\">" in html, column
    assert ready.serial in html and '<span class="status status-ready">prêt</span>' in html
    assert "1 appareil trouvé" in html


def test_links_keep_the_filters_and_pages_reach_the_end(world, browser):
    for _ in range(3):
        world.device("received")
    browser.login("coordinator@example.org")
    html = browser.client.get("/devices?status=received&per_page=25&q=dell").text
    assert "3 appareils trouvés" in html
    assert 'href="/devices/export.csv?q=dell&amp;status=received&amp;per_page=25"' in html
    first = browser.client.get("/devices?status=received&per_page=2").text
    assert "Page 1 sur 2" in first and 'rel="next"' in first
    assert "status=received&amp;per_page=2&amp;page=2" in first
    past = browser.client.get("/devices?status=received&per_page=2&page=40")
    assert past.status_code == 200
    assert "Il n’y a pas de page 40 : voici la dernière." in past.text and "Page 2 sur 2" in past.text


@pytest.mark.parametrize("query", ["status=lost", "page=0", "page=" + "9" * 5000, "sort=price",
                                   "per_page=-1", "workshop=%C2%B2", "q=" + "x" * 400])
def test_a_value_it_cannot_use_is_left_out_with_a_message(world, browser, query):
    world.device("ready")
    browser.login("tech_a@example.org")
    page = browser.client.get(f"/devices?{query}")
    assert page.status_code == 200
    assert 'class="flash flash-error" role="alert"' in page.text
    assert "1 appareil trouvé" in page.text


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM
    assert b"\r\n" in response.data
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_export_is_the_filtered_sorted_list_for_french_excel(world, browser):
    devices = [world.device("ready"), world.device("received"), world.device("ready", lot="b")]
    browser.login("tech_a@example.org")
    response = browser.client.get("/devices/export.csv?status=ready&sort=id&order=asc")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="appareils-' in response.headers["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:4] == ["Identifiant", "Adresse web", "Catégorie", "Marque"]
    assert len(rows) == 2  # the header and workshop A's one ready device: lot b is not theirs
    assert rows[1][0].replace(" ", "") == devices[0].public_id
    assert rows[1][5] == devices[0].serial and rows[1][7] == "prêt"


def test_exports_neutralise_formulas(world, browser):
    hostile = lifecycle.register(world["collector_a"], world.deposits["a"], category="laptop",
                                 brand="=HYPERLINK(\"http://evil\")", model="+1+1",
                                 serial="-2+3", asset_tag="@SUM(A1)")
    tabbed = lifecycle.register(world["collector_a"], world.deposits["a"], category="laptop",
                                brand="\tcmd", model="\r=1", serial="\x01=1+1")
    db.session.commit()
    browser.login("coordinator@example.org")
    rows = _csv(browser.client.get("/devices/export.csv?sort=id"))
    cells = {cell for row in rows[1:] for cell in row}
    assert {"'=HYPERLINK(\"http://evil\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tcmd", "'\r=1",
            "'=1+1"} <= cells
    book = load_workbook(io.BytesIO(browser.client.get("/devices/export.xlsx?sort=id").data))
    sheet = book.active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Identifiant" and len(values) == 3
    written = {v for row in values[1:] for v in row if v}
    assert "'=HYPERLINK(\"http://evil\")" in written and "'=1+1" in written
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    assert {hostile.public_id, tabbed.public_id} == {r[0].replace(" ", "") for r in rows[1:]}


def test_an_export_too_large_is_refused_with_a_message(world, browser, monkeypatch):
    world.register()
    world.register()
    monkeypatch.setattr(exports, "MAX_ROWS", 1)
    browser.login("coordinator@example.org")
    refused = browser.client.get("/devices/export.xlsx")
    assert refused.status_code == 422 and "plus de 1 appareils" in refused.text
    assert browser.client.get("/devices/export.pdf").status_code == 422


def test_the_api_lists_with_the_same_search_and_refuses_what_it_cannot_use(world, api):
    ready = world.device("ready")
    world.device("received")
    body = api("tech_a", "get", f"/api/v1/devices?q={ready.serial}&sort=serial").json
    assert [d["public_id"] for d in body["items"]] == [ready.public_id]
    past = api("tech_a", "get", "/api/v1/devices?page=99").json
    assert past["items"] == [] and past["total"] == 2 and past["page"] == 99
    refused = api("donor_x", "get", f"/api/v1/devices?structure={world.orgs['structure_s'].id}")
    assert refused.status_code == 422
    assert refused.json["error"]["details"]["fields"] == {"structure": str(world.orgs["structure_s"].id)}


def test_the_list_and_its_exports_cost_the_same_queries_however_long(app, world, browser):
    from tests.blueprints.test_handover import _queries

    world.device("ready")
    browser.login("coordinator@example.org")
    paths = ("/devices", "/devices?q=dell&sort=model", "/devices/export.csv", "/devices/export.xlsx")
    before = {path: _queries(app, browser.client, path) for path in paths}
    for status in ("received", "ready", "registered", "recycled"):
        world.device(status, lot="b")
    assert {path: _queries(app, browser.client, path) for path in paths} == before


def test_past_ten_thousand_the_page_says_more_than(world, browser, monkeypatch):
    from recond.inventory import listing

    for _ in range(4):
        world.register()
    monkeypatch.setattr(listing, "COUNTED", 2)
    browser.login("coordinator@example.org")
    html = browser.client.get("/devices?per_page=1").text
    assert "Plus de 2 appareils trouvés" in html and 'rel="next"' in html
    assert "Dernière page" not in html and "Exporter cette liste en CSV" in html
    last = browser.client.get("/devices?per_page=1&page=4").text
    assert "4 appareils trouvés" in last and "Page 4 sur 4" in last
