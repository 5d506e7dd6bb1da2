"""Races between real threads, for the rules that must hold under concurrency.

A row lock or a unique constraint is only proven by transactions that really meet, so each
racer is a real thread (on PostgreSQL for the locks) in its own app context with its own
session, bound as `db.session` while it runs so that domain code uses it unchanged. A barrier
makes every racer read before any writes: with the lock removed, the test fails every time
instead of passing by luck of timing. The bounds are generous (60 s at the barrier, 120 s to
finish) because the machine running the suite may be busy; a racer that misses them fails the
test rather than hanging it.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from recond.extensions import db
from recond.models import User

BARRIER_SECONDS = 60
JOIN_SECONDS = 120

Ready = Callable[[], None]


def race(app, *steps: Callable[[Ready], object]) -> list:
    """Run every step(ready) in its own thread at once: what each returned, or raised.

    A step reads what it needs, calls ready() (the barrier: it returns once every racer has
    read) then writes. With an app, each step runs in its own app context and session,
    committed after the step returns and rolled back if it raises; with app=None the step
    runs bare (test clients bring their own context). Any exception is an outcome for the
    test to judge. A step that never reached the barrier, or a racer still running after
    the bound, fails the test.
    """
    barrier = threading.Barrier(len(steps))
    outcomes: list = [None] * len(steps)
    reached = [False] * len(steps)

    def run(i: int, step) -> None:
        def ready() -> None:
            reached[i] = True
            barrier.wait(timeout=BARRIER_SECONDS)

        try:
            outcomes[i] = _in_own_session(app, step, ready) if app is not None else step(ready)
        except Exception as error:  # noqa: BLE001 — the test judges every failure
            if not reached[i]:
                # A racer that fell before the barrier must not keep the others waiting. Not
                # after it: others released with it may not have woken yet, and would find
                # the barrier broken (seen under full CPU load: a fast conflict broke it).
                barrier.abort()
            outcomes[i] = error

    threads = [threading.Thread(target=run, args=(i, step)) for i, step in enumerate(steps)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + JOIN_SECONDS
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    late = [i for i, thread in enumerate(threads) if thread.is_alive()]
    if late:
        pytest.fail(f"racers {late} still running after {JOIN_SECONDS} s: {outcomes}")
    missed = [i for i, was in enumerate(reached) if not was]
    if missed:
        pytest.fail(f"racers {missed} never reached the barrier: {outcomes}")
    return outcomes


def acting(user_id: int, call: Callable[[object], object]) -> Callable[[Ready], str]:
    """A step that reads the user, waits for the others, then calls call(user): "ok"."""
    def step(ready: Ready) -> str:
        actor = db.session.get(User, user_id)
        ready()
        call(actor)
        return "ok"
    return step


def _in_own_session(app, step, ready):
    with app.app_context():
        session = Session(db.engine)
        db.session.registry.set(session)
        try:
            result = step(ready)
            session.commit()
            return result
        except Exception:
            session.rollback()
            raise
        finally:
            db.session.registry.clear()
            session.close()
