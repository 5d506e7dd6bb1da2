"""From uploaded bytes to a table of text: CSV (comma, semicolon or tab; UTF-8, UTF-8 with a
BOM, or Windows-1252) or XLSX. Anything else is refused with a message that says what it is.

Files come as companies write them: a title and blank rows above the header, blank rows
between devices, formulas saved with their computed value. The header is the first row that
names known columns; every data row keeps the number the partner's spreadsheet shows it under.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Callable, Iterable

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from recond.errors import InvalidInput, TooLarge
from recond.collection.manifests import columns

MAX_ROWS = 200_000
HEADER_SEARCH_ROWS = 20  # a title block is a few rows; beyond this the file has no header we know
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc: the pre-2007 Office formats

HeaderTest = Callable[[list[str]], bool]


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    file_format: str
    encoding: str | None = None
    separator: str | None = None
    # lines[i] is rows[i]'s line (CSV) or row (XLSX) number in the file, counted from 1
    lines: list[int] = field(default_factory=list)
    header_line: int = 1


def names_known_columns(headers: list[str]) -> bool:
    """A manifest's header names two known columns at least: a title such as "Inventaire du
    parc" may name one by chance, never two."""
    return len({f for f in map(columns.field_for, headers) if f}) >= 2


def _refuse(message, code: str = "unreadable_file") -> InvalidInput:
    return InvalidInput(message, code=code)


def read(filename: str, content: bytes, max_bytes: int,
         is_header: HeaderTest = names_known_columns) -> Table:
    if len(content) > max_bytes:
        raise TooLarge(_l("The file is larger than %(n)s MB.", n=max_bytes // (1024 * 1024)))
    if not content.strip():
        raise _refuse(_l("The file is empty."), "empty_file")
    if content.startswith(b"%PDF"):
        raise _refuse(_l("This is a PDF, not a spreadsheet: export the list as CSV or XLSX."),
                      "not_a_spreadsheet")
    if content.startswith(_OLE_MAGIC):
        raise _refuse(_l("This is an old Excel (.xls) file: save it as .xlsx or CSV first."),
                      "not_a_spreadsheet")
    if content.startswith(_XLSX_MAGIC):
        raw = _read_xlsx(content)
        table = Table([], [], "xlsx")
    else:
        text, encoding = _decode(content)
        separator = _separator(text)
        raw = _read_csv(text, separator)
        table = Table([], [], "csv", encoding, separator)
    # (number in the file, cells) of every row that is not blank
    numbered = [(number, cells) for number, cells in enumerate(raw, start=1) if any(cells)]
    if not numbered:
        raise _refuse(_l("The file is empty."), "empty_file")
    start = next((i for i, (_n, cells) in enumerate(numbered[:HEADER_SEARCH_ROWS]) if is_header(cells)), 0)
    (table.header_line, table.headers), data = numbered[start], numbered[start + 1:]
    if not data:
        raise _refuse(_l("The file has a header line but no device."), "no_rows")
    if len(data) > MAX_ROWS:
        raise TooLarge(_l("The file has more than %(n)s rows: split it.", n=MAX_ROWS))
    table.lines = [number for number, _cells in data]
    table.rows = [cells for _number, cells in data]
    return table


def _read_xlsx(content: bytes) -> list[list[str]]:
    """The first sheet, row by row from row 1. A formula gives the value its spreadsheet
    computed and saved (Excel and LibreOffice do); one saved without a value (by a script)
    stays as written, so the row checks refuse it rather than guess."""
    try:
        formulas = _sheet_rows(content, data_only=False)
        where = {(r, c) for r, row in enumerate(formulas) for c, value in enumerate(row)
                 if _is_formula(value)}
        if where:
            computed = _sheet_rows(content, data_only=True)
            for r, c in where:
                value = computed[r][c] if r < len(computed) and c < len(computed[r]) else None
                if value is not None:
                    formulas[r][c] = value
    except (zipfile.BadZipFile, InvalidFileException, ValueError, KeyError, OSError, TypeError) as error:
        raise _refuse(_l("This file is not a readable XLSX workbook."), "not_a_spreadsheet") from error
    return [[_text(value) for value in row] for row in formulas]


def _is_formula(value) -> bool:
    return isinstance(value, ArrayFormula | DataTableFormula) or \
        (isinstance(value, str) and value.startswith("="))


def _sheet_rows(content: bytes, data_only: bool) -> list[list]:
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=data_only)
    try:
        if not workbook.worksheets:
            raise ValueError("no sheet")
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _text(value) -> str:
    """A cell as the spreadsheet shows it: 8 not 8.0, at most 15 significant digits (Excel's)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, ArrayFormula | DataTableFormula):  # saved without a value: refused later
        return getattr(value, "text", None) or "="
    return str(value).strip()


def _decode(content: bytes) -> tuple[str, str]:
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if b"\x00" in content[:4096]:
        raise _refuse(_l("This file is not text: upload a CSV or XLSX file."), "not_a_spreadsheet")
    for encoding in ("utf-8", "cp1252"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\r\n\t")
        if controls > 5:
            raise _refuse(_l("This file is not text: upload a CSV or XLSX file."), "not_a_spreadsheet")
        return text, encoding
    raise _refuse(_l("The file's characters cannot be read: save it as CSV UTF-8."), "bad_encoding")


def _separator(text: str) -> str:
    lines = text.splitlines()[:HEADER_SEARCH_ROWS + 5]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=";,\t").delimiter
    except csv.Error:
        # a title line has no separator: count them on the line that has the most
        return max(";,\t", key=lambda sep: max((line.count(sep) for line in lines), default=0))


def _read_csv(text: str, separator: str) -> Iterable[list[str]]:
    """One list per record, blank lines included (they are rows in the partner's spreadsheet),
    so a record's position is the row number the partner sees."""
    try:
        return [[cell.strip() for cell in record]
                for record in csv.reader(io.StringIO(text, newline=""), delimiter=separator)]
    except csv.Error as error:
        raise _refuse(_l("The CSV cannot be read: %(problem)s", problem=str(error)[:200])) from error
