"""Labels to PDF: sheets (with a start position, to reuse a partly used sheet) and rolls."""
from __future__ import annotations

import io

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from recond.labels.content import LabelContent
from recond.labels.geometry import Geometry, codes, compute
from recond.labels.media import Media


def render(labels: list[LabelContent], media: Media, kind: str, *, start: int = 1,
           copies: int = 1) -> bytes:
    geometry = compute(media, kind)
    buffer = io.BytesIO()
    page_w = media.page_w if media.is_sheet else media.label_w
    page_h = media.page_h if media.is_sheet else media.label_h
    canvas = Canvas(buffer, pagesize=(page_w * mm, page_h * mm), pageCompression=1)
    canvas.setTitle("Recond — étiquettes")
    slot = (start - 1) if media.is_sheet else 0
    for label in (label for label in labels for _ in range(copies)):
        if slot == media.per_page:
            canvas.showPage()
            slot = 0
        x, y = media.position(slot) if media.is_sheet else (0.0, 0.0)
        _draw(canvas, label, geometry, x, page_h - y)
        slot += 1
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw(canvas: Canvas, label: LabelContent, g: Geometry, left: float, top: float) -> None:
    """Draw one label whose top-left corner is at (left, top) mm, PDF y growing upwards."""
    canvas.addLiteral(_codes_operators(label, g, left, top))
    canvas.setFont("Helvetica-Bold", g.title_pt)
    canvas.drawString((left + g.title.x) * mm, (top - g.title.y - g.title_pt * 0.3528) * mm,
                      label.title)
    canvas.setFont("Helvetica", g.line_pt)
    for index, line in enumerate(label.lines[: g.max_lines]):
        y = g.lines.y + (index + 1) * g.line_pt * 0.3528 * 1.2
        canvas.drawString((left + g.lines.x) * mm, (top - y) * mm, _fit(line, g.lines.w, g.line_pt))


def _codes_operators(label: LabelContent, g: Geometry, left: float, top: float) -> str:
    """Both codes as PDF operators, each drawn in its own units: the QR code in modules (a
    matrix maps a module to its side in points, rows going down), the Code 128 in bar modules
    by its height. Every rectangle is then a few whole numbers — what reportlab's path would
    write as four formatted decimals each, most of a label's time — filled as one path."""
    found = codes(label)
    qr = g.qr.w / found.qr_side * mm
    bar = g.bar_module * mm
    return " ".join((
        f"q {qr:.4f} 0 0 {-qr:.4f} {(left + g.qr.x) * mm:.4f} {(top - g.qr.y) * mm:.4f} cm",
        " ".join(f"{start} {row} {length} 1 re" for row, start, length in found.qr_runs),
        f"f Q q {bar:.4f} 0 0 {g.barcode.h * mm:.4f} {(left + g.barcode.x) * mm:.4f} "
        f"{(top - g.barcode.y - g.barcode.h) * mm:.4f} cm",
        " ".join(f"{start} 0 {length} 1 re" for start, length in found.bar_runs),
        "f Q"))


def _fit(text: str, width_mm: float, size_pt: float) -> str:
    while text and stringWidth(text, "Helvetica", size_pt) > width_mm * mm:
        text = text[:-2] + "…"
    return text
