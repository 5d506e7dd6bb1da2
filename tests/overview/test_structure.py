"""A structure's to-do list: devices to hand over with what each still needs (the training
gate's and the payments' verdicts), deliveries to scan, its requests awaiting a decision —
only its own."""
from datetime import date, timedelta

from recond import lifecycle
from recond.distribution import deliveries, equipment_requests, training_gate
from recond.extensions import db
from recond.overview import structure, todo_for


def test_a_delivered_device_shows_what_it_still_needs_until_handed_over(world):
    device = world.device("delivered")
    allocation = lifecycle.active_allocation(device)
    [waiting] = structure.handovers(world["structure_s"])
    assert (waiting.device, waiting.trained, waiting.left_to_pay) == (device, False, allocation.price_cents)
    world.train(present=[allocation.beneficiary])
    [waiting] = structure.handovers(world["structure_s"])
    assert waiting.trained and not waiting.complete
    world.pay(device, amount=1000)
    [waiting] = structure.handovers(world["structure_s"])
    assert waiting.left_to_pay == allocation.price_cents - 1000
    world.pay(device, amount=allocation.price_cents - 1000)
    [waiting] = structure.handovers(world["structure_s"])
    assert waiting.complete
    lifecycle.perform(world["structure_s"], device, "release")
    db.session.commit()
    assert structure.handovers(world["structure_s"]) == []


def test_only_delivered_devices_of_the_structure_wait_for_a_handover(world):
    mine = world.device("delivered")
    world.device("reserved")
    world.device("released")
    world.device("delivered", structure="structure_t")
    assert [h.device for h in structure.handovers(world["structure_s"])] == [mine]
    assert structure.handovers(world["coordinator"])[0].device == mine  # sees everything


def test_the_many_gates_are_the_gate_of_each(world):
    """The home page reads every gate in one query: the same verdicts as one by one, reasons
    included (no session, another beneficiary's, too old, too short, own use, opened)."""
    devices = [world.device("delivered") for _ in range(5)] + [world.device("delivered", own_use=True)]
    allocations = [lifecycle.active_allocation(d) for d in devices]
    world.train(present=[allocations[1].beneficiary, world.beneficiary()])
    world.train(present=[allocations[2].beneficiary], held_on=date.today() - timedelta(days=400))
    world.train(present=[allocations[3].beneficiary], minutes=10)
    world.train(present=[allocations[4].beneficiary], minutes=10)
    world.train(present=[allocations[4].beneficiary], minutes=90)
    world.train(staff=["Agent d'accueil"], minutes=10)
    many = training_gate.gates(allocations)
    for allocation in allocations:
        session, reasons = training_gate.gate(allocation)
        assert many[allocation.id][0] == session
        assert [str(r) for r in many[allocation.id][1]] == [str(r) for r in reasons]
    assert [many[a.id][0] is not None for a in allocations] == [False, True, False, False, True, False]


def test_deliveries_to_scan_are_the_shipped_notes_addressed_to_the_structure(world):
    first, second = world.device("reserved"), world.device("reserved")
    note = world.ship([first, second])
    world.ship([world.device("reserved", structure="structure_t")], structure="structure_t")
    still_here = world.device("reserved")
    preparing = deliveries.open_note(world["tech_a"], world.orgs["structure_s"].id)
    deliveries.add_device(world["tech_a"], preparing, still_here.public_id)
    db.session.commit()
    deliveries.receive_scan(world["structure_s"], note, first.public_id)
    db.session.commit()
    [arrival] = structure.arrivals(world["structure_s"])
    assert (arrival.note, arrival.expected, arrival.scanned) == (note, 2, 1)
    deliveries.close(world["structure_s"], note)
    db.session.commit()
    assert structure.arrivals(world["structure_s"]) == []


def test_own_requests_wait_until_the_coordination_decides(world):
    waiting = equipment_requests.submit(world["structure_s"], purpose="beneficiaries",
                                        lines=[("laptop", 2)], justification="Atelier")
    equipment_requests.submit(world["structure_t"], purpose="beneficiaries",
                              lines=[("laptop", 1)], justification="Autre")
    world.approved_line()
    db.session.commit()
    assert structure.requests_awaiting_decision(world["structure_s"]) == [waiting]
    equipment_requests.approve(world["coordinator"], waiting)
    db.session.commit()
    assert structure.requests_awaiting_decision(world["structure_s"]) == []


def test_a_structure_reads_only_its_own_side(world):
    assert set(todo_for(world["structure_s"])) == {"handovers", "arrivals", "own_requests"}
