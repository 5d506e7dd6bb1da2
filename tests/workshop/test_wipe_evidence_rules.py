"""Wipe evidence is used once, must be whole, must fit the disk, and says all it recorded:
the same log is the same evidence, an incomplete log is refused, a log that disagrees with
the medium needs a match confirmed by hand, and times are the workshop's."""
import io
import re
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from recond.workshop import certificates, wipe_evidence
from recond.errors import InvalidInput, Refused
from recond.extensions import db
from recond.models import SanitisationEvidence, SanitisationRecord
from tests.conftest import csrf_from

LOGS = Path(__file__).parents[1] / "fixtures" / "nwipe"


def _log(name):
    return (LOGS / name).read_bytes()


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


# --- point 2: one log, one evidence; one drive, one medium ------------------------------------

def test_the_same_log_uploaded_again_is_the_log_already_kept(world):
    first = wipe_evidence.receive(world["tech_a"], "a.log", _log("zero-one-drive.log"))
    db.session.commit()
    again = wipe_evidence.receive(world["tech_a"], "renamed.log", _log("zero-one-drive.log"))
    db.session.commit()
    assert (first.known, again.known) == (False, True)
    assert again.evidence.id == first.evidence.id and _count(SanitisationEvidence) == 1
    # another workshop keeps its own copy (it sees nothing of ours)
    theirs = wipe_evidence.receive(world["tech_b"], "a.log", _log("zero-one-drive.log"))
    assert theirs.known is False and theirs.evidence.id != first.evidence.id


def test_a_drive_recorded_through_one_upload_cannot_go_to_another_medium_through_a_second(world):
    a, b = (world.advance(world.register(capacity_gb=None), "received") for _ in range(2))
    first = wipe_evidence.upload(world["tech_a"], "a.log", _log("zero-one-drive.log"))
    wipe_evidence.assign(world["tech_a"], first, {"/dev/loop0": a.media[0].id})
    db.session.commit()
    second = wipe_evidence.upload(world["tech_a"], "b.log", _log("zero-one-drive.log"))
    with pytest.raises(Refused, match="already recorded") as refused:
        wipe_evidence.assign(world["tech_a"], second, {"/dev/loop0": b.media[0].id})
    assert refused.value.status == 409
    db.session.rollback()
    assert _count(SanitisationRecord) == 1


def test_a_copy_of_the_log_with_other_bytes_cannot_certify_a_second_medium(world):
    """The review's bypass: the same log with one more line end is another file, not another wipe."""
    a, b = (world.advance(world.register(capacity_gb=None), "received") for _ in range(2))
    first = wipe_evidence.upload(world["tech_a"], "a.log", _log("zero-one-drive.log"))
    wipe_evidence.assign(world["tech_a"], first, {"/dev/loop0": a.media[0].id})
    db.session.commit()
    copy = wipe_evidence.upload(world["tech_a"], "b.log",
                                _log("zero-one-drive.log").replace(b"\n", b"\r\n") + b"\n")
    assert copy.id != first.id  # another file indeed
    with pytest.raises(Refused, match="already certifies another storage medium") as refused:
        wipe_evidence.assign(world["tech_a"], copy, {"/dev/loop0": b.media[0].id})
    assert refused.value.code == "drive_already_certified" and refused.value.status == 409
    db.session.rollback()
    assert _count(SanitisationRecord) == 1


def test_the_same_log_in_another_workshop_cannot_certify_a_second_medium(world):
    a = world.advance(world.register(capacity_gb=None), "received")
    b = world.advance(world.register(lot="b", capacity_gb=None), "received")
    assert b.workshop_id != a.workshop_id
    first = wipe_evidence.upload(world["tech_a"], "a.log", _log("zero-one-drive.log"))
    wipe_evidence.assign(world["tech_a"], first, {"/dev/loop0": a.media[0].id})
    db.session.commit()
    elsewhere = wipe_evidence.upload(world["tech_b"], "a.log", _log("zero-one-drive.log"))
    with pytest.raises(Refused, match="already certifies another storage medium"):
        wipe_evidence.assign(world["tech_b"], elsewhere, {"/dev/loop0": b.media[0].id})
    db.session.rollback()
    assert _count(SanitisationRecord) == 1


def test_the_database_refuses_a_second_record_of_one_drive(world):
    """Without the domain's check (a writer who skipped it): the constraint still holds."""
    a, b = (world.advance(world.register(capacity_gb=None), "received") for _ in range(2))
    evidence = wipe_evidence.upload(world["tech_a"], "a.log", _log("zero-one-drive.log"))
    wipe_evidence.assign(world["tech_a"], evidence, {"/dev/loop0": a.media[0].id})
    db.session.commit()
    db.session.add(SanitisationRecord(medium_id=b.media[0].id, cycle=b.cycle, method="clear",
                                      passed=True, evidence_id=evidence.id, drive="/dev/loop0"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_same_log_through_the_page_and_the_api(world, browser, api):
    browser.login("tech_a@example.org")

    def post():
        page = browser.client.get("/wipe-logs/")
        return browser.client.post("/wipe-logs/", data={
            "csrf_token": csrf_from(page.text),
            "log": (io.BytesIO(_log("zero-one-drive.log")), "shredos.log")},
            content_type="multipart/form-data")
    first, second = post(), post()
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    shown = browser.client.get(second.headers["Location"])
    assert "déjà été déposé" in shown.text
    by_api = api("tech_a", "post", "/api/v1/wipe-logs", content_type="multipart/form-data",
                 data={"file": (io.BytesIO(_log("zero-one-drive.log")), "x.log")})
    assert by_api.status_code == 200 and by_api.json["known"] is True
    assert str(by_api.json["id"]) in first.headers["Location"]
    assert _count(SanitisationEvidence) == 1


# --- point 3: an incomplete log is refused, nothing stored -------------------------------------

@pytest.mark.parametrize("name, drives", [
    ("zero-one-drive-cut-before-status.log", "/dev/loop0"),
    ("prng-three-drives-cut-in-status.log", "/dev/loop1, /dev/loop2"),
])
def test_a_log_without_a_final_status_for_every_drive_is_refused(world, api, name, drives):
    with pytest.raises(InvalidInput, match="Incomplete log") as refused:
        wipe_evidence.upload(world["tech_a"], name, _log(name))
    assert refused.value.code == "incomplete_log" and drives in str(refused.value.message)
    db.session.rollback()
    answer = api("tech_a", "post", "/api/v1/wipe-logs", content_type="multipart/form-data",
                 data={"file": (io.BytesIO(_log(name)), name)},
                 headers={"Accept-Language": "fr"})
    assert answer.status_code == 422 and answer.json["error"]["code"] == "incomplete_log"
    assert "Journal incomplet" in answer.json["error"]["message"]
    assert _count(SanitisationEvidence) == 0


def test_the_cut_logs_are_the_real_ones_cut_short():
    for cut, whole in [("zero-one-drive-cut-before-status.log", "zero-one-drive.log"),
                       ("prng-three-drives-cut-in-status.log", "prng-three-drives-one-failed.log")]:
        assert _log(whole).startswith(_log(cut)) and len(_log(cut)) < len(_log(whole))


def test_the_incomplete_log_page_says_so_in_french(world, browser):
    browser.login("tech_a@example.org")
    page = browser.client.get("/wipe-logs/")
    answer = browser.client.post("/wipe-logs/", data={
        "csrf_token": csrf_from(page.text),
        "log": (io.BytesIO(_log("zero-one-drive-cut-before-status.log")), "cut.log")},
        content_type="multipart/form-data")
    assert answer.status_code == 422 and "Journal incomplet" in answer.text
    assert _count(SanitisationEvidence) == 0


# --- point 4: a log that disagrees with the medium ----------------------------------------------

def test_a_log_of_an_8_mb_drive_is_refused_for_a_256_gb_ssd_unless_matched_by_hand(world):
    ssd = world.advance(world.register(), "received")  # 256 GB
    evidence = wipe_evidence.upload(world["tech_a"], "a.log", _log("zero-one-drive.log"))
    with pytest.raises(Refused, match="does not match") as refused:
        wipe_evidence.assign(world["tech_a"], evidence, {"/dev/loop0": ssd.media[0].id})
    assert refused.value.code == "log_does_not_match"
    assert re.search(r"8[.,]4 MB", str(refused.value.message))
    assert _count(SanitisationRecord) == 0
    with pytest.raises(Refused):  # a blank reason is no reason
        wipe_evidence.assign(world["tech_a"], evidence, {"/dev/loop0": ssd.media[0].id},
                             {"/dev/loop0": "   "})
    [record] = wipe_evidence.assign(world["tech_a"], evidence, {"/dev/loop0": ssd.media[0].id},
                                    {"/dev/loop0": "test bench: loop device standing for the SSD"})
    assert record.matched_by_hand and record.match_reason == "test bench: loop device standing for the SSD"
    db.session.commit()
    text = _pdf_text(certificates.issue_for_device(world["tech_a"], ssd).content)
    assert "apparié à la main" in text and "loop device standing for the SSD" in text


def test_a_serial_that_disagrees_is_refused_too(world):
    device = world.advance(world.register(capacity_gb=None), "received")
    evidence = wipe_evidence.upload(world["tech_a"], "a.log", _log("zero-one-drive.log"))
    evidence.drives = [dict(evidence.drives[0], serial="WD-OTHER-123")]  # as a real drive logs it
    with pytest.raises(Refused, match="WD-OTHER-123"):
        wipe_evidence.assign(world["tech_a"], evidence, {"/dev/loop0": device.media[0].id})


@pytest.mark.parametrize("capacity_gb, size_bytes, fits", [
    (256, 256_060_514_304, True),    # a "256 GB" SSD as sold
    (500, 500_107_862_016, True),    # a "500 GB" HDD
    (238, 256_060_514_304, True),    # the same SSD typed as the OS showed it, in GiB
    (512, 8_388_608, False),         # the 8 MiB loop device of the issue
    (512, 256_060_514_304, False),   # half the disk
    (256, 320_072_933_376, False),
])
def test_size_tolerance_between_a_marketed_size_and_the_real_one(world, capacity_gb, size_bytes, fits):
    device = world.register()
    medium = device.media[0]
    medium.capacity_gb = capacity_gb
    assert (wipe_evidence.mismatches({"size_bytes": size_bytes, "serial": None}, medium) == []) is fits


def test_the_api_confirms_a_match_by_hand_with_a_reason(world, api):
    ssd = world.advance(world.register(), "received")
    uploaded = api("tech_a", "post", "/api/v1/wipe-logs", content_type="multipart/form-data",
                   data={"file": (io.BytesIO(_log("zero-one-drive.log")), "a.log")})
    url = f"/api/v1/wipe-logs/{uploaded.json['id']}/assign"
    refused = api("tech_a", "post", url, json={"assignments": {"/dev/loop0": ssd.media[0].id}},
                  headers={"Accept-Language": "fr"})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "log_does_not_match"
    assert "ne correspond pas" in refused.json["error"]["message"]
    done = api("tech_a", "post", url, json={"assignments": {"/dev/loop0": ssd.media[0].id},
                                            "reasons": {"/dev/loop0": "disk swapped, label checked"}})
    assert done.status_code == 200
    assert done.json["records"][0]["matched_by_hand"] is True
    assert done.json["records"][0]["match_reason"] == "disk swapped, label checked"


def test_the_page_confirms_a_match_by_hand_with_a_reason(world, browser):
    ssd = world.advance(world.register(), "received")
    evidence = wipe_evidence.upload(world["tech_a"], "a.log", _log("zero-one-drive.log"))
    db.session.commit()
    browser.login("tech_a@example.org")
    url = f"/wipe-logs/{evidence.id}"
    refused = browser.post_form(url, url + "/assign", {"drive-0": str(ssd.media[0].id)})
    assert refused.status_code == 409 and "ne correspond pas" in refused.text
    done = browser.post_form(url, url + "/assign", {"drive-0": str(ssd.media[0].id),
                                                    "reason-0": "disque remplacé, étiquette vérifiée"})
    assert done.status_code == 302
    assert "disque remplacé, étiquette vérifiée" in browser.client.get(url).text


# --- point 6: what the log says, recorded and shown ---------------------------------------------

def test_dod_short_is_three_passes_two_rounds_and_blanking_with_local_times_stored_utc(world, app):
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/Paris"
    device = world.advance(world.register(capacity_gb=None), "received")
    evidence = wipe_evidence.upload(world["tech_a"], "dod.log", _log("dodshort-two-rounds.log"))
    [record] = wipe_evidence.assign(world["tech_a"], evidence, {"/dev/loop1": device.media[0].id})
    assert (record.passes, record.rounds, record.blanking) == (3, 2, True)
    assert (record.verification, record.size_bytes) == ("last_pass", 8_388_608)
    # nwipe logged 09:18:10 on a machine in Paris, in November (UTC+1)
    assert record.started_at == datetime(2026, 11, 23, 8, 18, 10)
    assert record.finished_at == datetime(2026, 11, 23, 8, 18, 10)


def test_the_workshop_time_zone_is_the_one_configured(world, app):
    app.config["BABEL_DEFAULT_TIMEZONE"] = "America/Cayenne"  # UTC-3, a workshop in Guyane
    device = world.advance(world.register(capacity_gb=None), "received")
    evidence = wipe_evidence.upload(world["tech_a"], "z.log", _log("zero-one-drive.log"))
    [record] = wipe_evidence.assign(world["tech_a"], evidence, {"/dev/loop0": device.media[0].id})
    assert record.started_at == datetime(2026, 11, 23, 12, 18, 5)


def test_the_log_page_shows_passes_blanking_size_times_and_a_translated_verification(world, browser):
    evidence = wipe_evidence.upload(world["tech_a"], "dod.log", _log("dodshort-two-rounds.log"))
    db.session.commit()
    browser.login("tech_a@example.org")
    page = browser.client.get(f"/wipe-logs/{evidence.id}").text
    assert "passes : 3" in page or "passes: 3" in page
    assert "8,4 Mo" in page or "8,4 MB" in page
    assert "dernière passe vérifiée" in page and "last_pass" not in page
    assert "09:18" in page  # shown as the workshop's clock read it (Europe/Paris)


def test_the_device_page_shows_the_record_details(world, browser):
    device = world.advance(world.register(capacity_gb=None), "received")
    evidence = wipe_evidence.upload(world["tech_a"], "p.log", _log("prng-three-drives-one-failed.log"))
    wipe_evidence.assign(world["tech_a"], evidence, {"/dev/loop0": device.media[0].id})
    db.session.commit()
    browser.login("tech_a@example.org")
    page = browser.client.get(f"/d/{device.public_id}").text
    assert "toutes les passes vérifiées" in page and "all_passes" not in page
    assert "09:18" in page


def test_the_certificate_prints_the_log_details_and_its_sha256(world, app):
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/Paris"
    device = world.advance(world.register(capacity_gb=None), "received")
    evidence = wipe_evidence.upload(world["tech_a"], "dod.log", _log("dodshort-two-rounds.log"))
    wipe_evidence.assign(world["tech_a"], evidence, {"/dev/loop1": device.media[0].id})
    db.session.commit()
    text = _pdf_text(certificates.issue_for_device(world["tech_a"], device).content)
    flat = "".join(text.split())
    assert evidence.sha256 in flat
    for expected in ("3 passes × 2 tours + mise à zéro finale", "8,4 Mo", "dernière passe",
                     "23/11/2026 09:18 (Europe/Paris)", "conforme au journal"):
        assert expected in text, expected


def _pdf_text(content: bytes) -> str:
    """The PDF's text, its line breaks (where a table cell wraps) read as spaces."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())
