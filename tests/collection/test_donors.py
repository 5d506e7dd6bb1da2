"""Donor companies, through `recond.collection.donors`: added by collection partners and the
coordination, identified by their SIRET, with sites and contacts; a collector manages (and
sees) only its own donors; a donor sees itself."""
import pytest

from recond.collection import donors
from recond.errors import InvalidInput, NotFound, NotPermitted
from recond.extensions import db


def test_a_collector_adds_a_donor_it_then_manages(world):
    donor = donors.create_donor(world["collector_a"], name="Société Z", siret="73282932000074",
                                insee_code="92050")
    db.session.commit()
    assert donor.kind == "donor" and donor.managed_by_id == world.orgs["collector_a"].id
    assert donors.get_donor(world["collector_a"], donor.id) == donor
    assert donors.get_donor(world["coordinator"], donor.id) == donor
    with pytest.raises(NotFound):
        donors.get_donor(world["collector_b"], donor.id)


@pytest.mark.parametrize("values, code", [
    ({"name": "Z", "siret": " "}, "invalid_siret"), ({"name": " ", "siret": "73282932000074"}, None),
])
def test_a_donor_has_a_siret_and_a_name(world, values, code):
    with pytest.raises(InvalidInput) as refused:
        donors.create_donor(world["collector_a"], **values)
    assert code is None or refused.value.code == code


@pytest.mark.parametrize("role", ["tech_a", "structure_s", "donor_x"])
def test_only_collectors_and_the_coordination_add_donors(world, role):
    with pytest.raises(NotPermitted):
        donors.create_donor(world[role], name="Z", siret="73282932000074")


def test_sites_and_contacts_of_a_managed_donor(world):
    donor = world.orgs["donor_x"]
    site = donors.add_site(world["collector_a"], donor, label=" Siège ", address="1 rue X",
                           postcode="92000")
    contact = donors.add_contact(world["collector_a"], donor, name=" C. Dupont ", title="DAF",
                                 email="c.dupont@example.org")
    db.session.commit()
    assert (site.label, site.insee_code) == ("Siège", "92050")  # Nanterre: one commune
    assert contact.name == "C. Dupont"
    with pytest.raises(InvalidInput):
        donors.add_site(world["collector_a"], donor, label="Annexe", address="2 rue Y", postcode="920")
    with pytest.raises(InvalidInput):
        donors.add_contact(world["collector_a"], donor, name="X", email="pas-une-adresse")
    with pytest.raises(InvalidInput):
        donors.add_contact(world["collector_a"], donor, name=" ")


def test_another_collectors_donor_is_not_managed(world):
    theirs = world.orgs["donor_y"]
    with pytest.raises(NotFound):
        donors.add_site(world["collector_a"], theirs, label="S", address="A", postcode="92000")
    with pytest.raises(NotPermitted):
        donors.add_contact(world["tech_a"], theirs, name="X")


def test_each_reader_sees_the_donors_of_its_scope(world):
    x, y = world.orgs["donor_x"], world.orgs["donor_y"]
    assert db.session.scalars(donors.visible_donors(world["collector_a"])).all() == [x]
    assert db.session.scalars(donors.visible_donors(world["donor_y"])).all() == [y]
    assert set(db.session.scalars(donors.visible_donors(world["admin"]))) >= {x, y}
    assert db.session.scalars(donors.visible_donors(world["structure_s"])).all() == []
