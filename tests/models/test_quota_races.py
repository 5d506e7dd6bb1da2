"""Quotas under real concurrency: requests sent at the same moment from real threads, each
with its own request context and database session, 50 races per rule.

On PostgreSQL the line and the beneficiary are locked while counted: the losers are refused.
On SQLite nothing locks a row: the database's unique places refuse the second writer (a
conflict). Either way every answer is 2xx/3xx or 409, never a 5xx, and nothing is over quota.
"""
from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from recond import lifecycle
from recond.identity import accounts
from recond.distribution import pricing
from recond.errors import Conflict
from recond.extensions import db
from recond.models import Allocation, AllocationStatus, PriceGrid, User
from tests.builders import World
from tests.conftest import Browser, IsolatedClient, csrf_from
from tests.races import race

RACES = 50


def _at_once(calls):
    """The calls released together; each test client request brings its own context."""
    def racer(call):
        def step(ready):
            ready()
            return call()
        return step
    return race(None, *(racer(c) for c in calls))


def _status(outcome) -> int:
    """An exception raised out of the app counts as the 500 a server would have answered."""
    return outcome.status_code if hasattr(outcome, "status_code") else 500


class _Desk:
    """Coordinators' API clients, and a small stock of ready devices put back after each race."""

    def __init__(self, app, world, n):
        app.test_client_class = IsolatedClient
        self.clients = [app.test_client() for _ in range(n)]
        self.token = accounts.create_token(world["coordinator"])
        db.session.commit()
        self.world = world
        self.stock = [world.device("ready") for _ in range(n)]

    def allocate(self, i, line, person, **extra):
        # Read in this thread: the calls run in others, without this test's session.
        body = {"action": "allocate", "line_id": line.id, "beneficiary_id": person.id, **extra}
        client, url = self.clients[i], f"/api/v1/devices/{self.stock[i].public_id}/actions"
        headers = {"Authorization": f"Bearer {self.token}"}
        return lambda: client.post(url, json=body, headers=headers)

    def put_back(self):
        """Cancel the race's allocations: the devices are ready again for the next race."""
        db.session.expire_all()
        for device in self.stock:
            if device.status == "reserved":
                lifecycle.perform(self.world["coordinator"], device, "cancel_allocation")
        db.session.commit()


def _live(*where) -> int:
    return db.session.scalar(select(func.count(Allocation.id)).where(
        Allocation.status == AllocationStatus.ACTIVE, *where))


def test_a_line_approved_for_one_never_holds_two_whatever_the_concurrency(app, world):
    """Issue 9, point 1: three allocations of three ready devices at once on a line approved
    for one. Exactly one wins each race; the two others are refused (409)."""
    desk = _Desk(app, world, 3)
    statuses, violations, winners = Counter(), 0, 0
    for _ in range(RACES):
        line = world.approved_line(quantity=1)
        people = [world.beneficiary() for _ in range(3)]
        outcomes = _at_once([desk.allocate(i, line, people[i]) for i in range(3)])
        statuses.update(_status(o) for o in outcomes)
        db.session.expire_all()
        held = _live(Allocation.line_id == line.id)
        violations += held > line.approved_quantity
        winners += held
        assert [_status(o) for o in outcomes].count(200) == held
        desk.put_back()
    assert violations == 0
    assert sum(n for status, n in statuses.items() if status >= 500) == 0, statuses
    assert set(statuses) <= {200, 409}, statuses
    assert winners == RACES  # a refusal is only ever for a line that is really full


def test_one_beneficiary_never_gets_two_devices_at_once_without_a_reason(app, world):
    """Two allocations at once to one beneficiary (a line with room for both): one wins."""
    desk = _Desk(app, world, 2)
    statuses, violations, winners = Counter(), 0, 0
    for _ in range(RACES):
        line = world.approved_line(quantity=2)
        person = world.beneficiary()
        outcomes = _at_once([desk.allocate(i, line, person) for i in range(2)])
        statuses.update(_status(o) for o in outcomes)
        db.session.expire_all()
        held = _live(Allocation.beneficiary_id == person.id)
        violations += held > 1
        winners += held
        desk.put_back()
    assert violations == 0
    assert sum(n for status, n in statuses.items() if status >= 500) == 0, statuses
    assert set(statuses) <= {200, 409}, statuses
    assert winners == RACES


def test_two_price_grid_publications_at_once_one_wins_the_other_is_told(app, world):
    """Issue 9, point 13, through the page: two coordinators publish at the same moment."""
    app.test_client_class = IsolatedClient
    people = []
    for email in ("coordinator@example.org", "admin@example.org"):
        browser = Browser(app.test_client())
        browser.login(email)
        people.append((browser.client, csrf_from(browser.client.get("/pricing").text)))
    statuses, told = Counter(), 0
    for number in range(RACES):
        seen = pricing.latest_version()  # what both pages show as the version they build on
        calls = [
            (lambda client=client, token=token, i=i: client.post("/pricing", data={
                "csrf_token": token, "based_on": str(seen),
                "price-laptop-A-minima_sociaux": f"{40 + i},{number:02d}"}))
            for i, (client, token) in enumerate(people)]
        outcomes = _at_once(calls)
        codes = sorted(_status(o) for o in outcomes)
        statuses.update(codes)
        assert codes == [302, 409], codes
        loser = next(o for o in outcomes if _status(o) == 409)
        told += "Un autre coordinateur a publié entre-temps" in loser.get_data(as_text=True)
        db.session.expire_all()
        assert pricing.latest_version() == seen + 1
    assert sum(n for status, n in statuses.items() if status >= 500) == 0, statuses
    assert told == RACES
    assert db.session.scalar(select(func.count(PriceGrid.id))) == RACES + 1


def test_two_price_grid_publications_at_once_through_the_domain(pg_app):
    """Without `based_on` (a script, or a page older than this rule): the unique version
    number is what decides; the loser gets a Conflict, never an IntegrityError."""
    world = World.build()
    actors = [world["coordinator"].id, world["admin"].id]
    errors, conflicts = [], 0
    for _ in range(RACES):
        outcomes = race(pg_app, *(_publish(a, 4000 + i) for i, a in enumerate(actors)))
        errors += [o for o in outcomes if o != "ok" and not isinstance(o, Conflict)]
        conflicts += sum(isinstance(o, Conflict) for o in outcomes)
        assert outcomes.count("ok") >= 1
    assert errors == []
    assert conflicts > 0  # the races really met (about 45 in 50 do on an idle machine)
    versions = db.session.scalars(select(PriceGrid.version).order_by(PriceGrid.version)).all()
    assert versions == list(range(1, len(versions) + 1))
    assert len(versions) == 1 + 2 * RACES - conflicts


def _publish(actor_id, cents):
    def step(ready):
        ready()
        pricing.publish_grid(db.session.get(User, actor_id), [
            {"category": "laptop", "grade": "A", "tier": "minima_sociaux",
             "amount_cents": cents}])
        return "ok"
    return step
