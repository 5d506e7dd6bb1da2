"""A 404 about something out of the reader's scope names nothing of it: not another
organisation's deposit number, nor a device's ID the reader did not type. One test per message
that used to (each reached the object by other means than what the reader typed)."""
from datetime import date
from pathlib import Path

import pytest

from recond import lifecycle
from recond.collection import deposits, reception
from recond.collection.manifests import importer
from recond.errors import NotFound
from recond.extensions import db
from recond.workshop import certificates, storage_media, test_reports

FIXTURES = Path(__file__).parent / "fixtures" / "manifests"


def _refusal(call) -> str:
    with pytest.raises(NotFound) as refused:
        call()
    return str(refused.value.message)


def test_another_organisations_import_names_no_deposit(world, api):
    theirs = importer.upload(world["collector_a"], world.deposits["a"], "lot.csv",
                             (FIXTURES / "en-utf8-comma.csv").read_bytes())
    db.session.commit()
    answer = api("collector_b", "get", f"/api/v1/imports/{theirs.id}",
                 headers={"Accept-Language": "en"})
    assert answer.status_code == 404
    assert world.deposits["a"].number not in answer.text
    assert answer.json["error"]["message"] == "No such import."


def test_an_action_on_a_device_out_of_scope_names_no_device(world):
    device = world.device("registered")
    message = _refusal(lambda: lifecycle.perform(world["tech_b"], device, "receive"))
    assert device.public_id not in message and "No such device" in message


def test_storage_media_of_a_device_out_of_scope_name_no_device(world):
    device = world.device("received")
    message = _refusal(lambda: storage_media.overview(world["tech_b"], device))
    assert device.public_id not in message


def test_a_failed_test_of_a_device_out_of_scope_names_no_device(world):
    device = world.device("os_installed")
    message = _refusal(lambda: test_reports.record_failure(
        world["tech_b"], device, checklist={}, outcome="recycle"))
    assert device.public_id not in message


def test_a_certificate_of_a_device_out_of_scope_names_no_device(world):
    device = world.device("wiped")
    message = _refusal(lambda: certificates.issue_for_device(world["tech_b"], device))
    assert device.public_id not in message


def test_a_certificate_of_a_deposit_out_of_scope_names_no_deposit(world):
    world.device("wiped")
    deposit = world.deposits["a"]
    message = _refusal(lambda: certificates.issue_for_deposit(world["tech_b"], deposit))
    assert deposit.number not in message and "No such deposit" in message


def test_a_reception_of_a_deposit_out_of_scope_names_no_deposit(world):
    deposit = world.deposits["a"]
    message = _refusal(lambda: reception.scan_in(world["tech_b"], deposit, "ABCDEFGH"))
    assert deposit.number not in message


@pytest.mark.parametrize("step", [
    lambda actor, deposit: deposits.plan_pickup(actor, deposit, on=date(2026, 12, 1), slot="9 h"),
    lambda actor, deposit: deposits.record_valuation(actor, deposit, valuation_cents=100,
                                                     signatory="Camille")])
def test_a_deposit_out_of_scope_names_no_deposit(world, step):
    deposit = world.deposits["a"]
    message = _refusal(lambda: step(world["collector_b"], deposit))
    assert deposit.number not in message
