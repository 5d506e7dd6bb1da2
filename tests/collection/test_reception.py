"""Reception at the workshop: scan off the van, reconcile, close."""
import pytest

from recond.collection import reception
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
    state = reception.state(deposit)
    assert [x.public_id for x in state["received"]] == [a.public_id, b.public_id, c.public_id]
    assert [x.public_id for x in state["missing"]] == [d.public_id]
    assert state["unexpected"] == ["NOT-ON-THE-LIST"]
    assert a.status == "received"

    reception.close(tech, deposit)
    db.session.commit()
    assert deposit.status == "received"
    assert deposit.discrepancies == {"missing": [{"public_id": d.public_id, "serial": d.serial}],
                                     "unexpected": ["NOT-ON-THE-LIST"]}
    with pytest.raises(Refused):
        reception.scan_in(tech, deposit, d.serial)
    with pytest.raises(Refused):
        world.register()  # no more devices in a closed deposit


def test_a_device_of_another_deposit_is_unexpected_here(world):
    other = world.register(lot="a")
    from recond.collection import deposits
    second = deposits.create_deposit(world["collector_a"], donor=world.orgs["donor_x"],
                                     workshop=world.orgs["workshop_a"])
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
