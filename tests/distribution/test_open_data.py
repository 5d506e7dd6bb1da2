"""Import of the national open-data file of lieux de médiation numérique into the directory."""
import csv
import html
import io
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from recond.distribution import open_data
from recond.errors import InvalidInput, NotPermitted
from recond.extensions import db
from recond.models import Organisation, OrganisationKind
from tests.conftest import csrf_from
from tests.test_cli import RECOND, env_for

FIXTURES = Path(__file__).parents[1] / "fixtures" / "lieux"
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
    # nothing changed in the file: every place is unchanged, none "updated"
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, report.imported)
    assert _structures() == before + report.imported
    assert db.session.get(Organisation, colombes.id).qpv is True
    moved = GENERATED.decode().replace(f'"{colombes.address}"', '"2 place de la Gare"', 1)
    third = open_data.import_places(coordinator, "lieux.csv", moved.encode(), "92")
    db.session.commit()
    assert third.updated == [colombes.name] and len(third.unchanged) == report.imported - 1
    assert db.session.get(Organisation, colombes.id).address == "2 place de la Gare"


def test_a_known_siret_is_updated_rather_than_duplicated(world):
    """Structure S was created by hand with its SIRET; the file's pivot finds it."""
    structure = world.orgs["structure_s"]
    row = ('"lieu-s","44200133700017","Centre social S","Colombes","92700","92025","1 rue A","",'
           '"48.92","2.25","CS","","","","","","","","","","2026-01-01","Aide aux démarches '
           'administratives","","","","","","","","","",""')
    header = EXAMPLE.decode().splitlines()[0]
    report = open_data.import_places(world["coordinator"], "s.csv", f"{header}\n{row}\n".encode())
    db.session.commit()
    assert report.updated == ["Centre social S"] and not report.created and not report.unchanged
    assert db.session.get(Organisation, structure.id).lieu_id == "lieu-s"


def _line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if fragment in line)


def _broken() -> tuple[bytes, int]:
    """The generated file with one postcode of four digits, and that row's line."""
    text = GENERATED.decode()
    line = _line_of(text, '"92700","92025"')
    return text.replace('"92700","92025"', '"9270","92025"', 1).encode(), line


def test_one_bad_row_and_nothing_is_written_with_its_line_column_and_reason(world):
    broken, line = _broken()
    before = _structures()
    with pytest.raises(InvalidInput) as error:
        open_data.import_places(world["coordinator"], "lieux.csv", broken)
    assert str(error.value.message) == "1 row of the file is wrong; nothing was imported."
    assert error.value.details["rows"] == [
        {"line": line, "column": "code_postal", "reason": "the postcode “9270” is not 5 digits"}]
    assert error.value.details["reasons"] == [
        f"Line {line}, column “code_postal”: the postcode “9270” is not 5 digits"]
    db.session.rollback()
    assert _structures() == before


def test_lines_are_the_files_own_below_a_title_and_blank_lines(world):
    """A file re-saved with a title and blank lines: the line is still the one the file shows."""
    header, *rows = GENERATED.decode().splitlines()[:40]
    bad = next(i for i, row in enumerate(rows) if '"92' in row)
    rows[bad] = rows[bad].replace('"48.', '"nord', 1)
    text = "\n".join(["Lieux de médiation numérique – export", "", header, rows[0], "", *rows[1:]])
    with pytest.raises(InvalidInput) as error:
        open_data.import_places(world["coordinator"], "lieux.csv", text.encode())
    expected = _line_of(text, rows[bad])
    assert [(r["line"], r["column"]) for r in error.value.details["rows"]] == [(expected, "latitude")]


def test_a_broken_siret_is_a_warning_and_the_place_is_kept(world):
    header = EXAMPLE.decode().splitlines()[0]
    row = EXAMPLE.decode().splitlines()[1].replace('"43493312300029"', '"4349331230002"')
    report = open_data.import_places(world["coordinator"], "x.csv",
                                     f"{header}\n{row}\n".encode(), "51")
    assert report.created == ["Anonymal"]
    assert [(w.line, w.column) for w in report.warnings] == [(2, "pivot")]
    assert "“4349331230002” is not a valid SIRET" in report.warnings[0].reason
    assert db.session.scalar(select(Organisation.siret).where(Organisation.lieu_id == "structure-1")) is None


def test_texts_cut_to_fit_are_warnings(world):
    header = EXAMPLE.decode().splitlines()[0]
    row = EXAMPLE.decode().splitlines()[1].replace('"Anonymal"', '"' + "Anonymal " * 30 + '"') \
        .replace('"contact@laquincaillerie.tl', '"' + "x" * 250 + "@laquincaillerie.tl")
    report = open_data.import_places(world["coordinator"], "x.csv",
                                     f"{header}\n{row}\n".encode(), "51")
    assert [(w.line, w.column, w.reason) for w in report.warnings] == [
        (2, "courriels", "not an e-mail address (over 254 characters): left out"),
        (2, "nom", "longer than 200 characters: cut")]
    place = db.session.scalar(select(Organisation).where(Organisation.lieu_id == "structure-1"))
    assert len(place.name) == 200 and place.email is None


def test_a_siret_already_held_by_another_organisation_is_a_warning(world):
    """The workshop holds 88776655400018; a place claiming it is added without it, and says so."""
    header = EXAMPLE.decode().splitlines()[0]
    row = EXAMPLE.decode().splitlines()[1].replace('"43493312300029"', '"88776655400018"')
    report = open_data.import_places(world["coordinator"], "x.csv",
                                     f"{header}\n{row}\n".encode(), "51")
    assert report.created == ["Anonymal"]
    assert "already belongs to Atelier A" in report.warnings[0].reason


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
    assert "Département 51 — ajoutées : 1, mises à jour : 0, inchangées : 0" in html.unescape(response.text)
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


def test_the_import_page_shows_the_bad_rows_line_column_and_reason(world, browser):
    broken, line = _broken()
    browser.login("coordinator@example.org")
    page = browser.client.get("/structures/")
    response = browser.client.post("/structures/import", data={
        "csrf_token": csrf_from(page.text), "departement": "92",
        "places": (io.BytesIO(broken), "lieux.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422
    text = html.unescape(response.text)
    assert "1 ligne du fichier est fausse ; rien n'a été importé." in text
    assert f"Ligne {line}, colonne « code_postal » : le code postal « 9270 » n'a pas 5 chiffres" in text


def test_the_import_page_shows_the_warnings(world, browser):
    header = EXAMPLE.decode().splitlines()[0]
    row = EXAMPLE.decode().splitlines()[1].replace('"43493312300029"', '"4349331230002"')
    browser.login("coordinator@example.org")
    page = browser.client.get("/structures/")
    response = browser.client.post("/structures/import", data={
        "csrf_token": csrf_from(page.text), "departement": "51",
        "places": (io.BytesIO(f"{header}\n{row}\n".encode()), "lieux.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 200
    text = html.unescape(response.text)
    assert "avertissements : 1." in text
    assert "« 4349331230002 » n'est pas un SIRET valide" in text


def _cli(app, path: Path, departement: str = "92") -> subprocess.CompletedProcess:
    """The installed `recond` command, as cron runs it (French, the default language)."""
    return subprocess.run([RECOND, "import-structures", str(path), "--departement", departement],
                          capture_output=True, text=True, env=env_for(app), timeout=120)


def test_the_import_structures_command_for_a_scheduled_refresh(app, tmp_path):
    broken, line = _broken()
    (tmp_path / "broken.csv").write_bytes(broken)
    failed = _cli(app, tmp_path / "broken.csv")
    assert failed.returncode != 0 and failed.stdout == ""
    assert f"Ligne {line}, colonne « code_postal » : le code postal « 9270 » n'a pas 5 chiffres" \
        in failed.stderr
    assert "1 ligne du fichier est fausse ; rien n'a été importé." in failed.stderr
    db.session.rollback()
    assert _structures() == 0

    (tmp_path / "lieux.csv").write_bytes(GENERATED)
    first = _cli(app, tmp_path / "lieux.csv")
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0] == (
        "Département 92 — ajoutées : 300, mises à jour : 0, inchangées : 0 ; lieux d'autres "
        "départements laissés de côté : 1700 ; avertissements : 0.")
    db.session.rollback()
    assert _structures() == 300

    again = _cli(app, tmp_path / "lieux.csv")
    assert again.returncode == 0, again.stderr
    assert "ajoutées : 0, mises à jour : 0, inchangées : 300" in again.stdout.splitlines()[0]

    wrong = _cli(app, tmp_path / "lieux.csv", departement="9")
    assert wrong.returncode != 0 and "2 ou 3 caractères" in wrong.stderr
    missing = subprocess.run([RECOND, "import-structures", str(tmp_path / "nowhere.csv")],
                             capture_output=True, text=True, env=env_for(app), timeout=120)
    assert missing.returncode != 0 and "nowhere.csv" in missing.stderr


def test_imports_at_the_same_time_add_each_place_once(pg_app):
    """The nightly command and the page may meet: 20 races of two imports of the same file,
    each in its own thread and transaction; every place is added once, nobody gets an error."""
    from tests.races import race

    header, *rows = GENERATED.decode().splitlines()
    places = [row for row in rows if '"92' in row][:5]
    for race_number in range(20):
        content = "\n".join([header, *(p.replace('"lieu-', f'"r{race_number}-lieu-')
                                       for p in places)]).encode()

        def attempt(ready, content=content):
            ready()
            return open_data.import_places(None, "lieux.csv", content, "92")

        outcomes = race(pg_app, attempt, attempt)
        assert all(isinstance(o, open_data.LieuxReport) for o in outcomes), outcomes
        assert sorted(len(o.created) for o in outcomes) == [0, 5], race_number
        assert sorted(len(o.unchanged) for o in outcomes) == [0, 5], race_number
    db.session.rollback()
    assert _structures() == 100
