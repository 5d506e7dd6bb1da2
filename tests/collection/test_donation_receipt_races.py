"""Two issuers at the same moment, on PostgreSQL with real threads: order numbers are never
given twice, and a receipt is issued or corrected once."""
from recond import clock
from recond.collection import donation_receipts
from recond.extensions import db
from recond.models import Deposit, DonationReceipt, User
from tests.builders import World
from tests.collection.gifts import fill_profiles, new_deposit, received_gift
from tests.races import race


def _issue(user_id, deposit_id):
    def step(ready):
        ready()
        receipt = donation_receipts.issue(db.session.get(User, user_id),
                                          db.session.get(Deposit, deposit_id))
        return receipt.number
    return step


def test_two_issuers_at_once_never_get_the_same_number(pg_app):
    world = World.build()
    fill_profiles(world)
    gifts = [received_gift(world)[0]] + [received_gift(world, new_deposit(world))[0] for _ in range(3)]
    people = [world["coordinator"].id, world["admin"].id] * 2
    numbers = race(pg_app, *(_issue(people[i], gift.id) for i, gift in enumerate(gifts)))
    y = clock.local(clock.utcnow()).year
    assert sorted(numbers) == [f"{y}-000{i}" for i in (1, 2, 3, 4)], numbers


def test_one_gift_issued_twice_at_once_gets_one_receipt(pg_app):
    world = World.build()
    fill_profiles(world)
    deposit = received_gift(world)[0]
    outcomes = race(pg_app, _issue(world["coordinator"].id, deposit.id),
                    _issue(world["admin"].id, deposit.id))
    assert sum(isinstance(o, str) for o in outcomes) == 1, outcomes
    loser = next(o for o in outcomes if not isinstance(o, str))
    assert loser.status == 409
    assert db.session.query(DonationReceipt).count() == 1


def test_one_receipt_corrected_twice_at_once_is_replaced_once(pg_app):
    world = World.build()
    fill_profiles(world)
    deposit = received_gift(world)[0]
    receipt = donation_receipts.issue(world["coordinator"], deposit)
    db.session.commit()

    def correct(user_id):
        def step(ready):
            ready()
            return donation_receipts.correct(db.session.get(User, user_id),
                                             db.session.get(DonationReceipt, receipt.id),
                                             reason="Adresse corrigée").number
        return step

    outcomes = race(pg_app, correct(world["coordinator"].id), correct(world["admin"].id))
    assert sum(isinstance(o, str) for o in outcomes) == 1, outcomes
    assert db.session.query(DonationReceipt).count() == 2
