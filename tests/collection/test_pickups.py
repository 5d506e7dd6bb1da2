"""The pickups calendar: planning a pledged deposit's pickup, the week view, the .ics file
parsed back by a library (icalendar) with the right events, times in Europe/Paris, stable
UIDs; each collection partner sees its own (another partner gets a 404), the coordination all."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from recond.collection import deposits, donors, pickups
from recond.errors import InvalidInput, NotFound
from recond.extensions import db
from recond.models import Pickup
from tests.conftest import csrf_from

PARIS = ZoneInfo("Europe/Paris")
DAY = date(2027, 3, 30)  # a Tuesday, the day after the clocks went forward (UTC+2)
WEEK = "2027-W13"


@pytest.fixture
def pledge(world):
    """A pledged deposit of donor X at its site, with a contact, for collection partner A."""
    collector, donor = world["collector_a"], world.orgs["donor_x"]
    site = donors.add_site(collector, donor, label="Siège", address="1 rue de la Paix",
                           postcode="92100")
    donors.add_contact(collector, donor, name="Mme Martin", phone="01 23 45 67 89")
    lot = deposits.create_deposit(collector, donor=donor, workshop=world.orgs["workshop_a"],
                                  items=[("laptop", 30), ("screen", 12)], site_id=site.id)
    db.session.commit()
    return lot


def plan(world, lot, start="9:00", end="12h30", capacity="35", who="collector_a"):
    pickup = pickups.schedule(world[who], lot.number, day=DAY, start=start, end=end,
                              contact_id=str(lot.donor.contacts[0].id), expected_devices="42",
                              vehicle_capacity=capacity, crew="Karim, Léa")
    db.session.commit()
    return pickup


def events(content: bytes):
    calendar = Calendar.from_ical(content)
    return calendar, [c for c in calendar.walk("VEVENT")]


def test_a_planned_pickup_is_in_the_week_and_in_its_ics_file(world, pledge):
    pickup = plan(world, pledge)
    assert (pledge.status, pledge.pickup_on, pledge.pickup_slot) == ("pickup_planned", DAY, "09:00–12:30")
    assert pickup.starts_at == datetime(2027, 3, 30, 7, 0)  # stored in UTC
    assert pickup.over_capacity
    week = pickups.week_of(world["collector_a"], WEEK)
    assert [e.deposit.number for e in week.entries] == [pledge.number]
    assert week.days[1][2][0].starts.hour == 9

    code, content = pickups.ics_of(world["collector_a"], WEEK)
    calendar, found = events(content)
    assert code == WEEK and len(found) == 1
    event = found[0]
    assert str(event["uid"]) == f"pickup-{pledge.number}@recond.test"
    assert event.decoded("dtstart") == datetime(2027, 3, 30, 9, 0, tzinfo=PARIS)
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert event.decoded("dtend") == datetime(2027, 3, 30, 12, 30, tzinfo=PARIS)
    assert event.decoded("dtstamp").tzinfo is not None
    assert pledge.number in str(event["summary"]) and "42" in str(event["summary"])
    assert "1 rue de la Paix" in str(event["location"])
    description = str(event["description"])
    assert "Mme Martin" in description and "35" in description and "second trip" in description
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]


def test_planning_again_keeps_the_uid_and_raises_the_sequence(world, pledge):
    plan(world, pledge)
    _c, (first,) = events(pickups.ics_of(world["collector_a"], WEEK)[1])
    pickup = plan(world, pledge, start="14:00", end="17:00", capacity="50")
    _c, (second,) = events(pickups.ics_of(world["collector_a"], WEEK)[1])
    assert str(first["uid"]) == str(second["uid"])
    assert int(second["sequence"]) == int(first["sequence"]) + 1 == pickup.sequence
    assert second.decoded("dtstart") == datetime(2027, 3, 30, 14, 0, tzinfo=PARIS)
    assert not pickup.over_capacity


def test_a_deposit_planned_with_a_slot_only_is_an_all_day_event(world, pledge):
    deposits.plan_pickup(world["collector_a"], pledge, on=DAY, slot="9 h – 12 h")
    db.session.commit()
    _c, (event,) = events(pickups.ics_of(world["coordinator"], WEEK)[1])
    assert event.decoded("dtstart") == DAY and event.decoded("dtend") == DAY + timedelta(days=1)
    assert "9 h – 12 h" in str(event["description"])


def test_wrong_values_are_refused_and_nothing_is_planned(world, pledge):
    with pytest.raises(InvalidInput) as refused:
        pickups.schedule(world["collector_a"], pledge.number, day=DAY, start="14:00",
                         end="9:00", expected_devices="-1", vehicle_capacity="0")
    db.session.rollback()
    message = str(refused.value.message)
    assert "ends after it starts" in message and "whole number" in message
    assert db.session.get(Pickup, pledge.id) is None and pledge.status == "pledged"
    for week in ("2027-W99", "9999-W52", "0001-01-01", "2027-02-30"):
        with pytest.raises(InvalidInput, match="is not a week"):
            pickups.week_of(world["collector_a"], week)


def test_each_partner_sees_its_own_pickups(world, pledge, browser):
    plan(world, pledge)
    with pytest.raises(NotFound):
        pickups.get_for_planning(world["collector_b"], pledge.number)
    assert pickups.week_of(world["collector_b"], WEEK).entries == []
    _c, found = events(pickups.ics_of(world["collector_b"], WEEK)[1])
    assert found == []
    _c, found = events(pickups.ics_of(world["coordinator"], WEEK)[1])
    assert len(found) == 1

    browser.login("collector_b@example.org")
    assert browser.client.get(f"/pickups/{pledge.number}").status_code == 404
    assert pledge.number not in browser.client.get(f"/pickups/?week={WEEK}").text


def test_the_pages_plan_and_show_the_week(world, pledge, browser):
    browser.login("collector_a@example.org")
    form = browser.client.get(f"/pickups/{pledge.number}")
    assert form.status_code == 200 and 'value="42"' in form.text  # the declared devices
    data = {"csrf_token": csrf_from(form.text), "day": DAY.isoformat(), "start": "9:00",
            "end": "8:00", "expected_devices": "42", "vehicle_capacity": "35"}
    wrong = browser.client.post(f"/pickups/{pledge.number}", data=data)
    assert wrong.status_code == 422 and "après son début" in wrong.text
    done = browser.client.post(f"/pickups/{pledge.number}", data=dict(data, end="12:00"))
    assert done.status_code == 302 and WEEK in done.location
    week = browser.client.get(f"/pickups/?week={WEEK}")
    assert week.status_code == 200 and pledge.number in week.text and "09:00–12:00" in week.text
    assert "mardi 30 mars 2027" in week.text
    ics = browser.client.get(f"/pickups/calendar.ics?week={WEEK}")
    assert ics.mimetype == "text/calendar"
    _c, (event,) = events(ics.data)
    assert str(event["summary"]).startswith("Enlèvement")
    assert browser.client.get("/pickups/?week=semaine").status_code == 422
    assert db.session.scalar(select(Pickup.vehicle_capacity)) == 35
