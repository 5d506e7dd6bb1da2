"""The WEEE hand-over slip: a page per lot, a PDF both sides sign with the lot's figures in
French (weights "7,4 kg", dates in Paris time), and read access for the workshop (its own
lots) and the coordination (all), by page and by API."""
import io
import re
from datetime import datetime

import pytest
from pypdf import PdfReader

from recond import lifecycle
from recond.errors import InvalidInput, NotFound, NotPermitted, Refused
from recond.extensions import db
from recond.models import RecyclingLot
from recond.workshop import recycling, weee_slip


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _lot(world, hand_over: bool = True):
    """Three devices: a laptop weighed 2,1 kg, a laptop not weighed, a screen of 4,35 kg."""
    tech = world["tech_a"]
    weighed, unknown = world.register(), world.advance(world.register(), "received")
    screen = world.register(category="screen")
    lifecycle.perform(tech, weighed, "recycle", {"reason": "carte mère HS", "weight_kg": "2,1"})
    lifecycle.perform(tech, unknown, "recycle", {"reason": "écran cassé"})
    lifecycle.perform(tech, screen, "recycle", {"reason": "dalle HS", "weight_kg": 4.35})
    lot = db.session.get(RecyclingLot, weighed.recycling_lot_id)
    if hand_over:
        recycling.hand_over(tech, lot.id, weight_kg="7,4", organisation="Ecologic")
        # 23:30 UTC on 30 November is already 1 December in Paris.
        lot.handed_over_at = datetime(2026, 11, 30, 23, 30)
    db.session.commit()
    return lot, (weighed, unknown, screen)


def test_the_slips_figures(world):
    lot, (weighed, unknown, screen) = _lot(world)
    assert (weighed.weight_grams, unknown.weight_grams, screen.weight_grams) == (2100, None, 4350)
    contents = recycling.contents(lot)
    assert (contents.count, contents.by_category) == (3, {"laptop": 2, "screen": 1})
    assert (contents.weighed, contents.weighed_grams) == (2, 6450)
    assert weee_slip.figures(contents) == [
        ("Nombre d'appareils", "3 (2 × Ordinateur portable, 1 × Écran)"),
        ("Poids total remis (pesée du lot)", "7,4\u00a0kg"),
        ("Poids connus par appareil", "6,45\u00a0kg — appareils pesés : 2 sur 3")]

    _lot_again, content = weee_slip.slip_pdf(world["tech_a"], lot.number)
    text = _text(content)
    for expected in ("Bordereau de remise de DEEE", lot.number, "Ecologic", "Atelier A",
                     "88776655400018", "01/12/2026 à 00:30", "Tech A",
                     weighed.public_id, unknown.public_id, screen.public_id,
                     "2,1 kg", "4,35 kg", "7,4 kg", "6,45 kg — appareils pesés : 2 sur 3",
                     "3 (2 × Ordinateur portable, 1 × Écran)",
                     "Pour l'atelier qui remet le lot", "Pour l'organisme de reprise"):
        assert expected in text, expected
    assert "7.4" not in text and "kg" in text


def test_the_slip_waits_for_the_hand_over(world):
    lot, _devices = _lot(world, hand_over=False)
    with pytest.raises(Refused) as refused:
        weee_slip.slip_pdf(world["tech_a"], lot.number)
    assert refused.value.code == "lot_open"


@pytest.mark.parametrize("typed", ["beaucoup", "-3", "0", "1e3", "Infinity", "NaN", "7,4567"])
def test_a_lot_weight_is_kilograms_or_refused(world, typed):
    lot, _devices = _lot(world, hand_over=False)
    with pytest.raises(InvalidInput):
        recycling.hand_over(world["tech_a"], lot.id, weight_kg=typed, organisation="Ecologic")
    db.session.rollback()
    assert db.session.get(type(lot), lot.id).is_open


def test_a_device_weight_is_kilograms_or_refused(world):
    device = world.advance(world.register(), "received")
    with pytest.raises(InvalidInput, match="“Weight \\(kg\\)” must be a weight in kg"):
        lifecycle.perform(world["tech_a"], device, "recycle", {"reason": "HS", "weight_kg": "2,1234"})


def test_who_reads_the_lots(world):
    lot, _devices = _lot(world)
    assert [x.number for x in recycling.lots(world["coordinator"])] == [lot.number]
    assert recycling.get_lot(world["coordinator"], lot.number.lower()) is lot
    assert recycling.lots(world["tech_b"]) == []
    with pytest.raises(NotFound):
        recycling.get_lot(world["tech_b"], lot.number)
    for user in ("collector_a", "donor_x", "structure_s"):
        with pytest.raises(NotPermitted):
            recycling.lots(world[user])
    with pytest.raises(NotPermitted):  # the coordination reads, the workshop hands over
        recycling.hand_over(world["coordinator"], lot.id, weight_kg="1", organisation="X")


def test_a_page_per_lot_and_the_coordination_reads_it(world, browser):
    lot, (weighed, _unknown, _screen) = _lot(world)
    browser.login("coordinator@example.org")
    index = browser.client.get("/recycling/")
    assert index.status_code == 200 and lot.number in index.text and "7,4\u00a0kg" in index.text
    assert "Recyclage" in index.text  # in the coordinator's navigation
    page = browser.client.get(f"/recycling/{lot.number}")
    assert page.status_code == 200
    for expected in ("Ecologic", "7,4\u00a0kg", "2,1\u00a0kg", "6,45\u00a0kg — appareils pesés : 2 sur 3",
                     weighed.serial, f"/recycling/{lot.number}/slip.pdf"):
        assert expected in page.text, expected
    assert 'name="weight_kg"' not in page.text  # handed over: no form
    slip = browser.client.get(f"/recycling/{lot.number}/slip.pdf")
    assert slip.status_code == 200 and slip.mimetype == "application/pdf"
    assert "7,4 kg" in _text(slip.data)


def test_the_workshop_hands_over_from_the_lots_page(world, browser):
    lot, _devices = _lot(world, hand_over=False)
    browser.login("tech_a@example.org")
    url = f"/recycling/{lot.number}"
    assert 'name="weight_kg"' in browser.client.get(url).text
    assert browser.client.get(f"{url}/slip.pdf").status_code == 409
    bad = browser.post_form(url, f"/recycling/{lot.id}/hand-over",
                            {"weight_kg": "1e3", "organisation": "Ecologic"})
    assert bad.status_code == 422 and "n'est pas un poids en kg" in bad.text
    done = browser.post_form(url, f"/recycling/{lot.id}/hand-over",
                             {"weight_kg": "12,5", "organisation": "Ecologic"})
    assert done.status_code == 302 and done.headers["Location"].endswith(url)
    db.session.refresh(lot)
    assert lot.weight_grams == 12500 and not lot.is_open
    assert "12,5 kg" in _text(browser.client.get(f"{url}/slip.pdf").data)


def test_the_api_reads_lots_for_the_workshop_and_the_coordination(world, api):
    lot, (weighed, unknown, screen) = _lot(world)
    for user in ("tech_a", "coordinator"):
        listed = api(user, "get", "/api/v1/recycling-lots")
        assert listed.status_code == 200
        assert [(x["number"], x["devices"], x["weight_grams"]) for x in listed.json["items"]] == \
            [(lot.number, 3, 7400)]
    body = api("coordinator", "get", f"/api/v1/recycling-lots/{lot.number}").json
    assert body["take_back_organisation"] == "Ecologic" and body["weighed_grams"] == 6450
    assert body["by_category"] == {"laptop": 2, "screen": 1} and body["weighed_devices"] == 2
    assert [(d["public_id"], d["category"], d["weight_grams"]) for d in body["items"]] == [
        (weighed.public_id, "laptop", 2100), (unknown.public_id, "laptop", None),
        (screen.public_id, "screen", 4350)]
    slip = api("coordinator", "get", body["slip"])
    assert slip.status_code == 200 and slip.mimetype == "application/pdf"
    assert api("tech_b", "get", f"/api/v1/recycling-lots/{lot.number}").status_code == 404
    assert api("tech_b", "get", "/api/v1/recycling-lots").json["items"] == []
    for user in ("collector_a", "donor_x", "structure_s"):
        assert api(user, "get", "/api/v1/recycling-lots").status_code == 403
    assert re.fullmatch(r"DEEE-\d{6}", lot.number)
