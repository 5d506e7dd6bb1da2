"""The allocation desk: proposals, the fairness view, and the desk's own form."""
import pytest

from recond.distribution import allocations, equipment_requests as requests_, structures
from recond import lifecycle
from recond.distribution.equipment_requests import LineWish
from recond.extensions import db
from tests.conftest import csrf_from


def _line(world, **wish):
    request = requests_.submit(world["structure_s"], purpose="beneficiaries",
                               lines=[LineWish("laptop", 3, **wish)])
    requests_.approve(world["coordinator"], request)
    db.session.commit()
    return request.lines[0]


def test_proposals_right_category_oldest_ready_first(world):
    first, second = world.device("ready"), world.device("ready")
    world.device("ready", category="phone")
    world.device("os_installed")
    assert allocations.proposals(_line(world)) == [first, second]


def test_proposals_meet_the_minimum_specs(world):
    small, big = world.device("ready"), world.device("ready")
    big.specs = {"ram_gb": 16}
    db.session.commit()
    assert allocations.proposals(_line(world, min_ram_gb=12)) == [big]
    assert allocations.proposals(_line(world, min_storage_gb=500)) == []
    assert allocations.proposals(_line(world, min_storage_gb=256)) == [small, big]


def test_open_lines_leave_when_full(world):
    line = world.approved_line(quantity=1)
    assert line.id in [o.line.id for o in allocations.open_lines()]
    device = world.device("ready")
    lifecycle.perform(world["coordinator"], device, "allocate",
                      {"line_id": line.id, "beneficiary_id": world.beneficiary().id})
    db.session.commit()
    assert line.id not in [o.line.id for o in allocations.open_lines()]


def test_fairness_per_structure_territory_and_qpv_share(world):
    structures.update_structure(world["coordinator"], world.orgs["structure_s"], qpv=True)
    world.device("reserved", structure="structure_s")  # approved 5, allocated 1
    world.approved_line("structure_t", quantity=3)
    report = allocations.fairness()
    s, t = report.structures
    assert (s.name, s.requested, s.approved, s.allocated, s.qpv) == ("Structure S", 5, 5, 1, True)
    assert (t.name, t.requested, t.allocated) == ("Structure T", 3, 0)
    assert report.qpv_share == 1.0
    territories = {share.name: share for share in report.territories}
    assert territories["Boucle Nord de Seine"].allocated == 1  # Colombes
    assert territories["Vallée Sud Grand Paris"].requested == 3  # Bagneux


def test_the_desk_proposes_and_allocates(world, browser):
    device = world.device("ready")
    line = world.approved_line(quantity=1)
    person = world.beneficiary(reference="FJ-0042")
    browser.login("coordinator@example.org")
    page = browser.client.get("/allocation")
    assert device.public_id in page.text and "FJ-0042" in page.text
    response = browser.client.post(f"/allocation/lines/{line.id}", data={
        "csrf_token": csrf_from(page.text), "device": device.public_id, "version": device.version,
        "beneficiary": person.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert lifecycle.active_allocation(device).beneficiary_id == person.id


def test_a_forged_allocation_to_another_structures_beneficiary_is_refused(world, browser):
    device = world.device("ready")
    line = world.approved_line("structure_s", quantity=1)
    stranger = world.beneficiary("structure_t")
    browser.login("coordinator@example.org")
    page = browser.client.get("/allocation")
    response = browser.client.post(f"/allocation/lines/{line.id}", data={
        "csrf_token": csrf_from(page.text), "device": device.public_id, "version": device.version,
        "beneficiary": stranger.id})
    assert response.status_code == 409
    db.session.expire_all()
    assert lifecycle.active_allocation(device) is None


def test_a_new_grid_version_from_the_page_keeps_past_prices(world, browser):
    device = world.device("reserved")
    allocation = lifecycle.active_allocation(device)
    browser.login("coordinator@example.org")
    form = {"price-laptop-A-minima_sociaux": "35,50", "price-laptop-A-job_seeker": "40"}
    assert browser.post_form("/pricing", "/pricing", form).status_code == 302
    db.session.expire_all()
    assert (allocation.price_cents, allocation.grid_version) == (4000, 1)
    other = world.device("reserved")
    assert (lifecycle.active_allocation(other).price_cents,
            lifecycle.active_allocation(other).grid_version) == (3550, 2)
    below = browser.post_form("/pricing", "/pricing", {"price-laptop-A-job_seeker": "5"})
    assert below.status_code == 422 and "jamais nul" in below.text


def _count_queries(read) -> int:
    from sqlalchemy import event

    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        read()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def test_the_desk_costs_the_same_queries_however_many_lines_wait(app, world, browser):
    """The desk's read model loads lines, proposals (with their media) and recipients at once:
    one more line, structure, category or beneficiary adds no query, on the page or in the domain."""
    def grow(category: str, structure: str):
        world.approved_line(structure=structure, category=category, quantity=2)
        world.beneficiary(structure)
        world.device("ready", category=category)

    grow("laptop", "structure_s")
    browser.login("coordinator@example.org")

    def page():
        db.session.expire_all()
        assert browser.client.get("/allocation").status_code == 200

    def domain():
        db.session.expire_all()
        shown = allocations.desk()
        for line in shown.lines:  # what the page reads of each line and proposal
            _ = (line.line.request.structure.name, line.line.request.number,
                 [allocations.storage_gb(d) for d in shown.proposals[line.line.id]])

    before = (_count_queries(page), _count_queries(domain))
    for category, structure in (("laptop", "structure_t"), ("desktop", "structure_s"),
                                ("phone", "structure_t"), ("tablet", "structure_s")):
        grow(category, structure)
    assert len(allocations.desk().lines) == 5
    assert (_count_queries(page), _count_queries(domain)) == before


def test_the_desk_proposes_what_each_line_would_alone(world):
    """The read model's proposals and recipients are the per-line ones."""
    small, big = world.device("ready"), world.device("ready")
    big.specs = {"ram_gb": 16}
    phone = world.device("ready", category="phone")
    db.session.commit()
    wide, narrow = _line(world), _line(world, min_ram_gb=12)
    phones = world.approved_line(category="phone", structure="structure_t")
    person = world.beneficiary()
    shown = allocations.desk()
    assert shown.proposals[wide.id] == allocations.proposals(wide) == [small, big]
    assert shown.proposals[narrow.id] == allocations.proposals(narrow) == [big]
    assert shown.proposals[phones.id] == [phone]
    structure_s = wide.request.structure_id
    assert shown.recipients[structure_s].waiting == allocations.recipients(structure_s).waiting == [person]
    assert not shown.recipients[phones.request.structure_id]
    assert shown.grid is not None and shown.stock


@pytest.mark.parametrize("field, typed", [("beneficiary", "²"), ("beneficiary", "9" * 30),
                                          ("beneficiary", "9" * 5000), ("version", "²"),
                                          ("version", "9" * 30)])
def test_the_desk_refuses_a_forged_number_with_422_not_500(world, browser, field, typed):
    device = world.device("ready")
    line = world.approved_line(quantity=1)
    person = world.beneficiary(reference="FJ-0042")
    browser.login("coordinator@example.org")
    page = browser.client.get("/allocation")
    form = {"csrf_token": csrf_from(page.text), "device": device.public_id,
            "version": device.version, "beneficiary": person.id, field: typed}
    response = browser.client.post(f"/allocation/lines/{line.id}", data=form)
    assert response.status_code == 422 and "Rechargez la page" in response.text
    db.session.expire_all()
    assert lifecycle.active_allocation(device) is None


def test_the_desk_says_why_a_line_cannot_be_allocated_as_the_allocation_would_refuse(world):
    """`blocked` gives the reason the lifecycle's guard would give: no grid in force."""
    from datetime import timedelta

    from sqlalchemy import update

    from recond.clock import utcnow
    from recond.errors import DomainError
    from recond.models import PriceGrid

    device = world.device("ready")
    line = world.approved_line(quantity=1)
    person = world.beneficiary()
    assert allocations.desk().blocked == {line.id: None}
    db.session.execute(update(PriceGrid).values(effective_from=utcnow() + timedelta(days=1)))
    db.session.commit()
    assert "No price grid is in force" in str(allocations.desk().blocked[line.id])
    with pytest.raises(DomainError):
        lifecycle.perform(world["coordinator"], device, "allocate",
                          {"line_id": line.id, "beneficiary_id": person.id})
    db.session.rollback()


def test_the_desk_shows_a_device_under_one_line_naming_the_others_it_fits(world):
    first, second = world.device("ready"), world.device("ready")
    older, newer = world.approved_line(quantity=1), world.approved_line("structure_t", quantity=1)
    shown = allocations.desk()
    assert [(o.device, [f.line for f in o.also_fits]) for o in shown.offers[older.id]] \
        == [(first, [newer])]
    assert [(o.device, [f.line for f in o.also_fits]) for o in shown.offers[newer.id]] \
        == [(second, [older])]
    assert shown.proposals[older.id] == shown.proposals[newer.id] == [first, second]
