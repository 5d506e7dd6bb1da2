"""Files as people save them are read; anything else is refused with a clear reason."""
import io
import os
from pathlib import Path

import pandas as pd
import pytest

from recond.errors import InvalidInput, TooLarge
from recond.collection.manifests import columns, reading

FIXTURES = Path(__file__).parents[2] / "fixtures" / "manifests"
# every encoding (UTF-8, UTF-8 with BOM, Windows-1252) with both separators, and XLSX
FRENCH_FILES = ["fr-utf8-bom-semicolon.csv", "fr-utf8-bom-comma.csv",
                "fr-cp1252-semicolon-libreoffice.csv", "fr-cp1252-comma-libreoffice.csv",
                "fr-utf8-semicolon-libreoffice.csv", "fr-pandas.xlsx", "fr-libreoffice.xlsx"]
LIMIT = 10 * 1024 * 1024


@pytest.mark.parametrize("name", FRENCH_FILES)
def test_french_files_in_every_encoding_and_format_read_the_same(name):
    table = reading.read(name, (FIXTURES / name).read_bytes(), LIMIT)
    assert table.headers[0] == "N° de série" and table.headers[2] == "Modèle"
    assert len(table.rows) == 8
    assert table.rows[2][2] == "ThinkPad T480 – édition"
    assert table.rows[4][3] == "Écran"
    assert columns.auto_mapping(table.headers) == {
        "serial": 0, "brand": 1, "model": 2, "category": 3, "ram_gb": 4, "storage_gb": 5,
        "cpu": 6, "asset_tag": 7}


def test_encodings_and_separators_are_detected():
    assert reading.read("a", (FIXTURES / "fr-cp1252-semicolon-libreoffice.csv").read_bytes(), LIMIT).encoding == "cp1252"
    bom = reading.read("a", (FIXTURES / "fr-utf8-bom-semicolon.csv").read_bytes(), LIMIT)
    assert (bom.encoding, bom.separator) == ("utf-8-sig", ";")
    english = reading.read("a", (FIXTURES / "en-utf8-comma.csv").read_bytes(), LIMIT)
    assert (english.encoding, english.separator) == ("utf-8", ",")
    assert columns.auto_mapping(english.headers)["asset_tag"] == 7


@pytest.mark.parametrize("content,code", [
    (b"", "empty_file"),
    (b"   \n\n", "empty_file"),
    ((FIXTURES / "pdf-renamed.csv").read_bytes(), "not_a_spreadsheet"),
    (os.urandom(4096), "not_a_spreadsheet"),
    (b"PK\x03\x04" + os.urandom(2000), "not_a_spreadsheet"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "not_a_spreadsheet"),
    ("Marque;Type\n".encode(), "no_rows"),
])
def test_what_is_not_a_manifest_is_refused_clearly(content, code):
    with pytest.raises(InvalidInput) as refused:
        reading.read("upload.csv", content, LIMIT)
    assert refused.value.code == code


def test_a_file_over_the_limit_is_413():
    with pytest.raises(TooLarge) as refused:
        reading.read("big.csv", b"a;b\n" * 1000, 100)
    assert refused.value.status == 413


def test_a_pandas_written_file_with_tabs(tmp_path):
    buffer = io.StringIO()
    pd.DataFrame({"Serial": ["A1"], "Type": ["Laptop"]}).to_csv(buffer, sep="\t", index=False)
    table = reading.read("t.tsv", buffer.getvalue().encode(), LIMIT)
    assert table.separator == "\t" and table.rows == [["A1", "Laptop"]]


@pytest.mark.parametrize("header,field", [
    ("N° de série", "serial"), ("S/N", "serial"), ("Serial Number", "serial"),
    ("Marque", "brand"), ("Modèle", "model"), ("Type de matériel", "category"),
    ("RAM (Go)", "ram_gb"), ("Mémoire vive", "ram_gb"), ("Disque dur (Go)", "storage_gb"),
    ("Processeur", "cpu"), ("N° d'inventaire", "asset_tag"), ("Asset Tag", "asset_tag"),
    ("Commentaire", None),
])
def test_headers_in_french_and_english(header, field):
    assert columns.field_for(header) == field
