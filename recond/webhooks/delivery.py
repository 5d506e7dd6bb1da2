"""Sending a delivery: signed, by the worker, tried again with exponential backoff, each try
logged with the receiver's answer.

A try POSTs the event as JSON with `X-Recond-Timestamp` (Unix seconds) and
`X-Recond-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the webhook's
secret>` (docs/webhooks.md says how a receiver checks it). A 2xx answer delivers it; any other
status, a redirect (never followed), no complete answer within the try's one deadline
(RECOND_WEBHOOK_TIMEOUT_SECONDS, 5 s, for the whole exchange) or a connection error is a failed
try, tried again after RECOND_WEBHOOK_RETRY_SECONDS (30 s, 2 min, 8 min, 32 min, 2 h 8 min,
8 h 32 min: seven tries over about eleven hours), then given up.

The job is idempotent and holds nothing while it waits on a receiver: it claims the try in a
short transaction (the row locked, the try counted, the delivery not due again before the
try's deadline and the pause after it), sends with no transaction open, and records the answer
in a second one. A second job for the same delivery finds it claimed, delivered or given up,
and does nothing. A worker that dies mid-try has counted its try: the sweep
(`requeue_overdue`, in the worker's maintenance) queues the delivery again once overdue, and
after the last try it is given up, never retried forever. A receiver may, rarely, get one
delivery twice: the `X-Recond-Delivery` header is the same on every try, for it to tell.
"""
from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import socket
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from recond import clock, jobs
from recond.extensions import db
from recond.models import WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus
from recond.webhooks import addresses

log = logging.getLogger(__name__)
KEPT_BODY = 500  # characters of the receiver's answer kept with each try
KEPT_DAYS = 30  # a settled delivery and its tries, on the webhook's page, then forgotten
USER_AGENT = "Recond-Webhooks/1"
JOB_MARGIN_SECONDS = 30  # resolving the name and two short transactions, around a try


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
    return json.dumps({"id": public_id(delivery.id), "event": delivery.event,
                       "created_at": delivery.created_at.isoformat(timespec="seconds") + "Z",
                       "data": delivery.payload},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def queue(delivery_ids: list[int]) -> None:
    """Queue one job per delivery (after the commit that wrote them). Without Redis there is
    no worker to send them: they wait, pending, for one. Never raises: it runs in the
    after_commit hook, where the change is already committed; whatever stops the queuing
    (Redis away, a refused connection, a bug), the rows stay pending and the sweep sends them."""
    try:
        if jobs.redis_connection() is None:
            log.info("webhook deliveries %s wait for a worker (RECOND_REDIS_URL is not set)",
                     delivery_ids)
            return
        config = current_app.config
        pauses = tuple(config["WEBHOOK_RETRY_SECONDS"])
        for delivery_id in delivery_ids:
            jobs.enqueue(deliver, delivery_id, retries=pauses,
                         timeout=job_timeout(config["WEBHOOK_TIMEOUT_SECONDS"]))
    except Exception:  # noqa: BLE001 - see above: the sweep is the fallback
        log.warning("webhook deliveries %s not queued: the worker's sweep will", delivery_ids,
                    exc_info=True)


def job_timeout(timeout: float) -> int:
    """rq's limit for one try: the try's own deadline, plus resolving the name and two short
    transactions (rq's default, 180 s, would let a stuck try hold a worker that long)."""
    return int(timeout) + JOB_MARGIN_SECONDS


def public_id(delivery_id: int) -> str:
    """The delivery's id as receivers see it (`X-Recond-Delivery`, the body's `id`): the same on
    every try, and not our sequential row id (which would tell a partner how many events
    the programme sends, and let one be guessed)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"webhook-delivery:{delivery_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def deliver(delivery_id: int) -> str:
    """The job: one try of one delivery. Raises `DeliveryFailed` when another try follows.

    Three steps, and no transaction open while the receiver is being spoken to: claim the try
    (a short transaction: its number is taken and the delivery is not due again until this
    try's deadline and the pause after it have passed, so a second job waits and a job killed
    mid-try still counts its try), send, record the answer (a second short transaction)."""
    claimed = _claim(delivery_id)
    if isinstance(claimed, str):
        return claimed
    answer = send(claimed)
    return _record(claimed, answer)


@dataclass(frozen=True)
class Claimed:
    """One claimed try: what sending needs, read before the claim's commit (sending reads no
    row, so opens no transaction)."""
    delivery_id: int
    number: int
    url: str
    secret: str
    event: str
    body: bytes

    @classmethod
    def of(cls, delivery: WebhookDelivery, number: int, url: str | None = None,
           secret: str | None = None) -> "Claimed":
        hook = delivery.webhook
        return cls(delivery.id, number, url or hook.url, secret or hook.secret, delivery.event,
                   body_of(delivery))


def _claim(delivery_id: int) -> Claimed | str:
    delivery = db.session.scalar(select(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
                                 .with_for_update())
    if delivery is None or delivery.status != WebhookDeliveryStatus.PENDING:
        db.session.rollback()
        return "nothing to do"
    now = clock.utcnow()
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
        db.session.rollback()
        return "not due yet"
    hook = delivery.webhook
    if not hook.active or not hook.organisation.active:
        delivery.status, delivery.next_attempt_at = WebhookDeliveryStatus.CANCELLED, None
        db.session.commit()
        return delivery.status
    config = current_app.config
    pauses = config["WEBHOOK_RETRY_SECONDS"]
    if delivery.attempts > len(pauses):
        # Every try was claimed, the last one by a job that never recorded its answer (killed):
        # given up, not tried forever by the sweep.
        delivery.status, delivery.next_attempt_at = WebhookDeliveryStatus.FAILED, None
        db.session.commit()
        return delivery.status
    delivery.attempts += 1
    pause = pauses[delivery.attempts - 1] if delivery.attempts <= len(pauses) else 0
    delivery.next_attempt_at = now + timedelta(seconds=job_timeout(
        config["WEBHOOK_TIMEOUT_SECONDS"]) + pause)
    claimed = Claimed.of(delivery, delivery.attempts)
    db.session.commit()
    return claimed


def _record(claimed: Claimed, answer: Answer) -> str:
    delivery = db.session.scalar(select(WebhookDelivery)
                                 .where(WebhookDelivery.id == claimed.delivery_id)
                                 .with_for_update())
    db.session.add(WebhookAttempt(delivery_id=claimed.delivery_id, number=claimed.number,
                                  status_code=answer.status_code, response_body=answer.body,
                                  error=answer.error, duration_ms=answer.duration_ms))
    pauses = current_app.config["WEBHOOK_RETRY_SECONDS"]
    pause = 0
    if delivery.status != WebhookDeliveryStatus.PENDING:
        pass  # settled meanwhile (switched off): the try is kept, the status stays
    elif answer.ok:
        delivery.status, delivery.delivered_at = WebhookDeliveryStatus.DELIVERED, clock.utcnow()
        delivery.next_attempt_at = None
    elif claimed.number > len(pauses):
        delivery.status, delivery.next_attempt_at = WebhookDeliveryStatus.FAILED, None
    else:
        pause = pauses[claimed.number - 1]
        delivery.next_attempt_at = clock.utcnow() + timedelta(seconds=pause)
    status = delivery.status
    db.session.commit()
    if status == WebhookDeliveryStatus.PENDING:
        raise DeliveryFailed(f"webhook delivery {claimed.delivery_id}: try {claimed.number} "
                             f"failed ({answer.status_code or answer.error}); next in {pause} s")
    return status


def send(claimed: Claimed) -> Answer:
    """POST the delivery once; what came back (never raises for the receiver's faults). The
    whole exchange — connecting, sending, the answer's status, headers and start — has one
    deadline, RECOND_WEBHOOK_TIMEOUT_SECONDS: a socket's timeout bounds each read, and a
    receiver dripping a byte at a time would otherwise hold the worker as long as it likes."""
    config = current_app.config
    timestamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               "X-Recond-Event": claimed.event,
               "X-Recond-Delivery": public_id(claimed.delivery_id),
               "X-Recond-Timestamp": timestamp,
               "X-Recond-Signature": signature(claimed.secret, timestamp, claimed.body)}
    started = time.monotonic()

    def answer(status_code: int | None, text: str, error: str = "") -> Answer:
        return Answer(status_code, text[:KEPT_BODY], error,
                      int((time.monotonic() - started) * 1000))

    timeout = config["WEBHOOK_TIMEOUT_SECONDS"]
    deadline = _Deadline(timeout)
    try:
        to = addresses.target(claimed.url, config["WEBHOOK_ALLOW_LOCAL"])
        connection = _connection(to, timeout, deadline)
        try:
            with deadline:
                connection.request("POST", to.path, body=claimed.body, headers=headers)
                response = connection.getresponse()  # a redirect is an answer like any other
                text = response.read(4 * KEPT_BODY).decode("utf-8", "replace")
            if deadline.passed:
                raise TimeoutError(f"no complete answer within {timeout} s")
            return answer(response.status, text)
        finally:
            connection.close()
    except addresses.AddressRefused as refused:
        return answer(None, refused.detail, refused.code)
    except (socket.timeout, TimeoutError) as error:
        return answer(None, str(error), "timeout")
    except (http.client.HTTPException, OSError) as error:
        if deadline.passed:  # the deadline cut the connection under http.client's feet
            return answer(None, f"no complete answer within {timeout} s", "timeout")
        kind = "tls" if "ssl" in type(error).__module__ else "connection"
        return answer(None, f"{type(error).__name__}: {error}", kind)


class _Deadline:
    """The try's one deadline (monotonic): when it passes, the connection's socket is shut
    down, which ends whatever read or write is waiting on it."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self.passed = False
        self.sock: socket.socket | None = None
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def remaining(self) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            self.passed = True
            raise TimeoutError("the try's deadline passed")
        return left

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self.sock = sock
            if self.passed:  # cut while the connection was being made
                raise TimeoutError("the try's deadline passed")

    def _cut(self) -> None:
        with self._lock:
            self.passed = True
            if self.sock is not None:
                try:
                    self.sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def __enter__(self) -> "_Deadline":
        self._timer = threading.Timer(self.remaining(), self._cut)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()


def _connection(to: addresses.Target, timeout: float,
                deadline: _Deadline) -> http.client.HTTPConnection:
    """A connection to the checked addresses in turn, speaking to the host by its name (Host
    header, TLS certificate), within the try's deadline."""
    base = http.client.HTTPSConnection if to.scheme == "https" else http.client.HTTPConnection

    class Pinned(base):  # type: ignore[misc, valid-type]
        def connect(self) -> None:
            error: OSError | None = None
            for address in to.addresses:
                try:
                    sock = socket.create_connection((address, to.port),
                                                    min(self.timeout, deadline.remaining()))
                    break
                except (socket.timeout, TimeoutError):
                    raise
                except OSError as refused:
                    error = refused
            else:
                raise error or OSError("no address to connect to")
            deadline.watch(sock)
            self.sock = (self._context.wrap_socket(sock, server_hostname=to.host)
                         if to.scheme == "https" else sock)
            deadline.watch(self.sock)

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
