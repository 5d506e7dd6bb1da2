"""The device lifecycle: statuses, actions, guards, and the only code that changes a status.

    registered -receive-> received -wipe-> wiped -install_os-> os_installed -grade-> ready
    ready -allocate-> reserved -deliver-> delivered -release-> released
    reserved -cancel_allocation-> ready;  delivered|released -return-> received
    registered..ready -recycle-> recycled (WEEE);  registered..ready -dismantle-> dismantled (parts)
"""
from recond.lifecycle.actions import ACTIONS, Action, active_allocation
from recond.lifecycle.engine import (
    act, available_actions, check_batch, check_can_register, move, note, perform, perform_batch, register, register_many, serial_key,
)
from recond.lifecycle.fields import Field, from_form
from recond.lifecycle.returned_devices import register_returned
from recond.lifecycle.statuses import STATUS_LABELS, Status, StatusWriteForbidden

__all__ = [
    "ACTIONS", "Action", "Field", "STATUS_LABELS", "Status", "StatusWriteForbidden",
    "act", "active_allocation", "available_actions", "check_batch", "check_can_register", "from_form", "move", "note", "perform", "perform_batch", "register_returned",
    "register", "register_many", "serial_key",
]
