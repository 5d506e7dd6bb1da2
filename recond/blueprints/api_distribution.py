"""The structures' side of /api/v1: equipment requests and the coordination's decision,
pseudonymous beneficiaries, training sessions and their attendance.

Each view reads its JSON body (shapes and limits as `api_spec_distribution` documents them)
and calls the domain function its page calls: the rules, the scope and the refusals are those
of the pages.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import jsonify
from flask_babel import lazy_gettext as _l

from recond.blueprints.api import _json_body, bp, json_whole
from recond.blueprints.api_spec_distribution import MAX_LINES, MAX_TEXT, MAX_MARKS
from recond.blueprints.guard import current_actor, requires
from recond.distribution import beneficiaries, equipment_requests, training
from recond.errors import InvalidInput
from recond.extensions import db
from recond.models import Beneficiary, EquipmentRequest, TrainingSession


def created(body: dict[str, Any]):
    response = jsonify(body)
    response.status_code = 201
    return response


def text(body: dict, name: str, max_length: int, *, required: bool = False) -> str:
    """A text field of the body: a string of at most `max_length` characters; a required one
    says something."""
    value = body.get(name, "")
    if not isinstance(value, str) or len(value) > max_length or (required and not value.strip()):
        wrong = _l("text of at most %(n)s characters", n=max_length) if not required else \
            _l("text of at most %(n)s characters, required", n=max_length)
        raise InvalidInput(_l("Some details are wrong: %(errors)s.", errors=f"{name} {wrong}"),
                           details={"fields": {name: str(wrong)}})
    return value


def iso_date(value: Any, name: str) -> date:
    """A date as JSON writes it: YYYY-MM-DD."""
    if isinstance(value, str) and re.fullmatch("[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:  # (fromisoformat alone would also take a week date, 2026-W01-1)
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidInput(_l("“%(name)s” is a date: YYYY-MM-DD.", name=name),
                       details={"fields": {name: "YYYY-MM-DD"}})


def _utc(value) -> str | None:
    return value.isoformat() + "Z" if value else None


# --- equipment requests ---------------------------------------------------------------------

def request_json(actor, found: EquipmentRequest, with_progress: bool = False) -> dict[str, Any]:
    progress = equipment_requests.line_progress(found) if with_progress else {}
    return {
        "id": found.id, "number": found.number, "status": found.status,
        "purpose": found.purpose, "justification": found.justification,
        "structure": {"id": found.structure_id, "name": found.structure.name},
        "created_at": _utc(found.created_at), "decided_at": _utc(found.decided_at),
        "decision_comment": found.decision_comment,
        "lines": [{"id": line.id, "category": line.category, "quantity": line.quantity,
                   "min_ram_gb": line.min_ram_gb, "min_storage_gb": line.min_storage_gb,
                   "approved_quantity": line.approved_quantity, **progress.get(line.id, {})}
                  for line in found.lines],
        "may_decide": equipment_requests.can_decide(actor, found),
        "may_cancel": equipment_requests.can_cancel(actor, found)}


@bp.route("/requests")
@requires("requests.read")
def list_requests():
    actor = current_actor()
    return jsonify(items=[request_json(actor, r) for r in db.session.scalars(
        equipment_requests.visible_requests(actor).limit(300))])


@bp.route("/requests", methods=["POST"])
@requires("requests.create")
def create_request():
    body = _json_body()
    lines, purpose = body.get("lines"), body.get("purpose")
    optional = ("min_ram_gb", "min_storage_gb")
    if set(body) - {"purpose", "justification", "lines"} or not isinstance(purpose, str) \
            or not isinstance(lines, list) or not 0 < len(lines) <= MAX_LINES or not all(
                isinstance(line, dict) and not set(line) - {"category", "quantity", *optional}
                and isinstance(line.get("category"), str) and json_whole(line.get("quantity")) is not None
                and all(line.get(m) is None or json_whole(line[m]) is not None for m in optional)
                for line in lines):
        raise InvalidInput(_l("A request is {\"purpose\": …, \"justification\": …, \"lines\": "
                              "[{\"category\": …, \"quantity\": …}] (1 to %(n)s lines)}.",
                              n=MAX_LINES))
    justification = text(body, "justification", MAX_TEXT, required=True)
    found = equipment_requests.submit(
        current_actor(), purpose=purpose, justification=justification,
        lines=[equipment_requests.LineWish(line["category"], line["quantity"],
                                           line.get("min_ram_gb"), line.get("min_storage_gb"))
               for line in lines])
    db.session.commit()
    return created(request_json(current_actor(), found, with_progress=True))


@bp.route("/requests/<int:request_id>")
@requires("requests.read")
def get_request(request_id: int):
    actor = current_actor()
    return jsonify(request_json(actor, equipment_requests.get_request(actor, request_id),
                                with_progress=True))


@bp.route("/requests/<int:request_id>/decision", methods=["POST"])
@requires("requests.decide")
def decide_request(request_id: int):
    actor = current_actor()
    body = _json_body()
    lines = body.get("lines")
    if set(body) - {"lines", "comment"} or not isinstance(lines, list) \
            or len(lines) > MAX_LINES or not all(
            isinstance(line, dict) and set(line) == {"id", "approved"}
            and json_whole(line["id"]) is not None and json_whole(line["approved"], minimum=0) is not None
            for line in lines) or len({line["id"] for line in lines}) != len(lines):
        raise InvalidInput(_l("A decision is {\"lines\": [{\"id\": line, \"approved\": quantity}], "
                              "\"comment\": …}, each line once."))
    comment = text(body, "comment", MAX_TEXT)
    found = equipment_requests.get_request(actor, request_id)
    equipment_requests.decide(actor, found, {line["id"]: line["approved"] for line in lines},
                              comment)
    db.session.commit()
    return jsonify(request_json(actor, found, with_progress=True))


# --- beneficiaries ---------------------------------------------------------------------------

def beneficiary_json(person: Beneficiary, editable: bool) -> dict[str, Any]:
    return {"id": person.id, "reference": person.reference, "tier": person.tier,
            "postcode": person.postcode, "created_at": _utc(person.created_at),
            "editable": editable}


def _beneficiary_body(body: dict, current: Beneficiary | None = None) -> tuple[str, str, str | None]:
    """reference, tier and postcode: given, or (a correction) as they are."""
    postcode = body.get("postcode", "")
    if set(body) - {"reference", "tier", "postcode"} \
            or not all(isinstance(body.get(f, ""), str) for f in ("reference", "tier")) \
            or len(body.get("reference", "")) > 40 \
            or not (postcode is None or isinstance(postcode, str)
                    and re.fullmatch("(?:[0-9]{5})?", postcode)):
        raise InvalidInput(_l("A beneficiary is {\"reference\": …, \"tier\": …, \"postcode\": …}: "
                              "a reference of at most 40 characters, a postcode of 5 digits "
                              "or empty."))
    if current is None:
        return body.get("reference", ""), body.get("tier", ""), body.get("postcode")
    return (body.get("reference", current.reference), body.get("tier", current.tier),
            body.get("postcode", current.postcode))


def _one_beneficiary(actor, person: Beneficiary, status: int = 200):
    answer = jsonify(beneficiary_json(person, person.id in beneficiaries.editable_ids([person])))
    answer.status_code = status
    return answer


@bp.route("/beneficiaries")
@requires("beneficiaries.keep")
def list_beneficiaries():
    people = beneficiaries.of_structure(current_actor())
    editable = beneficiaries.editable_ids(people)
    return jsonify(items=[beneficiary_json(p, p.id in editable) for p in people],
                   retention_months=beneficiaries.retention_months())


@bp.route("/beneficiaries", methods=["POST"])
@requires("beneficiaries.keep")
def create_beneficiary():
    actor = current_actor()
    person = beneficiaries.enrol(actor, *_beneficiary_body(_json_body()))
    db.session.commit()
    return _one_beneficiary(actor, person, 201)


@bp.route("/beneficiaries/<int:beneficiary_id>")
@requires("beneficiaries.keep")
def get_beneficiary(beneficiary_id: int):
    actor = current_actor()
    return _one_beneficiary(actor, beneficiaries.get_beneficiary(actor, beneficiary_id))


@bp.route("/beneficiaries/<int:beneficiary_id>", methods=["PATCH"])
@requires("beneficiaries.keep")
def correct_beneficiary(beneficiary_id: int):
    actor = current_actor()
    body = _json_body()
    current = beneficiaries.get_beneficiary(actor, beneficiary_id)
    person = beneficiaries.update(actor, beneficiary_id, *_beneficiary_body(body, current))
    db.session.commit()
    return _one_beneficiary(actor, person)


@bp.route("/beneficiaries/<int:beneficiary_id>", methods=["DELETE"])
@requires("beneficiaries.keep")
def delete_beneficiary(beneficiary_id: int):
    reference = beneficiaries.delete(current_actor(), beneficiary_id)
    db.session.commit()
    return jsonify(deleted=reference)


# --- training sessions -------------------------------------------------------------------------

def session_json(held: TrainingSession, served: bool, with_revisions: bool = False) -> dict[str, Any]:
    body = {
        "id": held.id, "held_on": held.held_on.isoformat(), "duration_minutes": held.duration_minutes,
        "trainer": held.trainer, "topics": held.topics.split("; ") if held.topics else [],
        "place": held.place, "created_at": _utc(held.created_at),
        # Beneficiaries by id and reference (a purged one: reference null); staff by name.
        "attendance": [{"beneficiary_id": a.beneficiary_id,
                        "reference": a.beneficiary.reference if a.beneficiary
                        and not a.beneficiary.purged_at else None,
                        "staff": a.staff_name, "present": a.present} for a in held.attendances],
        "served_a_handover": served}
    if with_revisions:
        frozen = training.frozen_reason(held)
        body["frozen"] = str(frozen) if frozen is not None else None
        body["revisions"] = [{"at": _utc(r.changed_at), "by": r.changed_by.name if r.changed_by
                              else None, "reason": r.reason, "changes": r.changes}
                             for r in training.revisions_of(held)]
    return body


_SESSION_FIELDS = {"held_on", "duration_minutes", "trainer", "place", "topics", "present",
                   "absent", "staff"}


def _session_values(actor, body: dict, current: TrainingSession | None = None) -> dict[str, Any]:
    """What `record_session` and `correct_session` take, from the body; a correction keeps
    what it does not name (the attendance is replaced whole when any of its lists is given)."""
    ids = ("present", "absent")
    if not all(isinstance(body.get(f, []), list) and len(body.get(f, [])) <= MAX_MARKS
               and all(json_whole(v) is not None for v in body.get(f, [])) for f in ids + ("topics",)) \
            or not isinstance(body.get("staff", []), list) or len(body.get("staff", [])) > MAX_MARKS \
            or not all(isinstance(n, str) and len(n) <= 200 for n in body.get("staff", [])) \
            or "duration_minutes" in body and json_whole(body["duration_minutes"]) is None:
        raise InvalidInput(_l("A session's “topics”, “present” and “absent” are lists of ids, "
                              "“staff” a list of names, “duration_minutes” a whole number."))
    values: dict[str, Any] = {}
    if current is None or "held_on" in body:
        values["held_on"] = iso_date(body.get("held_on"), "held_on")
    if current is None or "trainer" in body:
        values["trainer"] = text(body, "trainer", 200, required=True)
    if current is None or "place" in body:
        values["place"] = text(body, "place", 200)
    if current is None or "duration_minutes" in body:
        values["duration_minutes"] = body.get("duration_minutes", 120)
    if current is None or "topics" in body:
        values["topics"] = body.get("topics", [])
    if current is not None:
        for name in ("held_on", "trainer", "place", "duration_minutes", "topics"):
            values.setdefault(name, getattr(current, name))
    if current is None or set(body) & {"present", "absent", "staff"}:
        values["beneficiaries"] = [beneficiaries.get_beneficiary(actor, i) for i in body.get("present", [])]
        values["absent"] = [beneficiaries.get_beneficiary(actor, i) for i in body.get("absent", [])]
        values["staff"] = body.get("staff", [])
    else:
        values.update(training.attendance_of(current))
    return values


@bp.route("/training-topics")
@requires("training.record")
def list_training_topics():
    return jsonify(items=[{"id": t.id, "label": t.label} for t in training.topics()])


@bp.route("/training-sessions")
@requires("training.record")
def list_training_sessions():
    sessions = training.sessions_of(current_actor())
    served = training.served_ids(sessions)
    return jsonify(items=[session_json(s, s.id in served) for s in sessions])


@bp.route("/training-sessions", methods=["POST"])
@requires("training.record")
def create_training_session():
    actor = current_actor()
    body = _json_body()
    if set(body) - _SESSION_FIELDS:
        raise InvalidInput(_l("A session takes %(fields)s.", fields=", ".join(sorted(_SESSION_FIELDS))))
    held = training.record_session(actor, **_session_values(actor, body))
    db.session.commit()
    return created(session_json(held, False, with_revisions=True))


@bp.route("/training-sessions/<int:session_id>")
@requires("training.record")
def get_training_session(session_id: int):
    held = training.get_session(current_actor(), session_id)
    return jsonify(session_json(held, bool(training.served_ids([held])), with_revisions=True))


@bp.route("/training-sessions/<int:session_id>", methods=["PATCH"])
@requires("training.record")
def correct_training_session(session_id: int):
    """A correction (the attendance included), kept as a revision, until the session has
    served a handover."""
    actor = current_actor()
    body = _json_body()
    if set(body) - _SESSION_FIELDS - {"reason"}:
        raise InvalidInput(_l("A correction takes “reason” and %(fields)s.",
                              fields=", ".join(sorted(_SESSION_FIELDS))))
    reason = text(body, "reason", 500, required=True)
    held = training.get_session(actor, session_id)
    training.correct_session(actor, session_id, reason=reason,
                             **_session_values(actor, body, held))
    db.session.commit()
    return jsonify(session_json(held, False, with_revisions=True))
