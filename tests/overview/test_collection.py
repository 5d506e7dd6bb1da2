"""A collection partner's to-do list: pledges to collect, receptions closed with devices still
missing or codes unexpected — its own deposits only."""
from datetime import date, timedelta

from recond.collection import deposits, reception
from recond.extensions import db
from recond.overview import collection, todo_for


def _pledge(world, collector="collector_a", donor="donor_x"):
    lot = deposits.create_deposit(world[collector], donor=world.orgs[donor],
                                  workshop=world.orgs["workshop_a"], items=[("laptop", 3)])
    db.session.commit()
    return lot


def test_pledges_wait_until_collected_planned_ones_first(world):
    unplanned, planned = _pledge(world), _pledge(world)
    other = _pledge(world, "collector_b", "donor_y")
    deposits.plan_pickup(world["collector_a"], planned, on=date.today() + timedelta(days=2), slot="9 h")
    db.session.commit()
    assert collection.pledges_to_collect(world["collector_a"]) == [planned, unplanned]
    assert collection.pledges_to_collect(world["collector_b"]) == [other]
    deposits.mark_collected(world["collector_a"], planned)
    db.session.commit()
    assert collection.pledges_to_collect(world["collector_a"]) == [unplanned]


def test_a_reception_closed_with_missing_or_unexpected_devices_is_a_discrepancy(world):
    lot = world.deposits["a"]  # collected, as the world's deposits come
    arrived, lost = world.register(), world.register()
    reception.scan_in(world["tech_a"], lot, arrived.public_id)
    reception.scan_in(world["tech_a"], lot, "NOT-ON-THE-LIST")
    reception.close(world["tech_a"], lot)
    db.session.commit()
    [found] = collection.receptions_with_discrepancies(world["collector_a"])
    assert (found.deposit, found.missing, found.unexpected) == (lot, 1, 1)
    assert collection.receptions_with_discrepancies(world["collector_b"]) == []
    # The missing one turns up late: no longer missing; the unexpected code stays.
    reception.scan_in(world["tech_a"], lot, lost.public_id)
    db.session.commit()
    [found] = collection.receptions_with_discrepancies(world["collector_a"])
    assert (found.missing, found.unexpected) == (0, 1)


def test_a_reception_made_whole_by_a_late_arrival_is_no_discrepancy(world):
    lot = world.deposits["a"]
    device, late = world.register(), world.register()
    reception.scan_in(world["tech_a"], lot, device.public_id)
    reception.close(world["tech_a"], lot)
    db.session.commit()
    assert [x.missing for x in collection.receptions_with_discrepancies(world["collector_a"])] == [1]
    reception.scan_in(world["tech_a"], lot, late.public_id)
    db.session.commit()
    assert collection.receptions_with_discrepancies(world["collector_a"]) == []


def test_a_collection_partner_reads_only_the_collections_side(world):
    assert set(todo_for(world["collector_a"])) == {"pledges", "discrepancies"}
