"""Printing labels: which devices a user may label, in which format; big batches as a job."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from recond import capabilities, database, jobs, scopes
from recond.collection import deposits
from recond.errors import InvalidInput, NotFound
from recond.extensions import db
from recond.labels.content import KINDS, LabelContent, for_device
from recond.labels.media import MEDIA, Media
from recond.models import Device, User

MAX_LABELS = 5000
BACKGROUND_LABELS = 200  # above this many labels, with Redis, the PDF is made by a worker
# With Redis away, a PDF of up to this many labels is made in the request (about 2.5 s).
INLINE_LABELS = 1000


def choose(media_code: str, kind: str) -> Media:
    if media_code not in MEDIA:
        raise InvalidInput(_l("Unknown label medium “%(media)s”.", media=media_code))
    if kind not in KINDS:
        raise InvalidInput(_l("A label is an ID label or a product label."))
    return MEDIA[media_code]


def labels_for(actor: User, *, public_ids: list[str] = (), deposit_number: str | None = None,
               kind: str = "id") -> list[LabelContent]:
    capabilities.require(actor, "labels.print")
    query = scopes.visible_devices(actor)
    if deposit_number:
        query = query.where(Device.deposit_id == deposits.get_deposit(actor, deposit_number).id)
    else:
        wanted = [code.strip().upper() for code in public_ids if code.strip()]
        if not wanted:
            raise InvalidInput(_l("Say which devices: their IDs, or a deposit."))
        query = query.where(Device.public_id.in_(wanted))
    devices = db.session.scalars(query.order_by(Device.id).limit(MAX_LABELS + 1)).all()
    if not devices and not deposit_number:
        # Another workshop's devices are not found, as on their page and in the API.
        raise NotFound(_l("None of these devices is in what you may see."))
    if not devices:
        raise InvalidInput(_l("None of these devices is yours to label."), code="no_device")
    if len(devices) > MAX_LABELS:
        raise InvalidInput(_l("At most %(n)s labels at once.", n=MAX_LABELS))
    if kind == "product" and any(d.grade is None for d in devices):
        raise InvalidInput(_l("A product label is printed once the device is graded."),
                           code="not_graded")
    return [for_device(device, kind) for device in devices]


def document(labels: list[LabelContent], media: Media, kind: str, *, fmt: str = "pdf",
             start: int = 1, copies: int = 1, dpi: int = 203) -> tuple[bytes, str]:
    """(content, mimetype) of the labels in the asked format."""
    if not 1 <= copies <= 50 or not 1 <= start <= media.per_page:
        raise InvalidInput(_l("Copies from 1 to 50; start position from 1 to %(n)s.", n=media.per_page))
    # The renderers bring reportlab, Pillow and the code libraries: loaded on the first label.
    from recond.labels import image, pdf, zpl

    if fmt == "pdf":
        return pdf.render(labels, media, kind, start=start, copies=copies), "application/pdf"
    if fmt == "zpl":
        if dpi not in zpl.DPI:
            raise InvalidInput(_l("Zebra printers here print at 203 or 300 dpi."))
        return zpl.render(labels, media, kind, dpi=dpi, copies=copies).encode(), "application/zpl"
    if len(labels) != 1:
        raise InvalidInput(_l("PNG and SVG are for one label; use PDF or ZPL for several."))
    if fmt == "png":
        return image.png(labels[0], media, kind), "image/png"
    if fmt == "svg":
        return image.svg(labels[0], media, kind).encode(), "image/svg+xml"
    raise InvalidInput(_l("Unknown format “%(fmt)s”: pdf, zpl, png or svg.", fmt=fmt))


def runs_in_background(labels: list[LabelContent], copies: int) -> bool:
    return bool(current_app.config.get("REDIS_URL")) and len(labels) * copies > BACKGROUND_LABELS


def small_enough_inline(labels: list[LabelContent], copies: int) -> bool:
    return len(labels) * copies <= INLINE_LABELS


def batch_job(actor: User, job_id: str) -> tuple[jobs.JobHandle, bytes | None]:
    """The actor's own batch job, and its PDF (None while it is being made)."""
    handle = jobs.fetch(job_id)
    if handle is None or handle.meta.get("actor_id") != actor.id:
        raise NotFound(_l("No such job of yours."))
    if handle.status == "failed":
        raise InvalidInput(_l("The labels could not be made: the devices may have changed. "
                              "Try again."), code="job_failed")
    done = handle.status == "finished" and isinstance(handle.result, bytes)
    return handle, handle.result if done else None


def run_batch(actor_id: int, public_ids: list[str], deposit_number: str | None, kind: str,
              media_code: str, start: int, copies: int) -> bytes:
    """The rq job: one PDF for a deposit or a selection, recomputed from the database."""
    actor = db.session.get(User, actor_id)
    try:
        labels = labels_for(actor, public_ids=public_ids, deposit_number=deposit_number, kind=kind)
        content, _ = document(labels, choose(media_code, kind), kind, start=start, copies=copies)
        return content
    finally:
        database.rollback()

