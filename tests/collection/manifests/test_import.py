"""Preview, correct the mapping, commit: all or nothing, or the valid rows; never twice."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from recond.errors import NotFound, NotPermitted, Refused
from recond.extensions import db
from recond.collection.manifests import importer
from recond.collection.manifests.rows import capacity_gb, category_of
from recond.models import Device, DeviceEvent

FIXTURES = Path(__file__).parents[2] / "fixtures" / "manifests"


def _upload(world, name, user="collector_a", lot="a"):
    device_import = importer.upload(world[user], world.deposits[lot], name,
                                    (FIXTURES / name).read_bytes())
    db.session.commit()
    return device_import


def _count(model, **where):
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


@pytest.mark.parametrize("name", ["fr-cp1252-semicolon-libreoffice.csv", "fr-pandas.xlsx"])
def test_a_clean_file_imports_every_row_with_history_and_media(world, name):
    device_import = _upload(world, name)
    preview = importer.preview(world["collector_a"], device_import)
    assert preview.error_rows == 0 and len(preview.rows) == 8
    importer.import_rows(world["collector_a"], device_import, all_or_nothing=True)
    db.session.commit()
    devices = db.session.scalars(select(Device).where(Device.deposit_id == world.deposits["a"].id)
                                 .order_by(Device.id)).all()
    assert len(devices) == 8 and all(d.status == "registered" for d in devices)
    assert [d.category for d in devices] == ["laptop", "laptop", "laptop", "desktop", "screen",
                                             "tablet", "phone", "laptop"]
    laptop = devices[2]
    assert laptop.model == "ThinkPad T480 – édition" and laptop.asset_tag == "ASO-1042"
    assert laptop.specs == {"cpu": "i5-8250U", "ram_gb": 8, "storage_gb": 512}
    assert _count(DeviceEvent, action="register") == 8
    assert [m.kind for m in devices[1].media] == ["nvme"] and devices[4].media == []
    assert device_import.status == "committed" and device_import.imported_rows == 8


def test_rows_with_errors_are_shown_each_with_its_reasons(world):
    preview = importer.preview(world["collector_a"], _upload(world, "fr-errors-utf8-bom.csv"))
    errors = {row.line: row.errors for row in preview.rows}
    assert errors[2] == []
    assert "already on line 2" in errors[3][0]
    assert errors[4] == ["category missing"]
    assert "unknown category" in errors[5][0]
    assert "not a readable size" in errors[6][0]
    for line in (7, 8, 9, 10):  # cells starting with =, @, + and -
        assert "spreadsheet formula" in errors[line][0], line
    assert preview.error_rows == 8


def test_all_or_nothing_imports_nothing_when_a_row_is_wrong(world):
    device_import = _upload(world, "fr-errors.xlsx")
    with pytest.raises(Refused) as refused:
        importer.import_rows(world["collector_a"], device_import, all_or_nothing=True)
    assert refused.value.code == "rows_with_errors"
    db.session.rollback()
    assert _count(Device) == 0


def test_valid_rows_only(world):
    device_import = _upload(world, "fr-errors.xlsx")
    importer.import_rows(world["collector_a"], device_import, all_or_nothing=False)
    db.session.commit()
    assert _count(Device) == 1 and device_import.imported_rows == 1


def test_the_same_file_twice_creates_no_duplicate(world):
    first = _upload(world, "fr-utf8-bom-semicolon.csv")
    importer.import_rows(world["collector_a"], first, all_or_nothing=True)
    db.session.commit()
    with pytest.raises(Refused):
        importer.import_rows(world["collector_a"], first, all_or_nothing=False)
    again = _upload(world, "fr-pandas.xlsx")  # same devices, other format
    preview = importer.preview(world["collector_a"], again)
    assert preview.error_rows == 8
    assert all("already known" in row.errors[0] for row in preview.rows)
    same_bytes = _upload(world, "fr-utf8-bom-semicolon.csv")
    assert importer.preview(world["collector_a"], same_bytes).already_imported == first
    with pytest.raises(Refused):
        importer.import_rows(world["collector_a"], same_bytes, all_or_nothing=False)
    db.session.rollback()
    assert _count(Device) == 8


def test_correcting_the_mapping(world):
    device_import = _upload(world, "en-utf8-comma.csv")
    importer.set_mapping(world["collector_a"], device_import,
                         {"category": 3, "serial": 7, "brand": 1, "model": ""})
    importer.import_rows(world["collector_a"], device_import, all_or_nothing=True)
    db.session.commit()
    serials = set(db.session.scalars(select(Device.serial)))
    assert serials == {"BNP-77", "BNP-78", "BNP-79"}
    assert set(db.session.scalars(select(Device.model))) == {""}


def test_another_collectors_deposit_is_out_of_reach(world):
    with pytest.raises(NotFound):
        _upload(world, "fr-pandas.xlsx", user="collector_b", lot="a")
    with pytest.raises(NotPermitted):
        _upload(world, "fr-pandas.xlsx", user="donor_x", lot="a")
    device_import = _upload(world, "fr-pandas.xlsx")
    with pytest.raises(NotFound):
        importer.get_import(world["collector_b"], device_import.id)


@pytest.mark.parametrize("text,expected", [
    ("8", (8, None)), ("8 Go", (8, None)), ("16GB", (16, None)), ("512 Go SSD", (512, "ssd")),
    ("0,5 To", (512, None)), ("1 TB HDD", (1024, "hdd")), ("8192 Mo", (8, None)),
])
def test_sizes_as_written(text, expected):
    assert capacity_gb(text) == expected


@pytest.mark.parametrize("text", ["huit", "", "-8", "8 parsecs"])
def test_unreadable_sizes(text):
    with pytest.raises(ValueError):
        capacity_gb(text)


@pytest.mark.parametrize("text,code", [("PC Portable", "laptop"), ("Unité centrale", "desktop"),
                                       ("ÉCRAN", "screen"), ("Smartphone", "phone"),
                                       ("Grille-pain", None)])
def test_categories_as_written(text, code):
    assert category_of(text) == code
