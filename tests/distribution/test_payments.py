"""Payments of the remaining charge: never more than the charge (under a row lock, and in the
database), nothing after release, refunds and corrections as new entries with their reason,
amounts typed to the cent or refused — never rounded."""
import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from recond import lifecycle
from recond import money
from recond.distribution import payments
from recond.errors import InvalidInput, Refused
from recond.extensions import db
from recond.models import Allocation, Payment, PriceGrid, User
from tests.builders import PRICE_CENTS, World
from tests.races import race


@pytest.fixture
def delivered(world):
    device = world.device("delivered")
    return device, lifecycle.active_allocation(device)


def _pay(world, allocation, cents, kind="payment", reason="", structure="structure_s"):
    payment = payments.record_payment(world[structure], allocation, amount_cents=cents,
                                      method="cash", kind=kind, reason=reason)
    db.session.commit()
    return payment


def _paid(allocation) -> tuple[int, int]:
    """(the total on the allocation, the sum of its entries): always the same."""
    db.session.expire_all()
    entries = db.session.query(Payment).filter_by(allocation_id=allocation.id).all()
    return db.session.get(Allocation, allocation.id).paid_cents, sum(p.amount_cents for p in entries)


# --- the total never exceeds the charge --------------------------------------------------------

def test_more_than_the_charge_is_refused(world, delivered):
    _device, allocation = delivered
    with pytest.raises(Refused, match="more than what is left to pay") as refused:
        _pay(world, allocation, 50_000)
    assert refused.value.status == 409
    db.session.rollback()
    assert _paid(allocation) == (0, 0)


def test_instalments_add_up_to_the_charge_and_not_a_cent_more(world, delivered):
    _device, allocation = delivered
    _pay(world, allocation, PRICE_CENTS - 1000)
    _pay(world, allocation, 1000)
    with pytest.raises(Refused, match="more than what is left to pay"):
        _pay(world, allocation, 1)
    db.session.rollback()
    assert _paid(allocation) == (PRICE_CENTS, PRICE_CENTS)


def test_the_database_itself_refuses_a_total_over_the_charge(app, world, delivered):
    """Whatever code writes it, the row cannot hold more paid than the charge."""
    _device, allocation = delivered
    with pytest.raises(IntegrityError):
        db.session.execute(update(Allocation).where(Allocation.id == allocation.id)
                           .values(paid_cents=PRICE_CENTS + 1))
        db.session.flush()
    db.session.rollback()
    with pytest.raises(IntegrityError):
        db.session.execute(update(Allocation).where(Allocation.id == allocation.id)
                           .values(paid_cents=-1))
        db.session.flush()
    db.session.rollback()


def test_fifty_races_of_two_full_payments_never_overshoot(pg_app):
    """Real threads on PostgreSQL, one session each, both read the allocation before either
    pays: one payment of the whole charge wins, the other is refused, fifty times over."""
    world = World.build()
    allocation = lifecycle.active_allocation(world.device("delivered"))
    structure_id = world["structure_s"].id
    wins = violations = 0
    for _ in range(50):
        outcomes = _race(pg_app, allocation.id, structure_id, [PRICE_CENTS, PRICE_CENTS])
        # the loser waited on the row lock, then read what the winner paid: a clear refusal,
        # not the database's last word (a Conflict)
        assert all(o == "ok" or isinstance(o, Refused) and o.code == "overpaid"
                   for o in outcomes), outcomes
        wins += outcomes.count("ok")
        paid, entries = _paid(allocation)
        violations += paid > PRICE_CENTS or paid != entries or outcomes.count("ok") != 1
        _pay(world, db.session.get(Allocation, allocation.id), PRICE_CENTS, kind="refund",
             reason="race test: back to nothing")
    assert violations == 0 and wins == 50


def _race(app, allocation_id, user_id, amounts):
    def attempt(cents):
        def step(ready):
            actor = db.session.get(User, user_id)
            allocation = db.session.get(Allocation, allocation_id)
            assert allocation.paid_cents == 0
            ready()  # both read "nothing paid" before anyone pays
            payments.record_payment(actor, allocation, amount_cents=cents, method="card")
            return "ok"
        return step
    return race(app, *(attempt(a) for a in amounts))


# --- nothing after release ----------------------------------------------------------------------

def test_nothing_is_paid_refunded_or_corrected_after_release(world):
    device = world.device("released")
    allocation = lifecycle.active_allocation(device)
    for kind, cents in (("payment", 1), ("refund", 100), ("correction", -100)):
        with pytest.raises(Refused, match="already handed over"):
            _pay(world, allocation, cents, kind=kind, reason="après coup")
        db.session.rollback()
    assert _paid(allocation) == (PRICE_CENTS, PRICE_CENTS)


# --- corrections and refunds are new entries with their reason ------------------------------

def test_refunds_and_corrections_are_new_entries_with_a_reason(world, delivered):
    _device, allocation = delivered
    first = _pay(world, allocation, PRICE_CENTS)
    with pytest.raises(InvalidInput, match="says why"):
        _pay(world, allocation, 500, kind="refund")
    db.session.rollback()
    _pay(world, allocation, 500, kind="refund", reason="chargeur manquant")
    _pay(world, allocation, -300, kind="correction", reason="saisie en double")
    _pay(world, allocation, 800, kind="correction", reason="reçu en espèces oublié")
    assert _paid(allocation) == (PRICE_CENTS, PRICE_CENTS)
    rows = db.session.query(Payment).filter_by(allocation_id=allocation.id).order_by(Payment.id).all()
    assert [(p.kind, p.amount_cents) for p in rows] == [
        ("payment", PRICE_CENTS), ("refund", -500), ("correction", -300), ("correction", 800)]
    assert rows[0].id == first.id and rows[0].amount_cents == PRICE_CENTS  # never edited


def test_a_refund_reopens_the_release_gate(world, delivered):
    device, allocation = delivered
    world.fulfil_release_conditions(device)
    _pay(world, allocation, 1000, kind="refund", reason="remise accordée par erreur")
    with pytest.raises(Refused, match="not recorded as paid"):
        lifecycle.perform(world["structure_s"], device, "release")


def test_a_refund_never_takes_the_total_below_zero(world, delivered):
    _device, allocation = delivered
    _pay(world, allocation, 1000)
    with pytest.raises(Refused, match="more than what was paid"):
        _pay(world, allocation, 1001, kind="refund", reason="trop")
    db.session.rollback()
    with pytest.raises(InvalidInput):  # a payment is positive; only corrections carry a sign
        _pay(world, allocation, -5)


def test_the_handover_page_shows_every_entry_and_refuses_overpaying(world, browser, delivered):
    device, allocation = delivered
    _pay(world, allocation, PRICE_CENTS)
    _pay(world, allocation, 1000, kind="refund", reason="chargeur manquant")
    browser.login("structure_s@example.org")
    url = f"/handover/{device.public_id}"
    page = browser.client.get(url)
    assert "remboursement" in page.text and "chargeur manquant" in page.text
    assert "reste à payer" in page.text.lower()
    too_much = browser.post_form(url, f"{url}/payment", {"kind": "payment", "amount": "500",
                                                         "method": "cash"})
    assert too_much.status_code == 409 and "plus que ce qui reste à payer" in too_much.text
    no_reason = browser.post_form(url, f"{url}/payment", {"kind": "correction", "amount": "-1",
                                                          "method": "cash"})
    assert no_reason.status_code == 422 and "motif" in no_reason.text
    assert _paid(allocation) == (PRICE_CENTS - 1000, PRICE_CENTS - 1000)


# --- one money parser: to the cent, or refused ---------------------------------------------------

@pytest.mark.parametrize("typed, cents", [
    ("35", 3500), ("35,5", 3550), ("35,50", 3550), ("35.50 €", 3550), ("1 000", 100000),
    ("1\u202f000,00", 100000), ("0,01", 1), ("48", 4800),
])
def test_amounts_typed_to_the_cent(app, typed, cents):
    with app.test_request_context():
        assert money.parse_euros(typed) == cents


@pytest.mark.parametrize("typed", [
    "12.345", "1E1", "9,995", "1e-2", "12,3456", "3.", ",5", "abc", "", "NaN", "Infinity",
    "-5", "+5", "1.000,00", "١٢", "²", "9" * 5000, "9" * 30, "1" + " " * 5000 + "2",
])
def test_amounts_not_to_the_cent_are_refused_never_rounded(app, typed):
    with app.test_request_context():
        with pytest.raises(InvalidInput):
            money.parse_euros(typed)


def test_a_correction_may_be_negative(app):
    with app.test_request_context():
        assert money.parse_euros("-5,00", signed=True) == -500


@pytest.mark.parametrize("typed, said", [("12.345", "plus de deux décimales"),
                                         ("1E1", "pas un montant en euros"),
                                         ("9,995", "plus de deux décimales")])
def test_the_payment_form_refuses_with_a_message(world, browser, delivered, typed, said):
    device, allocation = delivered
    browser.login("structure_s@example.org")
    url = f"/handover/{device.public_id}"
    response = browser.post_form(url, f"{url}/payment", {"kind": "payment", "amount": typed,
                                                         "method": "cash"})
    assert response.status_code == 422 and said in response.text
    assert typed in response.text  # the form keeps what was typed
    assert _paid(allocation) == (0, 0)


@pytest.mark.parametrize("typed, said", [("12.345", "plus de deux décimales"),
                                         ("1E1", "pas un montant en euros"),
                                         ("9" * 5000, "pas un montant en euros"),
                                         ("9" * 5000 + ",5", "pas un montant en euros")])
def test_the_price_grid_refuses_with_a_message(world, browser, typed, said):
    grids = db.session.query(PriceGrid).count()
    browser.login("coordinator@example.org")
    response = browser.post_form("/pricing", "/pricing", {"price-laptop-A-minima_sociaux": typed})
    assert response.status_code == 422 and said in response.text
    db.session.expire_all()
    assert db.session.query(PriceGrid).count() == grids
