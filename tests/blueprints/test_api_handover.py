"""The structure's end of the chain through the API: a delivery note received by scans, what a
device still needs before its handover, the payments of its remaining charge, and a release
refused until the training and the payment are recorded."""
from datetime import date

from sqlalchemy import func, select

from recond.extensions import db
from recond.lifecycle import active_allocation
from recond.models import Device, Payment
from tests.builders import PRICE_CENTS


def _error(response, status, code=None):
    assert response.status_code == status, response.text
    assert set(response.json) == {"error"} and response.json["error"]["message"]
    if code:
        assert response.json["error"]["code"] == code, response.json
    return response.json["error"]


def _status(device) -> str:
    db.session.expire_all()
    return db.session.get(Device, device.id).status


def test_a_note_is_received_by_scans_on_arrival(world, api):
    devices = [world.device("reserved") for _ in range(3)]
    note = world.ship(devices)
    listed = api("structure_s", "get", "/api/v1/delivery-notes").json["items"]
    assert [(n["number"], n["status"], n["devices"]) for n in listed] == [(note.number, "shipped", 3)]
    path = f"/api/v1/delivery-notes/{note.id}"
    scanned = api("structure_s", "post", f"{path}/arrivals", json={"code": devices[0].public_id})
    assert scanned.status_code == 200 and scanned.json["outcome"] == "delivered"
    assert _status(devices[0]) == "delivered"
    again = api("structure_s", "post", f"{path}/arrivals", json={"code": devices[0].public_id})
    assert again.json["outcome"] == "already"
    stray = api("structure_s", "post", f"{path}/arrivals", json={"code": "PC-SANS-ETIQUETTE"})
    assert stray.json["outcome"] == "unexpected" and stray.json["device"] is None
    _error(api("structure_s", "post", f"{path}/arrivals", json={"code": "  "}), 422, "empty_code")
    body = api("structure_s", "get", path).json
    assert [i["missing"] for i in body["items"]] == [False, True, True]
    assert body["unexpected"][0]["code"] == "PC-SANS-ETIQUETTE" and body["may_receive"] is True
    closed = api("structure_s", "post", f"{path}/close")
    assert closed.status_code == 200 and closed.json["status"] == "received"
    assert _status(devices[1]) == "reserved"
    _error(api("structure_s", "post", f"{path}/arrivals", json={"code": devices[1].public_id}), 409)
    _error(api("structure_s", "post", f"{path}/close"), 409)


def test_the_workshop_reads_its_notes_but_does_not_receive_them(world, api):
    note = world.ship([world.device("reserved")])
    assert api("tech_a", "get", f"/api/v1/delivery-notes/{note.id}").json["may_receive"] is False
    _error(api("tech_a", "post", f"/api/v1/delivery-notes/{note.id}/close"), 403)
    _error(api("tech_b", "get", f"/api/v1/delivery-notes/{note.id}"), 404)


def test_a_note_still_being_prepared_is_not_the_structures_yet(world, api):
    from recond.distribution import deliveries
    device = world.device("reserved")
    note = deliveries.open_note(world["tech_a"], world.orgs["structure_s"].id)
    deliveries.add_device(world["tech_a"], note, device.public_id)
    db.session.commit()
    _error(api("structure_s", "get", f"/api/v1/delivery-notes/{note.id}"), 404)
    assert api("structure_s", "get", "/api/v1/delivery-notes").json["items"] == []


def _conditions(api, device):
    body = api("structure_s", "get", f"/api/v1/devices/{device.public_id}/handover").json
    return body, {c["key"]: c["met"] for c in body["conditions"]}


def _release(api, device):
    return api("structure_s", "post", f"/api/v1/devices/{device.public_id}/actions",
               json={"action": "release"})


def test_release_is_refused_until_the_training_and_the_payment_are_recorded(world, api):
    device = world.device("delivered")
    person = active_allocation(device).beneficiary
    body, met = _conditions(api, device)
    assert met == {"delivered": True, "training": False, "payment": False}
    assert body["missing"] == ["training", "payment"] and body["may_pay"] is True
    assert body["charge"] == {"price_cents": PRICE_CENTS, "paid_cents": 0,
                              "left_cents": PRICE_CENTS, "grid_version": body["charge"]["grid_version"]}
    assert person.reference in body["conditions"][1]["reasons"][0]
    refused = _error(_release(api, device), 409)
    assert person.reference in " ".join(refused["details"]["reasons"])
    paid = api("structure_s", "post", f"/api/v1/devices/{device.public_id}/payments",
               json={"amount_cents": PRICE_CENTS, "method": "card"})
    assert paid.status_code == 201 and paid.json["left_cents"] == 0
    assert _conditions(api, device)[1] == {"delivered": True, "training": False, "payment": True}
    _error(_release(api, device), 409)  # the training is still missing
    assert _status(device) == "delivered"
    recorded = api("structure_s", "post", "/api/v1/training-sessions", json={
        "held_on": date.today().isoformat(), "trainer": "Ana", "present": [person.id]})
    assert recorded.status_code == 201
    body, met = _conditions(api, device)
    assert all(met.values()) and body["may_release"] is True
    released = _release(api, device)
    assert released.status_code == 200 and released.json["status"] == "released"
    assert _conditions(api, device)[0]["handed_over"] is True
    # The session that opened the handover is frozen now.
    _error(api("structure_s", "patch", f"/api/v1/training-sessions/{recorded.json['id']}",
               json={"reason": "erreur", "duration_minutes": 60}), 409, "session_frozen")
    _error(api("structure_s", "post", f"/api/v1/devices/{device.public_id}/payments",
               json={"kind": "refund", "amount_cents": 100, "method": "cash", "reason": "trop"}),
           409, "already_handed_over")


def test_payments_never_exceed_the_charge_nor_go_below_zero(world, api):
    device = world.device("delivered")
    path = f"/api/v1/devices/{device.public_id}/payments"
    _error(api("structure_s", "post", path, json={"amount_cents": PRICE_CENTS + 1,
                                                  "method": "cash"}), 409, "overpaid")
    assert api("structure_s", "post", path, json={"amount_cents": 1500, "method": "cash"}).status_code == 201
    _error(api("structure_s", "post", path, json={"kind": "refund", "amount_cents": 1501,
                                                  "method": "cash", "reason": "rendu"}), 409, "below_zero")
    _error(api("structure_s", "post", path, json={"kind": "refund", "amount_cents": 500,
                                                  "method": "cash"}), 422)  # no reason
    _error(api("structure_s", "post", path, json={"amount_cents": -500, "method": "cash"}), 422)
    _error(api("structure_s", "post", path, json={"amount_cents": 500, "method": "bitcoin"}), 422)
    _error(api("structure_s", "post", path, json={"amount_cents": True, "method": "cash"}), 422)
    corrected = api("structure_s", "post", path, json={"kind": "correction", "amount_cents": -500,
                                                       "method": "cash", "reason": "saisie"})
    assert corrected.status_code == 201 and corrected.json["paid_cents"] == 1000
    listed = api("structure_s", "get", path).json
    assert [(p["kind"], p["amount_cents"]) for p in listed["items"]] == \
        [("payment", 1500), ("correction", -500)]
    assert (listed["paid_cents"], listed["left_cents"]) == (1000, PRICE_CENTS - 1000)
    assert api("coordinator", "get", path).json["paid_cents"] == 1000  # the coordination reads
    _error(api("coordinator", "post", path, json={"amount_cents": 1, "method": "cash"}), 403)


def test_another_structure_neither_reads_nor_pays(world, api):
    device = world.device("delivered")
    for method, suffix, body in (("get", "handover", None), ("get", "payments", None),
                                 ("post", "payments", {"amount_cents": 100, "method": "cash"})):
        answer = api("structure_t", method, f"/api/v1/devices/{device.public_id}/{suffix}",
                     **({"json": body} if body else {}))
        _error(answer, 404)
        assert active_allocation(device).beneficiary.reference not in answer.text
    assert db.session.scalar(select(func.count(Payment.id))) == 0


def test_a_device_without_allocation_has_no_handover(world, api):
    device = world.device("ready")
    _error(api("coordinator", "get", f"/api/v1/devices/{device.public_id}/handover"), 404)
