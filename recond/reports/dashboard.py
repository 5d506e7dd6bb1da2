"""The dashboard: the figures a reader may see for a filter, in one object the page renders.
The workshop's technicians get their devices' figures; the coordination and the admin also the
structures' (requests, allocations, training, payments), which the workshop never reads."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from recond import capabilities
from recond.models import User
from recond.reports import devices, structures
from recond.reports.filters import Filter


@dataclass
class Dashboard:
    filter: Filter
    funnel: list
    flow: list
    lead_times: list
    stock: list
    milestones: list
    counted_at: datetime | None = None  # when the statuses were counted (None: now)
    distribution: structures.Distribution | None = None
    training: structures.Training | None = None
    charges: structures.Charges | None = None


def dashboard(actor: User | None, f: Filter) -> Dashboard:
    """`actor` None: the public's aggregates (open data); the structures' side included."""
    if actor is not None:
        capabilities.require(actor, "reports.dashboard")
    board = Dashboard(f, devices.funnel(actor, f), devices.weekly_flow(actor, f),
                      devices.lead_times(actor, f), devices.stock(actor, f),
                      devices.milestones(actor, f), counted_at=devices.counted(actor, f)[1])
    if actor is None or capabilities.can(actor, "reports.programme"):
        board.distribution = structures.distribution(f)
        board.training = structures.training(f)
        board.charges = structures.charges(f)
    return board
