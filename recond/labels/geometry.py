"""Where things go on one label, in millimetres from its top-left corner: computed once per
medium and kind, then drawn by every renderer the same way."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import qrcode
from barcode import Code128

from recond.labels.media import Media

MARGIN = 1.5
QUIET = 2.5         # the blank a scanner needs each side of a Code 128
QR_VERSION = 4      # 33 × 33 modules: room for a public URL up to ~60 characters, level M
QR_MODULES = 17 + 4 * QR_VERSION
CODE128_MODULES = 35 + 11 * 8  # start, 8 data characters, check, stop (Code 128 B)
# Cheap USB scanners and 203 dpi printers (8 dots/mm) need bars of 0.25 mm (2 dots) or more;
# the QR code gives up width for that, down to 15 mm, which any phone camera still reads.
MIN_BAR_MODULE = 0.25
MIN_QR_SIDE = 15.0


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Geometry:
    width: float
    height: float
    qr: Box
    qr_module: float
    barcode: Box
    bar_module: float
    title: Box
    title_pt: float
    lines: Box
    line_pt: float
    max_lines: int


@lru_cache(maxsize=32)
def compute(media: Media, kind: str) -> Geometry:
    w, h = media.label_w, media.label_h
    room_for_bars = 1.0 + 2 * QUIET + MIN_BAR_MODULE * CODE128_MODULES
    qr_side = max(MIN_QR_SIDE, min(h - 2 * MARGIN, w - 2 * MARGIN - room_for_bars))
    qr_module = qr_side / QR_MODULES
    right_x = MARGIN + qr_side + 1.0
    right_w = w - right_x - MARGIN
    bar_module = max(right_w - 2 * QUIET, 10) / CODE128_MODULES
    title_pt = min(11.0, h * 0.30)
    title_h = title_pt * 0.3528 * 1.2
    bar_h = h * (0.33 if kind == "id" else 0.26)
    lines_y = MARGIN + title_h + bar_h + 0.8
    line_pt = 5.8 if kind == "product" else 6.2
    max_lines = max(1, int((h - MARGIN - lines_y) / (line_pt * 0.3528 * 1.25)))
    return Geometry(
        width=w, height=h,
        qr=Box(MARGIN, MARGIN, qr_side, qr_side), qr_module=qr_module,
        barcode=Box(right_x + QUIET, MARGIN + title_h, bar_module * CODE128_MODULES, bar_h),
        bar_module=bar_module,
        title=Box(right_x, MARGIN, right_w, title_h), title_pt=title_pt,
        lines=Box(right_x, lines_y, right_w, h - MARGIN - lines_y), line_pt=line_pt,
        max_lines=max_lines)


# One mask for every code: any of the eight gives a valid QR code, and trying all eight (the
# library's default) costs six times more per label. tests/labels check that random labels
# printed at 203 dpi still decode.
QR_MASK = 2


def qr_matrix(payload: str) -> list[list[bool]]:
    code = qrcode.QRCode(version=QR_VERSION, border=0, mask_pattern=QR_MASK,
                         error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    code.make(fit=True)  # a longer public URL takes a larger version; the side stays
    return code.get_matrix()


def qr_modules(payload: str) -> int:
    """Modules per side of the payload's QR code, without drawing it (for ZPL)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    return 17 + 4 * code.best_fit(start=QR_VERSION)


def bar_pattern(code: str) -> str:
    """'1' for a bar module, '0' for a space: Code 128 with its check character."""
    return Code128(code).build()[0]


_SET = re.compile(rb"\x01+")


def runs(cells) -> list[tuple[int, int]]:
    """(start, length) of each run of set cells (booleans, or '1' in a bar pattern): one
    rectangle per run, not per module."""
    line = cells.encode().replace(b"1", b"\x01") if isinstance(cells, str) else bytes(cells)
    return [(m.start(), m.end() - m.start()) for m in _SET.finditer(line)]


@dataclass(frozen=True)
class Codes:
    """A label's two codes as runs, in modules: the QR code's side and its runs per row, the
    Code 128's runs along its single row."""
    qr_side: int
    qr_runs: list[tuple[int, int, int]]  # (row, start, length)
    bar_runs: list[tuple[int, int]]  # (start, length)


def codes(label) -> Codes:
    matrix = qr_matrix(label.url)
    side = len(matrix)
    # The whole matrix in one byte string, a blank between rows: one scan finds every run.
    flat = b"\x00".join(bytes(cells) for cells in matrix)
    qr_runs = []
    for match in _SET.finditer(flat):
        start, end = match.span()
        row, column = divmod(start, side + 1)
        qr_runs.append((row, column, end - start))
    return Codes(side, qr_runs, runs(bar_pattern(label.code)))


def rectangles(label, g: Geometry):
    """Every dark rectangle of a label (QR runs, then bars), as (x, y, w, h) in mm."""
    found = codes(label)
    module = g.qr.w / found.qr_side
    for row, start, length in found.qr_runs:
        yield g.qr.x + start * module, g.qr.y + row * module, length * module, module
    for start, length in found.bar_runs:
        yield g.barcode.x + start * g.bar_module, g.barcode.y, length * g.bar_module, g.barcode.h
