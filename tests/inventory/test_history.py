"""The history reads as sentences, not a database dump: every action of the lifecycle's table
(and every storage-media note) is performed through the domain, then its row is read on the
device page in French and in English — no raw code, no None, True or False, no key for a label.
A new action fails here until this journey performs it and its row reads well."""
import html as entities
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from recond import lifecycle
from recond.extensions import db
from recond.lifecycle import ACTIONS
from recond.collection import conventions, partner_returns
from recond.identity import accounts
from recond.models import Device, DeviceEvent
from recond.workshop import hardware_capture, storage_media

# Free text people typed or numbers the app made: shown as they are.
FREE_TEXT = {"note", "reason", "second_device_reason", "destroyed_by", "reference", "medium",
             "model", "serial", "os", "deposit", "delivery_note", "recycling_lot", "absent",
             "image_sha256", "grade", "size_gb", "grid_version", "convention", "partner_return",
             "certificate_sha256", "capture", "sha256", "cpu", "screen_resolution"}
FIXTURES = Path(__file__).parents[1] / "fixtures"
NOTES = set(storage_media.EVENT_LABELS) | {"register"}


def _journey(world) -> list:
    """Every action and note, each with the details it can carry."""
    tech, coordinator = world["tech_a"], world["coordinator"]
    full = world.advance(world.register(), "wiped")
    lifecycle.perform(tech, full, "install_os", {
        "image_id": world.images["computers"].id, "language": "ar", "keyboard": "fr-bepo",
        "screen_reader": True, "magnifier": False, "note": "Image vérifiée"})
    db.session.commit()
    world.advance(full, "ready", grade="B")
    world.allocate(full)
    world.deliver(full)
    world.fulfil_release_conditions(full)
    lifecycle.perform(world["structure_s"], full, "release")
    lifecycle.perform(tech, full, "return", {"reason": "Écran fendu"})
    lifecycle.perform(tech, full, "recycle", {"reason": "Carte mère HS", "weight_kg": "2,3"})
    db.session.commit()

    cancelled = world.device("reserved")
    lifecycle.perform(coordinator, cancelled, "cancel_allocation", {"note": "Mauvaise ligne"})
    db.session.commit()

    disks = world.advance(world.register(disks=2), "received")
    added = storage_media.add(tech, disks, {"kind": "nvme", "interface": "sata",
                                            "serial": "EXTRA-1", "capacity_gb": 512})
    storage_media.correct(tech, disks, added.id, {"interface": "nvme", "model": "PM981"})
    storage_media.destroy(tech, disks, disks.media[0].id, {
        "method": "crushing", "destroyed_by": "Broyeur SA", "reference": "BR-7",
        "destroyed_on": date.today().isoformat()})
    storage_media.remove(tech, disks, disks.media[1].id, {"destination": "recycling"})
    storage_media.no_storage_found(tech, disks, {})
    capture = FIXTURES / "hardware" / "firecracker-vm-virtio.capture.json"
    hardware_capture.receive(tech, capture.name, capture.read_bytes(), disks.public_id)
    lifecycle.perform(tech, disks, "dismantle", {"reason": "Trop ancien"})
    db.session.commit()

    # A partner convention's output: one device it was supplied, one of its own.
    partner = accounts.create_organisation("Ecodair", "partner")
    convention = conventions.create_convention(
        coordinator, partner_id=str(partner.id), title="Ecodair", starts_on=date(2027, 1, 1),
        ends_on=date(2027, 12, 31), category_codes=["laptop"], supply_promised="10",
        output_owed="5", price_cap="60")
    supplied = world.register()
    conventions.supply_devices(coordinator, convention.number, supplied.public_id)
    partner_returns.import_return(
        coordinator, convention.number, manifest_name="retour.csv", certificate_name="c.pdf",
        certificate=b"%PDF-1.4 certificat", manifest=(
            f"Numéro de série;Type;Grade;OS\r\n{supplied.serial};;A;Linux Mint 22\r\n"
            "ECO-1;Portable;B;Debian 12\r\n").encode("cp1252"))
    db.session.commit()
    new = db.session.scalar(select(Device).where(Device.serial == "ECO-1"))
    return [full, cancelled, disks, supplied, new]


def _rows(html: str) -> list[tuple[str, list[str]]]:
    timeline = html.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    rows = []
    for item in timeline.split("<li>\n      <time")[1:]:
        title = re.search(r"<strong>(.*?)</strong>", item, re.S).group(1)
        details = re.findall(r"<li>(.*?)</li>", item.split('<ul class="payload">', 1)[-1], re.S) \
            if '<ul class="payload">' in item else []
        rows.append((entities.unescape(title).strip(),
                     [" ".join(entities.unescape(d).split()) for d in details]))
    return rows


@pytest.mark.parametrize("language,separator", [("fr", " : "), ("en", ": ")])
def test_every_action_and_note_reads_as_words(world, browser, language, separator):
    devices = _journey(world)
    performed = set(db.session.scalars(select(DeviceEvent.action)))
    missing = set(ACTIONS) - performed
    assert not missing, f"perform {missing} in this test's journey and check its row reads well"
    assert NOTES <= performed
    browser.login("coordinator@example.org")
    headers = {"Accept-Language": language}
    checked = 0
    for device in devices:
        events = db.session.scalars(select(DeviceEvent).where(DeviceEvent.device_id == device.id)
                                    .order_by(DeviceEvent.at, DeviceEvent.id)).all()
        page = browser.client.get(f"/d/{device.public_id}", headers=headers)
        assert page.status_code == 200 and f'<html lang="{language}">' in page.text
        rows = _rows(page.text)
        assert len(rows) == len(events)
        for event, (title, details) in zip(events, rows):
            assert title and title != event.action and "_" not in title, (event.action, title)
            shown_keys = [k for k in event.payload if not k.endswith("_id") or k == "structure_id"]
            assert len(details) == len(shown_keys), (event.action, details)
            for key, line in zip(shown_keys, details):
                label, _, value = line.partition(separator)
                assert label and value, (event.action, line)
                assert label != key and "_" not in label, (event.action, key, line)
                assert not re.search(r"\b(None|True|False|null)\b", value), (event.action, line)
                if key not in FREE_TEXT:
                    assert not re.search(r"\b[a-z]+_[a-z_]+\b", value), (event.action, line)
                raw = event.payload[key]
                # A code never shows as it is (in English a code may be its own label:
                # "crushing"; the French page tells a label from a code).
                if key not in FREE_TEXT and isinstance(raw, str) and language == "fr":
                    codes = raw.split(" → ")
                    assert not set(codes) & set(value.split(" → ")) - {"—"}, (event.action, line)
                checked += 1
    assert checked > 30


def test_the_french_rows_say_yes_no_dash_and_plurals(world, browser):
    device = _journey(world)[0]
    browser.login("coordinator@example.org")
    rows = dict((title, details) for title, details in _rows(browser.client.get(f"/d/{device.public_id}").text))
    installed = rows["Système d'exploitation installé"]
    assert "Lecteur d'écran activé : oui" in installed and "Loupe activée : non" in installed
    assert "Empreinte de l'image (SHA-256) : —" in installed
    assert "Langue : arabe" in installed and "Clavier : Français (BÉPO)" in installed
    graded = rows["Testé et évalué"]
    assert "Tests fonctionnels : les 10 tests réussis" in graded
    assert "Santé de la batterie, en pourcentage : 87 %" in graded
    allocated = rows["Attribué"]
    assert "Tranche : Minima sociaux (RSA, ASS, AAH, minimum vieillesse)" in allocated
    assert "Structure : Structure S" in allocated


def test_the_grading_button_is_a_verb(world, browser):
    device = world.advance(world.register(), "os_installed")
    browser.login("tech_a@example.org")
    page = browser.client.get(f"/d/{device.public_id}").text
    assert '<button type="submit">Évaluer</button>' in page
    english = browser.client.get(f"/d/{device.public_id}", headers={"Accept-Language": "en"}).text
    assert '<button type="submit">Grade</button>' in english


def test_a_handover_says_so_once(world, browser):
    device = world.device("delivered")
    world.fulfil_release_conditions(device)
    browser.login("structure_s@example.org")
    url = f"/handover/{device.public_id}"
    done = browser.post_form(url, f"{url}/release", {"version": str(device.version)})
    assert done.status_code == 302
    page = browser.client.get(done.headers["Location"]).text
    assert page.count("Remis.") == 1, page  # the page says it; no flash says it again
