"""What the report pages show: the reader's filter, then each indicator with its chart. The
dashboard shows exact figures (its readers may open the records themselves); the programme's
indicators page shows them masked, as every export does."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext
from markupsafe import Markup

from recond import capabilities
from recond.models import User
from recond.reports import charts, exports, filters, indicators
from recond.reports.dashboard import dashboard
from recond.reports.filters import Filter
from recond.reports.indicators import Indicator


@dataclass
class Section:
    indicator: Indicator
    chart: Markup | None


@dataclass
class Report:
    filter: Filter
    sections: list[Section]
    workshops: list[tuple[int, str]]  # the filter's choices for this reader
    territories: list[tuple[str, object]]
    counted_at: datetime | None = None  # when the statuses and stock were counted (None: now)


def tables(actor: User | None, args, *, mask: bool = True,
           strict: bool = False) -> tuple[Filter, list[Indicator]]:
    """The indicators for a query string: the pages, the exports, the open data and the API."""
    f = filters.parse(actor, args, strict=strict)
    return f, indicators.build(dashboard(actor, f), mask=mask)


def read(actor: User, args, *, programme: bool = False) -> Report:
    """The dashboard (exact figures), or with `programme` the indicators page (masked)."""
    capabilities.require(actor, "reports.programme" if programme else "reports.dashboard")
    f = filters.parse(actor, args)
    board = dashboard(actor, f)
    found = indicators.build(board, mask=programme)
    sections = [Section(i, charts.bars(i, charts.DRAWN[i.key], gettext(
        "Chart of “%(title)s”: the table beside it gives the same figures.", title=i.title))
        if i.key in charts.DRAWN and i.rows else None) for i in found]
    choices = filters.workshops() if actor.sees_everything else []
    return Report(f, sections, choices, filters.territories(), board.counted_at)


def export(actor: User, args, fmt: str) -> exports.Export:
    """One click on the indicators page: XLSX, CSV, or the month's PDF summary (`month`)."""
    capabilities.require(actor, "reports.programme")
    if fmt == "pdf":
        f = filters.scoped(actor, filters.month(args.get("month", "")))
        return exports.summary_pdf(indicators.build(dashboard(actor, f)), f)
    f, found = tables(actor, args)
    return exports.as_xlsx(found, f) if fmt == "xlsx" else exports.as_csv(found, f)


def open_data(args, fmt: str):
    """The public's aggregates (no sign-in), masked: JSON (a dict) or CSV (an Export)."""
    f, found = tables(None, args)
    return exports.as_json(found, f) if fmt == "json" else exports.as_csv(found, f)


def api(actor: User, args) -> dict:
    """The indicators as the API gives them: the open data's JSON, for the reader's filter."""
    capabilities.require(actor, "reports.programme")
    f, found = tables(actor, args, strict=True)
    return exports.as_json(found, f)
