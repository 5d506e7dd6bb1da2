"""The register of webhooks, kept by administrators: add one for an organisation (its secret
shown once), switch it off or on, give it a new secret, and read its deliveries and tries.

Administrators only, not the coordination: a webhook sends an organisation's events out of
Recond to a system of its choosing, a decision about where data goes that belongs with the
people who keep accounts, tokens and the security log; and a coordination webhook hears of
every organisation's devices. Each change (added, switched on or off, a new secret) is
written to the security log, as API tokens are: the register is a journey, above the rules
where the events and their delivery live."""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from recond import capabilities, clock
from recond.errors import InvalidInput, NotFound
from recond.extensions import db
from recond.identity import security_log
from recond.models import Organisation, User, Webhook, WebhookDelivery, WebhookDeliveryStatus
from recond.webhooks import addresses, events

SHOWN_DELIVERIES = 50
ERROR_LABELS = {
    "timeout": _l("no answer in time"),
    "connection": _l("connection failed"),
    "tls": _l("secure connection refused (certificate)"),
    "dns": _l("server name not found"),
    "refused_address": _l("address refused: private or local network"),
}


def state_label(delivery: WebhookDelivery):
    """Where a delivery stands, in words (the webhook's page)."""
    if delivery.status == WebhookDeliveryStatus.PENDING:
        if delivery.attempts and delivery.next_attempt_at is not None:
            return _l("waiting, next try at %(at)s",
                      at=format_datetime(clock.local(delivery.next_attempt_at), "short"))
        return _l("waiting")
    return {WebhookDeliveryStatus.DELIVERED: _l("delivered"),
            WebhookDeliveryStatus.FAILED: _l("given up"),
            WebhookDeliveryStatus.CANCELLED: _l("not sent: webhook switched off")}[
        WebhookDeliveryStatus(delivery.status)]


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def organisations() -> list[Organisation]:
    """Whom a webhook may be registered for: the active organisations."""
    return list(db.session.scalars(select(Organisation).where(Organisation.active.is_(True))
                                   .order_by(Organisation.name)))


def webhooks(actor: User) -> list[Webhook]:
    capabilities.require(actor, "webhooks.manage")
    return list(db.session.scalars(select(Webhook).options(selectinload(Webhook.organisation))
                                   .order_by(Webhook.id)))


def get(actor: User, webhook_id: int) -> Webhook:
    capabilities.require(actor, "webhooks.manage")
    hook = db.session.get(Webhook, webhook_id)
    if hook is None:
        raise NotFound(_l("No such webhook."))
    return hook


def create(actor: User, *, organisation_id: int, url: str, wanted: list[str],
           address: str | None = None) -> tuple[Webhook, str]:
    """A new webhook and its secret (the one time anyone reads it). One active webhook per
    organisation and address: the form posted twice (F5 on the page that shows the secret)
    does not add a second one."""
    capabilities.require(actor, "webhooks.manage")
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not organisation.active:
        raise InvalidInput(_l("Choose an active organisation."), code="webhook_organisation")
    url = addresses.check_url(url, current_app.config["WEBHOOK_ALLOW_LOCAL"])
    chosen = [name for name in events.EVENTS if name in set(wanted or ())]
    if not chosen or len(chosen) != len(set(wanted)):
        raise InvalidInput(_l("Choose at least one event among those listed."),
                           code="webhook_events")
    # The organisation's row locked: two posts at once find each other's webhook.
    db.session.execute(select(Organisation.id).where(Organisation.id == organisation.id)
                       .with_for_update())
    if db.session.scalar(select(Webhook.id).where(Webhook.organisation_id == organisation.id,
                                                  Webhook.url == url,
                                                  Webhook.active.is_(True))) is not None:
        raise InvalidInput(_l("%(org)s already has an active webhook to this address: open it "
                              "to change it, or switch it off first.", org=organisation.name),
                           code="webhook_duplicate")
    secret = new_secret()
    hook = Webhook(organisation_id=organisation.id, url=url, events=chosen, secret=secret,
                   created_by_id=actor.id)
    db.session.add(hook)
    db.session.flush()
    events.forget_cached_hooks()
    _log("webhook_created", actor, hook, address, events=chosen)
    return hook, secret


def _log(kind: str, actor: User, hook: Webhook, address: str | None, **details) -> None:
    security_log.record(kind, actor=actor, organisation_id=hook.organisation_id, address=address,
                        # The host only: an address's query may carry the receiver's own key.
                        details={"webhook_id": hook.id, "host": urlsplit(hook.url).hostname,
                                 **details})


def set_active(actor: User, hook: Webhook, active: bool,
               address: str | None = None) -> Webhook:
    """Switched off, a webhook records nothing more, and what was waiting is not sent."""
    capabilities.require(actor, "webhooks.manage")
    if hook.active == active:
        return hook  # a second press: nothing changed, nothing to log
    if active and db.session.scalar(select(Webhook.id).where(
            Webhook.organisation_id == hook.organisation_id, Webhook.url == hook.url,
            Webhook.active.is_(True), Webhook.id != hook.id)) is not None:
        raise InvalidInput(_l("Another active webhook of this organisation already sends to "
                              "this address: switch that one off first."),
                           code="webhook_duplicate")
    hook.active = active
    db.session.flush()
    events.forget_cached_hooks()
    _log("webhook_switched_on" if active else "webhook_switched_off", actor, hook, address)
    return hook


def change_secret(actor: User, hook: Webhook, address: str | None = None) -> str:
    """A new secret, from the next try on (the old one no longer signs anything)."""
    capabilities.require(actor, "webhooks.manage")
    hook.secret = new_secret()
    db.session.flush()
    _log("webhook_secret_changed", actor, hook, address)
    return hook.secret


def deliveries(hook: Webhook) -> list[WebhookDelivery]:
    """The latest deliveries of the webhook, newest first, each with its tries."""
    return list(db.session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id)
        .options(selectinload(WebhookDelivery.tries))
        .order_by(WebhookDelivery.id.desc()).limit(SHOWN_DELIVERIES)))
