"""The reports' rollups: every figure the same whether its days are rolled or read from the
passages, the statuses as last counted, a day rolled only once it is over, the worker's round
bounded, rolling again changing nothing, two workers rolling at once, and the real worker
keeping them."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from recond import clock, lifecycle
from recond.extensions import db
from recond.models import PassageDay, PassageDayTotal, StagePassage
from recond.reports import filters, rollups
from recond.reports.dashboard import dashboard
from tests import workers
from tests.races import race
from tests.reports import scenario
from tests.workers import own_queue  # noqa: F401  (a fixture)


@pytest.fixture
def story(world, monkeypatch):
    return scenario.build(world, scenario.install_clock(monkeypatch))


def _figures(world, who, **args):
    actor = world[who]
    board = dashboard(actor, filters.parse(actor, MultiDict(args)))
    return (board.funnel, board.flow, board.lead_times, board.stock, board.milestones)


READERS = [("coordinator", {}), ("tech_a", {}), ("tech_b", {}),
           ("coordinator", {"category": "screen"}),
           ("coordinator", {"workshop": "workshop_b"}),
           ("admin", {"from": "2020-01-01", "to": "2020-03-31"})]


def _args(world, args):
    if args.get("workshop"):
        return {**args, "workshop": str(world.orgs[args["workshop"]].id)}
    return args


def _days_over(story) -> int:
    """The story's days that are over (five days ago … yesterday, once today's first hour is)."""
    return ((clock.utcnow() - rollups.MARGIN).date() - story["clock"].start.date()).days


def test_every_figure_is_the_same_rolled_or_read_from_the_passages(world, story):
    live = [_figures(world, who, **_args(world, args)) for who, args in READERS]
    assert rollups.refresh() == _days_over(story)
    db.session.commit()
    assert rollups.state().days_before == (clock.utcnow() - rollups.MARGIN).date()
    assert [_figures(world, who, **_args(world, args)) for who, args in READERS] == live
    assert db.session.scalar(select(func.count()).select_from(PassageDay)) > 0
    # The counts read the totals: the same passages as the buckets, summed without them.
    d = PassageDay
    keys = (d.workshop_id, d.category, d.day, d.action, d.from_status, d.to_status)
    summed = {tuple(r[:6]): tuple(r[6:]) for r in db.session.execute(
        select(*keys, func.sum(d.passages), func.sum(d.seconds)).group_by(*keys))}
    t = PassageDayTotal
    assert {tuple(r[:6]): tuple(r[6:]) for r in db.session.execute(select(
        t.workshop_id, t.category, t.day, t.action, t.from_status, t.to_status, t.passages,
        t.seconds))} == summed


def test_what_happens_after_the_roll_counts_at_once_and_the_statuses_at_the_next_count(
        world, story):
    rollups.refresh()
    db.session.commit()
    device = story["d1"]  # ready, grade A
    lifecycle.perform(world["tech_a"], device, "recycle", {"reason": "écran cassé"})
    db.session.commit()
    funnel, _, _, stock, milestones = _figures(world, "coordinator")
    assert dict(milestones)["recycle"] == 2  # today's passage, read from the passages
    assert dict(funnel)["ready"] == 2 and ("laptop", "A", 1) in stock  # as last counted
    rollups.refresh()
    db.session.commit()
    funnel, _, _, stock, _ = _figures(world, "coordinator")
    assert dict(funnel)["ready"] == 1 and ("laptop", "A", 1) not in stock


def test_the_page_says_when_the_statuses_were_counted(world, story, browser):
    browser.login("coordinator@example.org")
    english = {"Accept-Language": "en"}
    assert "counted at" not in browser.client.get("/reports", headers=english).text
    rollups.refresh()
    db.session.commit()
    assert "Statuses and stock as counted on" in \
        browser.client.get("/reports", headers=english).text
    assert "Statuts et stock tels que comptés le" in browser.client.get("/reports").text


def test_a_day_is_rolled_an_hour_after_it_ended(world, story):
    today = clock.utcnow().date()
    rollups.refresh(datetime.combine(today, time(0, 59)))
    assert rollups.state().days_before == today - timedelta(days=1)  # yesterday still open
    rollups.refresh(datetime.combine(today, time(1, 0)))
    assert rollups.state().days_before == today


def test_the_workers_round_rolls_at_most_a_month_and_the_command_the_rest(world, monkeypatch):
    engine_clock = scenario.install_clock(monkeypatch)
    engine_clock.start -= timedelta(days=60)
    for day in (0, 20, 40, 59):
        device = world.register("a")
        engine_clock.at(day * 24)
        lifecycle.perform(world["tech_a"], device, "receive")
        db.session.commit()
    first = engine_clock.start.date()
    assert rollups.refresh() == rollups.DAYS_PER_ROUND
    assert rollups.state().days_before == first + timedelta(days=rollups.DAYS_PER_ROUND)
    f = filters.parse(world["coordinator"], MultiDict({"from": first.isoformat()}))
    from recond.reports import devices
    assert dict(devices.milestones(world["coordinator"], f))["receive"] == 4
    assert rollups.refresh(every_day=True) > 0
    assert rollups.state().days_before == (clock.utcnow() - rollups.MARGIN).date()
    assert dict(devices.milestones(world["coordinator"], f))["receive"] == 4


def test_rolling_again_or_from_scratch_gives_the_same_rows(world, story):
    rollups.refresh()
    db.session.commit()
    before = _rows()
    rollups.roll_days(date(2000, 1, 1), rollups.state().days_before)
    assert _rows() == before
    rollups.rebuild()
    assert _rows() == before


def _rows():
    d, t = PassageDay, PassageDayTotal
    return sorted(tuple(r) for r in db.session.execute(select(
        d.workshop_id, d.category, d.day, d.action, d.from_status, d.to_status, d.bucket,
        d.passages, d.seconds))), sorted(tuple(r) for r in db.session.execute(select(
            t.workshop_id, t.category, t.day, t.action, t.from_status, t.to_status, t.passages,
            t.seconds)))


def test_two_workers_rolling_at_once_roll_each_day_once(pg_app, monkeypatch):
    from tests.builders import World

    world = World.build()
    story = scenario.build(world, scenario.install_clock(monkeypatch))

    def roll(ready):
        ready()
        return rollups.refresh(every_day=True)

    outcomes = race(pg_app, roll, roll)
    # The second waited for the first's lock, then found the days rolled.
    assert sorted(outcomes) == [0, _days_over(story)], outcomes
    passages = db.session.scalar(select(func.count()).select_from(StagePassage))
    for table in (PassageDay, PassageDayTotal):
        assert db.session.scalar(select(func.sum(table.passages)).where(
            table.workshop_id == 0, table.category == "*")) == passages


@pytest.mark.parametrize("ratio", [0.5, 0.9])
def test_a_percentile_is_within_its_bucket_of_the_exact_one(ratio):
    import pandas as pd

    from recond.models.history import BUCKET_RATIO, duration_bucket

    rng = random.Random(13)
    seconds = [int(rng.lognormvariate(10, 1.2)) for _ in range(5000)]
    buckets: dict[int, list[int]] = {}
    for s in seconds:
        found = buckets.setdefault(duration_bucket(s), [0, 0])
        found[0] += 1
        found[1] += s
    estimate, = rollups.percentiles([(b, n, s) for b, (n, s) in buckets.items()], [ratio])
    exact = pd.Series(seconds).quantile(ratio)
    assert abs(estimate - exact) <= exact * (BUCKET_RATIO - 1)


def test_the_worker_keeps_the_rollups(app, world, redis_url, own_queue, tmp_path):
    log = tmp_path / "worker.log"
    worker = workers.start(app, redis_url, log)
    try:
        workers.wait_for(lambda: _counted(), "the worker counted the statuses", worker, log)
    finally:
        workers.stop(worker)


def _counted():
    db.session.remove()
    return rollups.state().counted_at is not None
