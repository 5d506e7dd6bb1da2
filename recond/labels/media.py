"""Label media: A4 sheets of common layouts and the rolls of label printers (millimetres)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Media:
    code: str
    name: str
    label_w: float
    label_h: float
    columns: int = 1
    rows: int = 1
    page_w: float | None = None   # None: a roll, one label per page
    page_h: float | None = None
    left: float = 0.0
    top: float = 0.0
    gap_x: float = 0.0
    gap_y: float = 0.0

    @property
    def is_sheet(self) -> bool:
        return self.page_w is not None

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def position(self, index: int) -> tuple[float, float]:
        """Top-left corner (mm from the page's top-left) of the index-th label of a page."""
        row, column = divmod(index, self.columns)
        return (self.left + column * (self.label_w + self.gap_x),
                self.top + row * (self.label_h + self.gap_y))


MEDIA = {m.code: m for m in (
    # Avery L7160 / Herma 4677: 3 × 7 labels of 63.5 × 38.1 mm
    Media("a4-3x7", "A4, 3 × 7 (63,5 × 38,1 mm)", 63.5, 38.1, 3, 7, 210, 297, 7.21, 15.15, 2.54, 0),
    # Avery L7163: 2 × 7 labels of 99.1 × 38.1 mm
    Media("a4-2x7", "A4, 2 × 7 (99,1 × 38,1 mm)", 99.1, 38.1, 2, 7, 210, 297, 4.65, 15.15, 2.54, 0),
    # Brother QL DK-11209 and the common 57 × 32 mm thermal rolls
    Media("roll-62x29", "Rouleau 62 × 29 mm (Brother QL)", 62, 29),
    Media("roll-57x32", "Rouleau 57 × 32 mm", 57, 32),
)}
