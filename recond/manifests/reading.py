"""From uploaded bytes to a table of text: CSV (comma, semicolon or tab; UTF-8, UTF-8 with a
BOM, or Windows-1252) or XLSX. Anything else is refused with a message that says what it is."""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

import pandas as pd
from flask_babel import lazy_gettext as _l

from recond.errors import InvalidInput, TooLarge

MAX_ROWS = 200_000
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc: the pre-2007 Office formats


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    file_format: str
    encoding: str | None = None
    separator: str | None = None


def _refuse(message, code: str = "unreadable_file") -> InvalidInput:
    return InvalidInput(message, code=code)


def read(filename: str, content: bytes, max_bytes: int) -> Table:
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
        frame = _read_xlsx(content)
        table = Table([], [], "xlsx")
    else:
        text, encoding = _decode(content)
        separator = _separator(text)
        frame = _read_csv(text, separator)
        table = Table([], [], "csv", encoding, separator)
    cells = [row for row in frame.fillna("").astype(str).map(str.strip).values.tolist() if any(row)]
    if len(cells) < 2:
        raise _refuse(_l("The file has a header line but no device."), "no_rows")
    if len(cells) - 1 > MAX_ROWS:
        raise TooLarge(_l("The file has more than %(n)s rows: split it.", n=MAX_ROWS))
    table.headers, table.rows = cells[0], cells[1:]
    return table


def _read_xlsx(content: bytes) -> pd.DataFrame:
    try:
        # Formulas as written, not their cached values: a formula is flagged, never silently
        # replaced by a value that no spreadsheet computed.
        return pd.read_excel(io.BytesIO(content), dtype=str, header=None, engine="openpyxl",
                             engine_kwargs={"data_only": False})
    except (zipfile.BadZipFile, ValueError, KeyError, OSError) as error:
        raise _refuse(_l("This file is not a readable XLSX workbook."), "not_a_spreadsheet") from error


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
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ""
        return max(";,\t", key=first.count)


def _read_csv(text: str, separator: str) -> pd.DataFrame:
    try:
        return pd.read_csv(io.StringIO(text), sep=separator, dtype=str, header=None,
                           keep_default_na=False, skip_blank_lines=True, engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise _refuse(_l("The CSV cannot be read: %(problem)s", problem=str(error)[:200])) from error

