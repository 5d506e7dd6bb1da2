"""The coordination's to-do list: requests to decide, approved lines waiting for devices (the
desk's own list), the ready stock by category and grade."""
from recond import lifecycle
from recond.distribution import allocations, equipment_requests
from recond.extensions import db
from recond.overview import coordination, todo_for


def test_requests_wait_for_a_decision_oldest_first(world):
    first = equipment_requests.submit(world["structure_s"], purpose="beneficiaries",
                                      lines=[("laptop", 2)], justification="Atelier")
    second = equipment_requests.submit(world["structure_t"], purpose="own_use",
                                       lines=[("desktop", 1)], justification="Accueil")
    db.session.commit()
    assert coordination.requests_to_decide(world["coordinator"]) == [first, second]
    equipment_requests.approve(world["coordinator"], first)
    db.session.commit()
    assert coordination.requests_to_decide(world["coordinator"]) == [second]


def test_approved_lines_wait_until_their_devices_are_allocated(world):
    line = world.approved_line(quantity=1)
    assert [(o.line, o.remaining) for o in coordination.lines_waiting(world["coordinator"])] == [(line, 1)]
    assert [o.line for o in coordination.lines_waiting(world["coordinator"])] == \
        [o.line for o in allocations.open_lines()]
    lifecycle.perform(world["coordinator"], world.device("ready"), "allocate",
                      {"line_id": line.id, "beneficiary_id": world.beneficiary().id})
    db.session.commit()
    assert coordination.lines_waiting(world["coordinator"]) == []


def test_ready_stock_by_category_and_grade(world):
    world.device("ready"), world.device("ready")
    world.advance(world.register(), "ready", grade="B")
    world.device("ready", category="phone")
    world.device("reserved"), world.device("os_installed")
    assert coordination.stock_by_grade(world["coordinator"]) == [
        ("laptop", "A", 2), ("laptop", "B", 1), ("phone", "A", 1)]


def test_a_coordinator_reads_only_the_coordinations_side(world):
    assert set(todo_for(world["coordinator"])) == {"requests_to_decide", "lines_waiting", "stock",
                                                      "conventions_behind"}
    assert set(todo_for(world["admin"])) == {"organisations", "counts"}
