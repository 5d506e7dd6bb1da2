"""What templates share: the current user, what they may do (`can`, the navigation), labels of
statuses and actions, money (`money` for people, `euros` to pre-fill a field, both from
`recond.money`), weights (`weight`, from `recond.weights`), language."""
from __future__ import annotations

from typing import Callable

from flask import Flask, g, request, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale, gettext

from recond import capabilities, categories, money, public_id, weights
from recond.distribution import deliveries, equipment_requests, payments, pricing
from recond.workshop import (
    grading, os_catalogue, sanitisation, storage_media, transfers, wipe_evidence,
)
from recond.collection import routing
from recond.blueprints.guard import current_actor
from recond.blueprints.navigation import entries_for
from recond.collection.deposits import STATUS_LABELS as DEPOSIT_STATUS_LABELS
from recond.documents import cerfa_16216
from recond.extensions import login_manager
from recond.inventory.history import label as detail_label, title as event_title
from recond.lifecycle import STATUS_LABELS, Status
from recond.lifecycle.actions import ACTIONS
from recond.models import SanitisationMethod, SanitisationRecord
from recond.territories import LABELS as TERRITORY_LABELS


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = None

    @app.context_processor
    def shared():
        actor = current_actor()
        return {
            "actor": actor,
            # Templates ask a capability, never a role (issue 16).
            "can": lambda capability: capabilities.can(actor, capability),
            "navigation": entries_for(actor) if actor else [],
            "lang": str(get_locale() or "fr"),
            # Each code translated once per page: a list of 100 rows asks the same few.
            "status_label": _remembered(lambda s: STATUS_LABELS.get(Status(s), s) if s else "—"),
            "action_label": lambda a: ACTIONS[a].label if a in ACTIONS else a,
            "event_label": event_title,
            "detail_label": detail_label,
            "when": format_datetime,
            "number": format_decimal,
            "deposit_status": lambda s: DEPOSIT_STATUS_LABELS.get(s, s),
            "category_label": _remembered(
                lambda c: categories.CATEGORIES[c].label if c in categories.CATEGORIES else c),
            "territory_label": lambda t: TERRITORY_LABELS.get(t, t or "—"),
            "money": money.format_money,
            "weight": weights.format_kg,
            "euros": money.format_euros,
            "display_id": public_id.display,
            "check_label": lambda k: categories.CHECK_LABELS.get(k, k),
            "grade_definition": lambda g: grading.definition(g) if g in categories.GRADES else "",
            "battery_rule": grading.battery_rule,
            "choice_label": choice_label,
            "outcome_label": lambda o: categories.OUTCOME_LABELS.get(o, o),
            "request_status": lambda s: equipment_requests.STATUS_LABELS.get(s, s),
            "purpose_label": lambda p: equipment_requests.PURPOSE_LABELS.get(p, p),
            "tier_label": lambda t: pricing.TIER_LABELS.get(t, t),
            "method_label": lambda m: payments.METHOD_LABELS.get(m, m),
            "payment_kind": lambda k: payments.KIND_LABELS.get(k, k),
            "delivery_status": lambda s: deliveries.STATUS_LABELS.get(s, s),
            "verification_label": wipe_evidence.verification_label,
            "sanitisation_method_label": sanitisation.method_label,
            "technique_label": storage_media.technique_label,
            "record_parts": record_parts,
            "size_label": wipe_evidence.format_size,
            "delivery_kind": lambda k: deliveries.KIND_LABELS.get(k, k),
            "transfer_status": lambda s: transfers.STATUS_LABELS.get(s, s),
            "routing_label": lambda r: routing.ROUTING_LABELS.get(r or routing.CHOSEN, r),
            "percent": lambda x: "—" if x is None else f"{round(x * 100)} %",
            "valuation_basis": lambda b: cerfa_16216.VALUATION_BASIS_LABELS.get(b, b or "—"),
        }

    @app.after_request
    def security_headers(response):
        # Every asset is served by Recond itself: nothing from elsewhere may load.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return _kept_private(_https_only(app, response))


def _https_only(app: Flask, response):
    """Behind HTTPS (secure cookies), browsers are told to use nothing else for a year."""
    if app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def _kept_private(response):
    """What a signed-in reader sees, and every PDF (receipts and notes name beneficiaries and
    donors), is never kept by a browser, a proxy or the back button's cache. Only the static
    assets (the same for everyone) may be. Signed in: a token was read, or the session names
    someone (read from the cookie, never from the database, which may be why this is an error
    page)."""
    signed_in = g.get("api_actor") is not None or any(
        session.get(key) is not None for key in ("_user_id", "pending_2fa"))
    if request.endpoint != "static" and (signed_in or response.mimetype in (
            "application/pdf", "application/zpl", "image/png", "image/svg+xml")):
        response.headers["Cache-Control"] = "no-store"
    return response


def _remembered(label: Callable[[str], object]) -> Callable[[str], str]:
    seen: dict = {}

    def lookup(code):
        if code not in seen:
            seen[code] = str(label(code))
        return seen[code]
    return lookup


def choice_label(code: str):
    """How the code of an action form's choice reads (WEEE or parts, a keyboard, a language)."""
    for labels in (categories.CHOICE_LABELS, storage_media.DESTRUCTION_LABELS,
                   storage_media.DESTINATION_LABELS, os_catalogue.KEYBOARD_LABELS):
        if code in labels:
            return labels[code]
    if code in os_catalogue.LANGUAGES:
        return os_catalogue.language_label(code)
    return code


def record_parts(r: SanitisationRecord) -> list[str]:
    """A sanitisation record as the device page lists it, part by part, none of them empty.
    A destruction says how, by whom, its reference and when; a wipe its method, tool, passes,
    verification, size, result and times."""
    method = str(sanitisation.method_label(r.method))
    technique = str(storage_media.technique_label(r.method, r.technique))
    if r.method == SanitisationMethod.DESTROY:
        parts = [method, technique, r.destroyed_by,
                 r.reference and f"{gettext('ref.')} {r.reference}",
                 r.finished_at and format_date(r.finished_at.date(), "short")]
    else:
        times = (f"{format_datetime(r.started_at, 'short')} – {format_datetime(r.finished_at, 'short')}"
                 if r.started_at and r.finished_at else format_datetime(r.performed_at, "short"))
        parts = [method, technique, r.tool,
                 r.passes is not None and f"{gettext('passes')}: {r.passes}",
                 r.rounds and f"{gettext('rounds')}: {r.rounds}",
                 r.blanking is not None and
                 f"{gettext('blanking')}: {gettext('yes') if r.blanking else gettext('no')}",
                 str(wipe_evidence.verification_label(r.verification)),
                 r.size_bytes and wipe_evidence.format_size(r.size_bytes),
                 gettext("passed") if r.passed else gettext("FAILED"), times,
                 r.matched_by_hand and f"{gettext('Matched by hand')}: {r.match_reason}"]
    return [str(part) for part in parts if part and str(part).strip()]
