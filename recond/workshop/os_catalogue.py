"""The catalogue of free operating systems: administrators add and retire images; the
workshop installs the active ones that fit a device's category."""
from __future__ import annotations

import re

from babel import Locale, UnknownLocaleError
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from recond import capabilities
from recond.errors import InvalidInput
from recond.extensions import db
from recond.models import OsImage, User

FAMILIES = ("computers", "phones")
LANGUAGES = ("fr", "en", "ar", "es", "pt", "ro", "tr", "uk", "ru", "zh")
KEYBOARDS = ("fr-azerty", "fr-bepo", "be-azerty", "ch-fr", "us-qwerty", "gb-qwerty", "ar")
KEYBOARD_LABELS = {"fr-azerty": _l("French (AZERTY)"), "fr-bepo": _l("French (BÉPO)"),
                   "be-azerty": _l("Belgian (AZERTY)"), "ch-fr": _l("Swiss French"),
                   "us-qwerty": _l("American (QWERTY)"), "gb-qwerty": _l("British (QWERTY)"),
                   "ar": _l("Arabic")}
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def language_label(code: str) -> str:
    """A language code of the install form ("fr") as the reader's language names it."""
    try:
        return Locale.parse(code).get_display_name(get_locale() or "fr") or code
    except (ValueError, UnknownLocaleError):
        return code


def add_image(actor: User, *, name: str, version: str, family: str,
              image_sha256: str | None = None) -> OsImage:
    _admin(actor)
    name, version = name.strip(), version.strip()
    checksum = (image_sha256 or "").strip().lower() or None
    if not name or not version or family not in FAMILIES:
        raise InvalidInput(_l("An image has a name, a version and a family (computers or phones)."))
    if checksum and not _SHA256.match(checksum):
        raise InvalidInput(_l("A SHA-256 checksum is 64 hexadecimal characters."))
    if db.session.scalar(select(OsImage.id).where(OsImage.name == name, OsImage.version == version)):
        raise InvalidInput(_l("%(name)s %(version)s is already in the catalogue.", name=name, version=version))
    image = OsImage(name=name[:100], version=version[:40], family=family, image_sha256=checksum)
    db.session.add(image)
    db.session.flush()
    return image


def set_active(actor: User, image: OsImage, active: bool) -> OsImage:
    _admin(actor)
    image.active = active
    db.session.flush()
    return image


def catalogue() -> list[OsImage]:
    return db.session.scalars(select(OsImage).order_by(OsImage.family, OsImage.name,
                                                       OsImage.version)).all()


def installable(family: str | None) -> list[OsImage]:
    return db.session.scalars(select(OsImage).where(OsImage.active.is_(True), OsImage.family == family)
                              .order_by(OsImage.name, OsImage.version)).all()


def _admin(actor: User) -> None:
    capabilities.require(actor, "os_catalogue.edit")
