"""A hand-built chain for the reports' tests: five devices taken through the real lifecycle at
chosen hours (the engine's clock is set for each step), two structures, two sessions, one
payment. Every figure the dashboard shows is known in advance from this story."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from recond import clock, lifecycle
from recond.distribution import structures
from recond.extensions import db
from recond.lifecycle import engine


@dataclass
class EngineClock:
    """The engine's time (each history row's `at`), set by the test for each step."""
    start: datetime
    now: datetime | None = None

    def at(self, hours: float) -> None:
        self.now = self.start + timedelta(hours=hours)

    def __call__(self) -> datetime:
        return self.now or clock.utcnow()


def install_clock(monkeypatch) -> EngineClock:
    # Five days ago at 08:00: every step lies in the default period (the last 90 days) and
    # before the moment the test runs.
    start = (clock.utcnow() - timedelta(days=5)).replace(hour=8, minute=0, second=0, microsecond=0)
    engine_clock = EngineClock(start)
    monkeypatch.setattr(engine, "utcnow", engine_clock)
    return engine_clock


def _step(world, engine_clock, device, action: str, hours: float, grade: str = "A") -> None:
    engine_clock.at(hours)
    if action == "wipe":
        world.sanitise(device)
    lifecycle.perform(world.tech_for(device), device, action, world.payload(action, device, grade))
    db.session.commit()


def build(world, engine_clock) -> dict:
    """d1 and d2: laptops of workshop A through the workshop (d1 stays ready, grade A; d2 is
    allocated, delivered and handed over); d3: a screen of workshop A, ready in grade B; d4: a
    laptop of workshop B, recycled; d5: a laptop of workshop A, registered only."""
    d1, d2, d3 = world.register("a"), world.register("a"), world.register("a", "screen")
    d4, d5 = world.register("b"), world.register("a")
    for hours, action in ((0, "receive"), (2, "wipe"), (3, "install_os"), (7, "grade")):
        _step(world, engine_clock, d1, action, hours)
    for hours, action in ((0, "receive"), (4, "wipe"), (6, "install_os"), (11, "grade")):
        _step(world, engine_clock, d2, action, hours)
    _step(world, engine_clock, d3, "receive", 1)
    _step(world, engine_clock, d3, "grade", 3, grade="B")
    _step(world, engine_clock, d4, "receive", 1)
    engine_clock.at(5)
    lifecycle.perform(world.tech_for(d4), d4, "recycle", {"reason": "HS"})
    db.session.commit()
    engine_clock.at(35)
    world.allocate(d2)  # a line of 5 approved for structure S (Colombes, Boucle Nord de Seine)
    engine_clock.at(45)
    world.deliver(d2)
    world.fulfil_release_conditions(d2)  # paid 40,00 €; a session, its beneficiary present
    engine_clock.at(93)
    lifecycle.perform(world["structure_s"], d2, "release")
    db.session.commit()
    engine_clock.now = None
    world.approved_line("structure_t", quantity=3)  # Bagneux, Vallée Sud Grand Paris
    world.train("structure_t", absent=[world.beneficiary("structure_t")])
    structures.update_structure(world["coordinator"], world.orgs["structure_s"], qpv=True)
    db.session.commit()
    return {"d1": d1, "d2": d2, "d3": d3, "d4": d4, "d5": d5, "clock": engine_clock}
