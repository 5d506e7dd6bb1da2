"""The structures' side of the API: each endpoint holds the capability of the page it mirrors,
every role outside it is refused, another organisation's objects are 404 without being named,
and the rules of requests, beneficiaries and training hold through it."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from recond import capabilities
from recond.extensions import db
from recond.models import Beneficiary, EquipmentRequest, TrainingSession
from recond.models.user import Role

# API endpoint -> the page endpoint whose permissions it shares.
MIRRORS = {
    "api.list_requests": "requests.index", "api.create_request": "requests.new",
    "api.get_request": "requests.show", "api.decide_request": "requests.decide",
    "api.list_beneficiaries": "beneficiaries.index", "api.create_beneficiary": "beneficiaries.index",
    "api.get_beneficiary": "beneficiaries.edit", "api.correct_beneficiary": "beneficiaries.edit",
    "api.delete_beneficiary": "beneficiaries.delete",
    "api.list_training_topics": "training.sessions",
    "api.list_training_sessions": "training.sessions",
    "api.create_training_session": "training.new_session",
    "api.get_training_session": "training.session", "api.correct_training_session": "training.session",
    "api.get_handover": "handover.show", "api.list_payments": "handover.show",
    "api.record_payment": "handover.pay",
    "api.list_delivery_notes": "deliveries.index", "api.get_delivery_note": "deliveries.show",
    "api.scan_arrival": "deliveries.close", "api.close_delivery_note": "deliveries.close",
}
CALLERS = {"admin": Role.ADMIN, "coordinator": Role.COORDINATOR, "tech_a": Role.TECHNICIAN,
           "collector_a": Role.COLLECTOR, "donor_x": Role.DONOR, "structure_s": Role.STRUCTURE}


def _error(response, status, code=None):
    assert response.status_code == status, response.text
    assert set(response.json) == {"error"} and response.json["error"]["message"]
    if code:
        assert response.json["error"]["code"] == code, response.json
    return response.json["error"]


@pytest.fixture
def side(world):
    """Structure S's objects: a request, a beneficiary, a session, a delivered device and its
    note, and a shipped note still to receive."""
    from recond.distribution import equipment_requests
    request = equipment_requests.submit(world["structure_s"], purpose="beneficiaries",
                                        lines=[("laptop", 2)], justification="Atelier")
    person = world.beneficiary(reference="BEN-42")
    session = world.train(present=[person])
    delivered = world.device("delivered")
    waiting = world.device("reserved")
    note = world.ship([waiting])
    db.session.commit()
    return {"request": request, "beneficiary": person, "session": session, "device": delivered,
            "waiting": waiting, "note": note}


def _calls(side):
    """One call of each endpoint, with a body its allowed roles may send."""
    r, b, s = side["request"].id, side["beneficiary"].id, side["session"].id
    d, n = side["device"].public_id, side["note"].id
    return [
        ("api.list_requests", "get", "/api/v1/requests", None),
        ("api.create_request", "post", "/api/v1/requests", {
            "purpose": "beneficiaries", "justification": "x", "lines": [{"category": "laptop",
                                                                           "quantity": 1}]}),
        ("api.get_request", "get", f"/api/v1/requests/{r}", None),
        ("api.decide_request", "post", f"/api/v1/requests/{r}/decision",
         {"lines": [{"id": side["request"].lines[0].id, "approved": 2}]}),
        ("api.list_beneficiaries", "get", "/api/v1/beneficiaries", None),
        ("api.create_beneficiary", "post", "/api/v1/beneficiaries",
         {"reference": "CS92-0001", "tier": "job_seeker"}),
        ("api.get_beneficiary", "get", f"/api/v1/beneficiaries/{b}", None),
        ("api.correct_beneficiary", "patch", f"/api/v1/beneficiaries/{b}", {"postcode": "92000"}),
        ("api.list_training_topics", "get", "/api/v1/training-topics", None),
        ("api.list_training_sessions", "get", "/api/v1/training-sessions", None),
        ("api.create_training_session", "post", "/api/v1/training-sessions",
         {"held_on": date.today().isoformat(), "trainer": "Ana", "staff": ["Agent"]}),
        ("api.get_training_session", "get", f"/api/v1/training-sessions/{s}", None),
        ("api.correct_training_session", "patch", f"/api/v1/training-sessions/{s}",
         {"reason": "lieu oublié", "place": "Salle 2"}),
        ("api.get_handover", "get", f"/api/v1/devices/{d}/handover", None),
        ("api.list_payments", "get", f"/api/v1/devices/{d}/payments", None),
        ("api.record_payment", "post", f"/api/v1/devices/{d}/payments",
         {"amount_cents": 100, "method": "cash"}),
        ("api.list_delivery_notes", "get", "/api/v1/delivery-notes", None),
        ("api.get_delivery_note", "get", f"/api/v1/delivery-notes/{n}", None),
        ("api.scan_arrival", "post", f"/api/v1/delivery-notes/{n}/arrivals", {"code": "NOPE-1"}),
        ("api.close_delivery_note", "post", f"/api/v1/delivery-notes/{n}/close", None),
        ("api.delete_beneficiary", "delete", f"/api/v1/beneficiaries/{b}", None),
    ]


def test_each_endpoint_holds_the_capability_of_its_page(app):
    for api_endpoint, page in MIRRORS.items():
        assert app.view_functions[api_endpoint].recond_capability == \
            app.view_functions[page].recond_capability, api_endpoint


@pytest.mark.parametrize("caller", list(CALLERS))
def test_the_roles_outside_are_refused_and_the_roles_inside_are_not(app, world, api, side, caller):
    for endpoint, method, path, body in _calls(side):
        capability = app.view_functions[endpoint].recond_capability
        answer = api(caller, method, path, **({"json": body} if body is not None else {}))
        if CALLERS[caller] in capabilities.roles(capability):
            assert answer.status_code != 403 and answer.status_code < 500, \
                (endpoint, caller, answer.status_code, answer.text)
        else:
            _error(answer, 403, "forbidden")


def test_another_structures_objects_are_404_and_never_named(app, world, api, side):
    named = ("BEN-42", side["request"].number, side["note"].number, "Structure S", "Formatrice")
    for endpoint, method, path, body in _calls(side):
        if endpoint.startswith(("api.list_", "api.create_")) or Role.STRUCTURE not in \
                capabilities.roles(app.view_functions[endpoint].recond_capability):
            continue  # nothing of theirs to ask for; or a role refused whatever the object  # a list or a create: nothing of theirs to ask for
        answer = api("structure_t", method, path, **({"json": body} if body is not None else {}))
        _error(answer, 404, None)
        assert not any(name in answer.text for name in named), (endpoint, answer.text)
    db.session.expire_all()
    assert db.session.get(Beneficiary, side["beneficiary"].id).postcode is None
    assert side["device"].status == "delivered"


def test_lists_hold_only_the_callers_own(world, api, side):
    world.beneficiary("structure_t", reference="T-7")
    assert [b["reference"] for b in api("structure_t", "get", "/api/v1/beneficiaries").json["items"]] == ["T-7"]
    assert api("structure_t", "get", "/api/v1/requests").json["items"] == []
    assert api("structure_t", "get", "/api/v1/training-sessions").json["items"] == []
    assert api("structure_t", "get", "/api/v1/delivery-notes").json["items"] == []
    assert len(api("coordinator", "get", "/api/v1/requests").json["items"]) == 3


# --- requests ---------------------------------------------------------------------------------

def _request(api, **overrides):
    body = {"purpose": "beneficiaries", "justification": "Douze familles du quartier",
            "lines": [{"category": "laptop", "quantity": 3, "min_ram_gb": 8},
                      {"category": "phone", "quantity": 2}]} | overrides
    return api("structure_s", "post", "/api/v1/requests", json=body)


def test_a_structure_requests_and_reads_its_request(world, api):
    answer = _request(api)
    assert answer.status_code == 201, answer.text
    body = answer.json
    assert body["status"] == "submitted" and body["structure"]["name"] == "Structure S"
    assert [(l["category"], l["quantity"], l["min_ram_gb"]) for l in body["lines"]] == \
        [("laptop", 3, 8), ("phone", 2, None)]
    read = api("structure_s", "get", f"/api/v1/requests/{body['id']}").json
    assert read["lines"][0]["allocated"] == 0 and read["may_decide"] is False
    assert api("coordinator", "get", f"/api/v1/requests/{body['id']}").json["may_decide"] is True


@pytest.mark.parametrize("overrides", [
    {"justification": "   "}, {"lines": []}, {"purpose": "resale"},
    {"lines": [{"category": "toaster", "quantity": 1}]},
    {"lines": [{"category": "laptop", "quantity": 501}]},
    {"lines": [{"category": "laptop", "quantity": "3"}]},
    {"lines": [{"category": "laptop", "quantity": 1, "colour": "red"}]},
    {"lines": [{"category": "laptop", "quantity": 1}] * 21},
])
def test_a_wrong_request_is_422_and_nothing_is_written(world, api, overrides):
    _error(_request(api, **overrides), 422)
    assert db.session.scalar(select(func.count(EquipmentRequest.id))) == 0


def _decide(api, request_id, lines, comment=None, who="coordinator"):
    body = {"lines": lines} | ({"comment": comment} if comment is not None else {})
    return api(who, "post", f"/api/v1/requests/{request_id}/decision", json=body)


def test_the_coordination_approves_all_part_or_nothing(world, api):
    whole, part, none = (_request(api).json for _ in range(3))
    ids = lambda r: [l["id"] for l in r["lines"]]  # noqa: E731
    approved = _decide(api, whole["id"], [{"id": i, "approved": q}
                                          for i, q in zip(ids(whole), (3, 2))])
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    assert _decide(api, part["id"], [{"id": ids(part)[0], "approved": 1}]).json["error"]["code"] \
        == "comment_needed"
    assert api("structure_s", "get", f"/api/v1/requests/{part['id']}").json["status"] == "submitted"
    partly = _decide(api, part["id"], [{"id": ids(part)[0], "approved": 1}], "Stock limité")
    assert partly.json["status"] == "partly_approved"
    assert [l["approved_quantity"] for l in partly.json["lines"]] == [1, 0]
    assert api("structure_s", "get", f"/api/v1/requests/{part['id']}").json["decision_comment"] \
        == "Stock limité"
    refused = _decide(api, none["id"], [], "Hors périmètre")
    assert refused.json["status"] == "rejected"
    _error(_decide(api, none["id"], [], "encore"), 409, "refused")


def test_only_the_coordination_decides_and_only_within_the_lines(world, api):
    found = _request(api).json
    line = found["lines"][0]["id"]
    _error(_decide(api, found["id"], [{"id": line, "approved": 3}], who="structure_s"), 403)
    _error(_decide(api, found["id"], [{"id": line, "approved": 4}], "trop"), 422)
    other = _request(api).json["lines"][0]["id"]
    _error(_decide(api, found["id"], [{"id": other, "approved": 1}], "ailleurs"), 422, "unknown_line")
    _error(_decide(api, found["id"], [{"id": line, "approved": 1}, {"id": line, "approved": 2}],
                   "deux fois"), 422)
    assert api("coordinator", "get", f"/api/v1/requests/{found['id']}").json["status"] == "submitted"


# --- beneficiaries ----------------------------------------------------------------------------

@pytest.mark.parametrize("reference, code", [
    ("1 85 05 78 006 084 36", "not_pseudonymous"), ("06 12 34 56 78", "not_pseudonymous"),
    ("jean.dupont@example.org", "not_pseudonymous"), ("DUPONT", "not_pseudonymous"),
    ("", "invalid"),
])
def test_the_reference_rules_are_the_pages(world, api, reference, code):
    _error(api("structure_s", "post", "/api/v1/beneficiaries",
               json={"reference": reference, "tier": "job_seeker"}), 422, code)
    assert db.session.scalar(select(func.count(Beneficiary.id))) == 0


def test_enrol_correct_and_delete_while_allowed(world, api):
    made = api("structure_s", "post", "/api/v1/beneficiaries",
               json={"reference": "CS92-0042", "tier": "job_seeker", "postcode": "92000"})
    assert made.status_code == 201 and made.json["editable"] is True
    person = made.json["id"]
    _error(api("structure_s", "post", "/api/v1/beneficiaries",
               json={"reference": "CS92-0042", "tier": "low_income"}), 422)
    _error(api("structure_s", "patch", f"/api/v1/beneficiaries/{person}",
               json={"reference": "Martin"}), 422, "not_pseudonymous")
    _error(api("structure_s", "patch", f"/api/v1/beneficiaries/{person}",
               json={"tier": "own_use"}), 422)
    fixed = api("structure_s", "patch", f"/api/v1/beneficiaries/{person}", json={"tier": "low_income"})
    assert fixed.json["tier"] == "low_income" and fixed.json["reference"] == "CS92-0042"
    assert fixed.json["postcode"] == "92000"
    assert api("structure_s", "delete", f"/api/v1/beneficiaries/{person}").json == {"deleted": "CS92-0042"}
    _error(api("structure_s", "get", f"/api/v1/beneficiaries/{person}"), 404)


def test_one_allocated_a_device_is_neither_corrected_nor_deleted(world, api):
    device = world.device("reserved")
    person = device_beneficiary(device)
    _error(api("structure_s", "patch", f"/api/v1/beneficiaries/{person.id}",
               json={"postcode": "92100"}), 409, "beneficiary_allocated")
    _error(api("structure_s", "delete", f"/api/v1/beneficiaries/{person.id}"), 409,
           "beneficiary_allocated")
    assert api("structure_s", "get", f"/api/v1/beneficiaries/{person.id}").json["editable"] is False


def device_beneficiary(device):
    from recond.lifecycle import active_allocation
    return active_allocation(device).beneficiary


# --- training ---------------------------------------------------------------------------------

def test_a_session_with_its_attendance_and_its_correction(world, api):
    present, absent = world.beneficiary(), world.beneficiary()
    topic = api("structure_s", "get", "/api/v1/training-topics").json["items"][0]
    made = api("structure_s", "post", "/api/v1/training-sessions", json={
        "held_on": date.today().isoformat(), "trainer": "Ana", "duration_minutes": 90,
        "topics": [topic["id"]], "present": [present.id], "absent": [absent.id]})
    assert made.status_code == 201, made.text
    assert made.json["topics"] == [topic["label"]]
    assert {(a["reference"], a["present"]) for a in made.json["attendance"]} == \
        {(present.reference, True), (absent.reference, False)}
    session = made.json["id"]
    _error(api("structure_s", "patch", f"/api/v1/training-sessions/{session}",
               json={"present": [present.id, absent.id]}), 422)  # no reason
    fixed = api("structure_s", "patch", f"/api/v1/training-sessions/{session}",
                json={"reason": "arrivé en retard", "present": [present.id, absent.id]})
    assert fixed.status_code == 200, fixed.text
    assert all(a["present"] for a in fixed.json["attendance"]) and fixed.json["trainer"] == "Ana"
    assert fixed.json["revisions"][0]["reason"] == "arrivé en retard"
    _error(api("structure_s", "patch", f"/api/v1/training-sessions/{session}",
               json={"reason": "rien", "trainer": "Ana"}), 422)  # nothing changed
    moved = api("structure_s", "patch", f"/api/v1/training-sessions/{session}",
                json={"reason": "salle", "place": "Salle 2"}).json
    assert moved["place"] == "Salle 2" and moved["attendance"] == fixed.json["attendance"]
    assert moved["topics"] == [topic["label"]] and moved["duration_minutes"] == 90


@pytest.mark.parametrize("change", [
    {"held_on": (date.today() + timedelta(days=2)).isoformat()}, {"held_on": "2026-02-30"},
    {"trainer": " "}, {"duration_minutes": 481}, {"topics": [999999]},
    {"present": [], "staff": []}, {"staff": ["x" * 201]},
])
def test_a_wrong_session_is_422_and_nothing_is_written(world, api, change):
    person = world.beneficiary()
    body = {"held_on": date.today().isoformat(), "trainer": "Ana", "present": [person.id]} | change
    _error(api("structure_s", "post", "/api/v1/training-sessions", json=body), 422)
    assert db.session.scalar(select(func.count(TrainingSession.id))) == 0


def test_another_structures_beneficiary_is_no_attendee(world, api):
    theirs = world.beneficiary("structure_t", reference="T-9")
    answer = api("structure_s", "post", "/api/v1/training-sessions", json={
        "held_on": date.today().isoformat(), "trainer": "Ana", "present": [theirs.id]})
    _error(answer, 404)
    assert "T-9" not in answer.text
    assert db.session.scalar(select(func.count(TrainingSession.id))) == 0


@pytest.mark.parametrize("postcode", ["٩٢٠٠٠", " 92000", "9200", "92000a"])
def test_a_postcode_is_five_ascii_digits(world, api, postcode):
    _error(api("structure_s", "post", "/api/v1/beneficiaries",
               json={"reference": "CS92-0007", "tier": "job_seeker", "postcode": postcode}), 422)
    assert db.session.scalar(select(func.count(Beneficiary.id))) == 0


def test_the_domain_refuses_a_postcode_in_other_digits(world):
    from recond.distribution import beneficiaries
    from recond.errors import InvalidInput
    with pytest.raises(InvalidInput):
        beneficiaries.enrol(world["structure_s"], "CS92-0008", "job_seeker", "٩٢٠٠٠")


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_an_id_no_column_holds_is_404_whatever_the_method(world, api, method):
    """Not 405: the same path takes other methods, but no id that large exists."""
    kwargs = {"json": {"tier": "job_seeker"}} if method == "patch" else {}
    _error(api("structure_s", method, "/api/v1/beneficiaries/2147483648", **kwargs), 404)
    _error(api("structure_s", method, "/api/v1/beneficiaries/2147483647", **kwargs), 404)
