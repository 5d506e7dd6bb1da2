"""The page furniture every Recond PDF shares: A4, a title block, key-value lines, tables,
signature boxes and a QR code, drawn with reportlab."""
from __future__ import annotations

import io

import qrcode
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle,
)

_PLAIN_SPACES = str.maketrans({"\u202f": " ", "\u00a0": " "})
_STYLES = getSampleStyleSheet()
TITLE = ParagraphStyle("title", parent=_STYLES["Title"], fontSize=16, spaceAfter=4 * mm)
HEADING = ParagraphStyle("heading", parent=_STYLES["Heading2"], fontSize=11, spaceBefore=4 * mm)
BODY = ParagraphStyle("body", parent=_STYLES["BodyText"], fontSize=9.5, leading=12)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, textColor=colors.HexColor("#4a4a4a"))


def qr_image(payload: str, size_mm: float = 28) -> Image:
    buffer = io.BytesIO()
    qrcode.make(payload, border=2, error_correction=qrcode.constants.ERROR_CORRECT_M).save(buffer)
    buffer.seek(0)
    return Image(buffer, width=size_mm * mm, height=size_mm * mm)


def text(value) -> Paragraph:
    # The PDF's built-in fonts have no narrow no-break space (French thousands, "1 234,50 €"):
    # plain spaces print, and copy, as people expect.
    return Paragraph(_escape(str(value).translate(_PLAIN_SPACES)), BODY)


def key_values(rows: list[tuple[str, str]]) -> Table:
    table = Table([[Paragraph(f"<b>{_escape(str(k))}</b>", BODY), text(v)] for k, v in rows],
                  colWidths=[55 * mm, 115 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    return table


def grid(header: list[str], rows: list[list], widths: list[float]) -> Table:
    data = [[Paragraph(f"<b>{_escape(str(h))}</b>", BODY) for h in header]]
    data += [[text(cell) for cell in row] for row in rows]
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def signature_boxes(labels: list[str]) -> Table:
    width = 170 / len(labels)
    table = Table([[text(label) for label in labels], ["" for _ in labels]],
                  colWidths=[width * mm] * len(labels), rowHeights=[8 * mm, 28 * mm])
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, colors.black),
                               ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def render(title: str, story: list, *, subject: str = "") -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=title, author="Recond",
                                 subject=subject, leftMargin=20 * mm, rightMargin=20 * mm,
                                 topMargin=18 * mm, bottomMargin=18 * mm)
    document.build(story)
    return buffer.getvalue()


def spacer(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
