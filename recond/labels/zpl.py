"""Labels to ZPL II for Zebra printers, at 203 or 300 dpi, from the same geometry."""
from __future__ import annotations

from recond.labels.content import LabelContent
from recond.labels.geometry import compute, qr_modules
from recond.labels.media import Media

DPI = (203, 300)


def render(labels: list[LabelContent], media: Media, kind: str, *, dpi: int = 203,
           copies: int = 1) -> str:
    if dpi not in DPI:
        raise ValueError(dpi)
    g = compute(media, kind)
    dots = dpi / 25.4

    def at(value_mm: float) -> int:
        return round(value_mm * dots)

    out = []
    for label in labels:
        modules = qr_modules(label.url)
        magnification = max(1, min(10, int(g.qr.w * dots / modules)))
        bar_module = max(1, round(g.bar_module * dots))
        out.append("\n".join([
            "^XA", "^CI28",  # UTF-8 text
            f"^PW{at(g.width)}", f"^LL{at(g.height)}",
            # ^BQ draws the QR code below its origin by 10 dots: take them back
            f"^FO{at(g.qr.x)},{max(0, at(g.qr.y) - 10)}^BQN,2,{magnification}^FDMA,{label.url}^FS",
            f"^FO{at(g.barcode.x)},{at(g.barcode.y)}^BY{bar_module}"
            f"^BCN,{at(g.barcode.h)},N,N,N^FD{label.code}^FS",
            f"^FO{at(g.title.x)},{at(g.title.y)}^A0N,{at(g.title_pt * 0.3528)},"
            f"{at(g.title_pt * 0.3528)}^FD{label.title}^FS",
            *[f"^FO{at(g.lines.x)},{at(g.lines.y + i * g.line_pt * 0.3528 * 1.2)}^A0N,"
              f"{at(g.line_pt * 0.3528)},{at(g.line_pt * 0.3528)}^FD{_safe(line)}^FS"
              for i, line in enumerate(label.lines[: g.max_lines])],
            f"^PQ{copies}", "^XZ"]))
    return "\n".join(out) + "\n"


def _safe(text: str) -> str:
    """^ and ~ start ZPL commands: never let a model name or serial carry one."""
    return text.replace("^", " ").replace("~", " ")
