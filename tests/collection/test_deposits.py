"""Deposits from pledge to reception, and who may touch them."""
from datetime import date

import pytest

from recond.collection import deposits, donors
from recond.errors import InvalidInput, NotFound, NotPermitted, Refused


def test_pledge_pickup_collected(world):
    collector = world["collector_a"]
    site = donors.add_site(collector, world.orgs["donor_x"], label="Siège", address="1 rue A",
                           postcode="92400")
    assert site.insee_code == "92026"  # Courbevoie
    deposit = deposits.create_deposit(collector, donor=world.orgs["donor_x"],
                                      workshop=world.orgs["workshop_a"], site_id=site.id,
                                      items=[("laptop", 20), ("screen", 5)])
    assert deposit.number == f"DEP-{deposit.id:06d}" and deposit.status == "pledged"
    deposits.plan_pickup(collector, deposit, on=date(2026, 12, 1), slot="9 h – 12 h")
    assert deposit.status == "pickup_planned"
    deposits.mark_collected(collector, deposit)
    assert deposit.status == "collected" and deposit.collected_at
    with pytest.raises(Refused):
        deposits.plan_pickup(collector, deposit, on=date(2026, 12, 2), slot="14 h")


def test_a_collector_pledges_only_for_its_own_donors(world):
    with pytest.raises(NotFound):
        deposits.create_deposit(world["collector_b"], donor=world.orgs["donor_x"],
                                workshop=world.orgs["workshop_a"])
    with pytest.raises(NotPermitted):
        deposits.create_deposit(world["tech_a"], donor=world.orgs["donor_x"],
                                workshop=world.orgs["workshop_a"])
    with pytest.raises(InvalidInput):
        deposits.create_deposit(world["collector_a"], donor=world.orgs["donor_x"],
                                workshop=world.orgs["workshop_a"], items=[("toaster", 2)])


def test_donor_companies_need_a_valid_siret_and_stay_with_their_collector(world):
    with pytest.raises(InvalidInput) as refused:
        donors.create_donor(world["collector_a"], name="Sans SIRET", siret="123")
    assert refused.value.code == "invalid_siret"
    donor = donors.create_donor(world["collector_a"], name="Nouvelle SA", siret="732 829 320 00074")
    assert donor.siret == "73282932000074" and donor.managed_by_id == world.orgs["collector_a"].id
    with pytest.raises(NotFound):
        donors.get_donor(world["collector_b"], donor.id)
    with pytest.raises(NotFound):
        donors.add_contact(world["collector_b"], donor, name="X")
    assert donors.get_donor(world["coordinator"], donor.id) is donor


def test_deposit_isolation(world):
    number_a = world.deposits["a"].number
    for user in ("collector_b", "donor_y", "tech_b", "structure_s"):
        with pytest.raises(NotFound):
            deposits.get_deposit(world[user], number_a)
    for user in ("collector_a", "donor_x", "tech_a", "coordinator"):
        assert deposits.get_deposit(world[user], number_a.lower()).number == number_a


def test_the_donor_records_its_valuation_the_collector_cannot_invent_it_elsewhere(world):
    deposit = world.deposits["a"]
    deposits.record_valuation(world["donor_x"], deposit, valuation_cents=150000,
                              signatory="Sophie Martin, DAF", basis="stock_value")
    assert (deposit.valuation_cents, deposit.valuation_basis) == (150000, "stock_value")
    with pytest.raises(NotFound):
        deposits.record_valuation(world["donor_y"], deposit, valuation_cents=1, signatory="X",
                                  basis="cost_price")
    with pytest.raises(InvalidInput):
        deposits.record_valuation(world["donor_x"], deposit, valuation_cents=-5, signatory="X",
                                  basis="cost_price")
    with pytest.raises(InvalidInput):  # the basis says how the donor valued it: always
        deposits.record_valuation(world["donor_x"], deposit, valuation_cents=5, signatory="X",
                                  basis="market_value")


def test_summary_for_donors(world):
    world.device("released")
    world.device("recycled")
    world.device("received")
    world.register()
    summary = deposits.summary(world.deposits["a"])
    assert summary["registered"] == 4 and summary["reused"] == 1 and summary["released"] == 1
    assert summary["recycled"] == 1 and summary["in_progress"] == 1 and summary["awaiting"] == 1
