"""Every home page costs the same number of queries however much work waits: one more device
at each step, delivery, request, line, deposit, reception or certificate adds none (each
list loads what its page shows with it)."""
from datetime import date, timedelta

from sqlalchemy import event

from recond import lifecycle, siret
from recond.collection import deposits, donors, reception
from recond.distribution import equipment_requests
from recond.extensions import db
from recond.workshop import certificates

USERS = ("structure_s", "tech_a", "coordinator", "collector_a", "donor_x", "admin")


def _queries(client) -> int:
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get("/")
        assert response.status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def _lot(world, donor, *, collected: bool, by: str = "collector_a"):
    lot = deposits.create_deposit(world[by], donor=donor, workshop=world.orgs["workshop_a"],
                                  items=[("laptop", 2)])
    if collected:
        deposits.plan_pickup(world[by], lot, on=date.today() - timedelta(days=1), slot="9 h")
        deposits.mark_collected(world[by], lot)
    db.session.commit()
    return lot


def _siret(n: int) -> str:
    """A SIRET that passes the Luhn check, for a donor company made up here."""
    base = f"{12345600 + n:013d}"
    return next(base + d for d in "0123456789" if siret.luhn_valid(base + d))


def _register(world, lot, category):
    world.serial += 1
    return lifecycle.register(world["collector_a" if lot.collector_id == world.orgs["collector_a"].id
                                    else "collector_b"], lot, category=category, brand="HP",
                              model="ProBook", serial=f"GROW{world.serial}")


def _grow(world, category: str, other: bool) -> None:
    """One more of everything every home page lists; `other`: from other organisations (another
    structure's request, another workshop's delivery, another donor's deposit), so that a
    related row read one by one would show as one more query."""
    structure = "structure_t" if other else "structure_s"
    delivered = world.device("delivered", category=category)
    world.train(present=[lifecycle.active_allocation(delivered).beneficiary])
    world.device("delivered", own_use=True)
    world.ship([world.device("reserved", lot="b" if other else "a")])
    equipment_requests.submit(world[structure], purpose="beneficiaries",
                              lines=[(category, 1), ("screen", 1)], justification="Atelier")
    world.approved_line(structure, category=category)
    world.device("ready", category=category)
    world.advance(world.register(), "ready", grade="C")
    failed = world.device("received")
    world.sanitise(failed, passed=False)
    world.device("os_installed")
    certificates.issue_for_device(world["tech_a"], world.device("wiped"))
    donor = donors.create_donor(world["collector_a"], name=f"Donateur {world.serial}",
                               siret=_siret(world.serial))
    _lot(world, donor, collected=False)
    if other:  # another collection partner's deposit, for the same workshop
        under_way = _lot(world, world.orgs["donor_y"], collected=True, by="collector_b")
    else:
        under_way = _lot(world, donor, collected=True)
    reception.scan_in(world["tech_a"], under_way, _register(world, under_way, category).public_id)
    reception.scan_in(world["tech_a"], under_way, "NOT-ON-THE-LIST")
    closed = _lot(world, donor, collected=True)
    _register(world, closed, category)
    reception.close(world["tech_a"], closed)
    db.session.commit()


def _measure(browser) -> dict[str, int]:
    counts = {}
    for user in USERS:
        browser.login(f"{user}@example.org")
        counts[user] = _queries(browser.client)
    return counts


def test_every_home_page_costs_the_same_queries_however_much_waits(app, world, browser):
    _grow(world, "laptop", other=False)
    before = _measure(browser)
    _grow(world, "desktop", other=True)
    _grow(world, "tablet", other=False)
    assert _measure(browser) == before
