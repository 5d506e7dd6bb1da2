"""What a scanner typed, resolved to one device: a public ID, a QR URL, or a serial number.

Scanners are keyboards. One set to QWERTY on an AZERTY computer types `&é"'(-è_çà` for the
digits, swaps A/Q and Z/W, and turns `:/.` into `M!:`; we try the text as typed, then as it
was meant.
"""
from __future__ import annotations

from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, Select, bindparam, select

from recond import clock, public_id, scopes
from recond.errors import Conflict, DomainError, InvalidInput, NotFound, Unauthenticated
from recond.extensions import db
from recond.identity import bearers
from recond.identity.bearers import Bearer
from recond.models import Device, User

# What a QWERTY key sends when the host decodes it as AZERTY -> what was meant.
_AZERTY_TO_QWERTY = str.maketrans({
    "&": "1", "é": "2", '"': "3", "'": "4", "(": "5", "-": "6", "è": "7", "_": "8", "ç": "9",
    "à": "0", ")": "-", "°": "_",
    "a": "q", "q": "a", "z": "w", "w": "z", "A": "Q", "Q": "A", "Z": "W", "W": "Z",
    ",": "m", "?": "M", ";": ",", ".": "<", ":": ".", "/": ">", "!": "/", "§": "?",
    "m": ";", "M": ":",
})
MAX_CODE_LENGTH = 300


def as_meant(typed: str) -> str:
    return typed.translate(_AZERTY_TO_QWERTY)


def candidates(typed: str) -> list[str]:
    typed = typed.strip()
    meant = as_meant(typed)
    return [typed] if meant == typed else [typed, meant]


def resolve(actor: User, typed: str) -> Device:
    """The device a scanner's text names, as an ORM object (the scan station's pages)."""
    return _look_up(typed, lambda: scopes.visible_devices(actor), db.session.scalars)


# What the API's scan answers with: the device's own columns, read without the ORM.
CARD = (Device.public_id, Device.category, Device.brand, Device.model, Device.serial,
        Device.asset_tag, Device.specs, Device.status, Device.grade, Device.operating_system,
        Device.workshop_id, Device.version)


class Found(NamedTuple):
    reader: User | Bearer  # who it was read for (a bearer read again if it changed meanwhile)
    device: Row  # the CARD columns


def card(actor: User | Bearer, typed: str) -> Found:
    """The same look-up as `resolve`, for the API: the CARD columns of the device, in one
    statement for a scanned ID. For a token's bearer (`recond.identity.bearers`) that statement
    also asks whether the token still holds; when it finds nothing, the token is read again: a
    dead token is refused (`Unauthenticated`), a changed holder (another role) looks again."""
    def scoped():
        query = select(*CARD).where(scopes.device_scope(actor))
        return query.where(bearers.holds(actor)) if isinstance(actor, Bearer) else query

    if not isinstance(actor, Bearer):
        return Found(actor, _look_up(typed, scoped, db.session.execute))
    by_id = _by_id(actor)
    try:
        return Found(actor, _look_up(
            typed, scoped, db.session.execute,
            lambda code: db.session.connection().execute(
                by_id, {"code": code, "now": clock.utcnow()}).first()))
    except DomainError:
        fresh = bearers.confirm(actor)
        if fresh is None:
            raise Unauthenticated() from None
        if fresh == actor:
            raise
    return card(fresh, typed)


# A bearer's scan of an ID, built once per holder: building the statement (its scope, the
# token's check, a dozen comparisons) cost a worker more than running it.
_BY_ID: dict[tuple, Select] = {}
_BY_ID_MAX = 1024


def _by_id(bearer: Bearer) -> Select:
    key = (bearer.token_id, bearer.id, bearer.role, bearer.organisation_id, bearer.manager)
    statement = _BY_ID.get(key)
    if statement is None:
        if len(_BY_ID) >= _BY_ID_MAX:
            _BY_ID.clear()
        statement = _BY_ID[key] = select(*CARD).where(
            scopes.device_scope(bearer), bearers.holds(bearer, now=bindparam("now")),
            Device.public_id == bindparam("code"))
    return statement


def _look_up(typed: str, scoped, run, by_id=None):
    """`scoped()` builds the scoped query when it is needed: a bearer's ID is read by `by_id`."""
    if not typed or not typed.strip():
        raise InvalidInput(_l("Nothing was scanned."), code="empty_code")
    if len(typed) > MAX_CODE_LENGTH:
        raise InvalidInput(_l("That code is too long to be one of ours."), code="code_too_long")
    bad_check = None
    for text in candidates(typed):
        code = public_id.from_scanned(text)
        if public_id.looks_like_id(code):
            if public_id.is_valid(code):
                device = (by_id(code) if by_id else
                          run(scoped().where(Device.public_id == code)).first())
                if device is not None:
                    return device
            else:
                bad_check = code
    for text in candidates(typed):
        key = "".join(text.split()).upper()
        found = run(scoped().where(Device.serial_key == key).limit(5)).all()
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise Conflict(_l("Several devices have the serial number %(serial)s: scan their "
                              "label instead.", serial=key), code="ambiguous_serial",
                           details={"devices": [d.public_id for d in found]})
    if bad_check:
        raise NotFound(_l("%(code)s is not a valid device ID: its check character is wrong. "
                          "Scan it again or type it carefully.", code=bad_check),
                       code="bad_check_character")
    raise NotFound(_l("No device matches “%(code)s” in what you may see.", code=typed.strip()),
                   code="no_match")
