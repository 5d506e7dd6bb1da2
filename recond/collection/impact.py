"""The donor impact report: for one donor company and a period, the devices it gave (those of
its deposits collected then) and what its devices became — refurbished for reuse, handed over,
recycled as WEEE (and their weight), dismantled for parts —, the certificates of sanitisation issued for them, and the
greenhouse gases avoided by reuse (recond.collection.emission_factors); as a page, a CSV
(semicolons, UTF-8 with a BOM, as French Excel opens it) and a PDF (impact_pdf).

Every other figure is read from the devices' history: a step counts in the period it first happened
to the device, so a year's report does not change once the year is over, and a device taken
back and handed over again counts once. Nothing about beneficiaries is read. Read by the
donor company itself (its own report only) and the coordination (any donor's).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from flask import current_app
from flask_babel import format_date, get_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from recond import capabilities
from recond.categories import CATEGORIES
from recond.collection import emission_factors
from recond.errors import InvalidInput, NotFound
from recond.extensions import db
from recond.inventory.exports import neutralised
from recond.lifecycle import Status
from recond.models import Certificate, Deposit, Device, DeviceEvent, Organisation, OrganisationKind, User

# The history's steps the report counts, each the first time a device reached it.
STEPS = {Status.READY: "refurbished", Status.RELEASED: "handed_over",
         Status.RECYCLED: "recycled", Status.DISMANTLED: "dismantled"}
# The years a period may cover: none of Recond's history is older, and a date far off (year
# 9999) would overflow the midnight after it.
FIRST_YEAR = 2000
METHOD = (
    _l("Greenhouse gases avoided are counted once for each device handed over in the period and "
       "not recycled or dismantled afterwards by the period's end: the factor of its category, "
       "the kilograms of CO2e that the named source says reusing a refurbished device saves "
       "compared with buying a new one, counted for one year of use."),
    _l("Devices recycled or dismantled count none, nor do categories without a factor; devices "
       "given are those of the deposits collected in the period, and every other figure counts "
       "a step of a device's history in the period it first happened."),
)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as stored times (naive UTC): from the first day's midnight to the
        midnight after the last day, in the programme's zone."""
        zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Europe/Paris")

        def utc(day: date) -> datetime:
            return datetime.combine(day, time(), zone).astimezone(UTC).replace(tzinfo=None)
        return utc(self.start), utc(self.end + timedelta(days=1))


@dataclass
class Line:
    """One category's figures (or the total's, category None)."""
    category: str | None
    given: int = 0
    refurbished: int = 0
    handed_over: int = 0
    recycled: int = 0
    weee_grams: int = 0
    weighed: int = 0  # recycled devices whose weight is known
    dismantled: int = 0
    factor: emission_factors.Factor | None = None
    avoided_grams: int = 0

    @property
    def label(self) -> str:
        if self.category is None:
            return gettext("Total")
        known = CATEGORIES.get(self.category)
        return str(known.label) if known else self.category

    @property
    def uncounted(self) -> bool:
        """Devices handed over that count nothing: their category has no factor."""
        return self.handed_over > 0 and self.factor is not None and not self.factor.is_set


@dataclass
class ImpactReport:
    donor: Organisation
    period: Period
    lines: list[Line]
    total: Line
    certificates: int
    certified_devices: int
    factors: dict[str, emission_factors.Factor] = field(default_factory=dict)

    @property
    def uncounted(self) -> list[Line]:
        return [line for line in self.lines if line.uncounted]


def get_donor(actor: User, donor_id: int) -> Organisation:
    """The donor whose report the actor may read: its own company, or any for the
    coordination; another organisation's is not found, whoever asks."""
    capabilities.require(actor, "impact.read")
    query = select(Organisation).where(Organisation.id == donor_id,
                                       Organisation.kind == OrganisationKind.DONOR)
    if not actor.sees_everything:
        query = query.where(Organisation.id == actor.organisation_id)
    donor = db.session.scalar(query)
    if donor is None:
        raise NotFound(_l("No such donor company in what you may see."))
    return donor


def parse_period(args) -> Period:
    """`from` and `to` (YYYY-MM-DD, both included); by default the year so far."""
    today = emission_factors.today()
    start = _day(args.get("from"), date(today.year, 1, 1))
    end = _day(args.get("to"), today)
    for day in (start, end):
        if not FIRST_YEAR <= day.year <= today.year + 1:
            raise InvalidInput(_l("Choose a period between %(first)s and %(last)s.",
                                  first=FIRST_YEAR, last=today.year + 1), code="invalid_period")
    if end < start:
        raise InvalidInput(_l("The period ends before it starts."), code="invalid_period")
    return Period(start, end)


def report(actor: User, donor_id: int, period: Period) -> ImpactReport:
    donor = get_donor(actor, donor_id)
    start, end = period.bounds()
    factors = emission_factors.current()
    lines: dict[str, Line] = {}

    def line_of(category: str) -> Line:
        return lines.setdefault(category, Line(category, factor=factors.get(category)))
    for category, devices in db.session.execute(_given(donor, start, end)):
        line_of(category).given = devices
    for category, step, devices, grams, weighed in db.session.execute(_steps(donor, start, end)):
        line = line_of(category)
        setattr(line, STEPS[Status(step)], devices)
        if step == Status.RECYCLED:
            line.weee_grams, line.weighed = grams or 0, weighed
    ordered = [lines[code] for code in CATEGORIES if code in lines] + \
        [line for code, line in lines.items() if code not in CATEGORIES]
    for line in ordered:
        if line.factor is not None and line.factor.is_set:
            line.avoided_grams = line.handed_over * line.factor.grams_co2e
    certificates, certified = _certificates(donor, start, end)
    return ImpactReport(donor, period, ordered, _total(ordered), certificates, certified, factors)


def _given(donor: Organisation, start: datetime, end: datetime):
    """Per category, the devices of the donor's deposits collected in the period: the gift is
    made when the collection partner picks the deposit up."""
    collected = select(Deposit.id).where(Deposit.donor_id == donor.id,
                                         Deposit.collected_at >= start, Deposit.collected_at < end)
    return select(Device.category, func.count(Device.id)) \
        .where(Device.deposit_id.in_(collected)).group_by(Device.category)


def _steps(donor: Organisation, start: datetime, end: datetime):
    """Per category and step: devices that first reached it in the period, and for recycled
    ones the sum and number of known weights. A device handed over counts as such only if it
    did not reach recycled or dismantled afterwards, before the period's end (handed over,
    taken back, then recycled: recycled, and no emissions avoided)."""
    given = select(Device.id).join(Deposit, Deposit.id == Device.deposit_id) \
        .where(Deposit.donor_id == donor.id)
    firsts = select(DeviceEvent.device_id, DeviceEvent.to_status,
                    func.min(DeviceEvent.at).label("first_at")) \
        .where(DeviceEvent.device_id.in_(given), DeviceEvent.to_status.in_(list(STEPS))) \
        .group_by(DeviceEvent.device_id, DeviceEvent.to_status).subquery()
    ended = select(DeviceEvent.id).where(
        DeviceEvent.device_id == firsts.c.device_id,
        DeviceEvent.to_status.in_([Status.RECYCLED, Status.DISMANTLED]),
        DeviceEvent.at >= firsts.c.first_at, DeviceEvent.at < end).exists()
    return select(Device.category, firsts.c.to_status, func.count(Device.id),
                  func.sum(Device.weight_grams), func.count(Device.weight_grams)) \
        .join(firsts, firsts.c.device_id == Device.id) \
        .where(firsts.c.first_at >= start, firsts.c.first_at < end,
               or_(firsts.c.to_status != Status.RELEASED, ~ended)) \
        .group_by(Device.category, firsts.c.to_status)


def _certificates(donor: Organisation, start: datetime, end: datetime) -> tuple[int, int]:
    """Certificates of sanitisation issued in the period for the donor's devices or deposits,
    and how many of its devices they cover."""
    deposits = select(Deposit.id).where(Deposit.donor_id == donor.id)
    devices = select(Device.id).where(Device.deposit_id.in_(deposits))
    covered, count = set(), 0
    for ids, in db.session.execute(select(Certificate.covered_device_ids).where(
            Certificate.issued_at >= start, Certificate.issued_at < end,
            or_(Certificate.device_id.in_(devices), Certificate.deposit_id.in_(deposits)))):
        count += 1
        covered.update(ids or ())
    return count, len(covered)


def _total(lines: list[Line]) -> Line:
    total = Line(None)
    for line in lines:
        for name in ("given", "refurbished", "handed_over", "recycled", "weee_grams", "weighed",
                     "dismantled", "avoided_grams"):
            setattr(total, name, getattr(total, name) + getattr(line, name))
    return total


def _day(raw, default: date) -> date:
    text = str(raw or "").strip()
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(_l("“%(value)s” is not a date: write it as YYYY-MM-DD.",
                              value=text[:20]), code="invalid_date") from None


# --- figures as people read them ------------------------------------------------------------

def kg(grams: int | None, grouped: bool = True) -> str:
    """Kilograms in the reader's language; ungrouped for a spreadsheet's cell."""
    if grams is None:
        return "—"
    return format_decimal(Decimal(grams).scaleb(-3), format="#,##0.###" if grouped else "0.###",
                          locale=str(get_locale() or "fr"))


def period_label(period: Period) -> str:
    return gettext("from %(start)s to %(end)s", start=format_date(period.start, "dd/MM/yyyy"),
                   end=format_date(period.end, "dd/MM/yyyy"))


def factor_label(factor: emission_factors.Factor | None, grouped: bool = True) -> str:
    if factor is None or not factor.is_set:
        return gettext("no factor")
    return kg(factor.grams_co2e, grouped)


def day(value: date | None) -> str:
    return format_date(value, "dd/MM/yyyy") if value else "—"


def source_date(factor: emission_factors.Factor | None) -> str:
    return day(factor.source_date if factor else None)


def summary(report_: ImpactReport, grouped: bool = True) -> list[tuple[str, str]]:
    """The report's headline figures, as the page, the CSV and the PDF print them."""
    t = report_.total
    return [
        (gettext("Donor company"), report_.donor.name),
        (gettext("SIRET"), report_.donor.siret or "—"),
        (gettext("Period"), period_label(report_.period)),
        (gettext("Devices given (deposits collected in the period)"), str(t.given)),
        (gettext("Refurbished for reuse"), str(t.refurbished)),
        (gettext("Handed over for reuse"), str(t.handed_over)),
        (gettext("Recycled (WEEE)"), str(t.recycled)),
        (gettext("WEEE weight, kg (devices weighed)"),
         gettext("%(kg)s (%(weighed)s of %(recycled)s)", kg=kg(t.weee_grams, grouped),
                 weighed=t.weighed, recycled=t.recycled)),
        (gettext("Dismantled for parts"), str(t.dismantled)),
        (gettext("Certificates of sanitisation issued (devices covered)"),
         gettext("%(certificates)s (%(devices)s)", certificates=report_.certificates,
                 devices=report_.certified_devices)),
        (gettext("Greenhouse gases avoided by reuse, kg CO2e"), kg(t.avoided_grams, grouped)),
    ]


def columns() -> list[str]:
    return [gettext("Category"), gettext("Devices given"), gettext("Refurbished for reuse"),
            gettext("Handed over"), gettext("Recycled (WEEE)"), gettext("WEEE weight, kg"),
            gettext("Dismantled for parts"), gettext("Factor, kg CO2e per device handed over"),
            gettext("Greenhouse gases avoided, kg CO2e")]


def row(line: Line, grouped: bool = True) -> list[str]:
    avoided = kg(line.avoided_grams, grouped) if not line.uncounted else gettext("not counted")
    return [line.label, str(line.given), str(line.refurbished), str(line.handed_over),
            str(line.recycled), kg(line.weee_grams, grouped), str(line.dismantled),
            factor_label(line.factor, grouped) if line.category else "", avoided]


def factor_rows(report_: ImpactReport) -> list[list[str]]:
    """Each category's factor as used: value, source and the source's date, version."""
    return [[str(CATEGORIES[code].label), factor_label(f, False), f.source or
             gettext("No published figure: not counted until an administrator records one."),
             source_date(f), str(f.version)] for code, f in report_.factors.items()]


def factor_columns() -> list[str]:
    return [gettext("Category"), gettext("kg CO2e per device handed over"), gettext("Source"),
            gettext("Source's date"), gettext("Version")]


def csv_bytes(report_: ImpactReport) -> bytes:
    """The summary, then the table by category, then the factors and the method."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    write = lambda cells: writer.writerow([neutralised(c) for c in cells])  # noqa: E731
    write([gettext("Donor impact report")])
    for key, value in summary(report_, grouped=False):
        write([key, value])
    write([])
    write(columns())
    for line in report_.lines + [report_.total]:
        write(row(line, grouped=False))
    write([])
    write(factor_columns())
    for cells in factor_rows(report_):
        write(cells)
    write([])
    write([gettext("Method"), " ".join(str(s) for s in METHOD)])
    return out.getvalue().encode("utf-8-sig")


def filename(report_: ImpactReport, extension: str) -> str:
    return (f"impact-{report_.donor.siret or report_.donor.id}-"
            f"{report_.period.start.isoformat()}-{report_.period.end.isoformat()}.{extension}")

