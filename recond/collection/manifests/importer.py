"""Preview then import a manifest. `receive` keeps the file and counts its valid rows;
`preview` reads it again (writing nothing: the import page is a GET); `start` imports it, or
marks it queued and hands back the job to queue once that is committed. The same `import_rows`
runs inline or in the rq job (`run`, for files of `BACKGROUND_ROWS` rows and more, when Redis
is configured); it imports in one transaction.

A queued import whose job is lost (its worker killed, rq failed or forgot it) reads as failed
to anyone who loads it, and is recorded failed by the next write (importing it again) or by the
worker's maintenance (`fail_lost_imports`): its transaction died with the worker, so nothing
was imported. A job that loses its database connection is tried again by rq, and a retry
never imports twice: the import's status changes in the transaction of its rows."""
from __future__ import annotations

import hashlib
import traceback
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from recond import database, jobs, lifecycle, scopes
from recond.clock import utcnow
from recond.errors import InvalidInput, NotFound, Refused
from recond.extensions import db
from recond.collection.manifests import columns, reading, rows as row_rules
from recond.models import Deposit, DeviceImport, User

BACKGROUND_ROWS = 10_000
PREVIEW_ROWS = 200
JOB_TIMEOUT = 3600  # seconds: a 100,000-row file on a slow disk, with room to spare

# Why a background import failed, for the codes that are ours rather than a domain error's.
FAILURES = {
    "worker_lost": _l("The worker running this import stopped (killed or crashed): nothing was "
                      "imported. You can import the file again."),
    "interrupted": _l("The worker was shut down during this import: nothing was imported. "
                      "You can import the file again."),
    "database_unavailable": _l("The database could not be reached during this import, even "
                               "after several tries: nothing was imported. You can import the "
                               "file again."),
}


@dataclass
class Preview:
    device_import: DeviceImport
    headers: list[str]
    rows: list[row_rules.Row]  # the first PREVIEW_ROWS, each with its errors
    valid_rows: int
    error_rows: int
    already_imported: DeviceImport | None


def upload(actor: User, deposit: Deposit, filename: str, content: bytes) -> DeviceImport:
    """Keep the file and its automatic mapping; refuse at once what cannot be read. Its rows are
    counted by the first pass that reads them all — the preview, or the import — not by a pass
    of its own."""
    lifecycle.check_can_register(actor, deposit)
    sheet = reading.open_sheet(filename, content, current_app.config["MAX_CONTENT_LENGTH"])
    device_import = DeviceImport(
        deposit_id=deposit.id, filename=(filename or "manifest")[:255],
        sha256=hashlib.sha256(content).hexdigest(), size=len(content), content=content,
        file_format=sheet.file_format, encoding=sheet.encoding, separator=sheet.separator,
        mapping=columns.auto_mapping(sheet.headers), created_by_id=actor.id)
    db.session.add(device_import)
    db.session.flush()
    return device_import


def receive(actor: User, deposit: Deposit, filename: str, content: bytes) -> Preview:
    """A manifest arrives (page or API): keep it, with its valid rows counted, and show it."""
    return record_preview(actor, upload(actor, deposit, filename, content))


def get_import(actor: User, import_id: int) -> DeviceImport:
    device_import = db.session.get(DeviceImport, import_id)
    if device_import is None:
        raise NotFound(_l("No such import."))
    scopes.require_visible_deposit(actor, device_import.deposit, _l("No such import."))
    _fail_if_job_lost(device_import)
    return device_import


def failure(device_import: DeviceImport) -> dict[str, Any] | None:
    """Why the last background run failed, in the reader's language (None: it did not)."""
    if device_import.status != "failed" or not device_import.error_code:
        return None
    message = FAILURES.get(device_import.error_code) or device_import.error_message or ""
    return {"code": device_import.error_code, "message": str(message)}


def _fail_if_job_lost(device_import: DeviceImport) -> None:
    """A queued import whose job is lost becomes failed. Its rows were written in the job's
    transaction, which died with the worker: nothing is half-imported."""
    if device_import.status != "queued" or not device_import.job_id:
        return
    handle = jobs.fetch(device_import.job_id)
    if handle is None:
        # Redis does not know the job: lost, unless it was queued a moment ago (the page may
        # read the import between the commit that queues it and the enqueue itself).
        queued_long_ago = device_import.queued_at is None or \
            utcnow() - device_import.queued_at > jobs.lost_after()
        if not (queued_long_ago and jobs.exists(device_import.job_id) is False):
            return
    elif not handle.lost:
        return
    # Only if still queued for this very job, and (PostgreSQL) not locked by a live job's
    # transaction: whoever reads it first marks it, and a running job is never marked.
    still_queued = select(DeviceImport.id).where(
        DeviceImport.id == device_import.id, DeviceImport.status == "queued",
        DeviceImport.job_id == device_import.job_id).with_for_update(skip_locked=True)
    marked = db.session.execute(
        update(DeviceImport).where(DeviceImport.id.in_(still_queued))
        .values(status="failed", error_code="worker_lost", error_message=None)
        .execution_options(synchronize_session=False))
    if marked.rowcount:
        db.session.refresh(device_import)


def fail_lost_imports() -> int:
    """The worker's maintenance: every queued import whose job is lost is marked failed, even
    if nobody opens it (a deposit's list shows it failed, not queued for ever)."""
    queued = db.session.scalars(select(DeviceImport).where(DeviceImport.status == "queued",
                                                           DeviceImport.job_id.is_not(None))).all()
    for device_import in queued:
        _fail_if_job_lost(device_import)
    return sum(1 for device_import in queued if device_import.status == "failed")


def remap(actor: User, device_import: DeviceImport, mapping: dict[str, Any]) -> Preview:
    """The user corrects the columns: kept, with the valid rows counted again."""
    return record_preview(actor, set_mapping(actor, device_import, mapping))


def set_mapping(actor: User, device_import: DeviceImport, mapping: dict[str, Any]) -> DeviceImport:
    """The user's correction of the automatic mapping: field -> column index (or absent)."""
    _still_open(device_import)
    headers = _sheet(device_import).headers
    clean: dict[str, int] = {}
    for field, index in mapping.items():
        if field not in columns.FIELDS:
            raise InvalidInput(_l("Unknown field “%(field)s”.", field=field))
        if index in (None, "", -1, "-1"):
            continue
        try:
            index = int(index)
        except (TypeError, ValueError):
            raise InvalidInput(_l("Choose a column for “%(field)s”.", field=field)) from None
        if not 0 <= index < len(headers):
            raise InvalidInput(_l("Choose a column for “%(field)s”.", field=field))
        clean[field] = index
    device_import.mapping = clean
    db.session.flush()
    return device_import


def preview(actor: User, device_import: DeviceImport) -> Preview:
    """Every row checked against the mapping and the devices already known; writes nothing.
    The rows are checked as they are read; only the first PREVIEW_ROWS are kept."""
    sheet = _sheet(device_import)
    shown: list[row_rules.Row] = []
    valid = errors = 0
    for row in row_rules.check_each(sheet.rows(), device_import.mapping):
        valid, errors = (valid + 1, errors) if row.ok else (valid, errors + 1)
        if len(shown) < PREVIEW_ROWS:
            shown.append(row)
    earlier = db.session.scalar(select(DeviceImport).where(
        DeviceImport.deposit_id == device_import.deposit_id,
        DeviceImport.sha256 == device_import.sha256, DeviceImport.status == "committed",
        DeviceImport.id != device_import.id).limit(1))
    return Preview(device_import, sheet.headers, shown, valid, errors, earlier)


def record_preview(actor: User, device_import: DeviceImport) -> Preview:
    """The preview, with its count of valid rows kept on the import (the API and lists show it)."""
    shown = preview(actor, device_import)
    device_import.valid_rows = shown.valid_rows
    device_import.total_rows = shown.valid_rows + shown.error_rows
    db.session.flush()
    return shown


def runs_in_background(device_import: DeviceImport) -> bool:
    return bool(current_app.config.get("REDIS_URL")) and device_import.total_rows >= BACKGROUND_ROWS


def start(actor: User, device_import: DeviceImport, all_or_nothing: bool,
          mapping: dict[str, Any] | None = None) -> jobs.Deferred | None:
    """Import the rows (with the columns of `mapping`, when given): at once, or — a large file,
    with Redis — by a job. Then the import is marked queued and the job is returned, for the
    caller to queue once this is committed (`jobs.enqueue_committed`), so the worker finds the
    queued import; should Redis refuse the job, the import goes back to what it was."""
    if mapping is not None:
        set_mapping(actor, device_import, mapping)
    if not runs_in_background(device_import):
        import_rows(actor, device_import, all_or_nothing)
        return None
    job_id = jobs.new_id()
    previous = mark_queued(actor, device_import, all_or_nothing, job_id)
    return jobs.Deferred(run, (device_import.id, actor.id, all_or_nothing), actor_id=actor.id,
                         job_id=job_id, timeout=JOB_TIMEOUT, retries=True,
                         undo=partial(unmark_queued, device_import, job_id, previous))


def mark_queued(actor: User, device_import: DeviceImport, all_or_nothing: bool, job_id: str) -> str:
    """Mark the import as queued for the job `job_id`; the caller enqueues `run` under that id
    after committing this. Returns the status to go back to if the job cannot be queued."""
    _still_open(device_import)
    lifecycle.check_can_register(actor, device_import.deposit)
    previous = device_import.status
    device_import.status, device_import.all_or_nothing = "queued", all_or_nothing
    device_import.job_id, device_import.queued_at = job_id, utcnow()
    device_import.error_code = device_import.error_message = None
    db.session.flush()
    return previous


def unmark_queued(device_import: DeviceImport, job_id: str, previous: str) -> None:
    """The job could not be queued (Redis unreachable): the import is as it was, with no job."""
    db.session.execute(
        update(DeviceImport).where(DeviceImport.id == device_import.id,
                                   DeviceImport.status == "queued", DeviceImport.job_id == job_id)
        .values(status=previous, job_id=None, queued_at=None)
        .execution_options(synchronize_session=False))
    db.session.refresh(device_import)


def import_rows(actor: User, device_import: DeviceImport, all_or_nothing: bool,
           progress: Callable[[int], None] | None = None) -> DeviceImport:
    """Import the valid rows, or nothing at all when asked and any row is wrong."""
    if device_import.status not in ("previewed", "queued", "failed"):
        raise Refused(_l("This file was already imported."), code="already_imported")
    deposit = device_import.deposit
    lifecycle.check_can_register(actor, deposit)
    if "category" not in device_import.mapping:
        raise InvalidInput(_l("Say which column holds the category."), code="unmapped_category")
    sheet = _sheet(device_import)
    valid: list[dict[str, Any]] = []
    bad: dict[int, list[str]] = {}  # the first PREVIEW_ROWS wrong rows, by line
    bad_rows = 0
    for row in row_rules.check_each(sheet.rows(), device_import.mapping):
        if row.ok:
            valid.append(device_values(row))
            continue
        bad_rows += 1
        if len(bad) < PREVIEW_ROWS:
            bad[row.line] = row.errors
    if all_or_nothing and bad_rows:
        raise Refused(_l("%(n)s rows have errors: nothing was imported. Correct them, or import "
                         "only the valid rows.", n=bad_rows), code="rows_with_errors",
                      details={"errors": bad})
    if not valid:
        raise Refused(_l("No row can be imported."), code="nothing_to_import")
    imported = lifecycle.register_many(actor, deposit, valid, progress)
    device_import.total_rows = len(valid) + bad_rows
    device_import.status, device_import.imported_rows = "committed", imported
    device_import.valid_rows, device_import.all_or_nothing = len(valid), all_or_nothing
    device_import.committed_at = utcnow()
    db.session.flush()
    return device_import


def device_values(row: row_rules.Row) -> dict[str, Any]:
    """What `lifecycle.register` takes, from a checked row."""
    values = row.values
    specs = {k: values[k] for k in ("cpu", "ram_gb", "storage_gb") if values.get(k)}
    media = []
    if values.get("storage_gb"):
        media.append({"kind": values.get("storage_kind") or "hdd", "capacity_gb": values["storage_gb"]})
    return {"category": values["category"], "brand": values["brand"], "model": values["model"],
            "serial": values["serial"], "asset_tag": values["asset_tag"], "specs": specs,
            "media": media}


def _still_open(device_import: DeviceImport) -> None:
    if device_import.status == "queued":
        raise Refused(_l("This file is being imported in the background. Wait for the end of "
                         "the import."), code="import_running")
    if device_import.status not in ("previewed", "failed"):  # a failed job may be tried again
        raise Refused(_l("This file was already imported."), code="already_imported")


def _sheet(device_import: DeviceImport) -> reading.Sheet:
    return reading.open_sheet(device_import.filename, device_import.content,
                              current_app.config["MAX_CONTENT_LENGTH"])


def run(import_id: int, actor_id: int, all_or_nothing: bool) -> dict[str, Any]:
    """The rq job: commit a queued import, reporting progress in the job's meta.

    Whatever stops it — a domain refusal, an error, or SystemExit on a cold shutdown of the
    worker — its transaction is rolled back and the import marked failed, never left queued."""
    job_id = jobs.current_job_id()
    try:
        # Locked for the whole run: a reader never takes a running import for a lost one, and a
        # stale job never runs over an import that was failed and queued again meanwhile.
        device_import = db.session.scalar(
            select(DeviceImport).where(DeviceImport.id == import_id).with_for_update())
        ours = device_import is not None and (job_id is None or device_import.job_id == job_id)
        if ours and device_import.status == "committed":
            # A retry after a commit whose answer was lost (the connection died just then).
            imported = device_import.imported_rows
            db.session.rollback()
            return {"imported": imported}
        if not ours or device_import.status != "queued":
            db.session.rollback()
            return {"error": "not queued for this job", "code": "superseded"}
        actor = db.session.get(User, actor_id)
        import_rows(actor, device_import, all_or_nothing, jobs.report_progress)
        db.session.commit()
        return {"imported": device_import.imported_rows}
    except BaseException as error:
        # A SystemExit can land inside a statement (SQLite's executemany): the frames kept by
        # the traceback hold that statement's cursor, and with it SQLite's write lock, so that
        # marking the import failed below would wait for a lock this very process holds.
        # Their locals go; the traceback keeps its lines for the log.
        traceback.clear_frames(error.__traceback__)
        database.rollback()
        if database.unreachable(error):
            if jobs.will_retry():
                raise  # rq tries again after a pause; the import stays queued for this job
            code, message = "database_unavailable", None
        elif isinstance(error, Exception):
            code, message = getattr(error, "code", "failed"), str(getattr(error, "message", error))
        else:
            code, message = "interrupted", None
        mine = [DeviceImport.job_id == job_id] if job_id is not None else []
        db.session.execute(
            update(DeviceImport).where(DeviceImport.id == import_id, DeviceImport.status == "queued",
                                       *mine)
            .values(status="failed", error_code=code[:40], error_message=message)
            .execution_options(synchronize_session=False))
        db.session.commit()
        if not isinstance(error, Exception):
            raise  # SystemExit, KeyboardInterrupt: the worker is stopping; let it
        return {"error": message, "code": code}
