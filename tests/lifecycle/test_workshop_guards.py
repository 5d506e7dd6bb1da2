"""wipe, install_os, grade and recycle: the workshop's guards, refusing and accepting."""
import pytest

from recond import lifecycle
from recond.workshop import os_catalogue, sanitisation, storage_media
from recond.errors import InvalidInput, NotFound, NotPermitted, Refused
from recond.extensions import db


def _wipe(world, device):
    return lifecycle.perform(world["tech_a"], device, "wipe")


def test_wipe_needs_a_passed_record_for_every_medium(world):
    device = world.register(disks=2)
    world.advance(device, "received")
    with pytest.raises(Refused, match="no passed sanitisation record"):
        _wipe(world, device)
    sanitisation.record(world["tech_a"], device.media[0], method="purge", passed=True)
    with pytest.raises(Refused) as refused:
        _wipe(world, device)
    assert device.media[1].serial in str(refused.value.message)
    sanitisation.record(world["tech_a"], device.media[1], method="clear", passed=True)
    assert _wipe(world, device).to_status == "wiped"


def test_a_failed_medium_must_be_destroyed_or_removed(world):
    device = world.advance(world.register(disks=2), "received")
    world.sanitise(device, passed=False)
    sanitisation.record(world["tech_a"], device.media[0], method="clear", passed=True)
    with pytest.raises(Refused, match="destroyed"):
        _wipe(world, device)  # a later passed overwrite does not redeem a failed disk
    sanitisation.record(world["tech_a"], device.media[0], method="destroy", passed=True)
    storage_media.remove(world["tech_a"], device, device.media[1].id, {"destination": "kept"})
    assert _wipe(world, device).to_status == "wiped"


def test_a_device_with_no_medium_recorded_cannot_be_declared_wiped(world):
    device = world.advance(world.register(disks=0), "received")
    with pytest.raises(Refused, match="No storage medium"):
        _wipe(world, device)


def test_a_returned_device_is_wiped_again(world):
    device = world.device("released")
    lifecycle.perform(world["tech_a"], device, "return", {"reason": "écran cassé"})
    db.session.commit()
    assert device.status == "received" and device.cycle == 2 and device.grade is None
    with pytest.raises(Refused, match="no passed sanitisation record"):
        _wipe(world, device)  # the first stay's records no longer count
    world.sanitise(device)
    assert _wipe(world, device).to_status == "wiped"


def test_sanitisation_is_recorded_only_at_the_workshop_that_holds_the_device(world):
    device = world.advance(world.register(), "received")
    with pytest.raises(NotFound):
        sanitisation.record(world["tech_b"], device.media[0], method="clear", passed=True)
    with pytest.raises(InvalidInput):
        sanitisation.record(world["tech_a"], device.media[0], method="magnets", passed=True)
    world.advance(device, "ready")
    with pytest.raises(Refused):
        sanitisation.record(world["tech_a"], device.media[0], method="clear", passed=True)


def test_install_os_needs_wiped_and_an_image_of_the_catalogue(world):
    device = world.advance(world.register(), "received")
    payload = world.payload("install_os", device) | {"screen_reader": True}
    with pytest.raises(Refused, match="not possible while the device is received"):
        lifecycle.perform(world["tech_a"], device, "install_os", payload)
    world.advance(device, "wiped")
    with pytest.raises(InvalidInput, match="“Keyboard” must be one of") as wrong:
        lifecycle.perform(world["tech_a"], device, "install_os", payload | {"keyboard": "dvorak"})
    assert list(wrong.value.details["fields"]) == ["keyboard"]  # the name, for programs
    with pytest.raises(Refused, match="not in the catalogue"):  # a phone's OS on a laptop
        lifecycle.perform(world["tech_a"], device, "install_os",
                          payload | {"image_id": world.images["phones"].id})
    os_catalogue.set_active(world["admin"], world.images["computers"], False)
    with pytest.raises(Refused, match="not in the catalogue"):  # retired image
        lifecycle.perform(world["tech_a"], device, "install_os", payload)
    os_catalogue.set_active(world["admin"], world.images["computers"], True)
    event = lifecycle.perform(world["tech_a"], device, "install_os", payload)
    assert device.operating_system == "Linux Mint 22"
    assert event.payload["screen_reader"] is True and event.payload["os"] == "Linux Mint 22"
    assert event.payload["language"] == "fr" and event.payload["keyboard"] == "fr-azerty"


def test_only_administrators_edit_the_catalogue(world):
    with pytest.raises(NotPermitted):
        os_catalogue.add_image(world["tech_a"], name="Debian", version="13", family="computers")
    with pytest.raises(InvalidInput, match="64 hexadecimal"):
        os_catalogue.add_image(world["admin"], name="Debian", version="13", family="computers",
                               image_sha256="abc")
    image = os_catalogue.add_image(world["admin"], name="Debian", version="13", family="computers",
                                   image_sha256="A" * 64)
    assert image.image_sha256 == "a" * 64
    with pytest.raises(InvalidInput, match="already"):
        os_catalogue.add_image(world["admin"], name="Debian", version="13", family="computers")


def test_grade_needs_the_os_and_a_full_passing_checklist(world):
    device = world.advance(world.register(), "wiped")
    checklist = world.payload("grade", device)["checklist"]
    with pytest.raises(Refused):
        lifecycle.perform(world["tech_a"], device, "grade", {"grade": "A", "checklist": checklist})
    world.advance(device, "os_installed")
    with pytest.raises(InvalidInput, match="lacks the checks"):
        lifecycle.perform(world["tech_a"], device, "grade",
                          {"grade": "A", "checklist": {"boots": True}})
    with pytest.raises(InvalidInput, match="one of A, B, C"):
        lifecycle.perform(world["tech_a"], device, "grade", {"grade": "D", "checklist": checklist})
    with pytest.raises(Refused, match="failed: Battery"):
        lifecycle.perform(world["tech_a"], device, "grade", {
            "grade": "B", "checklist": checklist | {"battery": False}, "battery_health": 40})
    with pytest.raises(InvalidInput, match="“Battery health, in percent” is required"):
        lifecycle.perform(world["tech_a"], device, "grade", {"grade": "B", "checklist": checklist})
    with pytest.raises(InvalidInput, match="percentage"):
        lifecycle.perform(world["tech_a"], device, "grade",
                          {"grade": "B", "checklist": checklist, "battery_health": 130})
    event = lifecycle.perform(world["tech_a"], device, "grade",
                              {"grade": "B", "checklist": checklist, "battery_health": 82})
    assert device.status == "ready" and device.grade == "B" and event.payload["battery_health"] == 82


def test_recycled_devices_join_the_workshops_open_lot_until_it_is_handed_over(world):
    from recond.workshop import recycling

    first, second = world.register(), world.advance(world.register(), "received")
    for device in (first, second):
        lifecycle.perform(world["tech_a"], device, "recycle", {"reason": "carte mère HS"})
    db.session.commit()
    assert first.recycling_lot_id == second.recycling_lot_id is not None
    [lot] = recycling.lots(world["tech_a"])
    assert lot.number.startswith("DEEE-") and recycling.devices_of(lot) == [first, second]
    with pytest.raises(InvalidInput):
        recycling.hand_over(world["tech_a"], lot.id, weight_kg="beaucoup", organisation="Ecologic")
    with pytest.raises(NotFound):
        recycling.hand_over(world["tech_b"], lot.id, weight_kg="4,2", organisation="Ecologic")
    recycling.hand_over(world["tech_a"], lot.id, weight_kg="4,2", organisation="Ecologic")
    assert (lot.weight_grams, lot.status) == (4200, "handed_over")
    with pytest.raises(Refused):
        recycling.hand_over(world["tech_a"], lot.id, weight_kg="1", organisation="Ecologic")
    third = world.register()
    lifecycle.perform(world["tech_a"], third, "recycle", {"reason": "écran cassé"})
    assert third.recycling_lot_id != lot.id  # a new lot opened


def test_a_screen_goes_from_received_to_graded(world):
    screen = world.advance(world.register(category="screen"), "received")
    with pytest.raises(Refused):
        lifecycle.perform(world["tech_a"], screen, "wipe")
    lifecycle.perform(world["tech_a"], screen, "grade",
                      {"grade": "A", "checklist": {"display": True, "inputs": True}})
    assert screen.status == "ready"


def test_recycle_needs_a_reason_and_is_terminal(world):
    device = world.advance(world.register(), "received")
    with pytest.raises(InvalidInput):
        lifecycle.perform(world["tech_a"], device, "recycle", {})
    lifecycle.perform(world["tech_a"], device, "recycle", {"reason": "carte mère HS"})
    assert device.status == "recycled"
    assert lifecycle.available_actions(world["tech_a"], device) == []


def test_unknown_fields_and_actions_are_refused(world):
    device = world.device()
    with pytest.raises(InvalidInput) as unknown:
        lifecycle.perform(world["tech_a"], device, "teleport")
    assert unknown.value.code == "unknown_action"
    with pytest.raises(InvalidInput, match="not a field"):
        lifecycle.perform(world["tech_a"], device, "receive", {"status": "ready"})


def test_a_technician_acts_only_on_devices_of_their_workshop(world):
    device = world.device(lot="b")
    with pytest.raises(NotFound):
        lifecycle.perform(world["tech_a"], device, "receive")


def test_a_device_dismantled_for_parts_is_not_weee(world):
    device = world.advance(world.register(), "received")
    event = lifecycle.perform(world["tech_a"], device, "dismantle",
                              {"reason": "écran HS, clavier et RAM récupérés"})
    assert device.status == "dismantled" and device.recycling_lot_id is None
    assert event.action == "dismantle" and str(lifecycle.ACTIONS["dismantle"].done) == \
        "Dismantled for spare parts"
    assert lifecycle.available_actions(world["tech_a"], device) == []
    with pytest.raises(InvalidInput, match="not a field"):  # parts are no recycling channel
        lifecycle.perform(world["tech_a"], world.register(), "recycle",
                          {"reason": "HS", "channel": "parts"})


def test_every_test_is_reported_whatever_its_outcome(world):
    from recond.workshop import test_reports as functional_tests

    repair, parts = (world.advance(world.register(), "os_installed") for _ in range(2))
    checklist = world.payload("grade", repair)["checklist"]
    report = functional_tests.record_failure(world["tech_a"], repair, outcome="repair",
                                             checklist=checklist | {"keyboard": False},
                                             battery_health="71")
    assert repair.status == "os_installed"  # back on the bench, to be tested again
    assert (report.outcome, report.battery_health, report.checklist["keyboard"]) == ("repair", 71, False)
    functional_tests.record_failure(world["tech_a"], parts, outcome="parts",
                                    checklist=checklist | {"screen": False})
    assert parts.status == "dismantled" and parts.recycling_lot_id is None
    with pytest.raises(InvalidInput, match="what failed"):
        functional_tests.record_failure(world["tech_a"], repair, outcome="recycle", checklist=checklist)
    world.advance(repair, "ready")
    assert [r.outcome for r in functional_tests.reports(repair)] == ["repair", "ready"]
    with pytest.raises(Refused):
        functional_tests.record_failure(world["tech_a"], repair, outcome="repair",
                                        checklist=checklist, note="rayure")
