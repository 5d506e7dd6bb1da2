"""What the hottest API calls cost the database, pinned statement by statement (issue 15,
docs/benchmarks.md): a scan, a receive and an allocate with its guards. A statement added to
any of them fails here; if it must be, raise the budget here and say why in the docs."""
import pytest

from recond.extensions import db
from recond.lifecycle import chain
from recond.models import Device
from tests.statements import counted, shown

# Each call is made once before it is counted: the worker has read the token (a scan then keeps
# its holder in memory) and written its last use (at most once a minute).
SCAN = [
    "SELECT device.public_id",  # its columns, in the caller's scope, the token's check inside
]
RECEIVE = [
    "SELECT api_token.id",  # the token and its holder
    "SELECT device.id",  # the device in scope, its deposit and the link of its last event
    "SELECT webhook.id",  # the active webhooks (partners told of a status change)
    "INSERT INTO device_event",  # the history row
    "INSERT INTO stage_passage",  # the reports' rollup: how long it stayed in the status it left
    "UPDATE device SET status",  # status (and since when) and version, checked
    "COMMIT",
]
ALLOCATE = [
    "SELECT api_token.id",
    "SELECT device.id",
    "SELECT transfer_note.id",  # a ready device might be on its way to another workshop
    "SELECT request_line.id",  # locked, with its request and the request's lines
    "SELECT beneficiary.id",  # locked
    "SELECT allocation.line_id",  # the line's places held and the beneficiary's devices
    "SELECT price_grid.id",  # the grid in force and its price for the cell
    "SELECT convention.id",  # a partner convention's price cap, if the device is its output
    "SELECT webhook.id",
    "INSERT INTO allocation",
    "SELECT allocation.line_id, count(allocation.id)",  # the request's progress
    "INSERT INTO device_event",
    "INSERT INTO stage_passage",
    "UPDATE device SET status",
    "COMMIT",
]


def _sent(call) -> list[str]:
    with counted() as sent:
        response = call()
        assert response.status_code == 200, response.json
    return sent


def _expect(sent: list[str], budget: list[str]) -> None:
    assert len(sent) == len(budget) and all(
        text.startswith(start) for text, start in zip(sent, budget)), \
        f"expected {len(budget)} statements, got {len(sent)}:\n{shown(sent)}"


@pytest.mark.parametrize("user", ["tech_a", "coordinator"])
def test_a_scan_is_one_statement(world, api, user):
    device, other = world.register(), world.register()
    code, warm = device.public_id, other.public_id
    assert api(user, "get", f"/api/v1/scan?code={warm}").status_code == 200
    _expect(_sent(lambda: api(user, "get", f"/api/v1/scan?code={code}")), SCAN)
    # a serial or a typed variant costs more, as it says; an ID typed in AZERTY one more at most
    assert len(_sent(lambda: api(user, "get", f"/api/v1/scan?code={code.lower()}"))) <= 2


def test_a_receive_is_four_statements_and_a_commit(world, api):
    device, other = world.register(), world.register()
    code, warm = device.public_id, other.public_id
    assert api("tech_a", "post", f"/api/v1/devices/{warm}/actions",
               json={"action": "receive"}).status_code == 200
    sent = _sent(lambda: api("tech_a", "post", f"/api/v1/devices/{code}/actions",
                             json={"action": "receive"}))
    _expect(sent, RECEIVE)
    _chained(code)


def test_an_allocate_with_its_guards(world, api):
    warm, device = world.device("ready"), world.device("ready")
    line = world.approved_line()
    people = [world.beneficiary(), world.beneficiary()]
    ids = warm.public_id, device.public_id, line.id, [p.id for p in people]
    for code, person in zip(ids[:2], ids[3]):
        # The first allocation moves the request to "being fulfilled" (one UPDATE more).
        sent = _sent(lambda: api("coordinator", "post", f"/api/v1/devices/{code}/actions",
                                 json={"action": "allocate", "line_id": ids[2],
                                       "beneficiary_id": person}))
    _expect(sent, ALLOCATE)
    for code in ids[:2]:
        _chained(code)


def _chained(code: str) -> None:
    """The link read with the device is the one the new event chains to: the history holds."""
    device = db.session.scalar(db.select(Device).where(Device.public_id == code))
    assert chain.first_break(device) is None
