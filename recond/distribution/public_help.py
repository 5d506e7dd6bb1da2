"""The help a device's public page offers whoever holds it — the support line, where to find a
place of digital mediation, a beginner's guide per operating system — set by the coordination
(capability `public_help.edit`) and read by anyone through `/d/<ID>`."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from recond import capabilities
from recond.clock import utcnow
from recond.errors import Conflict, InvalidInput
from recond.extensions import db
from recond.models import OsImage, PublicHelp, User

URL_FIELDS = ("support_url", "places_url", "guide_url")
GUIDE_PREFIX = "guide:"  # a form field per operating system: "guide:Linux Mint"
_PHONE = re.compile(r"\+?[0-9][0-9 .()-]{3,28}")
_MAX_URL = 500


def current() -> PublicHelp:
    """The links in force (an empty set, unsaved, before the coordination writes any)."""
    return db.session.get(PublicHelp, 1) or PublicHelp(
        id=1, support_phone="", support_hours="", support_url="", places_url="", guide_url="",
        guides={})


def os_names() -> list[str]:
    """The operating systems of the catalogue, by name: each may have its own guide."""
    return list(db.session.scalars(select(OsImage.name).distinct().order_by(OsImage.name)))


def guide_for(help_: PublicHelp, operating_system: str | None) -> str:
    """The beginner's guide of an installed system ("Linux Mint 22" → the "Linux Mint" guide),
    else the general one."""
    if operating_system:
        named = [name for name in help_.guides
                 if operating_system == name or operating_system.startswith(name + " ")]
        if named:
            return help_.guides[max(named, key=len)]
    return help_.guide_url


def update(actor: User, values: dict[str, Any]) -> PublicHelp:
    """Replace the links with what the coordination typed: web addresses in http(s) only,
    a phone number of digits (spaces, dots, dashes and a leading + allowed)."""
    capabilities.require(actor, "public_help.edit")
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {name: _url(values.get(name), name, errors) for name in URL_FIELDS}
    phone = _text(values.get("support_phone"), 30)
    if phone is None or phone and not _PHONE.fullmatch(phone):
        errors["support_phone"] = str(_l("a phone number: digits, spaces, dots or dashes, "
                                         "perhaps a leading +"))
    clean["support_phone"] = phone or ""
    hours = _text(values.get("support_hours"), 200)
    if hours is None:
        errors["support_hours"] = str(_l("at most %(n)s characters", n=200))
    clean["support_hours"] = hours or ""
    guides = {}
    for name in os_names():
        url = _url(values.get(GUIDE_PREFIX + name), GUIDE_PREFIX + name, errors)
        if url:
            guides[name] = url
    clean["guides"] = guides
    if errors:
        raise InvalidInput(_l("Some links are wrong: %(fields)s.",
                              fields="; ".join(f"{k}: {v}" for k, v in errors.items())),
                           details={"fields": errors})
    return _save(actor, clean)


def _save(actor: User, clean: dict[str, Any]) -> PublicHelp:
    row = db.session.scalar(select(PublicHelp).where(PublicHelp.id == 1).with_for_update())
    try:
        with db.session.begin_nested():
            if row is None:
                row = PublicHelp(id=1)
                db.session.add(row)
            for name, value in clean.items():
                setattr(row, name, value)
            row.updated_at, row.updated_by_id = utcnow(), actor.id
            db.session.flush()
    except IntegrityError:
        # Two first saves at once: the other one made the row.
        raise Conflict(_l("Someone else saved the help links at the same moment. Reload the "
                          "page and try again.")) from None
    return row


def _text(raw: Any, limit: int) -> str | None:
    """The text, trimmed; None when it is not text or longer than `limit`."""
    if raw is None:
        return ""
    if not isinstance(raw, str) or len(raw.strip()) > limit:
        return None
    return " ".join(raw.split())


def _url(raw: Any, name: str, errors: dict[str, str]) -> str:
    text = _text(raw, _MAX_URL)
    if text is None:
        errors[name] = str(_l("at most %(n)s characters", n=_MAX_URL))
        return ""
    if not text:
        return ""
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc \
            or " " in text:
        errors[name] = str(_l("a web address starting with https:// (or http://)"))
        return ""
    return text
