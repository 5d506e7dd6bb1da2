"""One label as PNG (Pillow) or SVG, from the same geometry."""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont

from recond.labels.content import LabelContent
from recond.labels.geometry import compute, rectangles
from recond.labels.media import Media


def png(label: LabelContent, media: Media, kind: str, *, dpi: int = 300) -> bytes:
    g = compute(media, kind)
    px = dpi / 25.4
    image = Image.new("L", (round(g.width * px), round(g.height * px)), 255)
    draw = ImageDraw.Draw(image)

    for x, y, w, h in rectangles(label, g):
        draw.rectangle([round(x * px), round(y * px), round((x + w) * px) - 1,
                        round((y + h) * px) - 1], fill=0)
    draw.text((g.title.x * px, g.title.y * px), label.title, fill=0,
              font=ImageFont.load_default(size=round(g.title_pt / 72 * dpi)))
    small = ImageFont.load_default(size=round(g.line_pt / 72 * dpi))
    for index, line in enumerate(label.lines[: g.max_lines]):
        while line and small.getlength(line) > g.lines.w * px:
            line = line[:-2] + "…"
        draw.text((g.lines.x * px, (g.lines.y + index * g.line_pt * 0.3528 * 1.2) * px), line,
                  fill=0, font=small)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(dpi, dpi))
    return buffer.getvalue()


def svg(label: LabelContent, media: Media, kind: str) -> str:
    g = compute(media, kind)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{g.width}mm" height="{g.height}mm" '
             f'viewBox="0 0 {g.width} {g.height}" role="img" aria-label="{escape(label.title)}">',
             f'<rect width="{g.width}" height="{g.height}" fill="#fff"/>', '<g fill="#000">']
    parts += [f'<rect x="{x:.3f}" y="{y:.3f}" width="{w:.3f}" height="{h:.3f}"/>'
              for x, y, w, h in rectangles(label, g)]
    parts.append(f'<text x="{g.title.x}" y="{g.title.y + g.title_pt * 0.3528:.2f}" '
                 f'font-family="sans-serif" font-weight="bold" font-size="{g.title_pt * 0.3528:.2f}">'
                 f'{escape(label.title)}</text>')
    for index, line in enumerate(label.lines[: g.max_lines]):
        y = g.lines.y + (index + 1) * g.line_pt * 0.3528 * 1.2
        parts.append(f'<text x="{g.lines.x}" y="{y:.2f}" font-family="sans-serif" '
                     f'font-size="{g.line_pt * 0.3528:.2f}">{escape(line)}</text>')
    parts.append("</g></svg>")
    return "\n".join(parts)
