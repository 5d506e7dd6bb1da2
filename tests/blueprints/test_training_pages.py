"""Sessions corrected through the pages, the frozen session refused with its reason, and the
beneficiaries' reference check, edit and delete; the release refusal said alike by page and API."""
from datetime import date, timedelta

from recond.distribution import training
from recond.extensions import db
from recond.lifecycle import active_allocation
from recond.models import Beneficiary, Device, TrainingSession
from tests.conftest import csrf_from


def _session_form(session, person, **changes):
    data = {"held_on": session.held_on.isoformat(), "duration": str(session.duration_minutes),
            "trainer": session.trainer, "place": session.place or "",
            f"attendance-{person.id}": "present", "reason": "feuille d'émargement relue"}
    data.update(changes)
    return data


def test_a_session_is_corrected_from_its_page_and_the_correction_shown(world, browser):
    person = world.beneficiary()
    session = world.train(present=[person], minutes=20)
    browser.login("structure_s@example.org")
    listing = browser.client.get("/training")
    assert f"/training/{session.id}" in listing.text
    url = f"/training/{session.id}"
    page = browser.client.get(url)
    assert page.status_code == 200 and 'name="reason"' in page.text
    response = browser.post_form(url, url, _session_form(session, person, duration="45"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(TrainingSession, session.id).duration_minutes == 45
    page = browser.client.get(url)
    assert "feuille d&#39;émargement relue" in page.text and "20 → 45" in page.text
    assert "Structure S" in page.text  # who corrected it


def test_a_correction_without_a_reason_is_refused_and_nothing_changes(world, browser):
    person = world.beneficiary()
    session = world.train(present=[person])
    browser.login("structure_s@example.org")
    url = f"/training/{session.id}"
    response = browser.post_form(url, url, _session_form(session, person, duration="45", reason=""))
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(TrainingSession, session.id).duration_minutes == 120
    assert training.revisions_of(session) == []


def test_a_frozen_session_shows_why_and_refuses_a_forged_correction(world, browser, api):
    device = world.device("released")
    person = active_allocation(device).beneficiary
    session = db.session.scalars(db.select(TrainingSession)).one()
    browser.login("structure_s@example.org")
    url = f"/training/{session.id}"
    page = browser.client.get(url)
    assert "ne peut plus être corrigée" in page.text and 'name="reason"' not in page.text
    assert "figée" in browser.client.get("/training").text
    forged = browser.client.post(url, data={"csrf_token": csrf_from(page.text),
                                            **_session_form(session, person, duration="5")})
    assert forged.status_code == 409 and device.public_id in forged.text
    db.session.expire_all()
    assert db.session.get(TrainingSession, session.id).duration_minutes == 120


def test_another_structure_cannot_see_or_correct_a_session(world, browser):
    person = world.beneficiary()
    session = world.train(present=[person])
    browser.login("structure_t@example.org")
    assert browser.client.get(f"/training/{session.id}").status_code == 404
    page = browser.client.get("/training")
    forged = browser.client.post(f"/training/{session.id}", data={
        "csrf_token": csrf_from(page.text), **_session_form(session, person, duration="5")})
    assert forged.status_code == 404


def test_page_and_api_give_the_same_reason_for_a_too_old_session(world, browser, api):
    device = world.device("delivered")
    allocation = active_allocation(device)
    world.pay(device)
    world.train(present=[allocation.beneficiary], held_on=date(2020, 1, 6), minutes=1)
    by_api = api("structure_s", "post", f"/api/v1/devices/{device.public_id}/actions",
                 json={"action": "release"}, headers={"Accept-Language": "fr"})
    assert by_api.status_code == 409
    message = by_api.json["error"]["message"]
    assert "trop longtemps avant l’attribution" in message and "06/01/2020" in message
    browser.login("structure_s@example.org")
    url = f"/handover/{device.public_id}"
    page = browser.client.get(url)
    assert message in page.text.replace("&#39;", "'").replace("&amp;", "&")
    refused = browser.client.post(f"{url}/release", data={"csrf_token": csrf_from(page.text),
                                                         "version": device.version})
    assert refused.status_code == 409 and "06/01/2020" in refused.text
    english = api("structure_s", "post", f"/api/v1/devices/{device.public_id}/actions",
                  json={"action": "release"}, headers={"Accept-Language": "en"})
    assert "too long before the allocation" in english.json["error"]["message"]
    db.session.expire_all()
    assert db.session.get(Device, device.id).status == "delivered"


def test_the_beneficiaries_page_says_what_a_good_reference_looks_like(world, browser):
    browser.login("structure_s@example.org")
    page = browser.client.get("/beneficiaries")
    assert "CS92-0042" in page.text and 'aria-describedby="reference-help"' in page.text
    assert "groupes de quatre lettres au plus" in page.text  # the rule the check applies
    for reference, says in [("1.85.05.78.006.084.36", "numéro de sécurité sociale"),
                            ("+33 6 12 34 56 78", "numéro de téléphone"),
                            ("00447911123456", "numéro de téléphone"),
                            ("SOPHIE-1985", "cinq lettres ou plus"), ("jean2", "nom de personne"),
                            ("Mme_Martin", "nom de personne"), ("jean@exemple.fr", "adresse e-mail")]:
        refused = browser.post_form("/beneficiaries", "/beneficiaries",
                                    {"reference": reference, "tier": "job_seeker"})
        assert refused.status_code == 422 and says in refused.text, reference
        assert f'value="{reference}"' in refused.text  # what was typed stays in the field
    assert db.session.scalar(db.select(db.func.count(Beneficiary.id))) == 0
    ok = browser.post_form("/beneficiaries", "/beneficiaries", {"reference": "BEN-A12", "tier": "job_seeker"})
    assert ok.status_code == 302


def test_a_beneficiary_is_corrected_or_deleted_from_the_page_until_allocated(world, browser):
    person = world.beneficiary()
    allocated = active_allocation(world.device("reserved")).beneficiary
    person_id, allocated_id = person.id, allocated.id
    browser.login("structure_s@example.org")
    page = browser.client.get("/beneficiaries")
    assert f"/beneficiaries/{person.id}/edit" in page.text
    assert f"/beneficiaries/{allocated.id}/edit" not in page.text
    url = f"/beneficiaries/{person.id}/edit"
    refused = browser.post_form(url, url, {"reference": "0612345678", "tier": "low_income"})
    assert refused.status_code == 422 and "numéro de téléphone" in refused.text
    done = browser.post_form(url, url, {"reference": "CS92-0042", "tier": "low_income"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Beneficiary, person.id).reference == "CS92-0042"
    token = csrf_from(browser.client.get("/beneficiaries").text)
    forged = browser.client.post(f"/beneficiaries/{allocated.id}/delete", data={"csrf_token": token})
    assert forged.status_code == 409 and "attribué" in forged.text
    assert browser.client.post(f"/beneficiaries/{person.id}/delete",
                               data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Beneficiary, person_id) is None
    assert db.session.get(Beneficiary, allocated_id) is not None


def test_the_batch_api_refuses_a_too_short_session_for_the_same_reason(world, api):
    device = world.device("delivered")
    allocation = active_allocation(device)
    world.pay(device)
    world.train(present=[allocation.beneficiary], held_on=date.today() - timedelta(days=2), minutes=10)
    response = api("structure_s", "post", "/api/v1/batch",
                   json={"action": "release", "devices": [device.public_id]})
    result = response.json["results"][0]
    assert result["ok"] is False and result["code"] == "refused"
    assert "trop courtes (10 minutes au plus)" in result["message"]
    db.session.expire_all()
    assert db.session.get(Device, device.id).status == "delivered"


def test_the_session_and_beneficiary_pages_are_accessible(world, browser):
    from tests.blueprints.test_accessibility import assert_accessible

    person = world.beneficiary()
    open_session = world.train(present=[person], absent=[world.beneficiary()], staff=["Agent"])
    training.correct_session(world["structure_s"], open_session.id, reason="relu", held_on=open_session.held_on,
                             trainer="Léa", beneficiaries=[person], staff=["Agent"])
    db.session.commit()
    device = world.device("released")
    browser.login("structure_s@example.org")
    frozen_id = db.session.scalar(db.select(db.func.max(TrainingSession.id)))
    for path in (f"/training/{open_session.id}", f"/training/{frozen_id}",
                 f"/beneficiaries/{person.id}/edit", "/beneficiaries", "/training"):
        response = browser.client.get(path)
        assert response.status_code == 200, path
        assert_accessible(response.text)
    assert device.public_id in browser.client.get(f"/training/{frozen_id}").text


def test_a_topic_id_in_unicode_digits_or_too_long_is_refused_not_a_500(world, browser):
    person = world.beneficiary()
    session = world.train(present=[person])
    browser.login("structure_s@example.org")
    url = f"/training/{session.id}"
    for topic in ("²", "9" * 30, "9" * 5000):
        new = browser.post_form("/training/new", "/training/new", {
            "held_on": date.today().isoformat(), "duration": "60", "trainer": "Agent",
            f"attendance-{person.id}": "present", "topic": topic})
        assert new.status_code == 422 and "Thème inconnu" in new.text, (topic, new.status_code)
        corrected = browser.post_form(url, url, {**_session_form(session, person), "topic": topic})
        assert corrected.status_code == 422 and "Thème inconnu" in corrected.text
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(TrainingSession.id))) == 1
    assert training.revisions_of(session) == []
