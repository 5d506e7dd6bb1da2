"""Sending a delivery: signed, by the worker, tried again with exponential backoff, each try
logged with the receiver's answer.

A try POSTs the event as JSON with `X-Recond-Timestamp` (Unix seconds) and
`X-Recond-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the webhook's
secret>` (docs/webhooks.md says how a receiver checks it). A 2xx answer delivers it; any other
status, a redirect (never followed), a timeout (RECOND_WEBHOOK_TIMEOUT_SECONDS, 5 s) or a
connection error is a failed try, tried again after RECOND_WEBHOOK_RETRY_SECONDS (30 s, 2 min,
8 min, 32 min, 2 h 8 min, 8 h 32 min: seven tries over about eleven hours), then given up.

The job is idempotent: it locks its delivery, and does nothing for one already delivered,
given up, or not yet due (a second job for the same delivery). A worker that dies mid-try
leaves the delivery pending: the sweep (`requeue_overdue`, in the worker's maintenance) queues
again what is overdue, so a receiver may, rarely, get one delivery twice: the
`X-Recond-Delivery` header is the same on every try, for it to tell.
"""
from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import socket
import time
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from recond import clock, jobs
from recond.errors import DomainError
from recond.extensions import db
from recond.models import WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus
from recond.webhooks import addresses

log = logging.getLogger(__name__)
KEPT_BODY = 500  # characters of the receiver's answer kept with each try
KEPT_DAYS = 30  # a settled delivery and its tries, on the webhook's page, then forgotten
USER_AGENT = "Recond-Webhooks/1"


class DeliveryFailed(Exception):
    """A try failed and another will be made: raised so that rq schedules it."""


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    body: str
    error: str  # "" when the receiver answered; else timeout, connection, tls, dns, refused_address
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def body_of(delivery: WebhookDelivery) -> bytes:
    """The same bytes on every try of a delivery."""
    return json.dumps({"id": delivery.id, "event": delivery.event,
                       "created_at": delivery.created_at.isoformat(timespec="seconds") + "Z",
                       "data": delivery.payload},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def queue(delivery_ids: list[int]) -> None:
    """Queue one job per delivery (after the commit that wrote them). Without Redis there is
    no worker to send them: they wait, pending, for one."""
    if jobs.redis_connection() is None:
        log.info("webhook deliveries %s wait for a worker (RECOND_REDIS_URL is not set)",
                 delivery_ids)
        return
    pauses = tuple(current_app.config["WEBHOOK_RETRY_SECONDS"])
    for delivery_id in delivery_ids:
        try:
            jobs.enqueue(deliver, delivery_id, retries=pauses)
        except DomainError:  # Redis unreachable: the worker's sweep queues them later
            log.warning("webhook deliveries %s not queued: Redis is unreachable", delivery_ids)
            return


def deliver(delivery_id: int) -> str:
    """The job: one try of one delivery. Raises `DeliveryFailed` when another try follows."""
    delivery = db.session.scalar(select(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
                                 .with_for_update())
    if delivery is None or delivery.status != WebhookDeliveryStatus.PENDING:
        db.session.rollback()
        return "nothing to do"
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > clock.utcnow():
        db.session.rollback()
        return "not due yet"
    hook = delivery.webhook
    if not hook.active:
        delivery.status, delivery.next_attempt_at = WebhookDeliveryStatus.CANCELLED, None
        db.session.commit()
        return delivery.status
    answer = send(hook.url, hook.secret, delivery)
    delivery.attempts += 1
    db.session.add(WebhookAttempt(delivery_id=delivery.id, number=delivery.attempts,
                                  status_code=answer.status_code, response_body=answer.body,
                                  error=answer.error, duration_ms=answer.duration_ms))
    pauses = current_app.config["WEBHOOK_RETRY_SECONDS"]
    if answer.ok:
        delivery.status, delivery.delivered_at = WebhookDeliveryStatus.DELIVERED, clock.utcnow()
        delivery.next_attempt_at = None
    elif delivery.attempts > len(pauses):
        delivery.status, delivery.next_attempt_at = WebhookDeliveryStatus.FAILED, None
    else:
        pause = pauses[delivery.attempts - 1]
        delivery.next_attempt_at = clock.utcnow() + timedelta(seconds=pause)
    status, tries = delivery.status, delivery.attempts
    db.session.commit()
    if status == WebhookDeliveryStatus.PENDING:
        raise DeliveryFailed(f"webhook delivery {delivery_id}: try {tries} failed "
                             f"({answer.status_code or answer.error}); next in {pause} s")
    return status


def send(url: str, secret: str, delivery: WebhookDelivery) -> Answer:
    """POST the delivery once; what came back (never raises for the receiver's faults)."""
    config = current_app.config
    body = body_of(delivery)
    timestamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               "X-Recond-Event": delivery.event, "X-Recond-Delivery": str(delivery.id),
               "X-Recond-Timestamp": timestamp,
               "X-Recond-Signature": signature(secret, timestamp, body)}
    started = time.monotonic()

    def answer(status_code: int | None, text: str, error: str = "") -> Answer:
        return Answer(status_code, text[:KEPT_BODY], error,
                      int((time.monotonic() - started) * 1000))

    try:
        to = addresses.target(url, config["WEBHOOK_ALLOW_LOCAL"])
        connection = _connection(to, config["WEBHOOK_TIMEOUT_SECONDS"])
        try:
            connection.request("POST", to.path, body=body, headers=headers)
            response = connection.getresponse()  # a redirect is an answer like any other
            text = response.read(4 * KEPT_BODY).decode("utf-8", "replace")
            return answer(response.status, text)
        finally:
            connection.close()
    except addresses.AddressRefused as refused:
        return answer(None, refused.detail, refused.code)
    except (socket.timeout, TimeoutError) as error:
        return answer(None, str(error), "timeout")
    except (http.client.HTTPException, OSError) as error:
        kind = "tls" if "ssl" in type(error).__module__ else "connection"
        return answer(None, f"{type(error).__name__}: {error}", kind)


def _connection(to: addresses.Target, timeout: int) -> http.client.HTTPConnection:
    """A connection to the checked address, speaking to the host by its name (Host header,
    TLS certificate)."""
    base = http.client.HTTPSConnection if to.scheme == "https" else http.client.HTTPConnection

    class Pinned(base):  # type: ignore[misc, valid-type]
        def connect(self) -> None:
            sock = socket.create_connection((to.address, to.port), self.timeout)
            self.sock = (self._context.wrap_socket(sock, server_hostname=to.host)
                         if to.scheme == "https" else sock)

    return Pinned(to.host, to.port, timeout=timeout)


def requeue_overdue() -> None:
    """The worker's sweep: queue again the pending deliveries whose try is overdue — queued
    while Redis was away, or whose worker died mid-try."""
    overdue = clock.utcnow() - jobs.lost_after()
    ids = list(db.session.scalars(
        select(WebhookDelivery.id).where(WebhookDelivery.status == WebhookDeliveryStatus.PENDING,
                                         WebhookDelivery.next_attempt_at < overdue)
        .order_by(WebhookDelivery.id).limit(1000)))
    if ids:
        queue(ids)


def forget_old_deliveries() -> None:
    """The worker's maintenance: settled deliveries older than KEPT_DAYS go, with their tries
    (the outbox is not an archive; what a partner received, it keeps)."""
    cutoff = clock.utcnow() - timedelta(days=KEPT_DAYS)
    old = select(WebhookDelivery.id).where(WebhookDelivery.status != WebhookDeliveryStatus.PENDING,
                                           WebhookDelivery.created_at < cutoff)
    db.session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(old)))
    db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.id.in_(old)))
