"""Every figure of the dashboard against the hand-built story of `scenario.build`, for the
coordination and for a workshop (which sees its own devices only), and the filters."""
from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update
from werkzeug.datastructures import MultiDict

from recond import lifecycle
from recond.errors import InvalidInput, NotPermitted
from recond.extensions import db
from recond.models import Device, DeviceEvent, StagePassage
from recond.models.history import duration_bucket
from recond.reports import devices, filters, structures
from recond.reports.dashboard import dashboard
from tests.reports import scenario


@pytest.fixture
def story(world, monkeypatch):
    return scenario.build(world, scenario.install_clock(monkeypatch))


def board(world, who="coordinator", **args):
    actor = world[who]
    return dashboard(actor, filters.parse(actor, MultiDict(args)))


def test_the_funnel_counts_devices_by_status_today(world, story):
    assert dict(board(world).funnel) == {
        "registered": 1, "received": 0, "wiped": 0, "os_installed": 0, "ready": 2,
        "reserved": 0, "delivered": 0, "released": 1, "recycled": 1, "dismantled": 0}


def test_steps_done_in_the_period(world, story):
    assert dict(board(world).milestones) == {
        "receive": 4, "grade": 3, "allocate": 1, "deliver": 1, "release": 1, "recycle": 1,
        "dismantle": 0}


def test_weekly_flow_in_and_out(world, story):
    flow = board(world).flow
    assert sum(w.came_in for w in flow) == 4  # four receptions
    assert sum(w.went_out for w in flow) == 2  # one handover, one recycling
    assert all(w.monday.weekday() == 0 for w in flow)
    start = story["clock"].start  # the story's first hour: the four receptions within 1 h
    monday = start.date() - timedelta(days=start.weekday())
    assert {w.monday: w.came_in for w in flow}[monday] == 4
    released = (start + timedelta(hours=93)).date()
    assert {w.monday: w.went_out for w in flow}[released - timedelta(days=released.weekday())] \
        >= 1


def test_lead_times_median_and_90th_percentile_in_hours(world, story):
    found = {(t.start, t.end): (t.count, t.median_hours, t.p90_hours)
             for t in board(world).lead_times}
    assert found == {
        ("received", "wiped"): (2, 3.0, 3.8),  # 2 h and 4 h
        ("wiped", "os_installed"): (2, 1.5, 1.9),  # 1 h and 2 h
        ("os_installed", "ready"): (2, 4.5, 4.9),  # 4 h and 5 h
        ("ready", "reserved"): (1, 24.0, 24.0),
        ("reserved", "delivered"): (1, 10.0, 10.0),
        ("delivered", "released"): (1, 48.0, 48.0),
    }


def test_stock_ready_by_category_and_grade(world, story):
    assert board(world).stock == [("laptop", "A", 1), ("screen", "B", 1)]


def test_requested_approved_allocated_per_structure_territory_and_qpv(world, story):
    d = board(world).distribution
    assert [(s.name, s.territory, s.qpv, s.requested, s.approved, s.allocated)
            for s in d.structures] == [
        ("Structure S", "boucle_nord_de_seine", True, 5, 5, 1),
        ("Structure T", "vallee_sud_grand_paris", False, 3, 3, 0)]
    assert [(t.territory, t.requested, t.approved, t.allocated) for t in d.territories] == [
        ("boucle_nord_de_seine", 5, 5, 1), ("vallee_sud_grand_paris", 3, 3, 0)]
    assert (d.allocated, d.allocated_qpv, d.qpv_share) == (1, 1, 1.0)


def test_training_attendance(world, story):
    t = board(world).training
    assert (t.sessions, t.beneficiaries_present, t.beneficiaries_absent, t.staff_present) == \
        (2, 1, 1, 0)
    assert t.rate == 0.5


def test_remaining_charge_collected_and_average_price_by_tier(world, story):
    c = board(world).charges
    assert (c.collected_cents, c.allocations_paid) == (4000, 1)
    assert [(t.tier, t.allocations, t.average_cents) for t in c.tiers] == \
        [("minima_sociaux", 1, 4000)]


def test_a_workshop_sees_its_own_devices_only(world, story):
    mine = board(world, "tech_a", workshop=str(world.orgs["workshop_b"].id))  # asks for B's
    assert mine.filter.workshop_id == world.orgs["workshop_a"].id
    assert dict(mine.funnel)["recycled"] == 0  # workshop B's laptop is not counted
    assert dict(mine.funnel)["ready"] == 2
    assert dict(mine.milestones)["receive"] == 3
    assert sum(w.went_out for w in mine.flow) == 1
    assert mine.distribution is None and mine.training is None and mine.charges is None
    theirs = board(world, "tech_b")
    assert dict(theirs.funnel) == {**{s: 0 for s, _ in theirs.funnel}, "recycled": 1}
    assert theirs.stock == [] and all(t.count == 0 for t in theirs.lead_times)


def test_the_filters(world, story):
    screens = board(world, category="screen")
    assert dict(screens.funnel)["ready"] == 1 and sum(dict(screens.funnel).values()) == 1
    assert screens.stock == [("screen", "B", 1)]
    assert screens.distribution.structures == [] and screens.charges.tiers == []
    south = board(world, territory="vallee_sud_grand_paris")
    assert [s.name for s in south.distribution.structures] == ["Structure T"]
    assert (south.training.sessions, south.training.beneficiaries_absent) == (1, 1)
    assert south.charges.collected_cents == 0
    workshop_b = board(world, workshop=str(world.orgs["workshop_b"].id))
    assert dict(workshop_b.milestones)["receive"] == 1
    long_ago = board(world, **{"from": "2020-01-01", "to": "2020-03-31"})
    assert sum(n for _, n in long_ago.milestones) == 0 and len(long_ago.flow) == 14
    assert long_ago.distribution.structures == [] and long_ago.training.sessions == 0


@pytest.mark.parametrize("args", [
    {"from": "2026-13-01"}, {"to": "yesterday"}, {"from": "2026-03-01", "to": "2026-02-01"},
    {"from": "2020-01-01", "to": "2026-01-01"}, {"category": "toaster"},
    {"territory": "paris"}, {"workshop": "abc"}, {"workshop": "999999"}, {"to": "9999-12-31"},
    {"from": "0001-01-01"}, {"from": "2026-01-01T00:00"}])
def test_a_filter_that_cannot_be_used_is_refused(world, args):
    with pytest.raises(InvalidInput):
        filters.parse(world["coordinator"], MultiDict(args))


def test_the_structures_and_donors_have_no_dashboard(world):
    for who in ("structure_s", "donor_x", "collector_a"):
        with pytest.raises(NotPermitted):
            dashboard(world[who], filters.parse(world[who], MultiDict()))


def test_the_figures_are_the_functions_of_the_modules(world, story):
    """The dashboard is assembled from the modules' own functions (what the indicators read)."""
    f = filters.parse(world["admin"], MultiDict())
    b = dashboard(world["admin"], f)
    assert b.funnel == devices.funnel(world["admin"], f)
    assert b.distribution == structures.distribution(f)


def test_lead_times_are_percentiles_of_the_passages(world, monkeypatch):
    """Passages of 1, 2, 3, 5 and 8 hours, each alone in its duration bucket: the median and
    the 90th percentile a spreadsheet gives (3 and 6.8), on both databases."""
    _five_wipes(world, monkeypatch)
    f = filters.parse(world["coordinator"], MultiDict())
    computed = devices.lead_times(world["coordinator"], f)[0]
    assert (computed.count, computed.median_hours, computed.p90_hours) == (5, 3.0, 6.8)


def test_the_engines_passages_are_the_historys(world, monkeypatch):
    """The rollup says what the history says: each transition's time since the row that
    entered the status it left — as the engine writes it, and as migration 0023 rebuilds it
    from the history (its query, run on this database)."""
    _five_wipes(world, monkeypatch)
    story = scenario.build(world, scenario.install_clock(monkeypatch))
    assert story["d2"].status == "released"
    p = StagePassage
    columns = (p.device_id, p.from_status, p.to_status, p.entered_at, p.left_at, p.seconds,
               p.action, p.workshop_id, p.category, p.bucket)
    written = sorted(tuple(r) for r in db.session.execute(select(*columns)))
    events = db.session.scalars(select(DeviceEvent).order_by(DeviceEvent.id)).all()
    expected, entered = [], {}
    for e in events:
        if e.from_status is None and e.action != "register":
            continue  # a note: the status stays
        if e.from_status is not None and e.device_id in entered:
            since, seconds = entered[e.device_id], round((e.at - entered[e.device_id]).total_seconds())
            device = db.session.get(Device, e.device_id)
            expected.append((e.device_id, e.from_status, e.to_status, since, e.at, seconds,
                             e.action, device.workshop_id, device.category,
                             duration_bucket(seconds)))
        entered[e.device_id] = e.at
    assert written == sorted(expected) and len(written) > 20
    # Migration 0029 fills the same action, workshop, category and bucket from the history.
    db.session.execute(update(StagePassage).values(action=None, workshop_id=None, category=None,
                                                   bucket=None))
    importlib.import_module("recond.migrations.versions.0029_report_rollups").backfill(
        db.session.connection())
    assert sorted(tuple(r) for r in db.session.execute(select(*columns))) == written
    db.session.rollback()
    migration = importlib.import_module("recond.migrations.versions.0023_reports")
    rebuilt = migration._BACKFILL.split("SELECT", 1)[1].format(
        seconds=migration._SECONDS[db.engine.dialect.name])
    assert sorted((r[0], r[1], r[2], r[5]) for r in db.session.execute(text("SELECT" + rebuilt))) \
        == [(r[0], r[1], r[2], r[5]) for r in written]


def _five_wipes(world, monkeypatch):
    engine_clock = scenario.install_clock(monkeypatch)
    for hours in (1, 2, 3, 5, 8):
        device = world.register("a")
        engine_clock.at(0)
        lifecycle.perform(world["tech_a"], device, "receive")
        db.session.commit()
        engine_clock.at(hours)
        world.sanitise(device)
        lifecycle.perform(world["tech_a"], device, "wipe")
        db.session.commit()
