"""A request is decided once and a reception closed once, whatever the concurrency: two
coordinators deciding, two technicians closing, at the same moment (real transactions on
PostgreSQL, a barrier so that both start together). One succeeds; the other is refused, as
it would be a moment later; one webhook event each."""
from __future__ import annotations

from sqlalchemy import func, select

from recond import lifecycle
from recond.collection import reception
from recond.distribution import equipment_requests
from recond.errors import Refused
from recond.extensions import db
from recond.models import Deposit, EquipmentRequest, WebhookDelivery
from recond.webhooks import events, register
from tests.builders import World
from tests.races import acting, race


def _hook(world, org: str, event: str) -> None:
    register.create(world["admin"], organisation_id=world.orgs[org].id,
                    url=f"https://hooks.example.org/{org}", wanted=[event])
    db.session.commit()


def _events(event: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(WebhookDelivery.id))
                             .where(WebhookDelivery.event == event))


def test_two_coordinators_deciding_one_request_at_once(pg_app):
    world = World.build()
    _hook(world, "coordination", events.REQUEST_DECIDED)
    request = equipment_requests.submit(world["structure_s"], purpose="beneficiaries",
                                        lines=[("laptop", 3)])
    db.session.commit()
    request_id = request.id

    def decide(actor) -> None:
        mine = db.session.get(EquipmentRequest, request_id)
        equipment_requests.approve(actor, mine)

    outcomes = race(pg_app, *[acting(world["coordinator"].id, decide)] * 2)
    assert outcomes.count("ok") == 1, outcomes
    [refused] = [o for o in outcomes if o != "ok"]
    assert isinstance(refused, Refused), refused
    assert _events(events.REQUEST_DECIDED) == 1


def test_two_technicians_closing_one_reception_at_once(pg_app):
    world = World.build()
    _hook(world, "workshop_a", events.DEPOSIT_RECEIVED)
    device = world.register("a")
    lifecycle.perform(world["tech_a"], device, "receive")
    db.session.commit()
    deposit_id = world.deposits["a"].id

    def close(actor) -> None:
        reception.close(actor, db.session.get(Deposit, deposit_id))

    outcomes = race(pg_app, *[acting(world["tech_a"].id, close)] * 2)
    assert outcomes.count("ok") == 1, outcomes
    [refused] = [o for o in outcomes if o != "ok"]
    assert isinstance(refused, Refused) and refused.code == "reception_closed", refused
    assert _events(events.DEPOSIT_RECEIVED) == 1
