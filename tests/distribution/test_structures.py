"""The structures directory, through `recond.distribution.structures`: the coordination keeps
it; a structure reads and corrects its own contact details only; the workshop reads the names
it ships to; every field is checked (name, SIRET, INSEE code and territory, postcode)."""
import pytest

from recond.distribution import structures
from recond.errors import InvalidInput, NotFound, NotPermitted
from recond.extensions import db


def test_the_coordination_adds_a_structure_with_its_territory(world):
    added = structures.create_structure(world["coordinator"], name="Centre social Les Blagis",
                                        siret="44200133700025", insee_code="92071",
                                        postcode="92330", qpv=True)
    db.session.commit()
    assert added.kind == "structure" and added.territory and added.commune and added.qpv
    assert added in structures.directory(world["admin"], "blagis")
    assert structures.get_structure(world["tech_a"], added.id) == added


@pytest.mark.parametrize("values, said", [
    ({"name": " "}, "name"), ({"name": "Structure S"}, "already exists"),
    ({"name": "X", "siret": "12345678901234"}, "SIRET"),
    ({"name": "X", "insee_code": "9205"}, "INSEE"), ({"name": "X", "postcode": "9233"}, "postcode"),
])
def test_what_is_wrong_is_refused_with_its_reason(world, values, said):
    with pytest.raises(InvalidInput) as refused:
        structures.create_structure(world["coordinator"], **values)
    assert said in str(refused.value.message)


@pytest.mark.parametrize("role", ["tech_a", "collector_a", "structure_s", "donor_x"])
def test_only_the_coordination_adds_structures(world, role):
    with pytest.raises(NotPermitted):
        structures.create_structure(world[role], name="Nouvelle")


def test_a_structure_corrects_its_own_contact_details_only(world):
    own = world.orgs["structure_s"]
    structures.update_structure(world["structure_s"], own, phone=" 01 23 45 67 89 ",
                                email="accueil@example.org", postcode="92700")
    db.session.commit()
    assert (own.phone, own.email, own.postcode) == ("01 23 45 67 89", "accueil@example.org", "92700")
    with pytest.raises(NotPermitted):
        structures.update_structure(world["structure_s"], own, qpv=True)
    with pytest.raises(NotPermitted):
        structures.update_structure(world["structure_s"], own, name="Autre nom")
    with pytest.raises(NotPermitted):
        structures.update_structure(world["structure_s"], world.orgs["structure_t"], phone="0")
    with pytest.raises(NotPermitted):
        structures.update_structure(world["tech_a"], own, phone="0")


def test_the_coordination_renames_and_moves_a_structure(world):
    other = world.orgs["structure_t"]
    structures.update_structure(world["coordinator"], other, name="Structure T bis",
                                insee_code="92050", qpv=True)
    db.session.commit()
    assert other.name == "Structure T bis" and other.insee_code == "92050" and other.qpv
    structures.update_structure(world["coordinator"], other, name="Structure T bis")  # unchanged


def test_each_reader_sees_what_the_directory_scope_allows(world):
    s, t = world.orgs["structure_s"], world.orgs["structure_t"]
    assert structures.directory(world["structure_s"]) == [s]
    with pytest.raises(NotFound):
        structures.get_structure(world["structure_s"], t.id)
    assert {s, t} <= set(structures.directory(world["tech_a"]))
    for outsider in ("collector_a", "donor_x"):
        assert structures.directory(world[outsider]) == []
        with pytest.raises(NotFound):
            structures.get_structure(world[outsider], s.id)
