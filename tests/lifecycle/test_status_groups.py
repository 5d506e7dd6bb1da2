"""The named status groups say the same as the actions: code and templates test a group by
name, so a group that drifted from the state machine would mislead every reader."""
from recond import categories
from recond.lifecycle import ACTIONS, Status, statuses
from recond.models import DepositStatus
from recond.models.deposit import PICKUP_PENDING, RECEPTION_OPEN
from recond.models.delivery import LEFT_THE_WORKSHOP, DeliveryStatus

LAPTOP = categories.get("laptop")


def test_each_device_is_in_one_stage_of_the_journey():
    stages = [statuses.WORKSHOP_QUEUE, statuses.REUSED, statuses.TERMINAL]
    assert frozenset().union(*stages) == frozenset(Status)
    assert sum(len(s) for s in stages) == len(Status)
    assert statuses.WORKSHOP_QUEUE == statuses.AWAITING_WORKSHOP | statuses.AT_WORKSHOP
    assert statuses.HANDED_OVER <= statuses.WITH_STRUCTURE <= statuses.REUSED


def test_the_groups_follow_the_actions():
    assert statuses.AWAITING_WORKSHOP == ACTIONS["receive"].sources(LAPTOP)
    assert statuses.SANITISABLE == ACTIONS["wipe"].sources(LAPTOP)
    assert statuses.WITH_STRUCTURE == ACTIONS["return"].sources(LAPTOP)
    assert statuses.HANDED_OVER == {ACTIONS["release"].target}
    assert statuses.RECYCLED_AS_WEEE == {ACTIONS["recycle"].target}
    assert statuses.DISMANTLED_FOR_PARTS == {ACTIONS["dismantle"].target}
    assert statuses.TERMINAL == statuses.RECYCLED_AS_WEEE | statuses.DISMANTLED_FOR_PARTS
    # What the workshop may still send out (WEEE or parts): everything before it leaves.
    for way_out in ("recycle", "dismantle"):
        assert ACTIONS[way_out].sources(LAPTOP) == statuses.WORKSHOP_QUEUE | {Status.READY}


def test_deposit_and_delivery_groups():
    assert RECEPTION_OPEN == frozenset(DepositStatus) - {DepositStatus.RECEIVED}
    assert PICKUP_PENDING == RECEPTION_OPEN - {DepositStatus.COLLECTED}
    assert LEFT_THE_WORKSHOP == frozenset(DeliveryStatus) - {DeliveryStatus.PREPARING}
