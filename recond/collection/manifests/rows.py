"""Each manifest row checked on its own: category known, sizes readable and whole (never
rounded), serials unique in the file and new to Recond, no spreadsheet formula smuggled in a
cell. A row is numbered as the partner's spreadsheet shows it."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any, Iterable, Iterator

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from recond.extensions import db
from recond.collection.manifests.columns import normalise
from recond.models import Device

_CATEGORY_WORDS = {
    "laptop": ("laptop", "portable", "pc portable", "ordinateur portable", "notebook",
               "ultraportable", "netbook", "chromebook"),
    "desktop": ("desktop", "fixe", "pc fixe", "ordinateur fixe", "unite centrale", "uc", "tour",
                "pc", "poste fixe", "mini pc", "station de travail", "workstation"),
    "tablet": ("tablet", "tablette", "ipad"),
    "phone": ("phone", "telephone", "smartphone", "mobile", "telephone mobile", "gsm"),
    "screen": ("screen", "ecran", "moniteur", "monitor", "display"),
    "peripheral": ("peripheral", "peripherique", "clavier", "souris", "keyboard", "mouse",
                   "station d accueil", "dock", "docking station", "imprimante", "printer"),
}
_CATEGORY = {word: code for code, words in _CATEGORY_WORDS.items() for word in words}
# What a spreadsheet would run (OWASP "CSV injection"): =, +, @, tab, CR, and - unless the whole
# cell is a plain number ("-2+3+cmd|…" is the classic payload, "-12" is just negative).
_FORMULA = re.compile(r"^[=+@\t\r]|^-(?!\d+(?:[.,]\d+)?$)")
_CAPACITY = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(to|tb|tio|go|gb|gio|g|mo|mb|mio|m)?\b\s*(.*)$")
# Exact ratios: "0,5 To" is 512 GB and "7,5 Go" is not a whole number, with no float in between.
_UNITS = {"to": Fraction(1024), "tb": Fraction(1024), "tio": Fraction(1024),
          "go": Fraction(1), "gb": Fraction(1), "gio": Fraction(1), "g": Fraction(1),
          "mo": Fraction(1, 1024), "mb": Fraction(1, 1024), "mio": Fraction(1, 1024),
          "m": Fraction(1, 1024), None: Fraction(1)}


def is_formula(text: str) -> bool:
    """Would a spreadsheet run this cell? (Other manifests, a partner's return, ask too.)"""
    return bool(_FORMULA.match(text))


CHUNK_ROWS = 1000  # rows checked, and their serials looked up, at a time


class NotWhole(ValueError):
    """A size that is not a whole number of GB: refused, never rounded."""


@dataclass
class Row:
    line: int  # the line (CSV) or row (XLSX) number the partner's spreadsheet shows
    cells: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@lru_cache(maxsize=4096)  # a manifest repeats a few words thousands of times
def category_of(text: str) -> str | None:
    return _CATEGORY.get(normalise(text))


@lru_cache(maxsize=4096)
def capacity_gb(text: str) -> tuple[int, str | None]:
    """'8', '8 Go', '512 Go SSD', '0,5 To', '8192 Mo' -> (GB, kind of disk if said).
    A size that is not a whole number of GB ('7,5', '1000 Mo') raises NotWhole."""
    match = _CAPACITY.match(text.strip().lower())
    if not match:
        raise ValueError(text)
    if match.group(2) is None and match.group(3):
        raise ValueError(text)  # "8 parsecs": words after a bare number are not a size
    exact = Fraction(Decimal(match.group(1).replace(",", "."))) * _UNITS[match.group(2)]
    rest = match.group(3)
    kind = next((k for k in ("nvme", "ssd", "hdd", "emmc") if k in rest), None)
    if exact <= 0 or exact > 1024 * 1024:
        raise ValueError(text)
    if exact.denominator != 1:
        raise NotWhole(text)
    return int(exact), kind


def check(headers: list[str], raw_rows: list[list[str]], mapping: dict[str, int],
          lines: list[int] | None = None) -> list[Row]:
    """lines: each raw row's number in the file (`reading.Table.lines`); without them the rows
    are taken to follow a header on line 1."""
    numbered = zip(lines if lines else range(2, len(raw_rows) + 2), raw_rows)
    return list(check_each(numbered, mapping))


def check_each(numbered: Iterable[tuple[int, list[str]]], mapping: dict[str, int]) -> Iterator[Row]:
    """Each (number in the file, cells) checked, in order, as it comes: rows are held a chunk
    at a time (the serials already known are looked up per chunk), never the whole file."""
    seen: dict[str, int] = {}
    chunk: list[Row] = []
    for line, raw in numbered:
        cells = {f: (raw[i] if i < len(raw) else "") for f, i in mapping.items()}
        row = Row(line=line, cells=cells)
        _check_row(row)
        key = row.values.get("serial_key")
        if key:
            if key in seen:
                row.errors.append(str(_l("serial number %(serial)s already on line %(line)s",
                                         serial=row.values["serial"], line=seen[key])))
            else:
                seen[key] = row.line
        chunk.append(row)
        if len(chunk) == CHUNK_ROWS:
            _already_known(chunk)
            yield from chunk
            chunk = []
    _already_known(chunk)
    yield from chunk


def _check_row(row: Row) -> None:
    cells = row.cells
    for name, text in cells.items():
        if _FORMULA.match(text):
            # An XLSX formula reaches here only when saved without its value (by a script)
            row.errors.append(str(_l("the cell “%(text)s” looks like a spreadsheet formula: write "
                                     "its value (Excel and LibreOffice save it with the formula)",
                                     text=text[:30])))
    if row.errors:
        return
    category = cells.get("category", "")
    if not category:
        row.errors.append(str(_l("category missing")))
    elif category_of(category) is None:
        row.errors.append(str(_l("unknown category “%(text)s”", text=category[:40])))
    else:
        row.values["category"] = category_of(category)
    for name in ("brand", "model", "cpu"):
        row.values[name] = cells.get(name, "")[:100 if name != "model" else 200]
    serial = "".join(cells.get("serial", "").split())
    if len(serial) > 100:
        row.errors.append(str(_l("serial number too long")))
    row.values["serial"] = serial or None
    row.values["serial_key"] = serial.upper() or None
    row.values["asset_tag"] = cells.get("asset_tag", "")[:100] or None
    for name in ("ram_gb", "storage_gb"):
        text = cells.get(name, "")
        if not text:
            continue
        try:
            row.values[name], kind = capacity_gb(text)
            if name == "storage_gb":
                row.values["storage_kind"] = kind
        except NotWhole:
            row.errors.append(str(_l("“%(text)s” is not a whole number of GB: write the exact size "
                                     "(e.g. 8 Go, 512 Go, 0,5 To)", text=text[:30])))
        except ValueError:
            row.errors.append(str(_l("“%(text)s” is not a readable size (e.g. 8 Go, 512 Go SSD, 1 To)",
                                     text=text[:30])))


def _already_known(rows: list[Row]) -> None:
    keys = [r.values["serial_key"] for r in rows if r.values.get("serial_key")]
    known: set[str] = set()
    for start in range(0, len(keys), CHUNK_ROWS):
        known.update(db.session.scalars(
            select(Device.serial_key).where(Device.serial_key.in_(keys[start:start + CHUNK_ROWS]))))
    for row in rows:
        if row.values.get("serial_key") in known:
            row.errors.append(str(_l("serial number %(serial)s is already known to Recond",
                                     serial=row.values["serial"])))
