"""Certificates of sanitisation: issued per device or per deposit once its media are safe,
kept as issued with their SHA-256, and checkable by anyone with the code printed on them."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from recond import capabilities, scopes
from recond.collection import deposits
from recond.workshop import sanitisation
from recond.categories import CATEGORIES
from recond.clock import utcnow
from recond.workshop import certificate_pdf as document
from recond.documents import codes
from recond.errors import NotFound, Refused
from recond.extensions import db
from recond.models import Certificate, Deposit, Device, DeviceEvent, User

_DESTINATION = {"recycled": "recyclage (DEEE)", "dismantled": "démontage (pièces détachées)"}
_TITLES = {"technician": "technicien", "coordinator": "coordination"}


def can_issue(actor: User) -> bool:
    return capabilities.can(actor, "certificates.issue")


def issue_for_device(actor: User, device: Device) -> Certificate:
    _may_issue(actor)
    scopes.require_visible_device(actor, device)
    reasons = sanitisation.missing_sanitisation(device)
    if reasons:
        raise Refused(reasons[0], code="not_sanitised", details={
            "reasons": [str(r) for r in reasons], "media_page": sanitisation.media_page(device)})
    return _issue(actor, [device], f"appareil {device.public_id}", device=device)


def issue_for_deposit(actor: User, deposit: Deposit) -> Certificate:
    """Every device of the deposit whose media are all safe; the others wait for a later one."""
    _may_issue(actor)
    scopes.require_visible_deposit(actor, deposit)
    devices = [d for d in db.session.scalars(select(Device).where(Device.deposit_id == deposit.id)
                                              .order_by(Device.id))
               if d.media and not sanitisation.missing_sanitisation(d)]
    if not devices:
        raise Refused(_l("No device of this deposit has all its media sanitised yet."),
                      code="not_sanitised")
    return _issue(actor, devices, f"dépôt {deposit.number} ({deposit.donor.name})", deposit=deposit)


def visible(actor: User, code: str) -> Certificate:
    """A certificate the actor may download: its device, or its deposit, must be visible."""
    capabilities.require(actor, "certificates.read")
    certificate = db.session.scalar(select(Certificate).where(Certificate.code == code.upper()))
    if certificate is not None:
        if certificate.device_id is not None and db.session.scalar(
                scopes.visible_devices(actor).where(Device.id == certificate.device_id)):
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
            "matches": None if not sha256 else sha256.strip().lower() == certificate.sha256,
            "later": later_fate(certificate)}


# What the public page may say happened to a covered device after the certificate: the kind
# of event and its date, never who (no structure, no beneficiary) nor at what price.
LATER_FATES = {"recycle": _l("recycled (WEEE) on %(date)s"),
               "dismantle": _l("dismantled for spare parts on %(date)s"),
               "return": _l("taken back to the workshop on %(date)s"),
               "wipe": _l("wiped again on %(date)s (a newer certificate covers that wipe)")}


def later_fate(certificate: Certificate) -> list[dict]:
    """Per covered device (by its public ID), what changed after issue, oldest first.

    A `wipe` counts only after a return: the first wipe of the stay the certificate covers may
    well be marked after the certificate was issued."""
    ids = certificate.covered_device_ids or (
        [certificate.device_id] if certificate.device_id is not None else
        db.session.scalars(select(Device.id).where(Device.deposit_id == certificate.deposit_id)).all())
    if not ids:
        return []
    rows = db.session.execute(
        select(Device.public_id, DeviceEvent.action, DeviceEvent.at)
        .join(Device, Device.id == DeviceEvent.device_id)
        .where(DeviceEvent.device_id.in_(ids), DeviceEvent.at > certificate.issued_at,
               DeviceEvent.action.in_(list(LATER_FATES)))
        .order_by(Device.public_id, DeviceEvent.at, DeviceEvent.id)).all()
    fates: dict[str, list[dict]] = {}
    returned: set[str] = set()
    for public, action, at in rows:
        if action == "return":
            returned.add(public)
        elif action == "wipe" and public not in returned:
            continue
        fates.setdefault(public, []).append({"action": action, "at": at})
    return [{"device": public, "events": events} for public, events in fates.items()]


sha256_of = codes.sha256_of


def _may_issue(actor: User) -> None:
    capabilities.require(actor, "certificates.issue")


def _issue(actor: User, devices: list[Device], title: str, *, device: Device | None = None,
           deposit: Deposit | None = None) -> Certificate:
    entries, removed = [], []
    for item in devices:
        for medium in item.media:
            if medium.fate == "destroyed":
                entries.append(_destruction_entry(item, medium))
                continue
            record = sanitisation.conclusive_record(medium, item.cycle)
            if record is None:
                if medium.removed_at is not None:  # taken out, not sanitised: say so
                    removed.append(document.Removed(
                        device_id=item.public_id, medium_kind=medium.kind,
                        serial=medium.serial or "", fate=medium.fate or "kept",
                        when=medium.removed_at.strftime("%d/%m/%Y")))
                continue
            performer = _performer(record)
            entries.append(document.Entry(
                device_id=item.public_id,
                device=f"{CATEGORIES[item.category].label} {item.brand} {item.model}".strip(),
                medium_kind=medium.kind, make=medium.brand, model=medium.model,
                serial=medium.serial or "", method=record.method, technique=record.technique,
                tool=record.tool, verification=record.verification,
                result="réussi" if record.passed else "échec",
                when=_local(record.finished_at or record.performed_at),
                performer=performer,
                destination=_DESTINATION.get(item.status, "réemploi (don solidaire)"),
                **_log_details(record)))
    code = codes.new_code()
    content = document.build(
        code=code, verify_url=f"{current_app.config['PUBLIC_URL']}/verify", title=title,
        workshop=actor.organisation.name, validator=actor.name,
        validator_title=_TITLES[actor.role],
        issued_on=utcnow().strftime("%d/%m/%Y"), entries=entries, removed=removed)
    certificate = Certificate(code=code, device_id=device.id if device else None,
                              deposit_id=deposit.id if deposit else None,
                              sha256=sha256_of(content), content=content,
                              media_count=len(entries), issued_by_id=actor.id,
                              covered_device_ids=[d.id for d in devices])
    db.session.add(certificate)
    db.session.flush()
    return certificate


def _local(value: datetime) -> str:
    """A stored UTC time as the workshop reads its clock (RECOND_TIMEZONE), zone named."""
    name = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    local = value.replace(tzinfo=UTC).astimezone(ZoneInfo(name))
    return f"{local.strftime('%d/%m/%Y %H:%M')} ({name})"


def _log_details(record) -> dict:
    """What the wipe log said about this medium's drive, for the certificate."""
    period = ""
    if record.started_at and record.finished_at:
        period = f"{_local(record.started_at)} – {_local(record.finished_at)}"
    return {"passes": record.passes, "rounds": record.rounds, "blanking": record.blanking,
            "size_bytes": record.size_bytes, "period": period,
            "log_sha256": record.evidence.sha256 if record.evidence else "",
            "match_reason": record.match_reason if record.matched_by_hand else None}


def _performer(record) -> str:
    if record.performer is None:
        return "—"
    return (f"{record.performer.name}, {_TITLES.get(record.performer.role, record.performer.role)}, "
            f"{record.performer.organisation.name}")


def _destruction_entry(item: Device, medium) -> document.Entry:
    """A destroyed medium (NIST Destroy): how, by whom, when, and the paperwork's reference."""
    record = sanitisation.destruction(medium)
    return document.Entry(
        device_id=item.public_id,
        device=f"{CATEGORIES[item.category].label} {item.brand} {item.model}".strip(),
        medium_kind=medium.kind, make=medium.brand, model=medium.model,
        serial=medium.serial or "", method=record.method,
        technique=document.DESTRUCTION.get(record.technique, record.technique),
        tool="", verification=record.verification, result="détruit",
        when=(record.finished_at or record.performed_at).strftime("%d/%m/%Y"),
        performer=f"{record.destroyed_by} (enregistré par {_performer(record)})",
        destination="détruit (support retiré de l'appareil)", reference=record.reference or "")
