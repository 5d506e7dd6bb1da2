"""Import of the national open-data file of lieux de médiation numérique into the directory."""
import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from recond import open_data
from recond.errors import InvalidInput, NotPermitted
from recond.extensions import db
from recond.models import Organisation, OrganisationKind
from tests.conftest import csrf_from

FIXTURES = Path(__file__).parent / "fixtures" / "lieux"
EXAMPLE = (FIXTURES / "exemple-valide.csv").read_bytes()
GENERATED = (FIXTURES / "lieux-generated.csv").read_bytes()


def _structures() -> int:
    return db.session.scalar(select(func.count(Organisation.id))
                             .where(Organisation.kind == OrganisationKind.STRUCTURE))


def test_the_schemas_published_example_is_imported(world):
    report = open_data.import_places(world["coordinator"], "exemple-valide.csv", EXAMPLE, "51")
    db.session.commit()
    assert (report.created, report.out_of_area, report.errors) == (["Anonymal"], 0, [])
    place = db.session.scalar(select(Organisation).where(Organisation.lieu_id == "structure-1"))
    assert (place.kind, place.siret, place.commune, place.postcode, place.insee_code) == \
        ("structure", "43493312300029", "Reims", "51100", "51454")
    assert place.address == "12 BIS RUE DE LECLERCQ, Le patio du bois de l'Aulne"
    assert place.typologies == "TIERS_LIEUX|ASSO"
    assert place.services.split("|") == ["Aide aux démarches administratives",
                                         "Maîtrise des outils numériques du quotidien"]
    assert place.email == "contact@laquincaillerie.tl"
    assert (place.latitude, place.longitude) == (43.52609, 5.41423)
    assert place.territory is None  # Reims is not in one of the département's territories


def test_places_outside_the_departement_are_left_aside(world):
    before = _structures()
    report = open_data.import_places(world["coordinator"], "exemple-valide.csv", EXAMPLE)
    assert (report.imported, report.out_of_area) == (0, 1)
    assert _structures() == before


def test_a_larger_file_keeps_the_departement_and_updates_on_a_second_import(world):
    coordinator = world["coordinator"]
    before = _structures()
    report = open_data.import_places(coordinator, "lieux.csv", GENERATED, "92")
    db.session.commit()
    in_92 = sum(1 for row in csv.DictReader(io.StringIO(GENERATED.decode()))
                if row["code_insee"].startswith("92"))
    assert report.imported == len(report.created) == in_92 == 300
    assert report.out_of_area == 2000 - report.imported
    assert _structures() == before + report.imported
    colombes = db.session.scalar(select(Organisation).where(Organisation.insee_code == "92025",
                                                            Organisation.lieu_id.is_not(None)).limit(1))
    assert colombes.territory == "boucle_nord_de_seine"
    colombes.qpv = True  # set by the coordination; the file does not say it
    db.session.commit()
    again = open_data.import_places(coordinator, "lieux.csv", GENERATED, "92")
    db.session.commit()
    assert (len(again.created), len(again.updated)) == (0, report.imported)
    assert _structures() == before + report.imported
    assert db.session.get(Organisation, colombes.id).qpv is True


def test_a_known_siret_is_updated_rather_than_duplicated(world):
    """Structure S was created by hand with its SIRET; the file's pivot finds it."""
    structure = world.orgs["structure_s"]
    row = ('"lieu-s","44200133700017","Centre social S","Colombes","92700","92025","1 rue A","",'
           '"48.92","2.25","CS","","","","","","","","","","2026-01-01","Aide aux démarches '
           'administratives","","","","","","","","","",""')
    header = EXAMPLE.decode().splitlines()[0]
    report = open_data.import_places(world["coordinator"], "s.csv", f"{header}\n{row}\n".encode())
    db.session.commit()
    assert report.updated == ["Centre social S"] and not report.created
    assert db.session.get(Organisation, structure.id).lieu_id == "lieu-s"


def test_one_bad_row_and_nothing_is_written(world):
    text = GENERATED.decode()
    broken = text.replace('"92700","92025"', '"9270","92025"', 1)
    before = _structures()
    with pytest.raises(InvalidInput) as error:
        open_data.import_places(world["coordinator"], "lieux.csv", broken.encode())
    assert error.value.details["rows"][0]["problem"].startswith("the postcode")
    db.session.rollback()
    assert _structures() == before


def test_a_file_of_another_schema_is_refused_by_name(world):
    with pytest.raises(InvalidInput, match="columns id, nom"):
        open_data.import_places(world["coordinator"], "x.csv", b"a;b\n1;2\n")


def test_only_coordinators_import(world):
    with pytest.raises(NotPermitted):
        open_data.import_places(world["structure_s"], "x.csv", EXAMPLE, "51")


def test_the_import_page(world, browser):
    browser.login("coordinator@example.org")
    page = browser.client.get("/structures/")
    response = browser.client.post("/structures/import", data={
        "csrf_token": csrf_from(page.text), "departement": "51",
        "places": (FIXTURES / "exemple-valide.csv").open("rb")}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "Anonymal" in response.text
    wrong = browser.client.post("/structures/import", data={
        "csrf_token": csrf_from(page.text), "departement": "92",
        "places": (FIXTURES / "README.md").open("rb")}, content_type="multipart/form-data")
    assert wrong.status_code == 422
    assert "lieux de médiation numérique" in wrong.text


def test_structures_may_not_open_the_directory(world, browser):
    browser.login("structure_s@example.org")
    assert browser.client.get("/structures/").status_code == 403
    own = world.orgs["structure_s"].id
    assert browser.client.get(f"/structures/{own}").status_code == 200
    assert browser.client.get(f"/structures/{world.orgs['structure_t'].id}").status_code == 404
