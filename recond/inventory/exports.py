"""The device list exported as the reader filtered and sorted it, to CSV (semicolons, UTF-8
with a BOM: what French Excel opens without asking) or XLSX. Scoped exactly like the list
(same query, same conditions). A cell that a spreadsheet would read as a formula (starting
with = + - @, a tab or a carriage return) is written with a leading apostrophe."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import format_datetime, format_decimal, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased

from recond import categories, public_id
from recond.errors import InvalidInput
from recond.extensions import db
from recond.inventory import listing
from recond.lifecycle import STATUS_LABELS, Status
from recond.models import Deposit, Device, Organisation, User

MAX_ROWS = 50_000
FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What XML (so XLSX) cannot hold: openpyxl's ILLEGAL_CHARACTERS_RE, without loading openpyxl.
_ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_COLUMNS = (_l("ID"), _l("Web address"), _l("Category"), _l("Brand"), _l("Model"),
            _l("Serial number"), _l("Asset tag"), _l("Status"), _l("Grade"),
            _l("Operating system"), _l("Deposit"), _l("Workshop"), _l("Last change"))


@dataclass
class Export:
    content: bytes
    mimetype: str
    filename: str


def export(actor: User, args, fmt: str) -> Export:
    """The whole filtered list (not one page), at most MAX_ROWS devices."""
    if fmt not in FORMATS:
        raise InvalidInput(_l("Export as csv or xlsx."))
    query = listing.parse(actor, args)
    where = listing.conditions(actor, query)
    total, exact = listing.count(where, MAX_ROWS)
    if not exact:
        raise InvalidInput(_l("The list holds more than %(max)s devices, as many as an export "
                              "holds. Narrow it with the filters.", max=format_decimal(MAX_ROWS)),
                           code="export_too_large")
    rows = [[neutralised(cell) for cell in row] for row in _rows(where, query)]
    header = [str(c) for c in _COLUMNS]
    content = _csv(header, rows) if fmt == "csv" else _xlsx(header, rows)
    name = f"{gettext('devices')}-{date.today().isoformat()}.{fmt}"
    return Export(content, FORMATS[fmt], name)


def neutralised(value) -> str:
    """The value as text a spreadsheet shows and never runs (OWASP's CSV injection advice).
    Control characters go first (XML has no place for them, and a stray \x01 must not hide
    an = behind it)."""
    text = _ILLEGAL_CHARACTERS.sub("", "" if value is None else str(value))
    return "'" + text if text.startswith(_FORMULA_START) else text


def _rows(where, query: listing.Query):
    workshop = aliased(Organisation)
    statement = (select(Device.public_id, Device.category, Device.brand, Device.model,
                        Device.serial, Device.asset_tag, Device.status, Device.grade,
                        Device.operating_system, Deposit.number, workshop.name, Device.updated_at)
                 .outerjoin(Deposit, Deposit.id == Device.deposit_id)
                 .outerjoin(workshop, workshop.id == Device.workshop_id)
                 .where(*where).order_by(*listing.order_by(query)))
    for (code, category, brand, model, serial, tag, status, grade, os_label, deposit,
         workshop_name, updated) in db.session.execute(statement.execution_options(yield_per=2000)):
        kind = categories.CATEGORIES.get(category)
        yield (public_id.display(code), public_id.url_of(code), kind.label if kind else category,
               brand, model, serial, tag, STATUS_LABELS[Status(status)], grade, os_label,
               deposit, workshop_name, format_datetime(updated, "yyyy-MM-dd HH:mm"))


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def _xlsx(header: list[str], rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook  # with numpy: only for an XLSX export, not in every worker

    book = Workbook(write_only=True)
    sheet = book.create_sheet(gettext("Devices"))
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
