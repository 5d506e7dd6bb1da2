"""The pickups calendar: each collection partner's pledged pickups, week by week, and the same
week as an iCalendar file (RFC 5545) the crew's phones open.

A pickup is a deposit's: planning it here sets the deposit's day and slot as the deposit page
does (`deposits.plan_pickup`), and adds what the crew needs — start and end times, whom to ask
for on site, the devices expected and what the vehicle holds. A deposit whose pickup was planned
with a day and a slot only (or moved since on the deposit's page) shows on that day, all day. Each partner sees its own deposits' pickups
(`scopes.deposit_scope`), the coordination every partner's.

Times are typed in the programme's time zone (RECOND_TIMEZONE) and stored in UTC; the .ics file
writes them with that zone's TZID and its VTIMEZONE. An event's UID is the deposit's, so that a
calendar importing the file again updates the event rather than doubling it; SEQUENCE grows
with each change.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l
from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from recond import capabilities, clock, scopes
from recond.collection import deposits
from recond.errors import Conflict, InvalidInput
from recond.extensions import db
from recond.models import Deposit, DonorContact, Pickup, User
from recond.models.deposit import PICKUP_PENDING
from recond.whole_numbers import whole_number

MAX_DEVICES = 100_000
_TIME = re.compile(r"^\s*(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)?\s*$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass
class Entry:
    """One pickup of the week: a planned pickup (with times), or a deposit's day and slot."""
    deposit: Deposit
    pickup: Pickup | None
    day: date
    starts: datetime | None  # local, aware
    ends: datetime | None

    @property
    def plannable(self) -> bool:
        """Still to be collected: its pickup may be planned again."""
        return self.deposit.status in PICKUP_PENDING


@dataclass
class Week:
    monday: date
    days: list[tuple[date, str, list[Entry]]]  # each day, as the reader says it, its pickups

    @property
    def code(self) -> str:
        return week_code(self.monday)

    @property
    def previous(self) -> str:
        return week_code(self.monday - timedelta(days=7))

    @property
    def following(self) -> str:
        return week_code(self.monday + timedelta(days=7))

    @property
    def entries(self) -> list[Entry]:
        return [entry for _day, _label, entries in self.days for entry in entries]


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Europe/Paris")


def week_code(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(text: str | None) -> date:
    """'2026-W49' (ISO week) or a day '2026-12-03': the Monday of that week; empty: this week."""
    if not text:
        today = clock.local(clock.utcnow()).date()
        return today - timedelta(days=today.weekday())
    text = text.strip()[:10]
    match = _WEEK.match(text)
    try:
        if match:
            monday = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        else:
            day = date.fromisoformat(text)
            monday = day - timedelta(days=day.weekday())
        if not 2000 <= monday.year <= 2200:  # and the week before or after still a date
            raise ValueError(text)
        return monday
    except ValueError:
        raise InvalidInput(_l("“%(text)s” is not a week: write it like 2026-W49 or give a day "
                              "like 2026-12-03.", text=text), code="invalid_week") from None


def week(actor: User, monday: date) -> Week:
    capabilities.require(actor, "pickups.read")
    tz = zone()
    sunday = monday + timedelta(days=6)
    # The deposit's day is the pickup's day, whichever page planned it last.
    found = db.session.execute(
        select(Deposit, Pickup).outerjoin(Pickup, Pickup.deposit_id == Deposit.id)
        .where(scopes.deposit_scope(actor), Deposit.pickup_on >= monday,
               Deposit.pickup_on <= sunday)
        .options(joinedload(Deposit.donor), joinedload(Deposit.site),
                 joinedload(Deposit.collector), selectinload(Deposit.items))
        .order_by(Deposit.id)).all()
    entries = []
    for deposit, pickup in found:
        starts = _local(pickup.starts_at, tz) if pickup is not None else None
        if starts is not None and starts.date() == deposit.pickup_on:
            entries.append(Entry(deposit, pickup, deposit.pickup_on, starts,
                                 _local(pickup.ends_at, tz)))
        else:  # planned with a day and a slot only (or moved since on the deposit's page)
            entries.append(Entry(deposit, None, deposit.pickup_on, None, None))
    entries.sort(key=lambda e: (e.day, e.starts is not None,
                                e.starts.strftime("%H:%M") if e.starts else "", e.deposit.id))
    days = [(day, format_date(day, "EEEE d MMMM y"), [e for e in entries if e.day == day])
            for day in (monday + timedelta(days=n) for n in range(7))]
    return Week(monday, days)


def week_of(actor: User, text: str | None) -> Week:
    return week(actor, monday_of(text))


def ics_of(actor: User, text: str | None) -> tuple[str, bytes]:
    """(the week's code, its .ics file)."""
    monday = monday_of(text)
    return week_code(monday), ics(actor, monday)


def get_for_planning(actor: User, number: str) -> tuple[Deposit, Pickup | None]:
    """The deposit whose pickup is planned, if the actor may see it (404 otherwise)."""
    capabilities.require(actor, "pickups.plan")
    deposit = deposits.get_deposit(actor, number)
    return deposit, db.session.get(Pickup, deposit.id)


def declared_devices(deposit: Deposit) -> int:
    return sum(item.quantity for item in deposit.items)


def schedule(actor: User, number: str, *, day: date | None, start: str, end: str,
             contact_id: str = "", expected_devices: str = "", vehicle_capacity: str = "",
             crew: str = "") -> Pickup:
    """Plan (or plan again) a pledged deposit's pickup. Every wrong value said at once."""
    deposit, pickup = get_for_planning(actor, number)
    errors = []
    starts, ends = _time(start), _time(end)
    if day is None:
        errors.append(_l("Give the day of the pickup."))
    if starts is None or ends is None:
        errors.append(_l("Give the start and end times like 9:00 or 14h30."))
    elif ends <= starts:
        errors.append(_l("The pickup ends after it starts."))
    contact = None
    if contact_id:
        contact = db.session.get(DonorContact, whole_number(contact_id) or 0)
        if contact is None or contact.organisation_id != deposit.donor_id:
            errors.append(_l("Choose one of the donor company's contacts."))
    expected = whole_number(expected_devices, minimum=0, maximum=MAX_DEVICES)
    if expected is None:
        errors.append(_l("The devices expected are a whole number."))
    capacity = whole_number(vehicle_capacity, minimum=1, maximum=MAX_DEVICES)
    if capacity is None:
        errors.append(_l("The vehicle's capacity is a whole number of devices, at least 1."))
    crew = (crew or "").strip()
    if len(crew) > 200:
        errors.append(_l("The crew is at most 200 characters."))
    if errors:
        raise InvalidInput(" ".join(str(e) for e in errors))
    deposits.plan_pickup(actor, deposit, on=day,
                         slot=f"{starts.strftime('%H:%M')}–{ends.strftime('%H:%M')}")
    tz = zone()
    values = {"starts_at": _utc(datetime.combine(day, starts, tz)),
              "ends_at": _utc(datetime.combine(day, ends, tz)),
              "contact_id": contact.id if contact else None, "expected_devices": expected,
              "vehicle_capacity": capacity, "crew": crew}
    if pickup is None:
        pickup = Pickup(deposit_id=deposit.id, **values)
        db.session.add(pickup)
    else:
        for name, value in values.items():
            setattr(pickup, name, value)
        pickup.sequence += 1
    pickup.updated_at = clock.utcnow()
    try:
        db.session.flush()
    except IntegrityError:  # planned by someone else at the same moment (one per deposit)
        raise Conflict(_l("Someone planned this pickup at the same moment. Reload the page."),
                       code="pickup_planned_meanwhile") from None
    return pickup


def ics(actor: User, monday: date) -> bytes:
    """The week's pickups as an iCalendar file, for the crew's calendars."""
    calendar = Calendar()
    calendar.add("prodid", "-//Recond//Pickups//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", gettext("Pickups %(week)s", week=week_code(monday)))
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    host = base.split("://", 1)[-1].split("/", 1)[0]
    stamp = clock.utcnow().replace(tzinfo=UTC)
    for entry in week(actor, monday).entries:
        calendar.add_component(_event(entry, host, base, stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _event(entry: Entry, host: str, base: str, stamp: datetime) -> Event:
    deposit, pickup = entry.deposit, entry.pickup
    event = Event()
    event.add("uid", f"pickup-{deposit.number}@{host}")
    event.add("dtstamp", stamp)
    expected = pickup.expected_devices if pickup else declared_devices(deposit)
    event.add("summary", gettext("Pickup %(number)s — %(donor)s (%(n)s devices)",
                                 number=deposit.number, donor=deposit.donor.name, n=expected))
    if pickup is not None:
        event.add("dtstart", entry.starts)
        event.add("dtend", entry.ends)
        event.add("sequence", pickup.sequence)
        event.add("last-modified", pickup.updated_at.replace(tzinfo=UTC))
    else:  # a day and a slot only: all day
        event.add("dtstart", entry.day)
        event.add("dtend", entry.day + timedelta(days=1))
    site = deposit.site
    if site is not None:
        event.add("location", f"{site.label}, {site.address}, {site.postcode}")
    event.add("description", "\n".join(_description(entry, expected)))
    event.add("url", f"{base}/deposits/{deposit.number}")
    return event


def _description(entry: Entry, expected: int) -> list[str]:
    deposit, pickup = entry.deposit, entry.pickup
    lines = [gettext("Collection partner: %(name)s", name=deposit.collector.name),
             gettext("Devices expected: %(n)s", n=expected)]
    if pickup is None:
        lines.append(gettext("Slot: %(slot)s", slot=deposit.pickup_slot or "—"))
        return lines
    lines.append(gettext("Vehicle capacity: %(n)s devices", n=pickup.vehicle_capacity))
    if pickup.over_capacity:
        lines.append(gettext("More devices than the vehicle holds: plan a second trip."))
    if pickup.contact is not None:
        contact = pickup.contact
        lines.append(gettext("Contact on site: %(who)s", who=" · ".join(
            part for part in (contact.name, contact.phone, contact.email) if part)))
    if pickup.crew:
        lines.append(gettext("Crew: %(crew)s", crew=pickup.crew))
    return lines


def _time(text: str | None) -> time | None:
    match = _TIME.match(text or "")
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    return time(hour, minute) if hour < 24 and minute < 60 else None


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


def _local(value: datetime, tz: ZoneInfo) -> datetime:
    return value.replace(tzinfo=UTC).astimezone(tz)
