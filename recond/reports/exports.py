"""The indicators as files: XLSX (one sheet per indicator, and one that says the period, the
filters and the masking rule), CSV (semicolons, UTF-8 with a BOM, one line per figure: French
Excel opens it, a script reads it), JSON (the open data and the API), and the monthly PDF
summary. Every file is written from the same tables as the page (`reports.indicators`), with
the same masking; none holds anything about one beneficiary."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l

from recond import categories
from recond.inventory.exports import neutralised
from recond.reports import filters
from recond.reports.filters import Filter
from recond.territories import LABELS as TERRITORY_LABELS
from recond.reports.indicators import MASK, MASKING_RULE, THRESHOLD, Indicator, text

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "pdf": "application/pdf"}


@dataclass
class Export:
    content: bytes
    mimetype: str
    filename: str


def about(f: Filter) -> list[tuple[str, str]]:
    """What every export says of itself: its period, its filters, the masking rule."""
    rows = [(gettext("Period"), f"{f.start.isoformat()} – {f.end.isoformat()}")]
    workshop = dict(filters.workshops()).get(f.workshop_id) if f.workshop_id else None
    territory = TERRITORY_LABELS.get(f.territory) if f.territory else None
    kind = categories.CATEGORIES.get(f.category) if f.category else None
    for label, value in ((_l("Workshop"), workshop), (_l("Territory"), territory),
                         (_l("Category"), kind.label if kind else None)):
        if value:
            rows.append((str(label), str(value)))
    rows.append((gettext("Masking"), str(MASKING_RULE)))
    return rows


def as_csv(indicators: list[Indicator], f: Filter) -> Export:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([gettext("Indicator"), gettext("Row"), gettext("Measure"), gettext("Value")])
    for label, value in about(f):
        writer.writerow([gettext("About"), label, "", value])
    for indicator in indicators:
        for row in indicator.rows:
            for (_, column), value in zip(indicator.columns, row.values):
                writer.writerow([neutralised(indicator.title), neutralised(row.label), column,
                                 neutralised(value) if isinstance(value, str) else text(value)])
    return Export(out.getvalue().encode("utf-8-sig"), FORMATS["csv"], _name(f, "csv"))


def as_xlsx(indicators: list[Indicator], f: Filter) -> Export:
    from openpyxl import Workbook  # only when a workbook is asked for

    book = Workbook()
    sheet = book.active
    sheet.title = gettext("About")[:31]
    for label, value in about(f):
        sheet.append([label, value])
    for indicator in indicators:
        sheet = book.create_sheet(_sheet_name(indicator, book.sheetnames))
        sheet.append([indicator.title])
        sheet.append([indicator.row_label] + [label for _, label in indicator.columns])
        for row in indicator.rows:
            sheet.append([neutralised(row.label)] + [_cell(v) for v in row.values])
    out = io.BytesIO()
    book.save(out)
    return Export(out.getvalue(), FORMATS["xlsx"], _name(f, "xlsx"))


def as_json(indicators: list[Indicator], f: Filter) -> dict:
    return {
        "period": {"from": f.start.isoformat(), "to": f.end.isoformat()},
        "filters": {"workshop": f.workshop_id, "territory": f.territory, "category": f.category},
        "masking": {"threshold": THRESHOLD, "shown_as": MASK, "rule": str(MASKING_RULE)},
        "indicators": [{
            "key": i.key, "title": i.title, "masked": i.masked,
            "columns": [{"key": k, "label": label} for k, label in i.columns],
            "rows": [{"code": r.code, "label": r.label,
                      "values": {k: _json(v) for (k, _), v in zip(i.columns, r.values)}}
                     for r in i.rows]} for i in indicators],
    }


def summary_pdf(indicators: list[Indicator], f: Filter) -> Export:
    """The monthly summary for the steering committee: every table, on A4."""
    from recond.documents import pdf  # reportlab loads with the first PDF, not in every worker

    title = gettext("Programme indicators, %(month)s",
                    month=format_date(f.start, "MMMM yyyy"))
    story = [pdf.Paragraph(title, pdf.TITLE), pdf.key_values(about(f))]
    for indicator in indicators:
        story.append(pdf.Paragraph(indicator.title, pdf.HEADING))
        width = 170 / (len(indicator.columns) + 1)
        header = [indicator.row_label] + [label for _, label in indicator.columns]
        rows = [[row.label] + [text(v) for v in row.values] for row in indicator.rows]
        if not rows:
            story.append(pdf.text(gettext("Nothing in this period.")))
            continue
        story.append(pdf.grid(header, rows, [width * 1.6] + [(170 - width * 1.6) / len(
            indicator.columns)] * len(indicator.columns)))
    return Export(pdf.render(title, story, subject=gettext("Programme indicators")),
                  FORMATS["pdf"], _name(f, "pdf"))


def _cell(value):
    """A number stays a number in the workbook (a decimal amount as a float of two decimals);
    a text that a spreadsheet would run (a structure named "=…") is neutralised."""
    if isinstance(value, Decimal):
        return float(value)
    return neutralised(value) if isinstance(value, str) else value


def _json(value):
    return float(value) if isinstance(value, Decimal) else value


def _sheet_name(indicator: Indicator, taken: list[str]) -> str:
    # A sheet's name: at most 31 characters, none of []:*?/\ (Excel's rules), each unique.
    name = "".join(c for c in indicator.title if c not in "[]:*?/\\")[:31]
    while name in taken:
        name = name[:28] + f" {len(taken)}"
    return name


def _name(f: Filter, ext: str) -> str:
    return f"{gettext('indicators')}-{f.start.isoformat()}-{f.end.isoformat()}.{ext}"
