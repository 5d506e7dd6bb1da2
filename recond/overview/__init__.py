"""Each role's home page as a to-do list: what waits for this actor, each item with the page
where it is done, and nothing that could only ever be zero for them.

One module per side of the chain. Each side opens with its capability ("overview.…" in
recond.capabilities), reads only within recond.scopes, and costs a fixed number of queries
however much data there is (tests/overview/ holds the count flat as data grows)."""
from __future__ import annotations

from typing import Any

from recond import capabilities
from recond.models import User
from recond.overview import administration, collection, coordination, donations, structure, workshop

SIDES = (
    ("overview.structure", structure.todo),
    ("overview.workshop", workshop.todo),
    ("overview.coordination", coordination.todo),
    ("overview.collection", collection.todo),
    ("overview.donations", donations.todo),
    ("overview.organisations", administration.todo),
)


def todo_for(user: User) -> dict[str, Any]:
    """The lists this user's home page shows, by name."""
    found: dict[str, Any] = {}
    for capability, read in SIDES:
        if capabilities.can(user, capability):
            found.update(read(user))
    return found
