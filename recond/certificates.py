"""Certificates of sanitisation: issued per device or per deposit once its media are safe,
kept as issued with their SHA-256, and checkable by anyone with the code printed on them."""
from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from recond import access, deposits, public_id, sanitisation
from recond.categories import CATEGORIES
from recond.clock import utcnow
from recond.documents import sanitisation_certificate as document
from recond.errors import NotFound, NotPermitted, Refused
from recond.extensions import db
from recond.models import Certificate, Deposit, Device, Role, User

ISSUING_ROLES = (Role.TECHNICIAN, Role.COORDINATOR)
READING_ROLES = (Role.TECHNICIAN, Role.COORDINATOR, Role.ADMIN, Role.COLLECTOR, Role.DONOR)
_DESTINATION = {"recycled": "recyclage (DEEE)"}
_TITLES = {"technician": "technicien", "coordinator": "coordination"}


def issue_for_device(actor: User, device: Device) -> Certificate:
    _may_issue(actor)
    if not access.can_see_device(actor, device):
        raise NotFound(_l("No device %(id)s in what you may see.", id=device.public_id))
    reasons = sanitisation.missing_sanitisation(device)
    if reasons:
        raise Refused(reasons[0], code="not_sanitised", details={
            "reasons": [str(r) for r in reasons], "media_page": sanitisation.media_page(device)})
    return _issue(actor, [device], f"appareil {device.public_id}", device=device)


def issue_for_deposit(actor: User, deposit: Deposit) -> Certificate:
    """Every device of the deposit whose media are all safe; the others wait for a later one."""
    _may_issue(actor)
    deposits.get_deposit(actor, deposit.number)
    devices = [d for d in db.session.scalars(select(Device).where(Device.deposit_id == deposit.id)
                                              .order_by(Device.id))
               if d.media and not sanitisation.missing_sanitisation(d)]
    if not devices:
        raise Refused(_l("No device of this deposit has all its media sanitised yet."),
                      code="not_sanitised")
    return _issue(actor, devices, f"dépôt {deposit.number} ({deposit.donor.name})", deposit=deposit)


def visible(actor: User, code: str) -> Certificate:
    """A certificate the actor may download: its device, or its deposit, must be visible."""
    if actor.role not in READING_ROLES:
        raise NotPermitted(_l("Your role may not read certificates."))
    certificate = db.session.scalar(select(Certificate).where(Certificate.code == code.upper()))
    if certificate is not None:
        if certificate.device_id is not None and db.session.scalar(
                access.visible_devices(actor).where(Device.id == certificate.device_id)):
            return certificate
        if certificate.deposit_id is not None and db.session.scalar(
                deposits.visible_deposits(actor).where(Deposit.id == certificate.deposit_id)):
            return certificate
    raise NotFound(_l("No certificate %(code)s in what you may see.", code=code))


def of_device(device: Device) -> list[Certificate]:
    return db.session.scalars(select(Certificate).where(Certificate.device_id == device.id)
                              .order_by(Certificate.id.desc())).all()


def of_deposit(deposit: Deposit) -> list[Certificate]:
    return db.session.scalars(select(Certificate).where(Certificate.deposit_id == deposit.id)
                              .order_by(Certificate.id.desc())).all()


def check(code: str, sha256: str | None = None) -> dict:
    """What the public page says about a code: no donor, no serial, only what proves the copy."""
    certificate = db.session.scalar(select(Certificate).where(
        Certificate.code == code.strip().upper())) if code and len(code) <= 20 else None
    if certificate is None:
        return {"found": False}
    return {"found": True, "code": certificate.code, "issued_at": certificate.issued_at,
            "media_count": certificate.media_count, "sha256": certificate.sha256,
            "matches": None if not sha256 else sha256.strip().lower() == certificate.sha256}


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _may_issue(actor: User) -> None:
    if actor.role not in ISSUING_ROLES:
        raise NotPermitted(_l("Only the workshop issues certificates of sanitisation."))


def _issue(actor: User, devices: list[Device], title: str, *, device: Device | None = None,
           deposit: Deposit | None = None) -> Certificate:
    entries = []
    for item in devices:
        for medium in item.media:
            record = sanitisation.conclusive_record(medium, item.cycle)
            if record is None:  # a removed medium: it left with its own paperwork
                continue
            performer = (f"{record.performer.name}, {_TITLES.get(record.performer.role, record.performer.role)}, "
                         f"{record.performer.organisation.name}") if record.performer else "—"
            entries.append(document.Entry(
                device_id=item.public_id,
                device=f"{CATEGORIES[item.category].label} {item.brand} {item.model}".strip(),
                medium_kind=medium.kind, make=medium.brand, model=medium.model,
                serial=medium.serial or "", method=record.method, technique=record.technique,
                tool=record.tool, verification=record.verification,
                result="réussi" if record.passed else "échec",
                when=(record.finished_at or record.performed_at).strftime("%d/%m/%Y %H:%M UTC"),
                performer=performer,
                destination=_DESTINATION.get(item.status, "réemploi (don solidaire)")))
    code = _new_code()
    content = document.build(
        code=code, verify_url=f"{current_app.config['PUBLIC_URL']}/verify", title=title,
        workshop=actor.organisation.name, validator=actor.name,
        validator_title=_TITLES[actor.role],
        issued_on=utcnow().strftime("%d/%m/%Y"), entries=entries)
    certificate = Certificate(code=code, device_id=device.id if device else None,
                              deposit_id=deposit.id if deposit else None,
                              sha256=sha256_of(content), content=content,
                              media_count=len(entries), issued_by_id=actor.id)
    db.session.add(certificate)
    db.session.flush()
    return certificate


def _new_code() -> str:
    """12 characters of the public ID alphabet (no O/0, I/1), read as three groups of four."""
    raw = "".join(secrets.choice(public_id.ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
