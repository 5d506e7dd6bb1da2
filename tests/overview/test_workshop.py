"""A workshop's to-do list: its devices waiting at each step (the oldest first), the failed
wipes to settle (the same media sanitisation blocks), the receptions under way — its own."""
from datetime import date

from recond.collection import deposits, reception
from recond.extensions import db
from recond.overview import todo_for, workshop
from recond.workshop import sanitisation, storage_media

DESTRUCTION = {"method": "shredding", "destroyed_by": "Paprec, prestataire",
               "destroyed_on": date.today().isoformat(), "reference": "PAP-2026-0042"}


def test_devices_wait_at_each_step_in_the_benchs_order_oldest_first(world):
    received = [world.device("received") for _ in range(4)]
    wiped = world.device("wiped")
    world.device("ready")
    world.device("registered")
    reserved = world.device("reserved")
    world.device("received", lot="b")  # another workshop's
    stages = workshop.stages(world["tech_a"])
    assert [(s.status, s.count) for s in stages] == [("received", 4), ("wiped", 1), ("reserved", 1)]
    assert stages[0].first == received[:workshop.FIRST]
    assert stages[1].first == [wiped] and stages[2].first == [reserved] and stages[2].for_delivery
    assert [(s.status, s.count) for s in workshop.stages(world["tech_b"])] == [("received", 1)]


def test_a_failed_wipe_waits_until_the_medium_is_destroyed_or_removed(world):
    destroyed, removed = world.device("received"), world.device("received")
    world.sanitise(destroyed, passed=False)
    world.sanitise(removed, passed=False)
    world.device("received", lot="b")
    other = world.device("received", lot="b")
    world.sanitise(other, passed=False)
    waiting = workshop.failed_wipes(world["tech_a"])
    assert [m.device for m in waiting] == [destroyed, removed]
    # The same media the wipe guard names as failed.
    for medium in waiting:
        assert "failed its wipe" in str(sanitisation.missing_sanitisation(medium.device)[0])
    storage_media.destroy(world["tech_a"], destroyed, destroyed.media[0].id, DESTRUCTION)
    storage_media.remove(world["tech_a"], removed, removed.media[0].id, {"destination": "recycling"})
    db.session.commit()
    assert workshop.failed_wipes(world["tech_a"]) == []
    assert [m.device for m in workshop.failed_wipes(world["tech_b"])] == [other]


def test_a_passed_wipe_after_a_failure_still_waits_for_the_destruction(world):
    """A medium that failed is never trusted again (sanitisation.conclusive_record)."""
    device = world.device("received")
    world.sanitise(device, passed=False)
    world.sanitise(device, passed=True)
    assert [m.device for m in workshop.failed_wipes(world["tech_a"])] == [device]
    assert sanitisation.missing_sanitisation(device)


def test_receptions_open_on_collected_deposits_until_closed(world):
    lot = world.deposits["a"]  # collected, as the world's deposits come
    expected = [world.register() for _ in range(3)]
    pledge = deposits.create_deposit(world["collector_a"], donor=world.orgs["donor_x"],
                                     workshop=world.orgs["workshop_a"], items=[("laptop", 2)])
    db.session.commit()
    reception.scan_in(world["tech_a"], lot, expected[0].public_id)
    reception.scan_in(world["tech_a"], lot, "NOT-ON-THE-LIST")
    reception.scan_in(world["tech_a"], lot, "NOT-ON-THE-LIST")
    db.session.commit()
    [under_way] = workshop.receptions_to_close(world["tech_a"])  # not the pledge
    assert (under_way.deposit, under_way.expected, under_way.arrived, under_way.unexpected,
            under_way.missing) == (lot, 3, 1, 1, 2)
    facts = reception.facts(lot)  # the reception's own account, counted the same
    assert (len(facts.expected), len(facts.received), len(facts.unexpected)) == (3, 1, 1)
    assert [r.deposit for r in workshop.receptions_to_close(world["tech_b"])] == [world.deposits["b"]]
    reception.close(world["tech_a"], lot)
    db.session.commit()
    assert workshop.receptions_to_close(world["tech_a"]) == []
    assert pledge.status == "pledged"


def test_a_technician_reads_only_the_workshops_side(world):
    assert set(todo_for(world["tech_a"])) == {"stages", "failed_wipes", "receptions", "transfers"}
