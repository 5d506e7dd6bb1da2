"""The state machine of DESIGN.md, checked against the engine: every (action, status) pair."""
import pytest

from recond import lifecycle
from recond.categories import CATEGORIES
from recond.errors import NotFound, NotPermitted, Refused
from recond.extensions import db
from recond.lifecycle import ACTIONS, Status
from recond.models import DeviceEvent, Role

S = Status
# DESIGN.md, for a laptop (has storage and an OS).
DESIGN = {
    "receive": ({S.REGISTERED}, S.RECEIVED),
    "wipe": ({S.RECEIVED}, S.WIPED),
    "install_os": ({S.WIPED}, S.OS_INSTALLED),
    "grade": ({S.OS_INSTALLED}, S.READY),
    "allocate": ({S.READY}, S.RESERVED),
    "cancel_allocation": ({S.RESERVED}, S.READY),
    "deliver": ({S.RESERVED}, S.DELIVERED),
    "release": ({S.DELIVERED}, S.RELEASED),
    "return": ({S.DELIVERED, S.RELEASED}, S.RECEIVED),
    "recycle": ({S.REGISTERED, S.RECEIVED, S.WIPED, S.OS_INSTALLED, S.READY}, S.RECYCLED),
    "dismantle": ({S.REGISTERED, S.RECEIVED, S.WIPED, S.OS_INSTALLED, S.READY}, S.DISMANTLED),
    # A partner's reconditioned output (a return manifest) enters the stock ready.
    "return_from_partner": ({S.REGISTERED, S.RECEIVED, S.WIPED, S.OS_INSTALLED}, S.READY),
}
ROLES = {
    "receive": {Role.TECHNICIAN}, "wipe": {Role.TECHNICIAN}, "install_os": {Role.TECHNICIAN},
    "grade": {Role.TECHNICIAN}, "recycle": {Role.TECHNICIAN}, "return": {Role.TECHNICIAN},
    "dismantle": {Role.TECHNICIAN},
    "allocate": {Role.COORDINATOR}, "cancel_allocation": {Role.COORDINATOR},
    "deliver": {Role.STRUCTURE}, "release": {Role.STRUCTURE},
    "return_from_partner": {Role.COORDINATOR},
}


def test_the_engine_knows_exactly_the_design_actions():
    assert set(ACTIONS) == set(DESIGN)


@pytest.mark.parametrize("action", sorted(DESIGN))
def test_sources_and_targets_follow_the_design(action):
    sources, target = DESIGN[action]
    assert ACTIONS[action].sources(CATEGORIES["laptop"]) == sources
    assert ACTIONS[action].target == target


@pytest.mark.parametrize("action", sorted(DESIGN))
def test_each_action_declares_its_roles(action):
    assert ACTIONS[action].roles == ROLES[action]


def test_categories_without_storage_skip_wipe_and_os():
    screen = CATEGORIES["screen"]
    assert ACTIONS["wipe"].sources(screen) == frozenset()
    assert ACTIONS["install_os"].sources(screen) == frozenset()
    assert ACTIONS["grade"].sources(screen) == {S.RECEIVED}


# A device of each status, and who acts on it: the technician of its workshop, the
# coordinator, or the structure it is allocated to.
ACTOR_OF = {Role.TECHNICIAN: "tech_a", Role.COORDINATOR: "coordinator",
            Role.STRUCTURE: "structure_s"}


@pytest.mark.parametrize("status", [s.value for s in Status])
def test_every_action_from_every_status(world, status):
    """Refused with a reason from any status the design does not list; nothing written."""
    device = world.device(status)
    for action, (sources, _target) in DESIGN.items():
        if status in sources:
            continue
        (role,) = ROLES[action]
        events_before = db.session.query(DeviceEvent).count()
        # a structure does not even see a device that is not allocated to it
        outside_scope = role == Role.STRUCTURE and status not in ("reserved", "delivered", "released")
        with pytest.raises(NotFound if outside_scope else Refused) as refused:
            lifecycle.perform(world[ACTOR_OF[role]], device, action,
                              world.payload(action, device) | _minimal_payload(action))
        assert outside_scope or refused.value.code == "wrong_status"
        db.session.rollback()
        assert device.status == status
        assert db.session.query(DeviceEvent).count() == events_before


def _minimal_payload(action):
    return {"return": {"reason": "x"}, "recycle": {"reason": "x"}, "dismantle": {"reason": "x"},
            "allocate": {"line_id": 1}}.get(action, {})


ALL_USERS = ["admin", "coordinator", "collector_a", "tech_a", "donor_x", "structure_s"]


@pytest.mark.parametrize("action", sorted(DESIGN))
def test_roles_outside_the_declared_ones_are_refused(world, action):
    device = world.device("reserved") if action in ("deliver", "release", "cancel_allocation") \
        else world.device()
    for key in ALL_USERS:
        user = world[key]
        if user.role in ROLES[action]:
            continue
        with pytest.raises(NotPermitted):
            lifecycle.perform(user, device, action, {})


def test_already_done_only_when_it_was_the_last_action(world):
    """"Already done" for a repeated action; a plain wrong status otherwise (a device received
    at the workshop was never taken back, whatever its status says)."""
    device = world.device("received")
    with pytest.raises(Refused, match="Already done"):
        lifecycle.perform(world["tech_a"], device, "receive")
    db.session.rollback()
    with pytest.raises(Refused) as refused:
        lifecycle.perform(world["tech_a"], device, "return", {"reason": "x"})
    assert "Already done" not in str(refused.value.message)
