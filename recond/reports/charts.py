"""Charts drawn on the server as SVG: horizontal bars, one group per row of an indicator, one bar
per series. No script and nothing fetched from elsewhere; presentation attributes only (the
Content-Security-Policy forbids inline styles). The chart is a picture of the table printed
beside it, which is what screen readers read: the SVG says so in its label."""
from __future__ import annotations

from markupsafe import Markup, escape

from recond.reports.indicators import Indicator

# Each at least 3:1 against white (WCAG 1.4.11, non-text contrast), told apart by their legend.
PALETTE = ("#1f5fa8", "#b3541e", "#2e7d32", "#6a3d9a")
WIDTH, LABEL_WIDTH, BAR_AREA, BAR, GAP, TOP = 640, 210, 360, 12, 8, 26
INK = "#1b1b1b"


def _number(value) -> float:
    return float(value) if isinstance(value, (int, float)) or hasattr(value, "as_tuple") else 0.0


def bars(indicator: Indicator, columns: list[str], label: str) -> Markup:
    """The indicator's rows as groups of bars, for the value columns named (by key)."""
    keys = [k for k, _ in indicator.columns]
    picked = [keys.index(c) for c in columns]
    names = [indicator.columns[i][1] for i in picked]
    rows = [(row.label, [_number(row.values[i]) for i in picked]) for row in indicator.rows]
    top = max([v for _, values in rows for v in values] + [0]) or 1
    group = BAR * len(picked) + GAP
    height = TOP + group * max(len(rows), 1) + 4
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} '
             f'{height}" width="100%" role="img" aria-label="{escape(label)}">']
    for i, name in enumerate(names):  # the legend
        x = LABEL_WIDTH + i * 130
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{PALETTE[i]}"/>'
                     f'<text x="{x + 16}" y="14" font-size="11" fill="{INK}">'
                     f'{escape(_short(name, 18))}</text>')
    for r, (row_label, values) in enumerate(rows):
        y = TOP + r * group
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + group / 2}" font-size="11" '
                     f'text-anchor="end" fill="{INK}">{escape(_short(row_label, 34))}</text>')
        for i, value in enumerate(values):
            length = BAR_AREA * value / top
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + i * BAR}" width="{length:.1f}" '
                         f'height="{BAR - 2}" fill="{PALETTE[i]}"/>'
                         f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + i * BAR + 9}" '
                         f'font-size="10" fill="{INK}">{_figure(value)}</text>')
    parts.append(f'<line x1="{LABEL_WIDTH}" y1="{TOP - 2}" x2="{LABEL_WIDTH}" y2="{height - 2}" '
                 f'stroke="{INK}" stroke-width="1"/></svg>')
    return Markup("".join(parts))


def _short(text: str, most: int) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def _figure(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}".replace(".", ",")


# Which columns of each indicator its chart draws; the others have a table only (a share, an
# amount: one figure each, better read than drawn).
DRAWN = {"steps": ["count"], "statuses": ["devices"], "weekly_flow": ["in", "out"],
         "lead_times": ["median", "p90"], "stock_ready": ["A", "B", "C"],
         "territories": ["requested", "approved", "allocated"],
         "structures": ["requested", "approved", "allocated"],
         "price_by_tier": ["average_euros"]}
