"""From uploaded bytes to a table of text: CSV (comma, semicolon or tab; UTF-8, UTF-8 with a
BOM, or Windows-1252) or XLSX. Anything else is refused with a message that says what it is.

Files come as companies write them: a title and blank rows above the header, blank rows
between devices, formulas saved with their computed value. The header is the first row that
names known columns; every data row keeps the number the partner's spreadsheet shows it under.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import partial
from itertools import islice
from typing import Callable, Iterator

from flask_babel import lazy_gettext as _l

from recond.errors import InvalidInput, TooLarge
from recond.collection.manifests import columns

MAX_ROWS = 200_000
HEADER_SEARCH_ROWS = 20  # a title block is a few rows; beyond this the file has no header we know
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
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


@dataclass
class Sheet:
    """A file opened for reading: its header found, its data rows read again on demand, one at
    a time — a 60,000-row manifest is never held as 60,000 lists, so that a web worker's
    memory goes back to what it was once the request is over."""
    headers: list[str]
    file_format: str
    encoding: str | None
    separator: str | None
    header_line: int
    records: Callable[[], Iterator[tuple[int, list[str]]]] = field(repr=False)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(number in the file, cells) of each row under the header that is not blank."""
        count = 0
        for number, cells in self.records():
            if number <= self.header_line:
                continue
            count += 1
            if count > MAX_ROWS:
                raise TooLarge(_l("The file has more than %(n)s rows: split it.", n=MAX_ROWS))
            yield number, cells
        if not count:
            raise _refuse(_l("The file has a header line but no device."), "no_rows")


def names_known_columns(headers: list[str]) -> bool:
    """A manifest's header names two known columns at least: a title such as "Inventaire du
    parc" may name one by chance, never two."""
    return len({f for f in map(columns.field_for, headers) if f}) >= 2


def _refuse(message, code: str = "unreadable_file") -> InvalidInput:
    return InvalidInput(message, code=code)


def read(filename: str, content: bytes, max_bytes: int,
         is_header: HeaderTest = names_known_columns) -> Table:
    """The whole table at once (a file of a few hundred rows, such as the structures')."""
    sheet = open_sheet(filename, content, max_bytes, is_header)
    numbered = list(sheet.rows())
    return Table(sheet.headers, [cells for _n, cells in numbered], sheet.file_format,
                 sheet.encoding, sheet.separator, [n for n, _cells in numbered], sheet.header_line)


def open_sheet(filename: str, content: bytes, max_bytes: int,
               is_header: HeaderTest = names_known_columns) -> Sheet:
    """Recognise the file and find its header (among the first non-blank rows); refuse at
    once what cannot be read. The rows are read by `Sheet.rows`."""
    if len(content) > max_bytes:
        raise TooLarge(_l("The file is larger than %(n)s MB.", n=max_bytes // (1024 * 1024)))
    if not content or content.isspace():
        raise _refuse(_l("The file is empty."), "empty_file")
    if content.startswith(b"%PDF"):
        raise _refuse(_l("This is a PDF, not a spreadsheet: export the list as CSV or XLSX."),
                      "not_a_spreadsheet")
    if content.startswith(_OLE_MAGIC):
        raise _refuse(_l("This is an old Excel (.xls) file: save it as .xlsx or CSV first."),
                      "not_a_spreadsheet")
    if content.startswith(_XLSX_MAGIC):
        file_format, encoding, separator = "xlsx", None, None
        records = partial(_xlsx_records, content)
    else:
        text, encoding = _decode(content)
        file_format, separator = "csv", _separator(text)
        records = partial(_csv_records, text, separator)
    first = list(islice(records(), HEADER_SEARCH_ROWS))
    if not first:
        raise _refuse(_l("The file is empty."), "empty_file")
    header_line, headers = next(((n, cells) for n, cells in first if is_header(cells)), first[0])
    return Sheet(headers, file_format, encoding, separator, header_line, records)


def _csv_records(text: str, separator: str) -> Iterator[tuple[int, list[str]]]:
    """(number, cells) of each record that is not blank; blank lines count (they are rows in
    the partner's spreadsheet), so a record's number is the row the partner sees."""
    reader = csv.reader(_lines(text), delimiter=separator)
    try:
        for number, record in enumerate(reader, start=1):
            cells = [cell.strip() for cell in record]
            if any(cells):
                yield number, cells
    except csv.Error as error:
        raise _refuse(_l("The CSV cannot be read: %(problem)s", problem=str(error)[:200])) from error


def _lines(text: str) -> Iterator[str]:
    """The text's lines one at a time with their ends, as a file opened with newline="" gives
    them to the csv module — without a copy of the whole text (io.StringIO makes one, four
    bytes a character)."""
    return (match.group() for match in _LINE.finditer(text))


def _xlsx_records(content: bytes) -> Iterator[tuple[int, list[str]]]:
    """The first sheet's rows that are not blank, from row 1. A formula gives the value its
    spreadsheet computed and saved (Excel and LibreOffice do); one saved without a value (by a
    script) stays as written, so the row checks refuse it rather than guess. The computed
    values are read only from the first formula on, in step with the formulas."""
    # openpyxl (and numpy, which it loads) only when a workbook comes: not in every web worker.
    from openpyxl.utils.exceptions import InvalidFileException
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    unsaved = (ArrayFormula, DataTableFormula)  # formulas openpyxl gives as objects
    try:
        with _sheet_values(content, data_only=False) as written:
            computed = None
            for index, row in enumerate(written):
                row = list(row)
                if computed is None and any(_is_formula(value, unsaved) for value in row):
                    computed = _computed_from(content, index)
                saved = list(next(computed, ())) if computed is not None else ()
                for c, value in enumerate(row):
                    if _is_formula(value, unsaved) and c < len(saved) and saved[c] is not None:
                        row[c] = saved[c]
                cells = [_text(value, unsaved) for value in row]
                if any(cells):
                    yield index + 1, cells
    except (zipfile.BadZipFile, InvalidFileException, ValueError, KeyError, OSError, TypeError) as error:
        raise _refuse(_l("This file is not a readable XLSX workbook."), "not_a_spreadsheet") from error


def _computed_from(content: bytes, index: int) -> Iterator[tuple]:
    """The saved values, row by row, from row `index` (counted from 0) on."""
    rows = _rows_of(content, data_only=True)
    for _ in range(index):
        next(rows, None)
    return rows


def _rows_of(content: bytes, data_only: bool) -> Iterator[tuple]:
    with _sheet_values(content, data_only) as rows:
        yield from rows


@contextmanager
def _sheet_values(content: bytes, data_only: bool) -> Iterator[Iterator[tuple]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=data_only)
    try:
        if not workbook.worksheets:
            raise ValueError("no sheet")
        yield workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _is_formula(value, unsaved: tuple[type, ...]) -> bool:
    return isinstance(value, unsaved) or \
        (isinstance(value, str) and value.startswith("="))


def _text(value, unsaved: tuple[type, ...] = ()) -> str:
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
    if isinstance(value, unsaved):  # a formula saved without a value: refused later
        return getattr(value, "text", None) or "="
    return str(value).strip()


def _decode(content: bytes) -> tuple[str, str]:
    if content.startswith(b"\xef\xbb\xbf"):
        try:
            return str(memoryview(content)[3:], "utf-8"), "utf-8-sig"  # no copy of the bytes
        except UnicodeDecodeError:
            raise _refuse(_l("The file's characters cannot be read: save it as CSV UTF-8."),
                          "bad_encoding") from None
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
    head = io.StringIO(text[:1 << 16], newline="")  # the first lines are enough to tell
    lines = [line.rstrip("\r\n") for line in islice(head, HEADER_SEARCH_ROWS + 5)]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=";,\t").delimiter
    except csv.Error:
        # a title line has no separator: count them on the line that has the most
        return max(";,\t", key=lambda sep: max((line.count(sep) for line in lines), default=0))
