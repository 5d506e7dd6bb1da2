"""Organisation isolation, in the queries themselves: each role sees its own scope only."""
import pytest
from sqlalchemy import select

from recond import scopes
from recond.errors import NotFound
from recond.extensions import db
from recond.models import DeviceEvent


@pytest.fixture
def two_sides(world):
    """Lot a: donor X, collector A, workshop A, allocated to structure S; lot b: the others."""
    return {"a": world.device("reserved", lot="a", structure="structure_s"),
            "b": world.device("reserved", lot="b", structure="structure_t")}


VIEWERS = {"tech_a": "a", "tech_b": "b", "collector_a": "a", "collector_b": "b",
           "donor_x": "a", "donor_y": "b", "structure_s": "a", "structure_t": "b"}


@pytest.mark.parametrize("viewer", sorted(VIEWERS))
def test_each_organisation_sees_its_own_devices_only(world, two_sides, viewer):
    mine, theirs = two_sides[VIEWERS[viewer]], two_sides["b" if VIEWERS[viewer] == "a" else "a"]
    visible = db.session.scalars(scopes.visible_devices(world[viewer])).all()
    assert visible == [mine]
    assert scopes.get_visible_device(world[viewer], mine.public_id) is mine
    with pytest.raises(NotFound):
        scopes.get_visible_device(world[viewer], theirs.public_id)


@pytest.mark.parametrize("viewer", ["coordinator", "admin"])
def test_coordination_sees_everything(world, two_sides, viewer):
    assert len(db.session.scalars(scopes.visible_devices(world[viewer])).all()) == 2


def test_a_structure_loses_sight_of_a_cancelled_allocation(world):
    from recond import lifecycle

    device = world.device("reserved")
    lifecycle.perform(world["coordinator"], device, "cancel_allocation")
    db.session.commit()
    assert db.session.scalars(scopes.visible_devices(world["structure_s"])).all() == []


def test_donors_and_collectors_never_read_allocation_details(world):
    payload = {"grade": "A", "structure_id": 3, "price_cents": 4000, "tier": "minima_sociaux",
               "allocation_id": 1, "line_id": 2}
    event = DeviceEvent(action="allocate", payload=payload)
    for viewer in ("donor_x", "collector_a"):
        assert scopes.visible_details(world[viewer], event) == {"grade": "A"}
    assert scopes.visible_details(world["coordinator"], event) == payload


def test_deposit_scope(world):
    from recond.models import Deposit

    def numbers(user):
        return db.session.scalars(select(Deposit.number).where(scopes.deposit_scope(user))).all()

    assert numbers(world["collector_a"]) == [world.deposits["a"].number]
    assert numbers(world["donor_y"]) == [world.deposits["b"].number]
    assert numbers(world["tech_b"]) == [world.deposits["b"].number]
    assert numbers(world["structure_s"]) == []
    assert len(numbers(world["coordinator"])) == 2


@pytest.mark.parametrize("viewer", sorted(VIEWERS) + ["coordinator", "admin"])
def test_allocations_are_the_structures_own_and_certificates_follow_their_devices(world, two_sides,
                                                                                  viewer):
    """Allocations: a structure's own, the coordination all, nobody else any; certificates:
    those of the devices one sees."""
    from recond import lifecycle
    from recond.models import Allocation, Certificate
    from recond.workshop import certificates

    for side, tech in (("a", "tech_a"), ("b", "tech_b")):
        certificates.issue_for_device(world[tech], two_sides[side])
    db.session.commit()
    everything = world[viewer].sees_everything
    side = VIEWERS.get(viewer)
    allocated = db.session.scalars(select(Allocation.device_id)
                                   .where(scopes.allocation_scope(world[viewer]))).all()
    expected = [d.id for d in two_sides.values()] if everything else \
        [two_sides[side].id] if viewer.startswith("structure") else []
    assert sorted(allocated) == sorted(expected)
    covered = db.session.scalars(select(Certificate.device_id)
                                 .where(scopes.certificate_scope(world[viewer]))).all()
    assert sorted(covered) == sorted([d.id for d in two_sides.values()] if everything
                                     else [two_sides[side].id])
    assert lifecycle.active_allocation(two_sides["a"]).structure_id == world.orgs["structure_s"].id
