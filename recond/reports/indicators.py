"""The programme's indicators, for the steering committee and the public: the dashboard's
figures (the same functions, so the numbers match) laid out as tables, with small counts
masked. The page, the XLSX and CSV exports, the monthly PDF, the open data and the API all
read these tables.

Masking: a count from 1 to 4 of something that concerns people (devices allocated or handed
over, people trained, payments) is shown as "< 5", and so is any figure computed from it (a
share, an average price, an amount collected), so no one can be singled out. Zero is shown:
it singles no one out. Device counts at the workshop are not masked: they concern no one."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Union

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from recond import categories
from recond.distribution.pricing import TIER_LABELS
from recond.lifecycle.actions import ACTIONS
from recond.lifecycle.statuses import STATUS_LABELS, Status
from recond.reports.dashboard import Dashboard
from recond.reports.structures import OUTSIDE
from recond.territories import LABELS as TERRITORY_LABELS

THRESHOLD = 5
MASK = f"< {THRESHOLD}"
MASKING_RULE = _l("Counts from 1 to 4 that concern people (devices allocated, people trained, "
                  "payments) are shown as “< 5”, and so are the shares, averages and amounts "
                  "computed from them: no one can be singled out.")
Value = Union[int, float, Decimal, str, None]


@dataclass
class Row:
    code: str
    label: str
    values: list[Value]


@dataclass
class Indicator:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (key, label) of each value column
    rows: list[Row] = field(default_factory=list)
    row_label: str = ""  # the heading of the rows' column
    masked: bool = False  # are its counts about people?


def masked(n: int) -> Value:
    return MASK if 0 < n < THRESHOLD else n


def text(value: Value) -> str:
    """A value as the page, the CSV and the PDF write it (the XLSX keeps numbers as numbers)."""
    if value is None:
        return "—"
    if isinstance(value, (float, Decimal)):
        written = f"{value:.2f}" if isinstance(value, Decimal) else f"{value:.1f}"
        return written.replace(".", ",") if str(get_locale() or "fr") == "fr" else written
    return str(value)


def build(board: Dashboard, mask: bool = True) -> list[Indicator]:
    """The tables; `mask=False` for the dashboard, read by staff who may see the records."""
    m = masked if mask else _exact
    found = [_milestones(board), _funnel(board), _flow(board), _lead_times(board), _stock(board)]
    if board.distribution is not None:
        found += [_territories(board, m), _structures(board, m), _qpv(board, m),
                  _training(board, m), _charges(board, m), _tiers(board, m)]
    return found


def _exact(n: int) -> Value:
    return n


def _milestones(board) -> Indicator:
    return Indicator("steps", str(_l("Steps done in the period")),
                     [("count", str(_l("Times")))], row_label=str(_l("Step")),
                     rows=[Row(a, str(ACTIONS[a].done), [n]) for a, n in board.milestones])


def _funnel(board) -> Indicator:
    return Indicator("statuses", str(_l("Devices by status today")),
                     [("devices", str(_l("Devices")))], row_label=str(_l("Status")),
                     rows=[Row(s, str(STATUS_LABELS[Status(s)]), [n]) for s, n in board.funnel])


def _flow(board) -> Indicator:
    return Indicator("weekly_flow", str(_l("Devices in and out, week by week")),
                     [("in", str(_l("Received or taken back"))),
                      ("out", str(_l("Handed over, recycled or dismantled")))],
                     row_label=str(_l("Week of")),
                     rows=[Row(w.monday.isoformat(), w.monday.isoformat(), [w.came_in, w.went_out])
                           for w in board.flow])


def _lead_times(board) -> Indicator:
    return Indicator("lead_times", str(_l("Lead time of each stage (hours)")),
                     [("passages", str(_l("Passages"))), ("median", str(_l("Median (hours)"))),
                      ("p90", str(_l("90th percentile (hours)")))], row_label=str(_l("Stage")),
                     rows=[Row(f"{t.start}-{t.end}", f"{STATUS_LABELS[Status(t.start)]} → "
                               f"{STATUS_LABELS[Status(t.end)]}",
                               [t.count, t.median_hours, t.p90_hours]) for t in board.lead_times])


def _category(code: str) -> str:
    kind = categories.CATEGORIES.get(code)
    return str(kind.label) if kind else code


def _stock(board) -> Indicator:
    table: dict[str, dict] = {}
    for category, grade, n in board.stock:
        table.setdefault(category, {})[grade] = n
    grades = list(categories.GRADES)
    return Indicator("stock_ready", str(_l("Devices ready to allocate, by category and grade")),
                     [(g, str(_l("Grade %(grade)s", grade=g))) for g in grades]
                     + [("total", str(_l("Total")))], row_label=str(_l("Category")),
                     rows=[Row(c, _category(c), [table[c].get(g, 0) for g in grades]
                               + [sum(table[c].values())]) for c in sorted(table)])


_SHARE_COLUMNS = (("requested", _l("Requested")), ("approved", _l("Approved")),
                  ("allocated", _l("Allocated")))


def _share_row(code: str, label: str, share, m) -> Row:
    return Row(code, label, [share.requested, share.approved, m(share.allocated)])


def _territories(board, m) -> Indicator:
    return Indicator("territories", str(_l("Requested, approved and allocated per territory")),
                     [(k, str(v)) for k, v in _SHARE_COLUMNS], row_label=str(_l("Territory")),
                     masked=True,
                     rows=[_share_row(s.territory or "outside",
                                      str(TERRITORY_LABELS.get(s.territory) or
                                          _l("outside the territories")), s, m)
                           for s in board.distribution.territories])


def _structures(board, m) -> Indicator:
    return Indicator("structures", str(_l("Requested, approved and allocated per structure")),
                     [(k, str(v)) for k, v in _SHARE_COLUMNS]
                     + [("territory", str(_l("Territory"))), ("qpv", str(_l("QPV")))],
                     row_label=str(_l("Structure")), masked=True,
                     rows=[Row(s.name, s.name, _share_row("", "", s, m).values + [
                         str(TERRITORY_LABELS.get(s.territory) or "—") if s.territory != OUTSIDE
                         else "—", str(_l("yes")) if s.qpv else str(_l("no"))])
                           for s in board.distribution.structures])


def _qpv(board, m) -> Indicator:
    d = board.distribution
    hidden = m(d.allocated) == MASK or m(d.allocated_qpv) == MASK
    share = None if d.qpv_share is None else round(d.qpv_share * 100, 1)
    return Indicator("qpv", str(_l("Share allocated to structures in priority neighbourhoods")),
                     [("value", str(_l("Value")))], row_label=str(_l("Figure")), masked=True,
                     rows=[Row("allocated", str(_l("Devices allocated")), [m(d.allocated)]),
                           Row("allocated_qpv", str(_l("…of which to QPV structures")),
                               [m(d.allocated_qpv)]),
                           Row("share_percent", str(_l("Share to QPV structures (per cent)")),
                               [MASK if hidden else share])])


def _training(board, m) -> Indicator:
    t = board.training
    hidden = m(t.beneficiaries_present) == MASK or m(t.beneficiaries_absent) == MASK
    rate = None if t.rate is None else round(t.rate * 100, 1)
    return Indicator("training", str(_l("Training attendance")), [("value", str(_l("Value")))],
                     row_label=str(_l("Figure")), masked=True, rows=[
                         Row("sessions", str(_l("Sessions held")), [t.sessions]),
                         Row("beneficiaries_present", str(_l("Beneficiaries present")),
                             [m(t.beneficiaries_present)]),
                         Row("beneficiaries_absent", str(_l("Beneficiaries absent")),
                             [m(t.beneficiaries_absent)]),
                         Row("staff_present", str(_l("Structures' staff present")),
                             [m(t.staff_present)]),
                         Row("attendance_percent",
                             str(_l("Attendance of beneficiaries (per cent)")),
                             [MASK if hidden else rate])])


def euros(cents: int | None) -> Decimal | None:
    return None if cents is None else (Decimal(cents) / 100).quantize(Decimal("0.01"))


def _charges(board, m) -> Indicator:
    c = board.charges
    hidden = m(c.allocations_paid) == MASK
    return Indicator("charges", str(_l("Remaining charge collected")),
                     [("value", str(_l("Value")))], row_label=str(_l("Figure")), masked=True,
                     rows=[Row("allocations_paid", str(_l("Allocations with a payment")),
                               [m(c.allocations_paid)]),
                           Row("collected_euros", str(_l("Collected, net of refunds (€)")),
                               [MASK if hidden else euros(c.collected_cents)])])


def _tiers(board, m) -> Indicator:
    return Indicator("price_by_tier", str(_l("Average price by tier")),
                     [("allocations", str(_l("Allocations"))),
                      ("average_euros", str(_l("Average price (€)")))],
                     row_label=str(_l("Tier")), masked=True,
                     rows=[Row(t.tier, str(TIER_LABELS.get(t.tier, t.tier)),
                               [m(t.allocations), MASK if m(t.allocations) == MASK
                                else euros(t.average_cents)]) for t in board.charges.tiers])
