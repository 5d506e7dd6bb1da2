"""Details of everyday use (issue 12): the training date starts at today, the destructive
"cancel the request" stands apart and asks for a confirmation. (A handover saying so once:
tests/inventory/test_history.py.)"""
from flask import current_app

from recond import clock
from recond.distribution import equipment_requests
from recond.extensions import db
from recond.models import EquipmentRequest
from tests.conftest import csrf_from


def test_a_new_training_session_is_dated_today_where_the_users_are(world, browser):
    browser.login("structure_s@example.org")
    page = browser.client.get("/training/new").text
    today = clock.local_today(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    assert f'id="held_on" name="held_on" required type="date" value="{today.isoformat()}"' in page


def test_cancelling_a_request_is_apart_from_the_decision_and_confirmed(world, browser):
    request = equipment_requests.submit(world["structure_s"], purpose="beneficiaries",
                                        lines=[("laptop", 2)], justification="Atelier")
    db.session.commit()
    url = f"/requests/{request.id}"
    browser.login("coordinator@example.org")
    page = browser.client.get(url).text
    decision, cancel = page.index("Enregistrer la décision"), page.index("Annuler la demande<")
    between = page[decision:cancel]
    assert "</form>" in between and '<h2 id="cancel-title">' in between
    assert 'name="confirm" value="yes" required' in page[cancel - 600:cancel]
    unconfirmed = browser.client.post(f"{url}/cancel", data={"csrf_token": csrf_from(page)})
    assert unconfirmed.status_code == 422 and "Cochez la case" in unconfirmed.text
    assert db.session.get(EquipmentRequest, request.id).status == "submitted"
    confirmed = browser.client.post(f"{url}/cancel", data={"csrf_token": csrf_from(page),
                                                           "confirm": "yes"})
    assert confirmed.status_code == 302
    db.session.expire_all()
    assert db.session.get(EquipmentRequest, request.id).status == "cancelled"
