"""E-mail: composing a message from its templates (French or English, plain text and HTML) and
sending it once the transaction that caused it has committed.

Sending goes through SMTP when RECOND_SMTP_URL is set (`smtp://user:pass@host:587` with
STARTTLS, `smtps://…:465` with TLS from the start), on the background worker when Redis is
configured. The embedded default writes each message to `instance/outbox/` as an .eml file and
logs where, so the quick start needs no mail server. A message SMTP refuses is kept there too.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from email import message_from_string, policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy.orm import Session

from recond import clock
from recond.errors import DomainError

log = logging.getLogger(__name__)
OUTGOING = "recond_outgoing_mail"
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def compose(to: str, template: str, *, lang: str, **context) -> EmailMessage:
    """Render `mail/<template>.txt` and `.html` in `lang`; the subject is the text's first line."""
    with force_locale(lang):
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
    subject, _, body = text.strip().partition("\n")
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject.strip()
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=urlsplit(current_app.config["PUBLIC_URL"]).hostname
                                       or "recond")
    message["Content-Language"] = lang
    message.set_content(body.strip() + "\n")
    message.add_alternative(html, subtype="html")
    return message


def queue(message: EmailMessage) -> None:
    """Send `message` after the current transaction commits; nothing is sent if it rolls back."""
    from recond.extensions import db

    db.session.info.setdefault(OUTGOING, []).append(message.as_string())


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    pending = session.info.pop(OUTGOING, None)
    for raw in pending or ():
        _dispatch(raw)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(OUTGOING, None)


def _dispatch(raw: str) -> None:
    from recond import jobs

    try:
        jobs.enqueue(deliver, raw)
        return
    except DomainError:  # Redis unreachable: the request has committed, send from here
        log.warning("background jobs unavailable: sending mail from the web process")
    except Exception:  # noqa: BLE001 - an SMTP failure must not undo a committed change
        log.exception("mail not sent")
        keep(raw)
        return
    try:
        deliver(raw)
    except Exception:  # noqa: BLE001
        log.exception("mail not sent")
        keep(raw)


def deliver(raw: str) -> str:
    """The job: send one message through SMTP, or write it to the outbox. Returns where it went."""
    url = current_app.config.get("SMTP_URL")
    if not url:
        return keep(raw)
    message = message_from_string(raw, policy=policy.SMTP)
    parts = urlsplit(url)
    secure = parts.scheme == "smtps"
    host, port = parts.hostname, parts.port or (465 if secure else 587)
    context = ssl.create_default_context()
    if secure:
        smtp = smtplib.SMTP_SSL(host, port, timeout=30, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=30)
    with smtp:
        smtp.ehlo()
        if not secure:
            # STARTTLS always, except with a relay on this very machine that does not offer it.
            if smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
            elif host not in _LOOPBACK:
                raise smtplib.SMTPNotSupportedError(f"{host} does not offer STARTTLS")
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(message)
    log.info("mail to %s sent through %s:%s", message["To"], host, port)
    return f"{host}:{port}"


def keep(raw: str) -> str:
    """Write the message into instance/outbox/ and say where."""
    outbox = Path(current_app.instance_path) / "outbox"
    outbox.mkdir(parents=True, exist_ok=True)
    message = message_from_string(raw, policy=policy.default)
    path = outbox / f"{clock.utcnow():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
    path.write_text(raw)
    log.info("mail to %s written to %s", message["To"], path)
    return str(path)
