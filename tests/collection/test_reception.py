"""Reception at the workshop: scan off the van, reconcile, close."""
import pytest

from recond import lifecycle
from recond.collection import deposits, reception
from recond.errors import InvalidInput, NotFound, NotPermitted, Refused
from recond.extensions import db

QWERTY_ON_AZERTY = str.maketrans("1234567890aqzwmAQZWM", "&é\"'(-è_çàqawz,QAWZ?")


def test_scanning_by_serial_asset_tag_or_id_receives_the_device(world):
    deposit = world.deposits["a"]
    a, b, c, d = (world.register() for _ in range(4))
    a.asset_tag = "ASO-1040"
    db.session.commit()
    tech = world["tech_a"]
    assert reception.scan_in(tech, deposit, a.asset_tag.lower()).outcome == "received"
    assert reception.scan_in(tech, deposit, b.serial.translate(QWERTY_ON_AZERTY)).outcome == "received"
    assert reception.scan_in(tech, deposit, c.public_id).outcome == "received"
    assert reception.scan_in(tech, deposit, c.serial).outcome == "already_received"
    assert reception.scan_in(tech, deposit, "NOT-ON-THE-LIST").outcome == "unexpected"
    db.session.commit()
    facts = reception.facts(deposit)
    assert [x.public_id for x in facts.received] == [a.public_id, b.public_id, c.public_id]
    assert [x.public_id for x in facts.missing] == [d.public_id]
    assert facts.unexpected == ["NOT-ON-THE-LIST"] and facts.late == [] and facts.is_open
    assert a.status == "received"

    reception.close(tech, deposit)
    db.session.commit()
    assert deposit.status == "received"
    assert deposit.discrepancies == {"missing": [{"public_id": d.public_id, "serial": d.serial}],
                                     "unexpected": ["NOT-ON-THE-LIST"]}
    with pytest.raises(Refused):
        reception.close(tech, deposit)
    with pytest.raises(Refused):
        world.register()  # no more devices in a closed deposit


def test_a_device_received_after_the_reception_closed_is_a_late_arrival(world):
    """By the reception page or by any other entry point (here the device's own action, as the
    device page, the scan station and the API perform it): late, no longer missing."""
    deposit, tech = world.deposits["a"], world["tech_a"]
    on_time, by_scan, by_action, never = (world.register() for _ in range(4))
    reception.scan_in(tech, deposit, on_time.serial)
    reception.close(tech, deposit)
    db.session.commit()
    assert [d.public_id for d in reception.facts(deposit).missing] == \
        [by_scan.public_id, by_action.public_id, never.public_id]

    assert reception.scan_in(tech, deposit, by_scan.serial).outcome == "late"
    lifecycle.perform(tech, by_action, "receive")
    assert reception.scan_in(tech, deposit, by_action.serial).outcome == "already_received"
    db.session.commit()
    facts = reception.facts(deposit)
    assert not facts.is_open and facts.closed_at == deposit.reception_closed_at
    assert [d.public_id for d in facts.received] == \
        [on_time.public_id, by_scan.public_id, by_action.public_id]
    assert [(a.device.public_id, a.late) for a in facts.arrivals] == \
        [(on_time.public_id, False), (by_scan.public_id, True), (by_action.public_id, True)]
    assert all(a.at > deposit.reception_closed_at for a in facts.late)
    assert [d.public_id for d in facts.missing] == [never.public_id]
    # What closing found is kept as it was found.
    assert len(deposit.discrepancies["missing"]) == 3


def test_a_deposit_never_collected_is_not_received(world):
    """A pledge is not a delivery: its devices are refused at the reception, by their own
    action, and its reception cannot be closed, until it is marked collected."""
    pledge = deposits.create_deposit(world["collector_a"], donor=world.orgs["donor_x"],
                                     workshop=world.orgs["workshop_a"])
    device = lifecycle.register(world["collector_a"], pledge, category="laptop", serial="PLEDGE-1")
    db.session.commit()
    tech = world["tech_a"]
    assert not reception.may_receive(tech, pledge)
    for attempt in (lambda: reception.scan_in(tech, pledge, "PLEDGE-1"),
                    lambda: reception.close(tech, pledge),
                    lambda: lifecycle.perform(tech, device, "receive"),
                    lambda: lifecycle.perform(tech, device, "recycle", {"reason": "HS"}),
                    lambda: lifecycle.perform(tech, device, "dismantle", {"reason": "HS"})):
        with pytest.raises(Refused, match="never marked collected"):
            attempt()
    db.session.rollback()
    assert device.status == "registered"

    deposits.mark_collected(world["collector_a"], pledge)
    assert reception.may_receive(tech, pledge)
    assert reception.scan_in(tech, pledge, "PLEDGE-1").outcome == "received"


def test_a_device_of_another_deposit_is_unexpected_here(world):
    other = world.register(lot="a")
    second = deposits.create_deposit(world["collector_a"], donor=world.orgs["donor_x"],
                                     workshop=world.orgs["workshop_a"])
    deposits.mark_collected(world["collector_a"], second)
    db.session.commit()
    assert reception.scan_in(world["tech_a"], second, other.serial).outcome == "unexpected"
    assert other.status == "registered"


def test_only_the_deposits_workshop_receives_it(world):
    deposit = world.deposits["a"]
    device = world.register()
    with pytest.raises(NotFound):
        reception.scan_in(world["tech_b"], deposit, device.serial)
    with pytest.raises(NotPermitted):
        reception.scan_in(world["collector_a"], deposit, device.serial)
    with pytest.raises(InvalidInput):
        reception.scan_in(world["tech_a"], deposit, "  ")
