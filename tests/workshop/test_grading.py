"""Grades mean something: each grade has its least battery health (configurable, written in
the grade definitions on the form); below the lowest, the device goes to repair or parts; the
form says what is required, names fields in the reader's words, and gives each input its own
id; spare parts are recorded as parts, never as WEEE."""
import re
from collections import Counter

import pytest

from recond import lifecycle
from recond.errors import InvalidInput, Refused
from recond.extensions import db
from recond.models import DeviceEvent
from recond.workshop import test_reports as functional_tests


def _grade(world, device, grade, battery=None):
    payload = world.payload("grade", device, grade)
    if battery is not None:
        payload["battery_health"] = battery
    return lifecycle.perform(world["tech_a"], device, "grade", payload)


@pytest.mark.parametrize("grade, battery, graded", [
    ("A", 80, True), ("A", 79, False), ("A", 5, False), ("B", 70, True), ("B", 69, False),
    ("C", 50, True), ("C", 49, False), ("C", 100, True),
])
def test_each_grade_has_its_least_battery_health(world, grade, battery, graded):
    device = world.advance(world.register(), "os_installed")
    if graded:
        _grade(world, device, grade, battery)
        assert device.status == "ready" and device.grade == grade
        return
    with pytest.raises(Refused) as refused:
        _grade(world, device, grade, battery)
    assert device.status == "os_installed"
    if battery >= 50:  # it fits a lower grade: which one
        assert "at best" in str(refused.value.message)
    else:
        assert "repair (battery replacement) or to parts" in str(refused.value.message)


def test_grade_a_is_refused_with_a_battery_at_5_percent_and_says_where_it_goes(world):
    device = world.advance(world.register(), "os_installed")
    with pytest.raises(Refused, match=r"5 %, below the 50 % even grade C needs"):
        _grade(world, device, "A", 5)


def test_the_thresholds_are_configurable(app, world):
    app.config["GRADE_BATTERY_MIN"] = {"A": 95, "B": 60, "C": 30}
    device, other = (world.advance(world.register(), "os_installed") for _ in range(2))
    with pytest.raises(Refused, match="grade A needs at least 95 %"):
        _grade(world, device, "A", 90)
    _grade(world, device, "B", 60)
    _grade(world, other, "C", 30)
    assert (device.grade, other.grade) == ("B", "C")


def test_a_device_without_a_battery_needs_no_battery_health(world):
    desktop = world.advance(world.register(category="desktop"), "os_installed")
    _grade(world, desktop, "A")
    assert desktop.status == "ready"


def test_a_laptop_without_battery_health_is_told_so_in_words(world, api):
    device = world.advance(world.register(), "os_installed")
    answer = api("tech_a", "post", f"/api/v1/devices/{device.public_id}/actions",
                 json={"action": "grade", **world.payload("grade", device), "battery_health": None})
    assert answer.status_code == 422
    message = answer.json["error"]["message"]
    assert "« Santé de la batterie, en pourcentage »" in message and "battery_health" not in message
    assert "battery_health" in answer.json["error"]["details"]["fields"]  # the name, for programs
    missing = {k: v for k, v in world.payload("grade", device).items() if k != "battery_health"}
    answer = api("tech_a", "post", f"/api/v1/devices/{device.public_id}/actions",
                 json={"action": "grade", **missing})
    assert answer.status_code == 422 and "« Santé de la batterie, en pourcentage » est obligatoire" \
        in answer.json["error"]["message"]


def test_the_grade_form_says_what_is_required_with_unique_ids(world, browser):
    laptop = world.advance(world.register(), "os_installed")
    desktop = world.advance(world.register(category="desktop"), "os_installed")
    browser.login("tech_a@example.org")
    page = browser.client.get(f"/d/{laptop.public_id}").text
    battery = re.search(r'<input id="grade-battery_health"[^>]*>', page).group(0)
    assert " required" in battery and 'aria-describedby="grade-battery_health-rule"' in battery
    assert "A à partir de 80 %, B à partir de 70 %, C à partir de 50 %" in page
    assert "réparation (remplacement de la batterie) ou en pièces détachées" in page
    assert "Batterie, pour les appareils qui en ont une : au moins 80 %." in page  # grade A
    assert "Batterie, pour les appareils qui en ont une : au moins 50 %." in page  # grade C
    label = re.search(r'<label for="grade-battery_health">(.*?)</label>', page, re.S).group(1)
    assert "facultatif" not in label
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert not [i for i, n in ids.items() if n > 1], ids
    assert 'id="fail-battery-health"' in page and 'id="fail-check-battery"' in page
    assert "grade-battery_health" not in browser.client.get(f"/d/{desktop.public_id}").text

    refused = browser.post_form(f"/d/{laptop.public_id}", f"/d/{laptop.public_id}/actions/grade", {
        "version": str(laptop.version), "grade": "A", "battery_health": "5",
        **{f"check-{k}": "yes" for k in world.payload("grade", laptop)["checklist"]}})
    assert refused.status_code == 409 and "réparation (remplacement de la batterie)" in refused.text
    db.session.refresh(laptop)
    assert laptop.status == "os_installed"


def test_a_failed_test_names_the_field_in_words(world):
    device = world.advance(world.register(), "os_installed")
    checklist = world.payload("grade", device)["checklist"] | {"battery": False}
    with pytest.raises(InvalidInput, match="“Battery health, in percent” must be a percentage"):
        functional_tests.record_failure(world["tech_a"], device, checklist=checklist,
                                        outcome="repair", battery_health="140")


def test_spare_parts_are_recorded_as_parts_not_weee(world, browser):
    device = world.advance(world.register(), "os_installed")
    checklist = world.payload("grade", device)["checklist"] | {"screen": False}
    functional_tests.record_failure(world["tech_a"], device, checklist=checklist,
                                    outcome="parts", note="dalle cassée")
    db.session.commit()
    assert device.status == "dismantled" and device.recycling_lot_id is None
    last = db.session.scalar(db.select(DeviceEvent).where(DeviceEvent.device_id == device.id)
                             .order_by(DeviceEvent.id.desc()).limit(1))
    assert last.action == "dismantle" and last.to_status == "dismantled"
    browser.login("tech_a@example.org")
    page = browser.client.get(f"/d/{device.public_id}").text
    assert "Démonté pour pièces détachées" in page and "Envoyé au recyclage" not in page
