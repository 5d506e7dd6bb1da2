"""A collection partner's to-do list: pledges to collect, receptions closed with discrepancies
— its own deposits only."""
from datetime import date, timedelta

from recond.collection import deposits, reception
from recond.extensions import db
from recond.overview import collection, todo_for


def _collected(world, lot):
    deposits.plan_pickup(world["collector_a"], lot, on=date.today() - timedelta(days=1), slot="9 h")
    deposits.mark_collected(world["collector_a"], lot)
    db.session.commit()


def test_pledges_wait_until_collected_planned_ones_first(world):
    unplanned = world.deposits["a"]
    planned = deposits.create_deposit(world["collector_a"], donor=world.orgs["donor_x"],
                                      workshop=world.orgs["workshop_a"], items=[("laptop", 3)])
    deposits.plan_pickup(world["collector_a"], planned, on=date.today() + timedelta(days=2), slot="9 h")
    db.session.commit()
    assert collection.pledges_to_collect(world["collector_a"]) == [planned, unplanned]
    assert collection.pledges_to_collect(world["collector_b"]) == [world.deposits["b"]]
    deposits.mark_collected(world["collector_a"], planned)
    db.session.commit()
    assert collection.pledges_to_collect(world["collector_a"]) == [unplanned]


def test_a_reception_closed_with_missing_or_unexpected_devices_is_a_discrepancy(world):
    lot = world.deposits["a"]
    arrived, lost = world.register(), world.register()
    _collected(world, lot)
    reception.scan_in(world["tech_a"], lot, arrived.public_id)
    reception.scan_in(world["tech_a"], lot, "NOT-ON-THE-LIST")
    reception.close(world["tech_a"], lot)
    db.session.commit()
    [found] = collection.receptions_with_discrepancies(world["collector_a"])
    assert (found.deposit, found.missing, found.unexpected) == (lot, 1, 1)
    assert collection.receptions_with_discrepancies(world["collector_b"]) == []
    assert lost.status == "registered"


def test_a_reception_closed_as_expected_is_no_discrepancy(world):
    lot = world.deposits["a"]
    device = world.register()
    _collected(world, lot)
    reception.scan_in(world["tech_a"], lot, device.public_id)
    reception.close(world["tech_a"], lot)
    db.session.commit()
    assert collection.receptions_with_discrepancies(world["collector_a"]) == []


def test_a_collection_partner_reads_only_the_collections_side(world):
    assert set(todo_for(world["collector_a"])) == {"pledges", "discrepancies"}
